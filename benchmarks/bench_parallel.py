"""A study's independent runs in one process against two (``--jobs 2``), same results.

Times ``run_fewshot`` on a study of 4 paired runs (``--repeats 4``: 8 trainings of the blog's
784-200-200-10 network, 1,500 full-batch steps each, He init, lr 0.1) with ``jobs=1`` and
``jobs=2``, in turns (1, 2, 1, 2, ...), and checks that both give the same accuracies and losses.
Target: jobs=2 at least 1.8× faster than jobs=1 on 2 cores.

    ZERONN_DATA=path/to/data python benchmarks/bench_parallel.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from zeronn.threads import describe_blas


def study(jobs: int, folder: Path, repeats: int, steps: int) -> tuple[float, str]:
    """Seconds of one study and its results (accuracies and losses) as JSON text."""
    # Imported here, not at the top: a worker process ("spawn") imports this script again,
    # and the `zeronn` command's own script imports nothing heavy either.
    from zeronn.experiments.fewshot.config import FewshotConfig
    from zeronn.experiments.fewshot.run import run_fewshot

    config = FewshotConfig(
        lr=0.1, init="he", steps=steps, repeats=repeats, jobs=jobs, out=folder / f"jobs{jobs}"
    )
    start = time.perf_counter()
    payload = run_fewshot(config, printer=lambda _: None)
    seconds = time.perf_counter() - start
    return seconds, json.dumps(payload["repeats"], sort_keys=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="timed studies per setting")
    parser.add_argument("--repeats", type=int, default=4, help="paired runs per study")
    parser.add_argument("--steps", type=int, default=1500, help="training steps per run")
    args = parser.parse_args()
    import zeronn.experiments.fewshot.run  # noqa: F401  (imported before any study is timed)

    print(f"{describe_blas()}; each run on one BLAS thread; {args.repeats} paired runs per study")
    times: dict[int, list[float]] = {1: [], 2: []}
    results: dict[int, set[str]] = {1: set(), 2: set()}
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(args.rounds):
            for jobs in (1, 2):
                folder = Path(scratch) / f"round{round_}"
                seconds, result = study(jobs, folder, args.repeats, args.steps)
                times[jobs].append(seconds)
                results[jobs].add(result)
    if results[1] != results[2] or len(results[1]) != 1:
        raise AssertionError("jobs=2 changed the results")
    for jobs, seconds in times.items():
        print(f"jobs={jobs}: " + ", ".join(f"{s:.2f}" for s in seconds) + " s")
    one, two = statistics.median(times[1]), statistics.median(times[2])
    print("| study | jobs=1 s | jobs=2 s | speed-up |")
    print("|---|---|---|---|")
    print(f"| fewshot, {args.repeats} paired runs | {one:.1f} | {two:.1f} | {one / two:.2f}× |")
    print("results of jobs=1 and jobs=2: identical")


if __name__ == "__main__":
    main()
