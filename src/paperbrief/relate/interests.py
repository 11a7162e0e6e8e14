"""The reader's interests profile: a small TOML file, or a BibTeX / CSL JSON export of a library.

TOML (`interests.toml`)::

    description = "Fast inference for large language models."
    keywords = ["speculative decoding", "KV cache"]
    authors = ["Tri Dao"]
    papers = ["2205.14135", "Distilling the Knowledge in a Neural Network"]
    exclude = ["medical imaging"]

A BibTeX export (`.bib`, e.g. from Zotero, parsed by bibtexparser) or a CSL JSON export (`.json`)
is read as a list of liked papers: their titles and abstracts. Any malformed profile is an
InputError (exit 2) naming the file and the line.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from paperbrief.errors import InputError

ENV_VAR = "PAPERBRIEF_INTERESTS"
DEFAULT_NAME = "interests.toml"
TOML_KEYS = ("description", "keywords", "authors", "papers", "exclude")

_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv[:./\s]*|abs/|arXiv\.)(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
    re.I | re.ASCII,  # ASCII digits only: '٢٤٠١.٠١٢٣٤' is no arXiv id
)
_BARE_ARXIV = re.compile(
    r"^(?:arxiv:)?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$", re.I | re.ASCII
)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class LikedPaper:
    """A paper the reader likes: named by arXiv id or title, with its text when known."""

    ref: str  # what the profile said: an arXiv id or a title
    arxiv_id: str | None = None
    title: str = ""
    abstract: str = ""

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.abstract}".strip()

    @property
    def label(self) -> str:
        """How a reason names it: the arXiv id, else a short title."""
        if self.arxiv_id:
            return self.arxiv_id
        title = self.title or self.ref
        return title if len(title) <= 40 else title[:40].rsplit(" ", 1)[0] + "…"


@dataclass
class Profile:
    """What the reader cares about."""

    path: Path
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    papers: list[LikedPaper] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    # terms dropped (paperbrief.relate.profile_terms)
    warnings: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.description or self.keywords or self.authors or self.papers)


def default_profile_path() -> Path:
    """`interests.toml` in the user config dir (platformdirs), e.g. ~/.config/paperbrief/."""
    import platformdirs

    return Path(platformdirs.user_config_dir("paperbrief")) / DEFAULT_NAME


def find_profile(option: str | Path | None) -> Path | None:
    """The profile to use: --interests, else $PAPERBRIEF_INTERESTS, else the default if present.

    A file named by the option or the variable must exist (InputError otherwise); the default
    file is optional.
    """
    for value, origin in ((option, "--interests"), (os.environ.get(ENV_VAR), ENV_VAR)):
        if value:
            path = Path(value).expanduser()
            if not path.is_file():
                raise InputError(f"{origin} {value}: {_not_a_file(path)}")
            return path
    default = default_profile_path()
    return default if default.is_file() else None


def _not_a_file(path: Path) -> str:
    """Why `path` cannot be read as a profile: missing, or there but no regular file (a FIFO
    would block the run, a folder or device is no profile)."""
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return f"cannot read ({exc.strerror or exc})"
    kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device")
    return f"{kind}, not a regular file"


def load_profile(path: Path) -> Profile:
    """Read a TOML profile, a BibTeX export or a CSL JSON export (by extension, then content)."""
    from paperbrief.relate import profile_cache

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    cached = profile_cache.load(path, raw)  # a big export is parsed once per content
    if cached is not None:
        return cached
    profile = _parse(path, raw)
    profile_cache.save(path, raw, profile)
    return profile


def _parse(path: Path, raw: bytes) -> Profile:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: not UTF-8 text") from exc
    if "\x00" in text:
        raise InputError(f"{path}: binary file, not an interests profile")
    from paperbrief.relate.profile_terms import usable_profile

    kind = _kind(path, text)
    if kind == "bib":
        return usable_profile(_from_bibtex(path, text))
    if kind == "csl":
        return usable_profile(_from_csl_json(path, text))
    return usable_profile(_from_toml(path, text))


def _kind(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".bib", ".bibtex"):
        return "bib"
    if suffix == ".json":
        return "csl"
    if suffix == ".toml":
        return "toml"
    body = text.lstrip()
    if body.startswith(("[{", "{")) or (body.startswith("[") and body[1:].lstrip()[:1] == "{"):
        return "csl"
    if re.search(r"^\s*@\w+\s*[{(]", text, re.M):
        return "bib"
    return "toml"


# -- TOML -----------------------------------------------------------------------------------


def _key_line(text: str, key: str) -> int:
    """The line where `key` is assigned (1 when it cannot be found)."""
    m = re.search(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _from_toml(path: Path, text: str) -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = m.group(1) if m else "1"
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise InputError(f"{path}: line {line}: invalid TOML: {message}") from exc
    except RecursionError:
        raise InputError(f"{path}: line 1: invalid TOML: nested too deeply to read") from None
    except ValueError:  # 'Exceeds the limit (4300 digits) for integer string conversion'
        found = re.search(r"\d{1000,}", text)
        line = text.count("\n", 0, found.start()) + 1 if found else 1
        raise InputError(f"{path}: line {line}: invalid TOML: a number too long to read") from None
    for key in data:
        if key not in TOML_KEYS:
            raise InputError(
                f"{path}: line {_key_line(text, key)}: unknown key {key!r} "
                f"(expected {', '.join(TOML_KEYS)})"
            )
    description = data.get("description", "")
    if not isinstance(description, str):
        line = _key_line(text, "description")
        raise InputError(f"{path}: line {line}: description must be text")

    def strings(key: str) -> list[str]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            line = _key_line(text, key)
            raise InputError(f"{path}: line {line}: {key} must be a list of strings")
        return [" ".join(v.split()) for v in value if v.strip()]

    papers = [_liked_from_ref(ref) for ref in strings("papers")]
    profile = Profile(
        path=path,
        description=" ".join(description.split()),
        keywords=strings("keywords"),
        authors=strings("authors"),
        papers=papers,
        exclude=strings("exclude"),
    )
    if profile.is_empty:
        raise InputError(
            f"{path}: line 1: empty profile (give a description, keywords, authors or papers)"
        )
    return profile


def _liked_from_ref(ref: str) -> LikedPaper:
    m = _BARE_ARXIV.match(ref.strip()) or _ARXIV_IN_TEXT.search(ref)
    if m and (ref.strip().lower().startswith(("arxiv", "http")) or _BARE_ARXIV.match(ref.strip())):
        return LikedPaper(ref=ref, arxiv_id=m.group(1))
    return LikedPaper(ref=ref, title=ref)


# -- BibTeX ---------------------------------------------------------------------------------


def _from_bibtex(path: Path, text: str) -> Profile:
    import bibtexparser
    from bibtexparser import middlewares

    parser_log = logging.getLogger("bibtexparser")
    level = parser_log.level
    parser_log.setLevel(logging.CRITICAL)  # its warnings repeat what the error below says
    try:
        library = bibtexparser.parse_string(
            text, append_middleware=[middlewares.LatexDecodingMiddleware()]
        )
    except Exception as exc:  # the parser's own errors carry no line: report the file
        raise InputError(f"{path}: line 1: invalid BibTeX: {exc}") from exc
    finally:
        parser_log.setLevel(level)
    if library.failed_blocks:
        block = library.failed_blocks[0]
        error = getattr(block, "error", None)
        reason = getattr(error, "abort_reason", None) or str(error or "") or "malformed entry"
        reason = " ".join(reason.replace("`", "'").split())
        raise InputError(
            f"{path}: line {block.start_line + 1}: invalid BibTeX entry: {reason}"
        )
    papers = []
    for entry in library.entries:
        fields = {k.lower(): _clean(str(f.value)) for k, f in entry.fields_dict.items()}
        title = fields.get("title", "")
        if not title:
            raise InputError(
                f"{path}: line {entry.start_line + 1}: entry {entry.key!r} has no title"
            )
        arxiv_id = _arxiv_id_from(
            fields.get("eprint", "") if "arxiv" in fields.get("archiveprefix", "arxiv").lower()
            else "",
            fields.get("note", ""), fields.get("url", ""), fields.get("journal", ""),
            fields.get("doi", ""),
        )
        papers.append(
            LikedPaper(ref=entry.key, arxiv_id=arxiv_id, title=title,
                       abstract=fields.get("abstract", ""))
        )
    if not papers:
        raise InputError(f"{path}: line 1: no BibTeX entries")
    return Profile(path=path, papers=papers)


# -- CSL JSON -------------------------------------------------------------------------------


def _from_csl_json(path: Path, text: str) -> Profile:
    from paperbrief.sources.jsonl import loads_bounded

    try:
        data = loads_bounded(text, str(path))  # too deep or too long a number: an InputError
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: invalid JSON: {exc.msg}") from exc
    if isinstance(data, dict) and "items" in data:  # Zotero's citation-items wrapper
        data = data["items"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        raise InputError(f"{path}: line 1: expected a CSL JSON array of items")
    papers = []
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise InputError(f"{path}: line {_item_line(text, n)}: item {n} is not an object")
        item = item.get("itemData", item) if isinstance(item.get("itemData"), dict) else item
        raw_title = item.get("title")
        if raw_title is not None and not isinstance(raw_title, str):  # true, NaN, a list
            raise InputError(
                f"{path}: line {_item_line(text, n)}: item {n}'s title is "
                f"{json.dumps(raw_title)[:40]}, not text"
            )
        title = _clean(raw_title or "")
        if not title:
            raise InputError(f"{path}: line {_item_line(text, n)}: item {n} has no title")
        arxiv_id = _arxiv_id_from(
            *(_text(item.get(k)) for k in ("number", "note", "URL", "DOI", "archive_location"))
        )
        papers.append(
            LikedPaper(ref=str(item.get("id") or title), arxiv_id=arxiv_id, title=title,
                       abstract=_clean(_text(item.get("abstract"))))
        )
    return Profile(path=path, papers=papers)


def _text(value: object) -> str:
    """A CSL field that should be text: '' for anything else (a number, true, a list)."""
    return value if isinstance(value, str) else ""


def _item_line(text: str, n: int) -> int:
    """The line where the n-th top-level item of a JSON array starts (best effort)."""
    depth, count = 0, 0
    in_string = escaped = False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
            if depth == 1:
                count += 1
                if count == n:
                    return text.count("\n", 0, i) + 1
        elif ch in "[{":
            depth += 1
            if depth == 2:
                count += 1
                if count == n:
                    return text.count("\n", 0, i) + 1
        elif ch in "]}":
            depth -= 1
    return 1


# -- shared ---------------------------------------------------------------------------------


def _clean(value: str) -> str:
    """One line of plain text: HTML tags (CSL titles) and leftover TeX braces removed."""
    value = html.unescape(_TAG.sub("", value))
    value = value.replace("{", "").replace("}", "")
    return " ".join(value.split())


def _arxiv_id_from(*values: str) -> str | None:
    for value in values:
        if not value:
            continue
        m = _BARE_ARXIV.match(value.strip()) or _ARXIV_IN_TEXT.search(value)
        if m:
            return m.group(1)
    return None
