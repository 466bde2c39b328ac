"""Tests for zeronn/parallel.py: a study's runs give the same results wherever they run."""

import functools
import json
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from zeronn.data import write_idx
from zeronn.experiments.fewshot.config import FewshotConfig
from zeronn.experiments.fewshot.run import run_fewshot
from zeronn.experiments.flip_balance.config import FlipBalanceConfig
from zeronn.experiments.flip_balance.run import run_experiment
from zeronn.parallel import Runner, cached, check_parallel, remember, run_all
from zeronn.signals import STOP_SIGNALS


def blas_product(seed: int, size: int) -> np.ndarray:
    """A module-level run function (a worker must be able to import it)."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((size, size))
    return a @ a.T


def test_runs_come_back_in_order_and_equal_bit_for_bit_in_processes():
    arguments = [(seed, 60) for seed in range(4)]
    serial = list(run_all(blas_product, arguments))
    parallel = list(run_all(blas_product, arguments, jobs=2))
    for one, other in zip(serial, parallel, strict=True):
        np.testing.assert_array_equal(one, other)


def where_and_what(index: int, parent: int) -> tuple[int, int, object]:
    """Which process ran task ``index``, and what it has under "prepared"; slow in the parent,
    so that the worker process takes some tasks as soon as it has started."""
    if os.getpid() == parent:
        time.sleep(0.5)
    return index, os.getpid(), cached("prepared", lambda: None)


def test_jobs_2_is_this_process_and_one_worker_that_prepared_first():
    parent = os.getpid()
    prepare = functools.partial(remember, "prepared", "ready")
    with Runner(jobs=2, prepare=prepare) as runner:
        first = list(runner.map(where_and_what, [(index, parent) for index in range(6)]))
        second = list(runner.map(where_and_what, [(index, parent) for index in range(6)]))
    for results in (first, second):
        assert [index for index, _, _ in results] == list(range(6))
    pids = {pid for _, pid, _ in first + second}
    assert parent in pids
    assert len(pids) == 2  # one worker process, kept for both studies
    for _, pid, prepared in first + second:
        assert prepared == (None if pid == parent else "ready")


def fail_on(index: int, bad: int) -> int:
    if index == bad:
        raise ValueError(f"run {index} failed")
    return index


def collect(results, into: list) -> None:
    """Append results one by one until one raises."""
    for result in results:
        into.append(result)


@pytest.mark.parametrize("bad", [0, 3])
def test_an_error_in_a_run_propagates_after_the_runs_before_it(bad):
    yielded: list[int] = []
    with pytest.raises(ValueError, match=f"run {bad} failed"):
        collect(run_all(fail_on, [(index, bad) for index in range(6)], jobs=2), yielded)
    assert yielded == list(range(bad))


WORKER_START_MASK = """
import multiprocessing.context, signal
from zeronn.parallel import Runner

start = multiprocessing.context.SpawnProcess.start
masks = []

def start_and_record(process):
    masks.append(sorted(int(number) for number in signal.pthread_sigmask(signal.SIG_BLOCK, [])))
    start(process)

multiprocessing.context.SpawnProcess.start = start_and_record
with Runner(jobs=3) as runner:
    pass
