"""Tests for zeronn/run_folder.py: a run's outputs are one unit, and a finished one is never lost.

Signals at random moments of real runs: tests/test_signals.py."""

import errno
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_datasets import write_fake

from zeronn import run_folder
from zeronn.run_folder import (
    OutputFolderError,
    RunFolder,
    check_output_folder,
    finished_outputs,
    new_run_folder,
)
from zeronn.signals import signals_held


def files_in(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def leftovers(parent: Path) -> list[str]:
    return [
        path.name for path in parent.iterdir() if ".partial-" in path.name or ".old-" in path.name
    ]


def test_a_finished_run_moves_into_place(tmp_path):
    out = tmp_path / "runs" / "a"
    with RunFolder(out) as folder:
        (folder / "result.txt").write_text("new")
        assert not out.exists()  # nothing is visible until the run has finished
    assert files_in(out) == {"result.txt": b"new"}
    assert leftovers(out.parent) == []


def test_a_failed_run_leaves_the_old_outputs_and_no_temporary_files(tmp_path):
    out = tmp_path / "a"
    out.mkdir()
    (out / "result.txt").write_text("old")

    def failing_run():
        with RunFolder(out, overwrite=True) as folder:
            (folder / "result.txt").write_text("new")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        failing_run()
    assert files_in(out) == {"result.txt": b"old"}
    assert leftovers(tmp_path) == []


def test_overwrite_replaces_the_old_contents_whole(tmp_path):
    out = tmp_path / "a"
    out.mkdir()
    (out / "old-only.png").write_text("from the earlier run")
    with RunFolder(out, overwrite=True) as folder:
        (folder / "result.txt").write_text("new")
    assert files_in(out) == {"result.txt": b"new"}  # nothing of the earlier run is mixed in
    assert leftovers(tmp_path) == []


def test_an_empty_existing_folder_is_used_without_overwrite(tmp_path):
    out = tmp_path / "a"
    out.mkdir()
    with RunFolder(out) as folder:
        (folder / "x").write_text("1")
    assert files_in(out) == {"x": b"1"}


def test_unusable_output_folders_are_refused_before_anything_is_created(tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "metrics.json").write_text("{}")
    with pytest.raises(OutputFolderError, match=r"already holds files .* --overwrite"):
        check_output_folder(taken, overwrite=False)
    a_file = tmp_path / "file"
    a_file.write_text("")
    with pytest.raises(OutputFolderError, match=r"expected a folder, but .* is a file"):
        check_output_folder(a_file, overwrite=True)
    with pytest.raises(OutputFolderError, match="cannot be written"):
        check_output_folder(a_file / "below" / "out", overwrite=False)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["file", "taken"]


def test_new_run_folders_never_collide(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = new_run_folder("train")
    first.mkdir(parents=True)
    second = new_run_folder("train")
    assert second != first
    assert second.parent == Path("runs/train")


def test_signals_in_the_final_moves_arrive_after_them():
    reached = []

    def interrupted_block():
        with signals_held():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler has run by now: the signal is held, not lost
            reached.append("end of block")

    with pytest.raises(KeyboardInterrupt):
        interrupted_block()
    assert reached == ["end of block"]


# ---- the last move fails: nothing finished is deleted or hidden ----------------------------


def kept_folders(parent: Path, name: str) -> list[Path]:
    return sorted(parent.glob(f"{name}.kept-*"))


def hidden(parent: Path) -> list[str]:
    return [path.name for path in parent.iterdir() if path.name.startswith(".")]


def finish_run(out, files, *, overwrite=False, meanwhile=None) -> str | None:
    """A run that writes ``files`` (name -> text) and finishes, while ``meanwhile()`` happens;
    the message of the error its last move raised, or None."""
    try:
        with RunFolder(out, overwrite=overwrite) as folder:
            for name, text in files.items():
                (folder / name).write_text(text)
            if meanwhile is not None:
                meanwhile()
    except OutputFolderError as error:
        return str(error)
    return None


def test_a_symlink_to_an_empty_folder_is_followed_and_stays_a_link(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target)
    check_output_folder(link, overwrite=False)
    assert finish_run(link, {"result.txt": "new"}) is None
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    assert files_in(target) == {"result.txt": b"new"}
    assert hidden(tmp_path) == []


def test_a_symlink_to_a_full_folder_has_its_target_replaced_with_overwrite(tmp_path):
    target = tmp_path / "elsewhere" / "target"
    target.mkdir(parents=True)
    (target / "old.txt").write_text("old")
    link = tmp_path / "link"
    link.symlink_to(target)
    assert finish_run(link, {"result.txt": "new"}, overwrite=True) is None
    assert link.is_symlink()
    assert files_in(target) == {"result.txt": b"new"}
    assert hidden(tmp_path) == []
    assert hidden(target.parent) == []


def test_outputs_go_where_a_dangling_link_points(tmp_path):
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "not-yet")
    assert finish_run(link, {"x": "1"}) is None
    assert link.is_symlink()
    assert files_in(tmp_path / "not-yet") == {"x": b"1"}


def test_an_out_another_run_filled_meanwhile_keeps_both_runs_outputs_visible(tmp_path):
    out = tmp_path / "out"

    def the_other_run_finishes_first():
        out.mkdir()
        (out / "result.txt").write_text("theirs")

    error = finish_run(out, {"result.txt": "ours"}, meanwhile=the_other_run_finishes_first)
    (kept,) = kept_folders(tmp_path, "out")
    assert error == (
        f"--out {out} could not take this run's finished outputs ({out} was filled by another "
        f"run in the meantime); they are kept in {kept}"
    )
    assert files_in(kept) == {"result.txt": b"ours"}
    assert files_in(out) == {"result.txt": b"theirs"}
    assert hidden(tmp_path) == []
    assert finished_outputs(out) == kept


def test_an_out_turned_into_a_file_meanwhile_is_not_replaced_even_with_overwrite(tmp_path):
    out = tmp_path / "out"
    error = finish_run(
        out, {"result.txt": "ours"}, overwrite=True, meanwhile=lambda: out.write_text("a file")
    )
    assert f"({out} is a file); they are kept in" in error
    assert out.read_text() == "a file"
    assert [files_in(kept) for kept in kept_folders(tmp_path, "out")] == [{"result.txt": b"ours"}]


def failing_rename(monkeypatch, fails):
    """Make ``os.rename`` in run_folder fail with EBUSY (as onto a mount point) when
    ``fails(source, destination)``."""
    real_rename = os.rename

    def rename(source, destination):
        if fails(Path(source), Path(destination)):
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(destination))
        real_rename(source, destination)

    monkeypatch.setattr(run_folder.os, "rename", rename)


