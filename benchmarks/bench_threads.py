"""Which thread count to default to: 1, 2 and zeronn's default, quiet and with a busy neighbour.

    ZERONN_DATA=... python benchmarks/bench_threads.py   # 1-2 minutes; longer when 2 threads stall

Two workloads, each timed at 1 thread, 2 threads and ``zeronn.threads.default_thread_count()``
(set with ``zeronn.threads.blas_threads``, which also sizes zeronn's own pool):

- **SimpleConvNet epoch**: ``Trainer.fit`` for one epoch on 6,000 MNIST training images
  (60 steps of 100; float32, Adam), the ``zeronn train`` workload;
- **DeepConvNet epoch**: the same on 1,000 images (10 steps of 100), the
  ``zeronn train --model deep-convnet`` workload;
- **fewshot loop**: 300 full-batch SGD steps of the fewshot network (784-200-200-10 ReLU,
  float64) on 30 images, the ``zeronn fewshot`` workload.

Two situations: the machine as it is ("no added process": run it on a quiet machine for the
quiet case), and with one competing busy process (a Python loop spinning on one core, started
by this script and stopped at the end), the way a second program on a 2-core machine competes.
In each situation the thread counts are interleaved round by round (each round times
every count once) and the table gives medians over the rounds, so a drift of the machine hits
all counts alike. The last column is the default's time over the best count's time: the target
is <= 1.10 in both situations.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from _data import training_images
from _machine import header, rerun_unpinned

from zeronn import models, optim
from zeronn.losses import SoftmaxCrossEntropy
from zeronn.threads import blas_threads, default_thread_count, describe_blas
from zeronn.trainer import Trainer

SEED = 0
BUSY_LOOP = "while True: pass"


def convnet_epoch(x: np.ndarray, t: np.ndarray, factory=models.simple_convnet):
    """One Trainer.fit epoch of a fresh convnet (float32, Adam, batch 100) over (x, t)."""

    def run() -> None:
        model = factory(rng=SEED, dtype=np.float32)
        optimizer = optim.Adam(model.parameters(), lr=0.001)
        Trainer(model, optimizer, batch_size=100, rng=SEED, verbose=0).fit(x, t, 1)

    return run


def fewshot_loop(x: np.ndarray, t: np.ndarray, steps: int = 300):
    """``steps`` full-batch SGD steps of the fewshot MLP on (x, t), as zeronn fewshot runs them."""
    x = x.reshape(len(x), -1).astype(np.float64)

    def run() -> None:
        model = models.mlp([784, 200, 200, 10], rng=SEED)
        optimizer = optim.SGD(model.parameters(), lr=0.1)
        loss_fn = SoftmaxCrossEntropy()
        for _ in range(steps):
            loss_fn.forward(model.forward(x), t)
            model.backward(loss_fn.backward(), input_grad=False)
            optimizer.step()

    return run


def seconds(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def measure_counts(workloads: dict, counts: dict[str, int], rounds: int) -> dict:
    """Median seconds per (workload, count label), the counts interleaved round by round."""
    samples = {(name, label): [] for name in workloads for label in counts}
    for name, run in workloads.items():
        with blas_threads(max(counts.values())):  # warm-up: pools, page faults, caches
            run()
        for _ in range(rounds):
            for label, threads in counts.items():
                time.sleep(0.1)  # let spinning BLAS threads of the last call go idle
                with blas_threads(threads):
                    samples[name, label].append(seconds(run))
    return {key: statistics.median(values) for key, values in samples.items()}


def table(results: dict[str, dict], defaults: dict[str, int], workloads: list[str]) -> str:
    labels = ["1 thread", "2 threads", "default"]
    header = ["workload", "situation", "1 thread s", "2 threads s", "default s", "default/best"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for situation, medians in results.items():
        for name in workloads:
            times = [medians[name, label] for label in labels]
            ratio = medians[name, "default"] / min(times)
            verdict = "met" if ratio <= 1.10 else "missed"
            cells = [name, f"{situation} (default {defaults[situation]})"]
            cells += [f"{value:.3f}" for value in times]
            lines.append("| " + " | ".join([*cells, f"{ratio:.2f} ({verdict})"]) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per situation")
    args = parser.parse_args()
    x, t, source = training_images(6000)
    workloads = {
        "SimpleConvNet epoch, 6,000 images": convnet_epoch(x, t),
        "DeepConvNet epoch, 1,000 images": convnet_epoch(x[:1000], t[:1000], models.deep_convnet),
        "fewshot loop, 300 steps on 30 images": fewshot_loop(x[:30], t[:30]),
    }
    print(
        f"data: {source}; {os.cpu_count()} CPUs; numpy {np.__version__}; {describe_blas()} "
        f"before limits; medians of {args.rounds} rounds\n"
    )
    for threads in (1, 2):
        with blas_threads(threads):
            print(header(np.float32))
    print()
    results, defaults = {}, {}
    # The default is what a command starting now would pick: looked up in each situation.
    defaults["no added process"] = default_thread_count()
    counts = {"1 thread": 1, "2 threads": 2, "default": defaults["no added process"]}
    results["no added process"] = measure_counts(workloads, counts, args.rounds)
    busy = subprocess.Popen([sys.executable, "-c", BUSY_LOOP])
    try:
        time.sleep(0.5)
        defaults["one busy process"] = default_thread_count()
        counts = {"1 thread": 1, "2 threads": 2, "default": defaults["one busy process"]}
        results["one busy process"] = measure_counts(workloads, counts, args.rounds)
    finally:
        busy.kill()
        busy.wait()
    print(table(results, defaults, list(workloads)))
    rerun_unpinned()


if __name__ == "__main__":
    main()