print(masks)
"""


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_every_worker_starts_with_the_stop_signals_blocked():
    """Checked in a fresh process, whose first executor also starts multiprocessing's resource
    tracker: that start unblocks SIGINT and SIGTERM in the thread that made it."""
    done = subprocess.run(
        [sys.executable, "-c", WORKER_START_MASK], capture_output=True, text=True, check=True
    )
    masks = json.loads(done.stdout)
    assert len(masks) == 2, done.stdout  # the resource tracker is not a SpawnProcess
    for mask in masks:
        assert {int(number) for number in STOP_SIGNALS} <= set(mask), done.stdout


@pytest.mark.parametrize("bad", [None, 1])
def test_a_runner_leaves_no_thread_of_its_pool_behind(bad):
    """Its manager thread ended means nothing is left for Python's exit to wake (3.11 could
    then race it to a closed pipe: "OSError: Bad file descriptor" at exit)."""
    before = set(threading.enumerate())
    yielded: list[int] = []
    if bad is None:
        collect(run_all(fail_on, [(index, -1) for index in range(4)], jobs=2), yielded)
    else:
        with pytest.raises(ValueError, match="run 1 failed"):
            collect(run_all(fail_on, [(index, bad) for index in range(4)], jobs=2), yielded)
    assert set(threading.enumerate()) - before == set()


def test_map_outside_its_with_block_is_refused():
    with pytest.raises(RuntimeError, match="inside `with Runner"):
        list(Runner(jobs=2).map(blas_product, [(0, 3)]))


def test_the_per_process_cache_makes_once():
    calls = []
    key = ("test", object())
    for _ in range(3):
        cached(key, lambda: calls.append(1) or "data")
    assert calls == [1]
    remember(key, "other")
    assert cached(key, lambda: "never") == "other"


def test_parallel_options_are_checked_before_any_run():
    assert check_parallel(2, None, "study") == (2, None)
    with pytest.raises(ValueError, match="jobs to be a positive integer, got 0"):
        check_parallel(0, None, "study")
    with pytest.raises(ValueError, match="both --jobs 2 and --scheduler"):
        check_parallel(2, "tcp://localhost:8786", "study")
    with pytest.raises(TypeError, match="scheduler as an address"):
        check_parallel(1, 8786, "study")


def write_tiny(root, count=(150, 60), classes=10):
    rng = np.random.default_rng(0)
    for split, n in zip(("train", "t10k"), count, strict=True):
        labels = (np.arange(n) % classes).astype(np.uint8)
        images = rng.integers(0, 40, size=(n, 28, 28), dtype=np.uint8)
        for index, label in enumerate(labels):
            row, col = 4 + 10 * (label // 4), 2 + 6 * (label % 4)
            images[index, row : row + 4, col : col + 4] = 250
        write_idx(root / f"{split}-images-idx3-ubyte.gz", images)
        write_idx(root / f"{split}-labels-idx1-ubyte.gz", labels)
    return root


def test_a_fewshot_study_in_two_processes_equals_the_serial_one(tmp_path):
    root = write_tiny(tmp_path / "data")
    settings = {"root": root, "verify": False, "steps": 30, "lr": 0.1, "init": "he", "repeats": 3}
    results = []
    for jobs in (1, 2):
        config = FewshotConfig(**settings, sweep=(10,), jobs=jobs, out=tmp_path / f"jobs{jobs}")
        payload = run_fewshot(config, printer=lambda _: None)
        results.append(json.dumps([payload["repeats"], payload["sweep"]], sort_keys=True))
    assert results[0] == results[1]


def test_a_flip_balance_study_in_two_processes_equals_the_serial_one(tmp_path):
    root = write_tiny(tmp_path / "data", count=(200, 60))
    settings = {
        "root": root,
        "verify": False,
        "train_per_class": 15,
        "epochs": 1,
        "batch_size": 10,
        "seeds": (0, 1),
        "conditions": ("none", "flip-a"),
        "figures": False,
    }
    runs = []
    for jobs in (1, 2):
        config = FlipBalanceConfig(**settings, jobs=jobs, out=tmp_path / f"jobs{jobs}")
        result = run_experiment(config, stream=open(tmp_path / "log", "w"))  # noqa: SIM115
        for record in result["runs"]:
            del record["wall_time_s"]
        runs.append(json.dumps(result["runs"], sort_keys=True))
    assert runs[0] == runs[1]


def test_a_dask_cluster_gives_the_same_results(tmp_path):
    distributed = pytest.importorskip("distributed")
    arguments = [(seed, 40) for seed in range(3)]
    serial = list(run_all(blas_product, arguments))
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        on_cluster = list(run_all(blas_product, arguments, scheduler=cluster.scheduler_address))
    for one, other in zip(serial, on_cluster, strict=True):
        np.testing.assert_array_equal(one, other)