def test_a_final_rename_that_fails_keeps_the_outputs_in_a_visible_folder(tmp_path, monkeypatch):
    out = tmp_path / "mnt"  # an empty mount point that appeared after the check, say
    out.mkdir()
    real_rmdir = Path.rmdir

    def rmdir(folder):  # a mount point cannot be removed, nor renamed onto
        if folder == out:
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(folder))
        real_rmdir(folder)

    monkeypatch.setattr(run_folder.Path, "rmdir", rmdir)
    failing_rename(monkeypatch, lambda source, destination: destination == out)
    error = finish_run(out, {"model.npz": "weights"})
    (kept,) = kept_folders(tmp_path, "mnt")
    assert error.endswith(f"({os.strerror(errno.EBUSY)}); they are kept in {kept}")
    assert files_in(kept) == {"model.npz": b"weights"}
    assert hidden(tmp_path) == []


def test_when_the_swap_fails_halfway_the_previous_outputs_go_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    failing_rename(
        monkeypatch, lambda source, destination: destination == out and ".partial-" in source.name
    )
    assert "they are kept in" in finish_run(out, {"new.txt": "new"}, overwrite=True)
    assert files_in(out) == {"old.txt": b"old"}
    assert [files_in(kept) for kept in kept_folders(tmp_path, "out")] == [{"new.txt": b"new"}]
    assert hidden(tmp_path) == []


def test_when_the_previous_outputs_cannot_go_back_both_are_kept_and_named(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    # only the first move, of the previous outputs out of the way, succeeds
    failing_rename(monkeypatch, lambda source, destination: destination == out)
    error = finish_run(out, {"new.txt": "new"}, overwrite=True)
    kept = kept_folders(tmp_path, "out")
    contents = sorted((files_in(folder) for folder in kept), key=str)
    assert contents == [{"new.txt": b"new"}, {"old.txt": b"old"}]
    assert all(str(folder) in error for folder in kept), error
    assert "its previous outputs are kept in" in error
    assert not out.exists()
    assert hidden(tmp_path) == []


def test_a_run_folder_gets_the_mode_mkdir_gives_and_its_made_parents_go_on_failure(tmp_path):
    out = tmp_path / "new" / "deeper" / "out"
    with pytest.raises(RuntimeError), RunFolder(out):
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []  # the parents made for the run are gone too
    mask = os.umask(0o022)
    try:
        with RunFolder(out) as folder:
            (folder / "x").write_text("1")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755


def test_two_runs_racing_for_one_out_keep_every_finished_output_visible(tmp_path):
    root = tmp_path / "data"
    write_fake(root, n_train=30, n_test=10)
    out = tmp_path / "out"
    flags = ["--root", str(root), "--no-download", "--no-verify", "--epochs", "1", "--quiet"]
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "zeronn",
                "train",
                *flags,
                "--seed",
                str(seed),
                "--out",
                str(out),
            ],
            env=dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (1, 2)
    ]
    results = [(run.wait(timeout=120), run.stderr.read().strip()) for run in runs]
    assert sorted(code for code, _ in results)[0] == 0  # one of them, at least, took --out
    expected = {"model.npz", "history.json", "metrics.json", "curves.png"}
    expected |= {"confusion_matrix.png", "misclassified.png", "checkpoint.npz"}
    assert set(files_in(out)) == expected
    for code, error in results:
        if code == 0:
            continue
        assert code == 2, error
        assert len(error.splitlines()) == 1, error
        if "they are kept in" in error:  # it finished second: its outputs are beside --out
            (kept,) = kept_folders(tmp_path, "out")
            assert error.endswith(f"they are kept in {kept}")
            assert set(files_in(kept)) == expected
        else:  # it was checked after the first had finished: refused before any compute
            assert "already holds files" in error
    assert hidden(tmp_path) == []
