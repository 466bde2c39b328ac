"""A tiny timing helper shared by the benchmark scripts.

Three functions:

- ``interleaved({name: fn})`` -> ``{name: median seconds}``, the implementations timed in turns
  (a few calls of each per round, several rounds), so that a drift of the machine's speed
  hits them alike; what ratios should be computed from.
- ``measure(fn)`` -> the median wall time of ``fn()`` in seconds. It first rests ``pause``
  seconds: after a matrix product OpenBLAS threads keep spinning for ~0.1 s, and whatever is
  measured next would pay for them. Then it makes ``warmup`` untimed calls (buffers, caches).
- ``format_table(results, subject=...)`` -> a Markdown table of medians in milliseconds, plus
  the ratio ``subject time / other time`` for every other implementation (below 1: subject is
  faster). Missing measurements (``None``) print as "—".

Usage::

    from _timing import format_table, measure

    results = {"case a": {"zeronn": measure(run_ours), "torch": measure(run_torch)}}
    print(format_table(results, subject="zeronn"))

Compare ratios within one run: absolute times drift from run to run.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def measure(
    fn: Callable[[], object], *, repeats: int = 7, warmup: int = 1, pause: float = 0.15
) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeats`` calls (after a rest and warmup)."""
    if repeats < 1:
        raise ValueError(f"measure expected repeats >= 1, got {repeats}")
    time.sleep(pause)
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved(
    functions: dict[str, Callable[[], object]], *, rounds: int = 5, repeats: int = 3
) -> dict[str, float]:
    """Median seconds per call of each function, timed in turns: every round times
    ``repeats`` calls of each (after one warm-up call each), ``rounds`` rounds."""
    for fn in functions.values():
        fn()
    samples: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(rounds):
        for name, fn in functions.items():
            # a rest as long as measure's: the previous function's BLAS or OpenMP threads spin
            # for up to ~0.1 s and would take a core from this one's first calls
            time.sleep(0.15)
            for _ in range(repeats):
                start = time.perf_counter()
                fn()
                samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def format_table(results: dict[str, dict[str, float | None]], *, subject: str) -> str:
    """A Markdown table: one row per case, medians (ms) per implementation, then ratios.

    ``results[case][implementation]`` is a time in seconds or ``None`` (not measured).
    Ratio columns read ``subject/other`` = subject's time divided by the other's.
    """
    implementations: list[str] = []
    for timings in results.values():
        implementations += [name for name in timings if name not in implementations]
    others = [name for name in implementations if name != subject]
    header = ["case", *(f"{name} ms" for name in implementations)]
    header += [f"{subject}/{name}" for name in others]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for case, timings in results.items():
        cells = [case]
        cells += [_cell(timings.get(name), 1e3, "{:.2f}") for name in implementations]
        mine = timings.get(subject)
        for name in others:
            other = timings.get(name)
            ratio = None if mine is None or not other else mine / other
            cells.append(_cell(ratio, 1.0, "{:.2f}"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(value: float | None, scale: float, fmt: str) -> str:
    return "—" if value is None else fmt.format(value * scale)
