"""`paperbrief digest --config lab.toml`: one run, several readers (see docs/lab.md).

The sources are fetched once and the papers' relatedness (TF-IDF vectors, pairs, topics) is
computed once; each reader's plan then ranks the papers by the reader's profile and picks their
detailed top N and comparisons. What the plans pay for is merged first (the union of the papers
and pairs, each once) and run through one pipeline, so a takeaway or comparison several readers
read is paid for once; each reader's digest is then assembled from the cache. Every reader's
digest is delivered to each of its destinations; a failing destination is reported (stderr, the
exit status, the run's record) and does not stop the others.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path
from typing import Any

from paperbrief import steps
from paperbrief.cli.common import embeddings, load, make_pipeline, report_budget, session
from paperbrief.cli.delivery import deliver
from paperbrief.errors import EXIT_OK, PaperbriefError, UsageError
from paperbrief.lab_config import LabConfig, Reader, load_lab_config
from paperbrief.models import Paper

log = logging.getLogger("paperbrief")

# options of a one-reader digest that a lab config sets per reader instead
PER_READER = ("out", "email", "feed", "feed_url", "interests", "template", "format")


class DeliveryFailures(PaperbriefError):
    """Some destinations failed (each named on stderr); the others were delivered."""


class _RedactingFilter(logging.Filter):
    def __init__(self, redactor: Any) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redactor.redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _check_args(args: Any) -> None:
    if args.sources:
        raise UsageError("--config takes the sources from the config file: give no SOURCE")
    for name in PER_READER:
        if getattr(args, name, None):
            raise UsageError(f"--{name.replace('_', '-')} is set per reader in the config file")
    if args.json or args.batch or args.batch_wait:
        raise UsageError("--config cannot be used with --json, --batch or --batch-wait")


def _check_readers(config: LabConfig, redactor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Profiles and mail settings per reader, checked before anything is fetched; every
    credential is read once (a missing one is exit 2 now) and handed to the redactor."""
    from paperbrief.atomic import check_output
    from paperbrief.deliver.feed import check_feed, check_feed_url
    from paperbrief.deliver.mail import parse_recipients, settings_from_env
    from paperbrief.relate.interests import load_profile

    profiles: dict[str, Any] = {}
    mail: dict[str, Any] = {}
    settings = None
    for reader in config.readers:
        profiles[reader.name] = load_profile(reader.interests) if reader.interests else None
        if reader.out:
            check_output(reader.out, f"reader {reader.name!r}: out")
        if reader.feed:
            try:
                check_feed(str(reader.feed))
                if reader.feed_url:
                    check_feed_url(reader.feed_url)
            except UsageError as exc:
                raise UsageError(f"reader {reader.name!r}: {exc}") from None
        for destination in reader.destinations:
            for secret in destination.secrets.values():
                redactor.add(secret.reveal())
        if reader.email:
            settings = settings or settings_from_env()
            mail[reader.name] = (settings, parse_recipients(",".join(reader.email)))
    return profiles, mail


def _union(plans: list[Any], uses_llm: bool) -> tuple[list[Paper], list[tuple[Paper, Paper]]]:
    """Every paper and pair some reader's plan pays for, each once, in first-seen order."""
    papers: dict[str, Paper] = {}
    pairs: dict[tuple[str, str], tuple[Paper, Paper]] = {}
    for plan in plans:
        for p in plan.paid_papers(uses_llm):
            papers.setdefault(p.id, p)
        for a, b in plan.pairs:
            pairs.setdefault((a.id, b.id), (a, b))
    return list(papers.values()), list(pairs.values())


def _profile_texts(config: LabConfig, profiles: dict[str, Any], papers: list[Paper],
                   store: Any, fetch: Any) -> list[str]:
    """Every reader's profile texts, embedded with the papers in one go (then each reader's
    ranking finds them in the cache instead of asking once per reader)."""
    from paperbrief.relate.ranking import profile_texts, resolve_liked

    texts: list[str] = []
    for reader in config.readers:
        profile = profiles[reader.name]
        if profile is not None:
            liked, _ = resolve_liked(profile, papers, store.get_paper, fetch)
            texts += profile_texts(profile, liked)
    return list(dict.fromkeys(texts))


def digest_link(reader: Reader, default: str | None, period: str) -> str | None:
    """The full digest's URL for chat messages: `{reader}` and `{period}` are filled in."""
    from paperbrief.atomic import _UNSAFE

    url = reader.digest_url or default
    if not url:
        return None
    name = _UNSAFE.sub("-", period).strip("-.") or "digest"
    return url.replace("{reader}", reader.name).replace("{period}", name)


