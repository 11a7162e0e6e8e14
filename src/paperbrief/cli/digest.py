"""`paperbrief digest`: the digest of one or more sources, written to stdout or --out, then
delivered (feed, mail); with --config, a digest per reader of a lab (paperbrief.cli.lab)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from paperbrief import steps
from paperbrief.cli.common import (
    embeddings,
    load,
    make_pipeline,
    offline_only,
    out,
    report_budget,
    session,
)
from paperbrief.cli.delivery import check_delivery, deliver
from paperbrief.cli.marks import seen_and_marks, serve_url_option
from paperbrief.errors import EXIT_OK, OutputError, UsageError
from paperbrief.redact import strip_userinfo

log = logging.getLogger("paperbrief")


def digest_format(args: argparse.Namespace) -> str:
    """'markdown' or 'html': --format, else by the extension of --out."""
    if args.json and args.format:
        raise UsageError("--json and --format cannot be used together")
    if args.format:
        return str(args.format)
    out = str(args.out or "").lower()
    return "html" if out.endswith((".html", ".htm")) else "markdown"


def cmd_digest(args: argparse.Namespace) -> int:
    """Write the digest (Markdown or HTML) of one or more sources."""
    if args.config is not None:  # several readers: paperbrief.cli.lab
        from paperbrief.cli.lab import run_lab

        return run_lab(args)
    if not args.sources:
        raise UsageError("digest needs a SOURCE (or --config LAB.toml)")
    offline = offline_only(args)
    if not offline:  # first, beside this thread's work
        # openai: about a second, while the listing is read
        steps.preload("paperbrief.engines.llm.engine")
    fmt, mail, batch, profile = _checked(args, offline)
    serve_url = serve_url_option(args.serve_url)
    # offline, scikit-learn's import for the plan starts now, in a child on the other core, while
    # this process reads the listing (with a profile, ranking needs the TF-IDF space here)
    relater = steps.relate_process() if offline and profile is None else None
    papers, period, warnings = load(args)
    period = steps.period_of(papers, period)
    target = _target(args, fmt, period, papers)
    with session(args, "digest") as (store, run_id):
        store.save_papers(papers)
        # issue 25: the reader's marks, and the papers they saw before
        papers, reader, seen, marks = seen_and_marks(args, store, papers, period)
        pipeline = make_pipeline(args, store, run_id, total=len(papers) * 3 // 2)
        # once openai is imported (the first requests' CPU work done), scikit-learn's import
        # runs in a child on the other core, while the first answers are awaited
        if relater is None and pipeline.uses_llm:
            relater = steps.relate_process()
        modes: list[Any] = []  # the batch mode, once the plan says what to send

        def submit(plan: Any) -> None:
            modes.append(_batch_mode(args, pipeline, store, run_id, plan))

        # live: planning overlaps the first takeaways being paid for; a batch needs it first
        digest = steps.digest_of(
            papers, period, pipeline, store, warnings=warnings, profile=profile, top=args.top,
            llm_all=args.llm_all, embed=embeddings(args, pipeline, store),
            relater=relater.relate if relater is not None else None, marks=marks,
            not_detailed=seen.seen_before if seen else (), prepare=submit if batch else None,
        )
        mode = modes[0] if modes else None
        if seen is not None:
            from paperbrief.relate.seen import annotate

            annotate(digest, seen)
        digest.serve_url = serve_url
        if relater is not None:
            relater.close()  # ended if unused (e.g. a plan given, or made before)
        if mode is not None:
            mode.finish(digest.stats, pipeline.report)
        text = _text(digest, args, fmt)
        if target is not None:
            from paperbrief.atomic import write_atomic

            write_atomic(target, text)
            log.info("wrote %s (%d papers)", target, len(papers))
        else:
            out(text)
        if mail is not None and digest.stats.provisional:
            log.info("not mailed yet: the digest is provisional (the run that collects mails it)")
            mail = None  # mailed once per period: the full digest, not the stand-ins
        if reader is not None:  # what this reader now saw in detail
            store.record_seen(reader, [p for p in papers if p.id in set(digest.detailed or [])],
                              period.label, period.start, period.end)
        failure = deliver(args, digest, fmt, text, target, mail, store, run_id)
        store.finish_run(run_id, "failed" if failure else "ok", digest.stats,
                         error=strip_userinfo(str(failure)) if failure else None)
    report_budget(pipeline)
    if not papers:
        log.info("no papers in %s", period.label)
    if failure:
        raise failure
    return EXIT_OK


def _checked(args: argparse.Namespace, offline: bool) -> tuple[str, Any, bool, Any]:
    """(format, mail settings, batch?, interests profile): every option that can be wrong,
    checked before any fetching or paying."""
    from paperbrief.atomic import check_output

    if args.template is not None and not args.template.is_file():
        raise UsageError(f"--template {args.template}: no such file")
    fmt = digest_format(args)
    if args.out is None and sys.stdout is None:
        raise OutputError("standard output is closed (write to a file with --out)")
    if args.template is not None and not args.json:  # compiled before any fetching or paying
        from paperbrief.digest.render import check_template
        from paperbrief.digest.render_html import check_html_template

        (check_html_template if fmt == "html" else check_template)(args.template)
    if args.out is not None:
        check_output(args.out)
    mail = check_delivery(args)
    batch = bool(args.batch or args.batch_wait)
    if batch and offline:
        raise UsageError(
            "--batch needs the LLM engine: set OPENAI_API_KEY or OPENAI_BASE_URL (not --offline)"
        )
    profile = steps.read_profile(args.interests)  # a malformed one fails before any fetching
    return fmt, mail, batch, profile


def _target(args: argparse.Namespace, fmt: str, period: Any, papers: list[Any]) -> Path | None:
    """The file --out names (DIR/ gets its file name from the period), checked before paying;
    None for standard output."""
    if args.out is None:
        return None
    from paperbrief import windows
    from paperbrief.atomic import output_path, writable_file
    from paperbrief.deliver.output_guard import guard_outputs
    from paperbrief.deliver.overwrite import check_replaceable

    suffix = ".json" if args.json else ".html" if fmt == "html" else ".md"
    named = output_path(args.out, windows.file_label(period), suffix)  # ISO dates
    target = writable_file(named, "--out")
    guard_outputs(args, target)
    if named != Path(args.out).expanduser():
        check_replaceable(target, papers)  # never another period's digest, silently
    return target


def _text(digest: Any, args: argparse.Namespace, fmt: str) -> str:
    """The digest as --json, HTML or Markdown (jinja2's templates imported after the work)."""
    if args.json:
        return str(digest.model_dump_json(indent=2)) + "\n"
    if fmt == "html":
        from paperbrief.digest.render_html import render_html_digest

        return render_html_digest(digest, args.template, args.top, args.rest)
    from paperbrief.digest.render import render_digest

    return render_digest(digest, args.template, args.top, args.rest)


def _batch_mode(args: argparse.Namespace, pipeline: Any, store: Any, run_id: int, plan) -> Any:
    """Collect finished batches, submit what is missing (see paperbrief.run.batching), and switch
    the pipeline to the engine that answers from batches (only what the digest pays for: the
    detailed papers and their comparisons, unless --llm-all)."""
    from paperbrief.run.batching import BatchMode
    from paperbrief.run.pipeline import Budget

    if not pipeline.uses_llm:
        raise UsageError("--batch needs the LLM engine (set OPENAI_API_KEY or OPENAI_BASE_URL)")
    mode = BatchMode(
        pipeline.engine,
        store,
        run_id,
        refresh=args.refresh,
        poll=args.batch_poll,
        cooldown=pipeline.failure_cooldown,
        budget=pipeline.budget,
    )
    mode.prepare(plan.paid_papers(True), plan.pairs, wait=args.batch_wait)
    pipeline.engine = mode.engine(pipeline.offline)
    pipeline.refresh = False  # --refresh went into the batch; its answers are in the cache now
    if not mode.asks_live:  # the budget went into the batch; stand-ins cost nothing
        pipeline.budget = Budget()
    return mode



