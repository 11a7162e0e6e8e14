"""The `paperbrief` parser: every command, its options and the function that runs it, in one
place (the shared option groups and number types are in paperbrief.cli.options)."""

from __future__ import annotations

import argparse
from pathlib import Path

from paperbrief import __version__
from paperbrief.cli.compare import cmd_compare, cmd_takeaway
from paperbrief.cli.digest import cmd_digest
from paperbrief.cli.marks import cmd_dislike, cmd_like, cmd_marks, cmd_unmark
from paperbrief.cli.options import (
    EXIT_CODES,
    REF_HELP,
    Parser,
    add_command,
    add_embedding_option,
    add_engine_options,
    add_interests_option,
    add_output_options,
    add_reader_and_db,
    add_text_format_option,
    add_window_options,
    poll_seconds,
    positive_int,
    wait_seconds,
)
from paperbrief.cli.rank import cmd_rank
from paperbrief.cli.runs import cmd_runs
from paperbrief.cli.serve import cmd_serve


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="paperbrief",
        description="One-line takeaways, pairwise comparisons and a weekly Markdown digest "
        "of research papers. Sources are files (HF Daily Papers page or API JSON, arXiv "
        "Atom/RSS, JSONL) or live specs (hf:YYYY-MM-DD, hf:YYYY-Www, arxiv:CATEGORY, "
        "arxiv:search:QUERY).",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"paperbrief {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    d = add_command(sub, "digest", cmd_digest)
    d.add_argument("sources", nargs="*", metavar="SOURCE", help="file or live source spec")
    d.add_argument("--config", type=Path, metavar="LAB.toml",
                   help="a digest per reader of a lab: sources, readers, their profiles and "
                   "destinations (mail, Slack, Discord, Telegram, webhook) from this TOML file "
                   "(docs/lab.md)")
    d.add_argument("--digest-url", metavar="URL",
                   help="with --config: the full digest's URL chat messages link to "
                   "({reader} and {period} are filled in)")
    d.add_argument("--out", metavar="FILE|DIR",
                   help="write here (atomically); a directory gets PERIOD.md; default: stdout")
    d.add_argument("--top", type=positive_int, default=25, metavar="N",
                   help="papers shown in detail: 'For you' with a profile, else the most "
                   "upvoted, else the first N (default: 25)")
    d.add_argument("--rest", choices=("takeaways", "titles", "none"), default="takeaways",
                   help="the other papers: one line with a short takeaway (default), the title "
                   "only, or not listed")
    d.add_argument("--llm-all", action="store_true",
                   help="pay the LLM for every paper's takeaway, not only the detailed ones")
    add_interests_option(d)
    add_embedding_option(d)
    d.add_argument("--template", type=Path, metavar="FILE", help="jinja2 template to render with")
    d.add_argument("--json", action="store_true", help="print the Digest as JSON instead")
    d.add_argument("--format", choices=("markdown", "html"),
                   help="markdown or html (default: html when --out ends in .html or .htm)")
    d.add_argument("--reader", metavar="NAME",
                   help="whose likes rank the digest and whose papers seen before are not "
                   "detailed again (default: $PAPERBRIEF_READER or 'default')")
    d.add_argument("--serve-url", metavar="URL",
                   help="address of `paperbrief serve`: each detailed paper of the HTML digest "
                   "(and mail) links 'More like this' / 'Not for me' there")
    d.add_argument("--seen", choices=("show", "hide", "again"), default="show",
                   help="papers this reader saw in detail before: one line under 'Seen before' "
                   "(default), left out, or detailed again")
    g = d.add_argument_group("delivery")
    g.add_argument("--email", metavar="ADDR[,ADDR...]",
                   help="mail the digest (text + HTML) once per period to each address; "
                   "server from $PAPERBRIEF_SMTP_URL, sender from $PAPERBRIEF_MAIL_FROM")
    g.add_argument("--resend", action="store_true",
                   help="with --email (or --config): send again to addresses and chat "
                   "destinations that already had this period")
    g.add_argument("--feed", metavar="FILE",
                   help="keep an Atom feed of digests in FILE (one entry per period)")
    g.add_argument("--feed-url", metavar="URL",
                   help="the URL FILE is served at (absolute links and the feed's id)")
    b = d.add_argument_group("batch (OpenAI Batch API: half the price, answers within 24 h)")
    b.add_argument("--batch", action="store_true",
                   help="send uncached takeaways and comparisons as one batch and return at once; "
                   "a later run collects it (until then the digest is provisional)")
    b.add_argument("--batch-wait", action="store_true",
                   help="like --batch, but poll until the batch is done and write the full digest")
    b.add_argument("--batch-poll", type=poll_seconds, default=60.0, metavar="SECONDS",
                   help="seconds between polls with --batch-wait (default: 60)")

    t = add_command(sub, "takeaway", cmd_takeaway)
    t.add_argument("refs", nargs="*", metavar="REF", help=REF_HELP)
    t.add_argument("--input", "-i", nargs="+", metavar="SOURCE", dest="sources",
                   help="listing to take papers from (default: fetch the named papers from arXiv)")
    t.add_argument("--json", action="store_true", help="one JSON object per line")
    add_text_format_option(t)

    c = add_command(sub, "compare", cmd_compare)
    c.add_argument("a", metavar="A", help=REF_HELP)
    c.add_argument("b", metavar="B", nargs="?",
                   help="the other paper (default: A's most related paper in the --input listing)")
    c.add_argument("--input", "-i", nargs="+", metavar="SOURCE", dest="sources",
                   help="listing to find papers in (ids absent from it are fetched from arXiv)")
    c.add_argument("--json", action="store_true", help="print the Comparison as JSON")
    add_text_format_option(c)
    add_embedding_option(c)
    for paying in (d, t, c):
        add_window_options(paying)
        add_engine_options(paying)
        add_output_options(paying)

    k = add_command(sub, "rank", cmd_rank)
    k.add_argument("--input", "-i", nargs="+", required=True, metavar="SOURCE", dest="sources")
    k.add_argument("--json", action="store_true", help="one JSON object per line")
    k.add_argument("--db", type=Path,
                   help="database whose papers resolve liked arXiv ids and that caches "
                   "embeddings (default: $PAPERBRIEF_DB)")
    add_interests_option(k)
    add_embedding_option(k)
    k.add_argument("--offline", action="store_true",
                   help="rank by TF-IDF even if an API key is set (no embeddings calls)")
    k.add_argument("--base-url", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)")
    k.add_argument("--reader", metavar="NAME",
                   help="whose likes and dislikes train the ranking (default: $PAPERBRIEF_READER "
                   "or 'default'); with 2 likes or more, rank needs no profile")
    k.add_argument("--wait", type=wait_seconds, metavar="SECONDS",
                   help="with embeddings: wait up to SECONDS for another run's lock instead of "
                   "exiting 75")
    k.set_defaults(refresh=False)
    add_window_options(k)
    add_output_options(k)

    # like, dislike, unmark, marks (issue 25) and the local page
    for name, func in (("like", cmd_like), ("dislike", cmd_dislike)):
        p = add_command(sub, name, func)
        p.add_argument("refs", nargs="+", metavar="REF", help=REF_HELP)
        p.add_argument("--input", "-i", nargs="+", metavar="SOURCE", dest="sources",
                       help="listing to find papers in (ids found nowhere are fetched from arXiv)")
        add_reader_and_db(p)
        add_window_options(p)
        add_output_options(p)
    u = add_command(sub, "unmark", cmd_unmark)
    u.add_argument("refs", nargs="+", metavar="REF",
                   help="arXiv id or link, or a title fragment of a marked paper")
    add_reader_and_db(u)
    u.set_defaults(verbose=False, log=None)
    m = add_command(sub, "marks", cmd_marks)
    m.add_argument("--json", action="store_true", help="one JSON object per line")
    m.add_argument("--all-readers", action="store_true", help="every reader's marks")
    m.add_argument("--export", type=Path, metavar="FILE",
                   help="write the marks (with their papers) as one JSON file ('-': stdout)")
    m.add_argument("--import", type=Path, metavar="FILE", dest="import_file",
                   help="add the marks of an export (a mark of the same paper is replaced)")
    add_reader_and_db(m)
    m.set_defaults(verbose=False, log=None)
    s = add_command(sub, "serve", cmd_serve)
    s.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1; any other needs --token)")
    s.add_argument("--port", type=int, default=8025, help="port (default: 8025)")
    s.add_argument("--token", help="token other machines must give (default: "
                   "$PAPERBRIEF_SERVE_TOKEN); needed for an address other than loopback")
    add_reader_and_db(s)
    s.set_defaults(verbose=False, log=None)

    r = add_command(sub, "runs", cmd_runs)
    r.add_argument("--limit", type=positive_int, default=10, metavar="N")
    r.add_argument("--db", type=Path, help="SQLite database (default: $PAPERBRIEF_DB)")
    r.add_argument("--json", action="store_true", help="one JSON object per line")
    r.set_defaults(verbose=False, log=None)
    return parser
