"""One full-batch SGD step of the fewshot network, zeronn against a hand-written NumPy loop.

    python benchmarks/bench_train_step.py      # ~20 s

The network is the blog's 784-200-200-10 ReLU MLP with softmax cross-entropy, N=30 images
(10 originals and their ±15° copies). A step is forward, loss, backward and the SGD update.

- zeronn:  ``loss_fn(model(x), t); model.backward(loss_fn.backward(), input_grad=False);
  SGD.step()``, the fewshot loop
           (zeronn/experiments/fewshot/training.py).
- numpy:   the same arithmetic written inline below, the way one would write it by hand:
           no layers, no checks, no bookkeeping. The target is zeronn/numpy <= 1.3.

Two timings per dtype: blocks of 100 steps of each loop timed one after the other (median of
9), and the same blocks alternating between the two loops (median of 30 each). On a shared
machine the first swings with the machine's drift; the interleaved one is the number to quote.

At N=30 a step is ~10 small matrix products (~15 MFLOP), so fixed per-call costs (input
checks, Python method calls) are a visible share; this benchmark shows how visible. Both run
with BLAS on one thread (``zeronn.threads.blas_threads(1)``), as each fewshot run does.
"""

from __future__ import annotations

import time

import numpy as np
from _timing import format_table, measure

from zeronn.experiments.fewshot.network import build_network
from zeronn.losses import SoftmaxCrossEntropy
from zeronn.optim import SGD
from zeronn.threads import blas_threads

N = 30
STEPS_PER_CALL = 100
LR = 0.001


def numpy_training(x, t, weights, lr):
    """The step as one would write it by hand; returns a function that runs STEPS_PER_CALL."""
    W1, W2, W3 = (W.copy() for W in weights)
    b1, b2, b3 = (np.zeros(W.shape[1], dtype=W.dtype) for W in weights)
    n = len(x)
    rows = np.arange(n)

    def steps() -> float:
        nonlocal W1, W2, W3, b1, b2, b3  # updated in place by -=
        loss = 0.0
        for _ in range(STEPS_PER_CALL):
            h1 = x @ W1 + b1
            a1 = np.maximum(h1, 0)
            h2 = a1 @ W2 + b2
            a2 = np.maximum(h2, 0)
            z = a2 @ W3 + b3
            z -= z.max(axis=1, keepdims=True)
            e = np.exp(z)
            p = e / e.sum(axis=1, keepdims=True)
            loss = -np.log(p[rows, t]).mean()
            dz = p
            dz[rows, t] -= 1
            dz /= n
            dh2 = (dz @ W3.T) * (h2 > 0)
            dh1 = (dh2 @ W2.T) * (h1 > 0)
            W3 -= lr * (a2.T @ dz)
            b3 -= lr * dz.sum(axis=0)
            W2 -= lr * (a1.T @ dh2)
            b2 -= lr * dh2.sum(axis=0)
            W1 -= lr * (x.T @ dh1)
            b1 -= lr * dh1.sum(axis=0)
        return float(loss)

    return steps


def zeronn_training(x, t, weights, lr):
    model = build_network(0.01, np.random.default_rng(0), x.dtype)
    for (name, param), W in zip(
        [(n, p) for n, p in model.named_parameters() if n.endswith(".W")], weights, strict=True
    ):
        assert name.endswith(".W")
        param.data[...] = W
    optimizer = SGD(model.parameters(), lr=lr)
    loss_fn = SoftmaxCrossEntropy()

    def steps() -> float:
        loss = 0.0
        for _ in range(STEPS_PER_CALL):
            loss = loss_fn.forward(model.forward(x), t)
            model.backward(loss_fn.backward(), input_grad=False)
            optimizer.step()
        return loss

    return steps


def main() -> None:
    with blas_threads(1):
        compare()


def compare() -> None:
    rng = np.random.default_rng(0)
    results = {}
    for dtype in (np.float64, np.float32):
        x = rng.random((N, 784)).astype(dtype)
        t = np.arange(N) % 10
        weights = tuple(
            (0.01 * rng.standard_normal(shape)).astype(dtype)
            for shape in ((784, 200), (200, 200), (200, 10))
        )
        ours = zeronn_training(x, t, weights, LR)
        theirs = numpy_training(x, t, weights, LR)
        # same arithmetic: the losses after one call agree to rounding
        assert np.isclose(ours(), theirs(), rtol=1e-4), "zeronn and numpy loops disagree"
        name = f"one step, N={N}, {np.dtype(dtype).name}"
        results[f"{name}, blocks of {STEPS_PER_CALL}"] = {
            "zeronn": measure(ours, repeats=9) / STEPS_PER_CALL,
            "numpy": measure(theirs, repeats=9) / STEPS_PER_CALL,
        }
        results[f"{name}, interleaved"] = interleaved_medians(ours, theirs)
    print(format_table(results, subject="zeronn"))


def interleaved_medians(ours, theirs, blocks: int = 30) -> dict[str, float]:
    """Median time of one step of each loop, the two alternating block by block.

    Timing each loop as a whole, seconds apart, lets the machine's drift (frequency, a
    neighbour's load, cache state) land on one side only; alternating short blocks gives both
    the same conditions. Returns seconds per step.
    """
    times = {"zeronn": [], "numpy": []}
    for _ in range(blocks):
        for label, run in (("zeronn", ours), ("numpy", theirs)):
            start = time.perf_counter()
            run()
            times[label].append((time.perf_counter() - start) / STEPS_PER_CALL)
    return {label: float(np.median(values)) for label, values in times.items()}


if __name__ == "__main__":
    main()
