"""`paperbrief serve`: the local page (paperbrief.serve) to search remembered papers, like or
dislike them and compare two, on loopback (any other address needs a token)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from paperbrief.errors import EXIT_OK, UsageError


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve a local page to search remembered papers, like or dislike them, and compare two."""
    import os

    from paperbrief.marks import reader_name
    from paperbrief.serve import check_bind, create_app
    from paperbrief.store.core import default_db_path

    token = args.token or os.environ.get("PAPERBRIEF_SERVE_TOKEN") or None
    check_bind(args.host, token)
    if not 0 < args.port < 65536:
        raise UsageError(f"--port {args.port}: not a port (1-65535)")
    app = create_app(Path(args.db) if args.db else default_db_path(), reader_name(args.reader),
                     token)
    from werkzeug.serving import make_server

    try:
        server = make_server(args.host, args.port, app, threaded=True)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc}") from exc
    sys.stderr.write(f"paperbrief: serving on http://{args.host}:{server.port}/ "
                     "(Ctrl-C stops)\n")
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return EXIT_OK



