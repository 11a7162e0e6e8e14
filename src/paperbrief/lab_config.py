"""The lab configuration of `paperbrief digest --config lab.toml`: sources once, several readers.

    sources = ["hf:last-week", "arxiv:cs.CL"]   # anything `digest` takes as SOURCE
    digest_url = "https://lab.example/digests/"  # optional: chat messages link the full digest
    [[reader]]
    name = "ana"
    interests = "ana.toml"                       # relative to the config file
    top = 10
    out = "digests/ana/"
    email = ["ana@lab.example"]
    slack = { url_env = "LAB_SLACK_URL" }
    webhook = { url_env = "BEN_HOOK_URL", secret_env = "BEN_HOOK_SECRET" }

Parsed with the standard library's tomllib. Every mistake is an InputError (exit 2) naming the
file and the reader, raised before anything is fetched. Credentials (webhook URLs, bot tokens,
signing secrets) come from `*_env` (an environment variable) or `*_file` (a file holding it); one
written in the config itself is refused unless the config file is private (mode 0600).
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paperbrief.errors import InputError, UsageError

CHAT_KINDS = ("slack", "discord", "telegram", "webhook")
TOP_KEYS = {"sources", "reader", "digest_url", "rest", "format"}
READER_KEYS = {"name", "interests", "top", "rest", "format", "out", "email", "feed", "feed_url",
               "digest_url", "resend", *CHAT_KINDS}
# per destination: which credentials it takes (the first is required) and its plain settings
SECRETS = {"slack": ("url",), "discord": ("url",), "telegram": ("token",),
           "webhook": ("url", "secret")}
PLAIN = {"slack": set(), "discord": set(), "telegram": {"chat_id", "api_url"}, "webhook": set()}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Secret:
    """Where a credential is read from: never its value (read by `reveal`, when sending)."""

    env: str | None = None
    file: Path | None = None
    value: str | None = field(default=None, repr=False)

    @property
    def where(self) -> str:
        if self.env:
            return f"${self.env}"
        return str(self.file) if self.file else "the config file"

    def reveal(self) -> str:
        """The credential; an InputError naming where it should be (never its value)."""
        if self.value is not None:
            return self.value
        if self.env:
            text = os.environ.get(self.env, "").strip()
            if not text:
                raise UsageError(f"${self.env} is not set (a credential the lab config names)")
            return text
        assert self.file is not None
        try:
            text = self.file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(f"{self.file}: cannot read the credential: {exc.strerror}") from None
        if not text:
            raise UsageError(f"{self.file}: the credential file is empty")
        return text


@dataclass(frozen=True)
class Destination:
    """One chat destination of a reader: its kind, credentials and plain settings."""

    kind: str
    reader: str
    secrets: dict[str, Secret]
    settings: dict[str, str]

    @property
    def key(self) -> str:
        """The destination's name in the store and in messages: no credential in it, but the
        place it is read from, so a destination moved to another URL variable is a new one."""
        main = self.secrets[SECRETS[self.kind][0]]
        where = main.env or (main.file.name if main.file else "inline")
        chat = self.settings.get("chat_id")
        key = f"{self.reader}/{self.kind}:{where}" + (f":{chat}" if chat else "")
        return key.lower()  # the store keys deliveries in lower case


@dataclass
class Reader:
    name: str
    interests: Path | None = None
    top: int = 10
    rest: str = "takeaways"
    format: str = "markdown"
    out: str | None = None
    email: list[str] = field(default_factory=list)
    feed: Path | None = None
    feed_url: str | None = None
    digest_url: str | None = None
    destinations: list[Destination] = field(default_factory=list)


@dataclass
class LabConfig:
    path: Path
    sources: list[str]
    readers: list[Reader]
    digest_url: str | None = None

    def credentials(self) -> list[Secret]:
        return [s for r in self.readers for d in r.destinations for s in d.secrets.values()]


def _fail(path: Path, where: str, message: str) -> InputError:
    return InputError(f"{path}: {where}: {message}")


def _string(path: Path, where: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, where, f"{key} must be a non-empty string")
    return value.strip()


def _secret(path: Path, where: str, table: dict[str, Any], name: str, base: Path) -> Secret | None:
    env, file, clear = table.get(f"{name}_env"), table.get(f"{name}_file"), table.get(name)
    given = [v for v in (env, file, clear) if v is not None]
    if len(given) > 1:
        raise _fail(path, where, f"give one of {name}_env, {name}_file or {name}")
    if env is not None:
        return Secret(env=_string(path, where, f"{name}_env", env))
    if file is not None:
        return Secret(file=(base / _string(path, where, f"{name}_file", file)).resolve())
    if clear is not None:
        if not _private(path):
            raise _fail(path, where, f"{name} is a credential written in clear text in a file "
                        "others can read: use {name}_env or {name}_file, or chmod 600 the config"
                        .replace("{name}", name))
        return Secret(value=_string(path, where, name, clear))
    return None


def _private(path: Path) -> bool:
    """Whether only the owner may read the config file (mode 0600 or stricter)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_IMODE(mode) & 0o077)


