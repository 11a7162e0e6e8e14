"""`paperbrief rank`: the papers of a listing ranked by the reader's interests profile, or by a
ranking learned from their likes and dislikes (issue 25), with reasons (no chat-model calls)."""

from __future__ import annotations

import argparse
import json
import logging
from typing import Any

from paperbrief import steps
from paperbrief.cli.common import load, out, session
from paperbrief.cli.marks import open_store, reader_marks, remember
from paperbrief.errors import EXIT_OK, UsageError
from paperbrief.models import Paper

log = logging.getLogger("paperbrief")


def cmd_rank(args: argparse.Namespace) -> int:
    """Rank papers by relevance to your interests profile, with reasons (no chat-model calls)."""
    from paperbrief.relate.interests import default_profile_path
    from paperbrief.relate.learned_rank import MIN_LIKES
    from paperbrief.relate.ranking import rank_listing, ranked_as_dict

    # a malformed profile fails before any fetch; terms that cannot match are logged
    profile = steps.find_and_load_profile(args.interests)
    likes, dislikes = reader_marks(args)
    if profile is None and len(likes) < MIN_LIKES:
        raise UsageError(
            "rank needs an interests profile (--interests FILE, $PAPERBRIEF_INTERESTS or "
            f"{default_profile_path()}) or at least {MIN_LIKES} liked papers (paperbrief like ID)"
        )
    papers, _, _ = load(args)
    embedder = steps.rank_embedder(args.offline, args.embedding_model, args.base_url)
    if len(likes) >= MIN_LIKES:  # a ranking learned from the marks (issue 25)
        ranked, warnings = rank_marked(args, papers, likes, dislikes, profile, embedder), []
    elif embedder is None:
        ranked, warnings = rank_listing(
            papers, profile,  # type: ignore[arg-type]  # None only with MIN_LIKES likes
            lookup=steps.paper_lookup(args.db), fetch=steps.fetch_liked(None),
        )
    else:
        with session(args, "rank") as (store, run_id):
            embedder.call_log = lambda call: store.log_call(run_id, call)
            ranked, warnings = rank_listing(
                papers, profile,  # type: ignore[arg-type]
                lookup=store.get_paper, fetch=steps.fetch_liked(store),
                embed=steps.embed_with(embedder, store, False),
            )
            store.finish_run(run_id, "ok")
    for warning in warnings:
        log.warning("%s", warning)
    for position, r in enumerate(ranked, 1):
        if args.json:
            out(json.dumps(ranked_as_dict(position, r), ensure_ascii=False) + "\n")
        else:
            out(
                f"{position:>4}. {r.score:6.3f}  {r.paper.id}  {r.paper.display_title}\n"
                f"{'':14}{r.reason}\n"
            )
    return EXIT_OK


def rank_marked(args: Any, papers: list[Paper], likes: list[Paper], dislikes: list[Paper],
                profile: Any, embedder: Any) -> list[Any]:
    """`rank` by a classifier learned from the marks: TF-IDF features, or embeddings through
    the store's cache (a recorded run) when there is an embedder."""
    from paperbrief.relate.learned_rank import (
        rank_with_marks,
        rank_with_marks_embedded,
        with_profile_likes,
    )

    likes = with_profile_likes(likes, profile, papers)  # the profile's papers count as likes
    if embedder is None:
        with open_store(args) as store:  # papers analysed before: their words are in the store
            if papers:  # kept in the store: a later mark then needs no fetch
                store.save_papers(papers)
            return rank_with_marks(papers, likes, dislikes, profile, cache=store)
    remember(args, papers)
    with session(args, "rank") as (store, run_id):
        embedder.call_log = lambda call: store.log_call(run_id, call)
        ranked = rank_with_marks_embedded(papers, likes, dislikes, profile,
                                          steps.embed_with(embedder, store, False))
        store.finish_run(run_id, "ok")
    return ranked
