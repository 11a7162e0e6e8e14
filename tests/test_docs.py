"""The documentation's examples are executed (issue 23): README.md and docs/*.md.

Code blocks are marked by their info string:

- ```` ```sh runnable ```` runs with `sh -e` in a fresh folder (a new HOME, no API key, the
  repository's `examples/` and `tests/` linked in); `llm` adds the reference LLM server as
  `OPENAI_BASE_URL`, `live` local stand-ins for Hugging Face and arXiv (`HF_ENDPOINT`,
  `PAPERBRIEF_ARXIV_API`, `PAPERBRIEF_ARXIV_RSS`) serving real recorded answers, `mail` a local
  SMTP server (aiosmtpd) as `PAPERBRIEF_SMTP_URL`. Every block must exit 0 without a traceback.
  The quick start's `python3 -m venv … && pip install .` steps are what `.ci/run` does on a fresh
  clone; here paperbrief is already installed, so the commands after them run.
- ```` ```env ```` (the file cron and systemd share) is sourced by `sh` with `set -a` and each
  value must arrive intact; ```` ```crontab ```` lines and ```` ```ini ```` `ExecStart=` lines
  must be paperbrief commands its parser accepts; ```` ```toml ```` is an interests profile that
  must load.
- Any other `sh` block that runs paperbrief is a failure: every command example is run.
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from paperbrief.cli import build_parser
from paperbrief_refserver.server import RefServer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
INSTALL_STEPS = ("python3 -m venv .venv", ". .venv/bin/activate", "pip install .")
README_TEST_COMMAND = "pip install -e '.[test]' && python -m pytest -q"
HF_DAY = "2026-03-16"


def _blocks() -> list[tuple[str, list[str], str]]:
    out = []
    for doc in DOCS:
        text = doc.read_text("utf-8")
        for m in FENCE.finditer(text):
            line = text[: m.start()].count("\n") + 1
            out.append((f"{doc.relative_to(ROOT)}:{line}", m.group(1).split(), m.group(2)))
    return out


BLOCKS = _blocks()


def _of(kind: str) -> list[tuple[str, list[str], str]]:
    return [b for b in BLOCKS if b[1][:1] == [kind]]


RUNNABLE = [b for b in _of("sh") if "runnable" in b[1]]


# -- stand-ins ---------------------------------------------------------------------------------


class _Sources(BaseHTTPRequestHandler):
    """Hugging Face's daily papers API and arXiv's export API and RSS feed, from recordings."""

    def do_GET(self) -> None:  # noqa: N802 (http.server hook)
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path == "/api/daily_papers":
            day = query.get("date", [""])[0]
            page = query.get("p", ["0"])[0]
            name = f"hf_daily_papers_{day}.json"
            body = (FIXTURES / "hf-api" / name).read_bytes() if (
                day == HF_DAY and page in ("0", "")) else b"[]"
            self._send(body, "application/json")
        elif url.path == "/api/query":
            self._send((FIXTURES / "arxiv" / "arxiv_api_2026-09-24_cat_cs.CL_max3.xml")
                       .read_bytes(), "application/atom+xml")
        elif url.path.startswith("/rss/"):
            self._send((FIXTURES / "arxiv" / "arxiv_rss_2026-09-24_cs.LG+cs.AI+cs.CL+stat.ML_"
                        "trimmed.xml").read_bytes(), "application/rss+xml")
        else:
            self.send_error(404)

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def _live() -> Iterator[dict[str, str]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sources)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield {"HF_ENDPOINT": base, "PAPERBRIEF_ARXIV_API": f"{base}/api/query",
               "PAPERBRIEF_ARXIV_RSS": f"{base}/rss"}
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def _llm() -> Iterator[dict[str, str]]:
    with RefServer() as ref:
        yield {"OPENAI_BASE_URL": ref.base_url, "OPENAI_API_KEY": "sk-test"}


@contextmanager
def _mail() -> Iterator[dict[str, str]]:
    from aiosmtpd.controller import Controller

    class Inbox:
        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
            return "250 Message accepted for delivery"

    with socket.socket() as probe:  # a free loopback port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield {"PAPERBRIEF_SMTP_URL": f"smtp://127.0.0.1:{port}",
               "PAPERBRIEF_MAIL_FROM": "paperbrief <me@example.org>"}
    finally:
        controller.stop()


def _sandbox(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "home").mkdir()
    for name in ("examples", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR", "PAPERBRIEF_CHROMIUM")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
    env["HOME"] = str(tmp_path / "home")
    return env


def _without_install(code: str) -> str:
    """The quick start minus the steps that create and fill the venv (done already)."""
    lines = []
    for line in code.splitlines():
        parts = [p.strip() for p in line.split("&&")]
        kept = [p for p in parts if not p.startswith(INSTALL_STEPS)]
        lines.append(" && ".join(kept))
    return "\n".join(lines)


# -- the tests ---------------------------------------------------------------------------------


def test_the_readme_is_short_and_keeps_the_ci_test_command():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert len(readme.splitlines()) <= 250
    assert f"```sh\n{README_TEST_COMMAND}\n```" in readme  # .ci/run runs it verbatim
    for page in ("commands", "sources", "interests", "delivery", "cron", "engines",
                 "llm-servers", "benchmarks"):
        assert f"(docs/{page}.md)" in readme, page
        assert (ROOT / "docs" / f"{page}.md").is_file()


def test_every_command_example_is_runnable():
    unmarked = [where for where, info, code in _of("sh")
                if "runnable" not in info and "synopsis" not in info
                and re.search(r"(^|[;&|]\s*)paperbrief\b", code, re.M)
                and code.strip() != README_TEST_COMMAND]
    assert unmarked == []
    assert len(RUNNABLE) >= 10


def test_links_between_pages_resolve():
    for doc in DOCS:
        for target in re.findall(r"\]\(((?:docs/)?[\w-]+\.md)(?:#[\w-]+)?\)", doc.read_text()):
            assert (doc.parent / target).is_file(), (doc.name, target)


@pytest.mark.parametrize("where, info, code", RUNNABLE, ids=[b[0] for b in RUNNABLE])
def test_runnable_example(where, info, code, tmp_path):
    env = _sandbox(tmp_path)
    with ExitStack() as stack:
        if "live" in info:
            env |= stack.enter_context(_live())
        if "llm" in info:
            env |= stack.enter_context(_llm())
        if "mail" in info:
            env |= stack.enter_context(_mail())
        done = subprocess.run(["sh", "-e", "-c", _without_install(code)], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{where}: {done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr, where


@pytest.mark.parametrize("where, info, code", _of("env"), ids=[b[0] for b in _of("env")])
def test_env_file_works_for_sh(where, info, code, tmp_path):
    """Cron sources the file with `sh` (`set -a; . FILE; set +a`); systemd's EnvironmentFile
    reads the same KEY=VALUE lines (double quotes stripped). Every value must arrive whole."""
    env_file = tmp_path / "env"
    env_file.write_text(code, "utf-8")
    expected = {}
    for line in code.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", key), line
        assert "$" not in value and "`" not in value and "\\" not in value, line  # sh == systemd
        if value[:1] == '"':
            assert value.endswith('"') and value.count('"') == 2, line
            value = value[1:-1]
        else:
            assert not re.search(r"[\s<>|&;()'\"]", value), f"{where}: quote {line!r}"
        expected[key] = value
    script = f'set -a; . "{env_file}"; set +a; env -0'
    done = subprocess.run(["sh", "-c", script], capture_output=True, timeout=60,
                          env={"PATH": os.environ["PATH"]})
    assert done.returncode == 0, done.stderr
    got = dict(item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)
    for key, value in expected.items():
        assert got.get(key) == value, key
    if "PAPERBRIEF_MAIL_FROM" in expected:
        from paperbrief.deliver.mail import settings_from_env

        settings = settings_from_env(got)
        assert settings.sender.endswith(">") or "@" in settings.sender


def _paperbrief_argv(command: str) -> list[str]:
    words = shlex.split(command, comments=True)
    start = next(i for i, w in enumerate(words) if w.endswith("/paperbrief") or w == "paperbrief")
    return words[start + 1:]


@pytest.mark.parametrize("where, info, code", _of("crontab") + _of("ini"),
                         ids=[b[0] for b in _of("crontab") + _of("ini")])
def test_crontab_and_unit_lines_are_valid_commands(where, info, code):
    parser = build_parser()
    commands = []
    for line in code.splitlines():
        if info[0] == "ini":
            if line.startswith("ExecStart="):
                commands.append(line.removeprefix("ExecStart="))
            continue
        if not line.strip() or line.startswith("#") or "paperbrief" not in line:
            continue
        commands.append(line.split(";")[-1])
    for command in commands:
        argv = _paperbrief_argv(command)
        parser.parse_args(argv)  # exits 2 (SystemExit) on an unknown option


PROFILES = [b for b in _of("toml") if "lab" not in b[1]]
LAB_CONFIGS = [b for b in _of("toml") if "lab" in b[1]]


@pytest.mark.parametrize("where, info, code", LAB_CONFIGS, ids=[b[0] for b in LAB_CONFIGS])
def test_lab_configs_load(where, info, code, tmp_path, monkeypatch):
    """A ```toml lab``` block is a lab config (docs/lab.md) that loads as written, with the
    example profiles beside it and its credentials in the environment or a file."""
    import shutil

    from paperbrief.lab_config import load_lab_config

    for profile in (ROOT / "examples" / "lab").iterdir():
        shutil.copy(profile, tmp_path / profile.name)
    secret = tmp_path / "discord-url"
    secret.write_text("http://127.0.0.1:9/discord", "utf-8")
    for name in set(re.findall(r'_env = "([A-Z_]+)"', code)):
        monkeypatch.setenv(name, "http://127.0.0.1:9/hook")
    code = re.sub(r'_file = "[^"]+"', f'_file = "{secret}"', code)
    (tmp_path / "lab.toml").write_text(code, "utf-8")
    config = load_lab_config(tmp_path / "lab.toml")
    assert config.readers and config.sources


@pytest.mark.parametrize("where, info, code", PROFILES, ids=[b[0] for b in PROFILES])
def test_profiles_load(where, info, code, tmp_path):
    from paperbrief.relate.interests import load_profile

    path = tmp_path / "interests.toml"
    path.write_text(code, "utf-8")
    assert load_profile(path).keywords
