"""`paperbrief serve`: a local page to search remembered papers, like or dislike them, compare two.

Flask (a maintained small framework) on 127.0.0.1 by default, answering only requests addressed
to a loopback name (no DNS rebinding). Any other address needs a token:
the first request carries `?token=…`, which then lives in an HttpOnly, SameSite=Strict cookie.
Every state-changing request is a POST carrying this server's CSRF token (a random value made at
start, put in each form; another site cannot read it) and, when the browser sends one, an Origin
of this server. Every text is escaped by Jinja2's autoescape; the pages load no script and send a
Content-Security-Policy that forbids any.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from paperbrief.errors import UsageError

TOKEN_COOKIE = "paperbrief_token"
MAX_QUERY = 200
PAGE_SIZE = 50
CSP = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} · paperbrief</title>
<style>body{font:15px/1.45 system-ui,sans-serif;max-width:52rem;margin:1rem auto;padding:0 1rem}
.paper{border-top:1px solid #ddd;padding:.5rem 0}.meta{color:#666;font-size:.85em}
form.inline{display:inline}button{margin-right:.3rem}.liked{color:#070}.disliked{color:#a00}
</style></head><body>
<nav><a href="{{ url('index') }}">Digests</a> ·
<form class="inline" method="get" action="{{ url('search') }}">
<input name="q" value="{{ query }}" placeholder="search remembered papers" size="30">
<button id="search">Search</button></form> · reader: {{ reader }}</nav>
<h1>{{ title }}</h1>
{% if message %}<p id="message">{{ message }}</p>{% endif %}
{% if periods is not none %}<ul id="digests">{% for period, n in periods %}
<li><a href="{{ url('digest', period=period) }}">{{ period }}</a> ({{ n }} papers)</li>
{% else %}<li>No digest yet.</li>{% endfor %}</ul>{% endif %}
{% if comparison %}<div id="comparison"><p><b>{{ comparison.summary }}</b></p>
<p>Shared: {{ comparison.shared_ground }}</p><ul>{% for d in comparison.differences %}
<li>{{ d.aspect }}: A {{ d.a }} — B {{ d.b }}</li>{% endfor %}</ul>
<p>A when {{ comparison.prefer_a_when }}; B when {{ comparison.prefer_b_when }}</p></div>{% endif %}
{% if papers is not none %}
<form id="compare" method="get" action="{{ url('compare') }}"></form>
{% for p in papers %}<div class="paper" id="paper-{{ loop.index }}" data-id="{{ p.id }}">
<div class="title">{{ p.display_title }}</div>
<div class="meta">{{ p.id }}{% if p.authors %} · {{ p.authors[:3] | join(', ') }}{% endif %}
{% if marks.get(p.id) %} · <span class="{{ marks[p.id] }}d mark">{{ marks[p.id] }}d</span>
{% endif %}</div>
<div>{{ p.abstract[:400] }}{% if p.abstract|length > 400 %}…{% endif %}</div>
{% for action, label in (("like", "More like this"), ("dislike", "Not for me"),
                         ("unmark", "Unmark")) %}
<form class="inline" method="post" action="{{ url('mark') }}">
<input type="hidden" name="csrf" value="{{ csrf }}">
<input type="hidden" name="id" value="{{ p.id }}">
<input type="hidden" name="mark" value="{{ action }}">
<input type="hidden" name="next" value="{{ here }}">
<button class="{{ action }}">{{ label }}</button></form>{% endfor %}
<label><input type="checkbox" name="id" value="{{ p.id }}" form="compare"> compare with…</label>
</div>{% else %}<p>No paper.</p>{% endfor %}
{% if papers %}<button form="compare" id="compare-button">Compare the two ticked</button>{% endif %}
{% endif %}
</body></html>"""


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (127.0.0.0/8, ::1 or localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def create_app(db_path: Path, reader: str, token: str | None = None) -> Any:
    """The Flask application over the store at `db_path`, for `reader`; with `token`, every
    request must prove it knows the token."""
    try:
        from flask import Flask, abort, redirect, request, url_for
    except ImportError as exc:  # pragma: no cover - the serve extra is missing
        raise UsageError("paperbrief serve needs Flask: pip install 'paperbrief[serve]'") from exc
    from jinja2 import Environment

    from paperbrief.store.core import Store

    app = Flask("paperbrief.serve")
    csrf = secrets.token_urlsafe(32)
    env = Environment(autoescape=True)
    page = env.from_string(PAGE)
    app.config["CSRF"] = csrf

    def store() -> Store:
        return Store(db_path)

    @app.before_request
    def check_token() -> Any:
        if token is None:  # loopback only: a page of another name is DNS rebinding
            host = urlsplit("//" + request.host).hostname or ""
            if not is_loopback(host):
                abort(403, "this server answers to 127.0.0.1 and localhost only")
            return None
        given = request.args.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            abort(403, "this server needs its token: open the address with ?token=…")
        return None

    @app.after_request
    def headers(response: Any) -> Any:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if token is not None and request.args.get("token"):
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
        return response

    def render(title: str, **kw: Any) -> Any:
        values: dict[str, Any] = dict(papers=None, periods=None, comparison=None, marks={},
                                      message=None, query="")
        values.update(kw)
        return page.render(title=title, url=url_for, csrf=csrf, reader=reader,
                           here=request.full_path.rstrip("?"), **values)

    def marks_of(s: Store) -> dict[str, str]:
        return {m.paper_id: m.mark for m in s.get_marks(reader)}

    @app.get("/")
    def index() -> Any:
        with store() as s:
            return render("Digests", periods=s.seen_periods(reader))

    @app.get("/digest/<path:period>")
    def digest(period: str) -> Any:
        with store() as s:
            papers = s.seen_in_period(reader, period)
            if not papers:
                abort(404)
            return render(f"Digest {period}", papers=papers, marks=marks_of(s))

    @app.get("/search")
    def search() -> Any:
        query = request.args.get("q", "")[:MAX_QUERY]
        with store() as s:
            papers = s.search_papers(query, PAGE_SIZE)
            return render(f"Papers matching “{query}”" if query else "Remembered papers",
                          papers=papers, marks=marks_of(s), query=query)

    @app.get("/paper/<path:paper_id>")
    def paper(paper_id: str) -> Any:
        """One paper (the digest's 'more like this' / 'not for me' links land here: marking
        is a POST with this page's CSRF token, never the GET of a link)."""
        want = request.args.get("want", "")
        with store() as s:
            found = s.get_paper(paper_id)
            if found is None:
                abort(404)
            message = {"like": "Press “More like this” to like this paper.",
                       "dislike": "Press “Not for me” to dislike this paper."}.get(want)
            return render(found.display_title, papers=[found], marks=marks_of(s),
                          message=message)

    @app.get("/compare")
    def compare() -> Any:
        from paperbrief.engines.offline.engine import OfflineEngine

        ids = list(dict.fromkeys(request.args.getlist("id")))
        if len(ids) != 2:
            return render("Compare", message="Tick exactly two papers to compare.",
                          papers=[]), 400
        with store() as s:
            a, b = (s.get_paper(i) for i in ids)
        if a is None or b is None:
            abort(404)
        comparison = OfflineEngine().compare(a, b).value
        return render(f"{a.display_title} vs {b.display_title}", comparison=comparison,
                      papers=[a, b], marks={})

    @app.post("/mark")
    def mark() -> Any:
        given = request.form.get("csrf", "") or request.headers.get("X-CSRF-Token", "")
        if not hmac.compare_digest(given.encode(), csrf.encode()):
            abort(403, "missing or wrong CSRF token")
        origin = request.headers.get("Origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.host:
            abort(403, "cross-site request refused")
        paper_id, action = request.form.get("id", ""), request.form.get("mark", "")
        if action not in ("like", "dislike", "unmark"):
            abort(400, "mark must be like, dislike or unmark")
        with store() as s:
            if s.get_paper(paper_id) is None:
                abort(404, "no such paper in the store")
            if action == "unmark":
                s.remove_marks(reader, [paper_id])
            else:
                s.set_marks(reader, [paper_id], action)  # type: ignore[arg-type]
        target = request.form.get("next", "")
        if not target.startswith("/") or target.startswith("//"):
            target = url_for("index")  # never a redirect off this server
        return redirect(target, code=303)

    return app


def check_bind(host: str, token: str | None) -> None:
    """UsageError for a non-loopback address without a token."""
    if not is_loopback(host) and not token:
        raise UsageError(f"--host {host} is reachable from other machines: pass --token TOKEN "
                         "(or $PAPERBRIEF_SERVE_TOKEN), or serve on 127.0.0.1")
