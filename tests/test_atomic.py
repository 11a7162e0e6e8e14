"""Atomic output: the old file survives a failed write, no temporary files are left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from paperbrief import atomic
from paperbrief.atomic import check_output, output_path, write_atomic
from paperbrief.errors import PaperbriefError, UsageError


def test_write_creates_and_replaces(tmp_path):
    target = tmp_path / "digest.md"
    write_atomic(target, "# Week 1\nπ ≈ 3.14\n")
    assert target.read_text(encoding="utf-8") == "# Week 1\nπ ≈ 3.14\n"
    write_atomic(target, "# Week 2\n")
    assert target.read_text(encoding="utf-8") == "# Week 2\n"
    assert os.listdir(tmp_path) == ["digest.md"]


def test_new_file_gets_umask_default_permissions(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "a.md", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.md").stat().st_mode) == 0o640


def test_existing_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "digest.md"
    target.write_text("old")
    target.chmod(0o604)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604


def test_failure_mid_write_keeps_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "digest.md"
    target.write_text("old digest\n")
    seen: list[Path] = []

    def failing_fsync(fd: int) -> None:
        # the new text has been written to the temporary file when fsync fails
        temps = [p for p in tmp_path.iterdir() if p.name != "digest.md"]
        seen.extend(temps)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", failing_fsync)
    with pytest.raises(PaperbriefError) as info:
        write_atomic(target, "new digest\n" * 1000)
    assert str(info.value) == f"cannot write {target}: No space left on device"
    assert len(seen) == 1 and seen[0].name.startswith(".digest.md.")
    assert target.read_text() == "old digest\n"
    assert os.listdir(tmp_path) == ["digest.md"]


def test_interrupt_mid_write_removes_temp_and_propagates(tmp_path, monkeypatch):
    target = tmp_path / "digest.md"
    target.write_text("old")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["digest.md"]


def test_missing_folder_is_a_one_line_error(tmp_path):
    with pytest.raises(PaperbriefError) as info:
        write_atomic(tmp_path / "nope" / "d.md", "x")
    assert "nope" in str(info.value) and "\n" not in str(info.value)


def test_output_path_for_a_file(tmp_path):
    assert output_path(tmp_path / "d.md", "2026-W48") == tmp_path / "d.md"
    assert output_path(str(tmp_path / "new.md"), "2026-W48") == tmp_path / "new.md"
    assert not (tmp_path / "new.md").exists()


def test_output_path_for_an_existing_folder(tmp_path):
    assert output_path(tmp_path, "2026-W48") == tmp_path / "2026-W48.md"
    assert output_path(str(tmp_path), "2026-W48") == tmp_path / "2026-W48.md"


def test_output_path_trailing_separator_creates_the_folder(tmp_path):
    raw = str(tmp_path / "digests" / "weekly") + os.sep
    got = output_path(raw, "2026-W48")
    assert got == tmp_path / "digests" / "weekly" / "2026-W48.md"
    assert got.parent.is_dir()


def test_output_path_expands_home_and_sanitises_the_label(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert output_path("~/digests/", "Mar 5, 2026") == tmp_path / "digests" / "Mar-5-2026.md"
    assert output_path("~/digests/", "a/../b") == tmp_path / "digests" / "a-..-b.md"


def test_check_output_accepts_what_can_be_written(tmp_path):
    check_output(tmp_path / "d.md")  # a new file in an existing folder
    check_output(f"{tmp_path}/new/deeper/")  # a folder to create
    check_output(tmp_path)  # an existing folder


def test_check_output_refuses_a_missing_folder_and_a_file_as_folder(tmp_path):
    with pytest.raises(UsageError, match="no such folder"):
        check_output(tmp_path / "nope" / "d.md")
    (tmp_path / "f").write_text("x")
    with pytest.raises(UsageError, match="cannot create a folder under"):
        check_output(f"{tmp_path}/f/sub/")
