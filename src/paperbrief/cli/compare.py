"""`paperbrief takeaway` and `paperbrief compare`: the takeaways of named papers (or of a whole
listing), and the comparison of two papers (or of one with its most related paper)."""

from __future__ import annotations

import argparse
import json
import sys

from paperbrief import steps
from paperbrief.cli.common import (
    embeddings,
    load,
    make_pipeline,
    out,
    plain_text,
    report_budget,
    session,
)
from paperbrief.errors import EXIT_OK, UsageError


def cmd_takeaway(args: argparse.Namespace) -> int:
    """Print the takeaways of the named papers, or of all of them."""
    from paperbrief.digest.render import render_takeaway
    from paperbrief.digest.render_text import render_text_takeaway
    from paperbrief.sources.references import parse_reference

    plain = plain_text(args)
    refs = [parse_reference(ref) for ref in args.refs]  # a malformed one: exit 2 at once
    if not refs and not args.sources:
        raise UsageError("name papers (arXiv ids or links), or pass --input SOURCE")
    listing = load(args)[0] if args.sources else None
    with session(args, "takeaway") as (store, run_id):
        chosen = steps.find(refs, listing, store, args.refresh) if refs else list(listing or [])
        store.save_papers(chosen)
        pipeline = make_pipeline(args, store, run_id, total=len(chosen))
        takeaways = pipeline.takeaways(chosen)
        for paper in chosen:
            t = takeaways[paper.id]
            if args.json:
                out(t.model_dump_json() + "\n")
            else:
                out(render_takeaway(t, paper) if not plain else render_text_takeaway(t, paper))
        store.finish_run(run_id, "ok", pipeline.stats(len(chosen), takeaways=len(takeaways)))
    report_budget(pipeline, "marked in the output")
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare two papers named by arXiv id, link or title fragment (or one with its nearest)."""
    from paperbrief.digest.render import render_comparison
    from paperbrief.digest.render_text import render_text_comparison
    from paperbrief.sources.references import check_distinct, parse_reference

    plain = plain_text(args)
    refs = [parse_reference(ref) for ref in (args.a, args.b) if ref is not None]
    check_distinct(refs)
    if len(refs) == 1 and not args.sources:
        raise UsageError(
            "compare with one paper needs --input SOURCE: the other paper is its most related "
            "paper there"
        )
    listing = load(args)[0] if args.sources else None
    with session(args, "compare") as (store, run_id):
        found = steps.find(refs, listing, store, args.refresh)
        pipeline = make_pipeline(args, store, run_id, total=1)
        # one paper named: its most related one (with a key, by the digest's embeddings)
        a, b, picked = steps.pair_to_compare(found, listing,
                                             lambda: embeddings(args, pipeline, store))
        if picked is not None:
            sys.stderr.write(f"paperbrief: {picked.explain()}\n")
        if a.id == b.id:
            raise UsageError(f"{args.a!r} and {args.b!r} name the same paper ({a.id})")
        store.save_papers([a, b])
        (comparison,) = pipeline.comparisons([(a, b)])
        usage = pipeline.report.usage
        if args.json:
            payload = comparison.model_dump(mode="json") | {"usage": usage.model_dump()}
            if picked is not None:
                payload["picked"] = picked.as_dict()
            out(json.dumps(payload, ensure_ascii=False) + "\n")
        else:
            out((render_text_comparison if plain else render_comparison)(comparison, a, b))
        store.finish_run(run_id, "ok", pipeline.stats(2, comparisons=1))
    report_budget(pipeline, "marked in the output")
    return EXIT_OK
