"""The `like`, `dislike`, `unmark` and `marks` commands, and the reader's marks other commands
use (`digest` and `rank`).

Marks are written straight to the store (each one a committed transaction), without the run
lock: marking a paper never waits for a digest that is being paid for.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from paperbrief import steps
from paperbrief.cli.common import load, out
from paperbrief.errors import EXIT_OK, InputError, UsageError
from paperbrief.models import Paper

log = logging.getLogger("paperbrief")


def open_store(args: Any) -> Any:
    """The store named by --db (or the default one), opened."""
    from paperbrief.store.core import Store, default_db_path

    return Store(Path(args.db) if args.db else default_db_path())


def _mark(args: Any, mark: str) -> int:
    from paperbrief.marks import reader_name
    from paperbrief.sources.references import parse_reference

    reader = reader_name(args.reader)
    refs = [parse_reference(ref) for ref in args.refs]  # a malformed one: exit 2 at once
    listing = load(args)[0] if args.sources else None
    with open_store(args) as store:  # in the listing, else the store, else fetched from arXiv
        found = steps.find(refs, listing, store)
        store.save_papers(list({p.id: p for p in [*(listing or []), *found]}.values()))
        store.set_marks(reader, [p.id for p in found], mark)  # type: ignore[arg-type]
    verb = "liked" if mark == "like" else "disliked"
    for paper in found:
        out(f"{verb} {paper.id}  {paper.display_title}\n")
    return EXIT_OK


def cmd_like(args: Any) -> int:
    """Like papers (by arXiv id, link or title fragment): more like these in the next ranking."""
    return _mark(args, "like")


def cmd_dislike(args: Any) -> int:
    """Dislike papers (by arXiv id, link or title fragment): fewer like these from now on."""
    return _mark(args, "dislike")


def cmd_unmark(args: Any) -> int:
    """Forget your like or dislike of papers."""
    from paperbrief.marks import reader_name, resolve_marked
    from paperbrief.sources.references import parse_reference

    reader = reader_name(args.reader)
    with open_store(args) as store:
        ids = resolve_marked(args.refs, store.get_marks(reader), parse_reference)
        removed = store.remove_marks(reader, ids)
    for pid in ids:
        out(f"unmarked {pid}\n" if pid in removed else f"{pid} was not marked\n")
    return EXIT_OK


def cmd_marks(args: Any) -> int:
    """List your likes and dislikes; export them to or import them from a JSON file."""
    from paperbrief.marks import export_marks, mark_as_dict, parse_export, read_export, reader_name

    if args.export is not None and args.import_file is not None:
        raise UsageError("--export and --import: one at a time")
    reader = None if args.all_readers else reader_name(args.reader)
    with open_store(args) as store:
        if args.import_file is not None:
            items = parse_export(read_export(args.import_file), str(args.import_file))
            if args.reader is not None:  # imported under the reader named here
                items = [(reader or i[0], *i[1:]) for i in items]  # type: ignore[misc]
            papers = [p for *_, p in items if p is not None and store.get_paper(p.id) is None]
            missing = [pid for _, pid, _, _, p in items
                       if p is None and store.get_paper(pid) is None]
            if missing:
                raise InputError(f"{args.import_file}: no paper text for {', '.join(missing[:5])} "
                                 "(neither in the file nor in the store)")
            store.save_papers(papers)
            for r, pid, mark, marked, _ in items:
                store.set_marks(r, [pid], mark, marked)  # type: ignore[arg-type]
            sys.stderr.write(f"paperbrief: imported {len(items)} marks\n")
            return EXIT_OK
        marks = store.get_marks(reader)
    if args.export is not None:
        text = export_marks(marks)
        if str(args.export) == "-":
            out(text)
        else:
            from paperbrief.atomic import write_atomic

            write_atomic(args.export.expanduser(), text)
            sys.stderr.write(f"paperbrief: exported {len(marks)} marks to {args.export}\n")
        return EXIT_OK
    for m in marks:
        if args.json:
            row = mark_as_dict(m)
            row.pop("paper")
            out(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            who = f"{m.reader}: " if reader is None else ""
            out(f"{who}{m.mark:8} {m.paper_id}  {m.title}\n")
    return EXIT_OK


def reader_marks(args: Any) -> tuple[list[Paper], list[Paper]]:
    """The reader's liked and disliked papers from the store (none when it does not exist)."""
    from paperbrief.marks import reader_name
    from paperbrief.store.core import default_db_path

    reader = reader_name(getattr(args, "reader", None))
    db_path = Path(args.db) if args.db else default_db_path()
    if not db_path.is_file():
        return [], []
    with open_store(args) as store:
        marks = store.get_marks(reader)
    likes = [m.paper for m in marks if m.mark == "like" and m.paper is not None]
    dislikes = [m.paper for m in marks if m.mark == "dislike" and m.paper is not None]
    return likes, dislikes


def remember(args: Any, papers: list[Paper]) -> None:
    """Keep the listing's papers in the store (a later mark then needs no fetch)."""
    if papers:
        with open_store(args) as store:
            store.save_papers(papers)


def seen_and_marks(args: Any, store: Any, papers: list[Paper], period: Any
                   ) -> tuple[list[Paper], str | None, Any, Any]:
    """For `digest`: (the papers to use, the reader, what they saw before, their marks).

    `--seen hide` leaves the papers seen before out; `--seen again` ignores what was seen (and
    then records nothing new either way: the reader is still recorded)."""
    from paperbrief.marks import reader_name
    from paperbrief.relate.seen import SeenCheck, check_seen

    reader = reader_name(getattr(args, "reader", None))
    marks = store.get_marks(reader)
    likes = [m.paper for m in marks if m.mark == "like" and m.paper is not None]
    dislikes = [m.paper for m in marks if m.mark == "dislike" and m.paper is not None]
    seen = check_seen(store, reader, papers, period) if args.seen != "again" else SeenCheck()
    if args.seen == "hide" and seen.seen_before:
        hidden = set(seen.seen_before)
        log.info("left out %d papers seen before", len(hidden))
        papers = [p for p in papers if p.id not in hidden]
        seen = SeenCheck(updated=seen.updated)
    return papers, reader, seen, (likes, dislikes) if len(likes) >= 2 else None


def serve_url_option(url: str | None) -> str | None:
    """--serve-url checked: an http(s) address, without a trailing slash."""
    if url is None:
        return None
    from paperbrief.safe_text import web_url

    checked = web_url(url)
    if checked is None or any(c in checked for c in "?#"):
        raise UsageError(f"--serve-url {url!r}: an http(s) address such as "
                         "http://127.0.0.1:8025 is needed")
    return checked.rstrip("/")
