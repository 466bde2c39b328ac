"""Atomic writes: all or nothing, ordinary permissions."""

import json
import os
import stat

import pytest

from zeronn._io import atomic_open, atomic_write_json


def test_json_is_written_whole(tmp_path):
    path = atomic_write_json(tmp_path / "sub" / "out.json", {"a": [1, 2]})
    assert json.loads(path.read_text()) == {"a": [1, 2]}


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")

    def write_half_then_fail() -> None:
        with atomic_open(path, "w") as handle:
            handle.write("new, half")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        write_half_then_fail()
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_non_finite_numbers_are_refused(tmp_path):
    with pytest.raises(ValueError, match="Out of range float"):
        atomic_write_json(tmp_path / "x.json", {"loss": float("nan")})
    assert not (tmp_path / "x.json").exists()


def test_written_files_get_the_mode_open_would_give(tmp_path):
    mask = os.umask(0o022)
    try:
        path = atomic_write_json(tmp_path / "out.json", {})
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_folder_is_not_overwritten(tmp_path):
    with pytest.raises(IsADirectoryError, match="it is a folder"), atomic_open(tmp_path):
        pass
