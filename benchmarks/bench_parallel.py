"""A study's independent runs in one process against two (``--jobs 2``), same results.

Times a whole study with ``jobs=1`` and ``jobs=2``, in turns (1, 2, 1, 2, ...), and checks that
both give the same results bit for bit. Target: jobs=2 at least 1.8× faster than jobs=1 on 2
cores for a study of 4 runs or more.

- ``--study fewshot`` (the default): ``run_fewshot`` with ``--repeats 4`` (4 paired runs, 8
  trainings of the blog's 784-200-200-10 network, 1,500 full-batch steps each, He init,
  lr 0.1): loading MNIST, the runs, the figures, ``results.json``;
- ``--study flip-balance``: ``run_flip_balance`` with 2 seeds × 4 conditions (none, flip-a,
  flip-both, random-flip), 1,000 training images per class, 4 epochs of SimpleConvNet: loading
  Fashion-MNIST, the runs, the figures, ``results.json``.

    ZERONN_DATA=path/to/data python benchmarks/bench_parallel.py
    ZERONN_DATA=path/to/data python benchmarks/bench_parallel.py --study flip-balance
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import statistics
import tempfile
import time
from pathlib import Path

from zeronn.threads import describe_blas

FLIP_CONDITIONS = ("none", "flip-a", "flip-both", "random-flip")
# what the `zeronn` command has imported by the end of a study (zeronn.stats imports
# scipy.stats on first use), so that no timed study pays an import
IMPORTED_BEFORE_TIMING = {
    "fewshot": ("zeronn.experiments.fewshot.run", "scipy.stats"),
    "flip-balance": (
        "zeronn.experiments.flip_balance.run",
        "zeronn.experiments.flip_balance.figures",
    ),
}

# The experiments are imported inside the functions, not at the top: a worker process
# ("spawn") imports this script again, and the `zeronn` command's own script imports nothing
# heavy either.


def fewshot(jobs: int, folder: Path, args: argparse.Namespace) -> tuple[float, str]:
    """Seconds of one fewshot study and its results (accuracies and losses) as JSON text."""
    from zeronn.experiments.fewshot.config import FewshotConfig
    from zeronn.experiments.fewshot.run import run_fewshot

    config = FewshotConfig(
        lr=0.1, init="he", steps=args.steps, repeats=args.repeats, jobs=jobs, out=folder
    )
    start = time.perf_counter()
    payload = run_fewshot(config, printer=lambda _: None)
    seconds = time.perf_counter() - start
    return seconds, json.dumps(payload["repeats"], sort_keys=True)


def flip_balance(jobs: int, folder: Path, args: argparse.Namespace) -> tuple[float, str]:
    """Seconds of one flip-balance study and its runs' records (no wall times) as JSON text."""
    from zeronn.experiments.flip_balance.config import FlipBalanceConfig
    from zeronn.experiments.flip_balance.run import run_flip_balance

    config = FlipBalanceConfig(
        train_per_class=args.per_class,
        epochs=args.epochs,
        seeds=tuple(range(args.seeds)),
        conditions=FLIP_CONDITIONS,
        jobs=jobs,
        out=folder,
    )
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the progress lines
        results = run_flip_balance(config, printer=lambda _: None)
    seconds = time.perf_counter() - start
    runs = [{k: v for k, v in run.items() if k != "wall_time_s"} for run in results["runs"]]
    return seconds, json.dumps(runs, sort_keys=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", choices=("fewshot", "flip-balance"), default="fewshot")
    parser.add_argument("--rounds", type=int, default=2, help="timed studies per setting")
    parser.add_argument("--repeats", type=int, default=4, help="fewshot: paired runs")
    parser.add_argument("--steps", type=int, default=1500, help="fewshot: steps per run")
    parser.add_argument("--seeds", type=int, default=2, help="flip-balance: seeds")
    parser.add_argument("--per-class", type=int, default=1000, help="flip-balance: images")
    parser.add_argument("--epochs", type=int, default=4, help="flip-balance: epochs")
    args = parser.parse_args()
    if args.study == "fewshot":
        study, label = fewshot, f"fewshot, {args.repeats} paired runs, {args.steps} steps"
    else:
        runs = args.seeds * len(FLIP_CONDITIONS)
        study, label = flip_balance, f"flip-balance, {runs} runs, {args.per_class}/class"
    for module in IMPORTED_BEFORE_TIMING[args.study]:
        importlib.import_module(module)

    print(f"{describe_blas()}; each run on one BLAS thread; {label}")
    times: dict[int, list[float]] = {1: [], 2: []}
    results: dict[int, set[str]] = {1: set(), 2: set()}
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(args.rounds):
            for jobs in (1, 2):
                folder = Path(scratch) / f"round{round_}-jobs{jobs}"
                seconds, result = study(jobs, folder, args)
                times[jobs].append(seconds)
                results[jobs].add(result)
    if results[1] != results[2] or len(results[1]) != 1:
        raise AssertionError("jobs=2 changed the results")
    for jobs, seconds in times.items():
        print(f"jobs={jobs}: " + ", ".join(f"{s:.2f}" for s in seconds) + " s")
    one, two = statistics.median(times[1]), statistics.median(times[2])
    print("| study | jobs=1 s | jobs=2 s | speed-up |")
    print("|---|---|---|---|")
    print(f"| {label} | {one:.1f} | {two:.1f} | {one / two:.2f}× |")
    print("results of jobs=1 and jobs=2: identical")


if __name__ == "__main__":
    main()
