"""zeronn.profile's tables for the book's two convnets, one thread count after another.

    ZERONN_DATA=... python benchmarks/bench_profile.py                  # 1 and 2 threads, ~1 min
    ZERONN_DATA=... python benchmarks/bench_profile.py --threads 2 --model deep --repeats 30

One training step (forward, loss, backward, Adam) of SimpleConvNet and DeepConvNet (float32,
batch 100, MNIST training images or random ones without ZERONN_DATA), part by part: each
layer's forward and backward, the loss, the optimizer, FLOPs and the share of the BLAS peak
measured in the same process at the same thread count (:func:`zeronn.profile`). ``--repeats``
steps are averaged after a warm-up step, back to back (a core that has rested wakes slowly, so
steps separated by pauses would be billed for it). Each table is the fastest of ``--attempts``
profiles, the others having met another process on the machine; a last table puts the thread
counts side by side.
"""

from __future__ import annotations

import argparse

import numpy as np
from _data import training_images
from _machine import rerun_unpinned

import zeronn
from zeronn import models, optim
from zeronn.threads import blas_threads

MODELS = {"simple": models.simple_convnet, "deep": models.deep_convnet}


def best_profile(model_name: str, x, t, threads: int, repeats: int, attempts: int):
    model = MODELS[model_name](rng=0, dtype=np.float32)
    optimizer = optim.Adam(model.parameters(), lr=0.001)
    with blas_threads(threads):
        profiles = [
            zeronn.profile(model, x, t, optimizer=optimizer, repeats=repeats)
            for _ in range(attempts)
        ]
    return min(profiles, key=lambda result: result.step)


def side_by_side(results: dict[int, zeronn.profiler.Profile]) -> str:
    counts = sorted(results)
    header = ["part", *(f"{n} thread{'s' if n > 1 else ''} ms" for n in counts)]
    header += [f"{n}/{counts[0]}" for n in counts[1:]]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    first = results[counts[0]]
    for index, row in enumerate(first.parts):
        cells = [row.name] + [f"{results[n].parts[index].seconds * 1e3:.2f}" for n in counts]
        cells += [
            f"{results[n].parts[index].seconds / row.seconds:.2f}" if row.seconds else "—"
            for n in counts[1:]
        ]
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["step"] + [f"{results[n].step * 1e3:.2f}" for n in counts]
    cells += [f"**{results[n].step / first.step:.2f}**" for n in counts[1:]]
    lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--model", choices=sorted(MODELS), nargs="+", default=["simple", "deep"])
    parser.add_argument("--repeats", type=int, default=20, help="steps averaged per profile")
    parser.add_argument("--attempts", type=int, default=3, help="profiles; the fastest is shown")
    args = parser.parse_args()
    x, t, source = training_images(100)
    print(f"batch: 100 {source}\n")
    for model_name in args.model:
        results = {}
        for threads in args.threads:
            results[threads] = best_profile(
                model_name, x, t, threads, args.repeats, args.attempts
            )
            print(f"### {model_name}, {threads} thread(s)\n\n{results[threads]}\n")
        if len(results) > 1:
            print(f"### {model_name}: the thread counts side by side\n\n{side_by_side(results)}\n")
    rerun_unpinned()


if __name__ == "__main__":
    main()
