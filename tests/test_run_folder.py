"""Tests for zeronn/run_folder.py: a run's outputs are one unit, even under Ctrl-C."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from zeronn.data import write_idx
from zeronn.run_folder import (
    OutputFolderError,
    RunFolder,
    _signals_held,
    check_output_folder,
    new_run_folder,
)


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
        with _signals_held():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler has run by now: the signal is held, not lost
            reached.append("end of block")

    with pytest.raises(KeyboardInterrupt):
        interrupted_block()
    assert reached == ["end of block"]


# ---- a real Ctrl-C (SIGINT to a child process) at random moments of real runs --------------

KILLS_PER_COMMAND = 10


@pytest.fixture(scope="module")
def tiny_mnist(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    rng = np.random.default_rng(0)
    for split, count in (("train", 120), ("t10k", 40)):
        labels = (np.arange(count) % 10).astype(np.uint8)
        images = rng.integers(0, 60, size=(count, 28, 28)).astype(np.uint8)
        for i, label in enumerate(labels):
            images[i, 2 * label + 2 : 2 * label + 6, 4:24] = 255
        write_idx(root / f"{split}-images-idx3-ubyte.gz", images)
        write_idx(root / f"{split}-labels-idx1-ubyte.gz", labels)
    return root


def command(name: str, root: Path, out: Path, seed: int) -> list[str]:
    common = ["--root", str(root), "--no-download", "--no-verify", "--out", str(out)]
    if name == "train":
        flags = ["--epochs", "3", "--hidden", "16", "--quiet", "--seed", str(seed)]
    else:
        flags = ["--steps", "300", "--seed", str(seed)]
    return [sys.executable, "-m", "zeronn", name, *common, "--overwrite", *flags]


def complete(name: str, out: Path) -> bool:
    """Whether ``out`` holds every output of one finished run, and nothing else."""
    names = {path.name for path in out.iterdir()}
    if name == "train":
        expected = {"model.npz", "history.json", "metrics.json", "curves.png"}
        expected |= {"confusion_matrix.png", "misclassified.png"}
        return names == expected and json.loads((out / "metrics.json").read_text())["test"]
    listed = json.loads((out / "results.json").read_text())["files"]
    return names == set(listed)


@pytest.mark.parametrize("name", ["train", "fewshot"])
def test_a_run_interrupted_at_random_moments_leaves_old_or_complete_new_outputs(
    name, tiny_mnist, tmp_path
):
    out = tmp_path / "out"
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1")
    start = time.perf_counter()
    subprocess.run(command(name, tiny_mnist, out, seed=0), env=env, check=True, capture_output=True)
    duration = time.perf_counter() - start
    old = files_in(out)
    rng = np.random.default_rng(0)
    outcomes = []
    for attempt in range(1, KILLS_PER_COMMAND + 1):
        child = subprocess.Popen(
            command(name, tiny_mnist, out, seed=attempt),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.0, 1.3 * duration))  # past the end too: complete new runs
        child.send_signal(signal.SIGINT)
        child.wait(timeout=120)
        now = files_in(out)
        assert leftovers(tmp_path) == [], f"attempt {attempt}"
        if now == old:
            outcomes.append("old")
        else:
            assert complete(name, out), (
                f"attempt {attempt}: a mixed or partial folder {sorted(now)}"
            )
            outcomes.append("new")
            old = now
    assert len(outcomes) == KILLS_PER_COMMAND
    print(name, outcomes)