def run_lab(args: Any) -> int:
    """The lab run; raises DeliveryFailures (exit 1) when a destination failed."""
    from paperbrief import windows
    from paperbrief.deliver.chat.send import Redactor
    from paperbrief.digest.build import build_digest, plan_digest

    _check_args(args)
    config = load_lab_config(args.config)
    redactor = Redactor()
    profiles, mail = _check_readers(config, redactor)
    redacting = _RedactingFilter(redactor)
    for handler in log.handlers:
        handler.addFilter(redacting)
    args.sources = config.sources
    papers, period, warnings = load(args)
    period = steps.period_of(papers, period)
    label = windows.file_label(period)  # ISO file names, as a one-reader run writes them
    targets = {r.name: _target(r, label, papers) for r in config.readers if r.out}
    failures: list[str] = []
    with session(args, "digest") as (store, run_id):
        store.save_papers(papers)
        pipeline = make_pipeline(args, store, run_id, total=len(papers))
        from paperbrief.relate.plan import make_plan

        # one relatedness plan for every reader (relate.plan): with an API key by the papers'
        # embeddings, every reader's profile texts embedded with them in one go (cached in the
        # store), else TF-IDF; the learned ranking's features are fitted once for all readers
        embed = embeddings(args, pipeline, store)
        fetch = steps.fetch_liked(store)  # one for the run: arXiv is asked once per set of ids
        texts = _profile_texts(config, profiles, papers, store, fetch) \
            if embed is not None and papers else []
        relatedness = make_plan(papers, embed=embed, texts=texts, cache=store)
        plans = {
            r.name: plan_digest(papers, profile=profiles[r.name], top=r.top,
                                llm_all=args.llm_all, lookup=store.get_paper,
                                fetch=fetch, relatedness=relatedness,
                                embed=embed, marks=_marks(store, r.name))
            for r in config.readers
        }
        union_papers, union_pairs = _union(list(plans.values()), pipeline.uses_llm)
        log.info("%d reader(s): %d takeaway(s) and %d comparison(s) to write, once each",
                 len(config.readers), len(union_papers), len(union_pairs))
        pipeline.run(union_papers, union_pairs)
        pipeline.refresh = False  # paid for just now: the readers' digests read the cache
        for reader in config.readers:
            digest = build_digest(papers, period, pipeline, warnings=warnings,
                                  plan=plans[reader.name], profile=profiles[reader.name],
                                  top=reader.top, llm_all=args.llm_all)
            failures += _deliver_reader(args, config, reader, digest, mail.get(reader.name),
                                        targets.get(reader.name), store, run_id, redactor)
        stats = pipeline.stats(len(papers), warnings=warnings)
        summary = "; ".join(failures)
        store.finish_run(run_id, "failed" if failures else "ok", stats,
                         error=summary or None)
    report_budget(pipeline)
    if failures:
        raise DeliveryFailures(f"{len(failures)} destination(s) failed: {summary}")
    return EXIT_OK


def _target(reader: Reader, period: str, papers: list[Paper]) -> Any:
    """The reader's digest file, checked before any work (as `--out` is)."""
    from paperbrief.atomic import output_path, writable_file
    from paperbrief.deliver.overwrite import check_replaceable

    assert reader.out is not None
    suffix = ".html" if reader.format == "html" else ".md"
    option = f"reader {reader.name!r}: out"
    named = output_path(reader.out, period, suffix)
    target = writable_file(named, option)
    if named != Path(reader.out).expanduser():  # a folder: never another period's digest, silently
        check_replaceable(target, papers, option)
    return target


def _deliver_reader(args: Any, config: LabConfig, reader: Reader, digest: Any, mail: Any,
                    target: Any, store: Any, run_id: int, redactor: Any) -> list[str]:
    """Write and deliver one reader's digest; a line per failed destination."""
    from paperbrief.atomic import write_atomic
    from paperbrief.deliver.chat.compose import chat_digest, messages_for
    from paperbrief.deliver.chat.outbox import deliver_chat
    from paperbrief.digest.render import render_digest
    from paperbrief.digest.render_html import render_html_digest

    failures: list[str] = []
    render = render_html_digest if reader.format == "html" else render_digest
    text = render(digest, None, reader.top, reader.rest)
    if target is not None:
        try:
            write_atomic(target, text)
            log.info("%s: wrote %s", reader.name, target)
        except PaperbriefError as exc:
            failures.append(f"{reader.name}: out: {exc}")
            target = None
    own = copy.copy(args)
    own.json, own.template, own.top, own.rest = False, None, reader.top, reader.rest
    own.feed = str(reader.feed) if reader.feed else None
    own.feed_url = reader.feed_url
    # the mail's identity (digest_identity): the lab's sources and this reader's profile, so
    # two readers with their own profiles are two digests for one address
    own.sources = list(config.sources)
    own.interests = str(reader.interests) if reader.interests else None
    try:
        failure = deliver(own, digest, reader.format, text, target, mail, store, run_id)
    except PaperbriefError as exc:
        failure = exc
    if failure is not None:
        failures.append(f"{reader.name}: {failure}")
    if reader.destinations:
        link = digest_link(reader, getattr(args, "digest_url", None) or config.digest_url,
                           digest.period.label)
        cd = chat_digest(digest, reader.name, reader.top, link)
        for destination in reader.destinations:
            try:
                sent = deliver_chat(store, run_id, destination, digest.period.label,
                                    lambda d=destination: messages_for(d.kind, cd),
                                    redactor=redactor, resend=args.resend)
                if sent:
                    log.info("%s: %s delivered (%d message(s))", reader.name, destination.kind,
                             sent)
            except PaperbriefError as exc:
                failures.append(redactor.redact(f"{reader.name}: {destination.kind}: {exc}"))
    for line in failures:
        log.error("%s", line)
    return failures


def _marks(store: Any, reader: str) -> tuple[list[Paper], list[Paper]] | None:
    """A reader's likes and dislikes (issue 25: `paperbrief like ID --reader NAME`), when there
    are enough likes to learn a ranking from; their profile still counts beside them."""
    from paperbrief.relate.learned_rank import MIN_LIKES

    marks = store.get_marks(reader)
    likes = [m.paper for m in marks if m.mark == "like" and m.paper is not None]
    dislikes = [m.paper for m in marks if m.mark == "dislike" and m.paper is not None]
    return (likes, dislikes) if len(likes) >= MIN_LIKES else None
