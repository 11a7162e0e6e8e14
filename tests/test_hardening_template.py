"""Issue 28 item 11: a user template can neither exhaust the machine nor read files. Each hostile
template runs through the real CLI in a child process (bounded by the test's own timeout and
RLIMIT_AS, so that a regression fails the test instead of hanging or OOM-killing the machine)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from paperbrief import cli

FIXTURES = Path(__file__).parent / "fixtures"
SCITLDR = FIXTURES / "scitldr-3.jsonl"
SRC = Path(__file__).resolve().parent.parent / "src"
GUARD = textwrap.dedent(
    """
    import resource, sys
    cap = 3 << 30  # the test's own guard: 3 GiB of address space at most
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from paperbrief.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def run_child(tmp_path: Path, template: str, *extra: str, timeout: float = 120,
              template_timeout: float = 3):
    tmpl = tmp_path / "evil.md.j2"
    tmpl.write_text(template, encoding="utf-8")
    out = tmp_path / "out.md"
    env = dict(os.environ, PYTHONPATH=str(SRC), PAPERBRIEF_TEMPLATE_TIMEOUT=str(template_timeout))
    proc = subprocess.run(
        [sys.executable, "-c", GUARD, "digest", str(SCITLDR), "--offline", "--db",
         str(tmp_path / "pb.db"), "--template", str(tmpl), "--out", str(out), *extra],
        capture_output=True, text=True, env=env, timeout=timeout,
    )
    return proc, out


@pytest.mark.parametrize(
    "template, needle",
    [
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
         "over 3 s"),
        ("{% set r = range(100000)|list %}{% for i in r %}{% for j in r %}{% endfor %}"
         "{% endfor %}", "over 3 s"),
        ('{{ "x" * 1000000000 }}', "'*' would build"),
        ('{{ 1000000000 * "x" }}', "'*' would build"),
        ("{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}"
         "{% endfor %}{{ ns.l|length }}", "over 10,000,000"),
        ("{{ 10 ** 100000000 }}", "'**' would build"),
        ('{{ "x"|center(2000000000) }}', "MiB more memory"),  # folded while compiling, before
        ('{% autoescape ("x"|center(2000000000))|length > 0 %}a{% endautoescape %}',
         "MiB more memory"),
        ('{% set ns = namespace(s="xx") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}'
         "{% endfor %}{{ ns.s|length }}", "MiB more memory"),
        ('{% for i in range(100000) %}{{ "y" * 1000 }}{% endfor %}'
         '{% for i in range(100000) %}{{ "y" * 1000 }}{% endfor %}', "output is over"),
    ],
)  # fmt: skip
def test_a_template_cannot_exhaust_time_memory_or_disk(tmp_path, template, needle):
    # the bound under test trips first: the time bound is 3 s only where time is what is tested
    # (on a loaded machine, building hundreds of MiB can take longer than 3 s)
    proc, out = run_child(tmp_path, template, template_timeout=3 if needle == "over 3 s" else 60)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.count("\n") == 1 and "template error" in proc.stderr
    assert needle in proc.stderr, proc.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    "tag", ["{% include 'secret.txt' %}", "{% import 'secret.txt' as s %}",
            "{% from 'secret.txt' import x %}", "{% extends 'secret.txt' %}",
            "{% if false %}{% include ['a', 'secret.txt'] %}{% endif %}"],
)  # fmt: skip
def test_a_template_cannot_read_files_beside_it(tmp_path, capsys, tag):
    (tmp_path / "secret.txt").write_text("TOP-SECRET-42", encoding="utf-8")
    tmpl = tmp_path / "t.md.j2"
    tmpl.write_text(f"# digest\n{tag}\n", encoding="utf-8")
    db = tmp_path / "pb.db"
    code = cli.main(["digest", str(SCITLDR), "--offline", "--db", str(db),
                     "--template", str(tmpl)])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 2 and "TOP-SECRET-42" not in out + err
    assert err.count("\n") == 1 and "is not allowed" in err and f"{tmpl}:2:" in err
    assert not db.exists()  # refused when compiled, before any work


def test_an_ordinary_template_still_renders(tmp_path, capsys):
    tmpl = tmp_path / "ok.md.j2"
    tmpl.write_text("{% for p in digest.papers %}{{ loop.index }}. {{ p.title * 2 }}\n{% endfor %}"
                    "{{ (digest.papers|length) ** 2 }} {{ [1, 2] + [3] }}\n", encoding="utf-8")
    code = cli.main(["digest", str(SCITLDR), "--offline", "--db", str(tmp_path / "pb.db"),
                     "--template", str(tmpl)])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines()[-1] == "9 [1, 2, 3]" and out.startswith("1. ")