def _destination(path: Path, reader: str, kind: str, table: Any, base: Path) -> Destination:
    where = f"reader {reader!r}, {kind}"
    if isinstance(table, str):
        # a bare string would be the URL or token itself: the same rule as `url = ...`
        table = {SECRETS[kind][0]: table}
    if not isinstance(table, dict):
        raise _fail(path, where, "expected a table such as { url_env = \"VARIABLE\" }")
    known = {f"{s}{suffix}" for s in SECRETS[kind] for suffix in ("", "_env", "_file")}
    unknown = set(table) - known - PLAIN[kind]
    if unknown:
        raise _fail(path, where, f"unknown key(s) {', '.join(sorted(unknown))}; "
                    f"known: {', '.join(sorted(known | PLAIN[kind]))}")
    secrets: dict[str, Secret] = {}
    for name in SECRETS[kind]:
        got = _secret(path, where, table, name, base)
        if got is not None:
            secrets[name] = got
    main = SECRETS[kind][0]
    if main not in secrets:
        raise _fail(path, where, f"needs {main}_env (an environment variable) or {main}_file")
    settings = {k: _string(path, where, k, str(table[k])) for k in PLAIN[kind] if k in table}
    if kind == "telegram" and "chat_id" not in settings:
        raise _fail(path, where, "needs chat_id (the chat, group or @channel to post to)")
    return Destination(kind, reader, secrets, settings)


def _reader(path: Path, n: int, table: Any, defaults: dict[str, Any]) -> Reader:
    if not isinstance(table, dict):
        raise _fail(path, f"reader {n}", "expected a [[reader]] table")
    name = table.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise _fail(path, f"reader {n}", "name must be letters, digits, '.', '_' or '-'")
    where = f"reader {name!r}"
    unknown = set(table) - READER_KEYS
    if unknown:
        raise _fail(path, where, f"unknown key(s) {', '.join(sorted(unknown))}")
    base = path.parent
    reader = Reader(name=name)
    if "interests" in table:
        reader.interests = (base / _string(path, where, "interests", table["interests"]))
        if not reader.interests.is_file():
            raise _fail(path, where, f"interests file {reader.interests} not found")
    top = table.get("top", 10)
    if not isinstance(top, int) or isinstance(top, bool) or top < 1:
        raise _fail(path, where, "top must be a whole number >= 1")
    reader.top = top
    reader.rest = table.get("rest", defaults.get("rest", "takeaways"))
    if reader.rest not in ("takeaways", "titles", "none"):
        raise _fail(path, where, "rest must be takeaways, titles or none")
    reader.format = table.get("format", defaults.get("format", "markdown"))
    if reader.format not in ("markdown", "html"):
        raise _fail(path, where, "format must be markdown or html")
    if "out" in table:
        out = _string(path, where, "out", table["out"])
        reader.out = os.path.join(base, out) + (os.sep if out.endswith(("/", os.sep)) else "")
    email = table.get("email", [])
    if isinstance(email, str):
        email = [email]
    if not isinstance(email, list) or not all(isinstance(e, str) for e in email):
        raise _fail(path, where, "email must be an address or a list of addresses")
    reader.email = email
    if "feed" in table:
        reader.feed = base / _string(path, where, "feed", table["feed"])
    if "feed_url" in table:
        reader.feed_url = _string(path, where, "feed_url", table["feed_url"])
    url = table.get("digest_url", defaults.get("digest_url"))
    reader.digest_url = _string(path, where, "digest_url", url) if url is not None else None
    for kind in CHAT_KINDS:
        if kind in table:
            reader.destinations.append(_destination(path, name, kind, table[kind], base))
    if not (reader.out or reader.email or reader.feed or reader.destinations):
        raise _fail(path, where, "no destination: give out, email, feed, "
                    f"{', '.join(CHAT_KINDS)}")
    return reader


def load_lab_config(raw: str | Path) -> LabConfig:
    """Read and check the lab config at `raw` (an InputError, exit 2, on any mistake)."""
    path = Path(raw).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"--config {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--config {path}: cannot read it: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise _fail(path, "top level", f"unknown key(s) {', '.join(sorted(unknown))}; "
                    f"known: {', '.join(sorted(TOP_KEYS))}")
    sources = data.get("sources")
    if isinstance(sources, str):
        sources = [sources]
    if not sources or not isinstance(sources, list) or not all(
        isinstance(s, str) and s.strip() for s in sources
    ):
        raise _fail(path, "sources", "expected a list of sources, e.g. [\"hf:last-week\"]")
    base = path.parent
    # a file source is relative to the config file; a live spec (hf:..., arxiv:...) is kept
    resolved = [s if _is_spec(s) else str(base / s) for s in sources]
    readers_raw = data.get("reader")
    if not isinstance(readers_raw, list) or not readers_raw:
        raise _fail(path, "reader", "expected at least one [[reader]] table")
    readers = [_reader(path, n, t, data) for n, t in enumerate(readers_raw, 1)]
    names = [r.name for r in readers]
    for name in names:
        if names.count(name) > 1:
            raise _fail(path, f"reader {name!r}", "two readers have this name")
    url = data.get("digest_url")
    return LabConfig(path, resolved, readers,
                     _string(path, "digest_url", "digest_url", url) if url else None)


def _is_spec(source: str) -> bool:
    from paperbrief.sources.live import is_live

    return is_live(source) or source == "-"
