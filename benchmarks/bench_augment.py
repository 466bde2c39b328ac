"""Augmentation speed: zeronn.augment against the per-image scipy.ndimage loops.

    python benchmarks/bench_augment.py     # ~2 minutes; ZERONN_DATA=... for real MNIST

Cases, all in one run (real MNIST training digits when ZERONN_DATA points at them, random
blob "digits" otherwise):

- rotate order 1 / 3: 10,000 28x28 images, random angles in [-30, 30]°, batched rotate
  (workers=1 and the default thread pool) vs a loop of scipy.ndimage.rotate(reshape=False);
  the outputs are checked equal (clipped for order 3) before timing.
- expand: all 60,000 training images with angles (15, -15) vs the naive loop that appends
  the original and scipy.ndimage.rotate copies to Python lists and stacks them (timed once on
  6,000 images and scaled ×10: the loop is linear in the images): float32 order 1 (clipped,
  the default), and float64 orders 3 and 1 with clip=False, checked equal to scipy within 1e-10.
  expand rotates all images by one angle at a time, so it goes through the angle's exact linear
  operator (zeronn.augment.operator), built once per angle: median of 3 calls of expand, the
  cache emptied before each, with the default threads and with one thread.
- operator or warp: n images at one angle through the per-image warp, through the operator
  built for them (empty cache), and through a cached operator; where the operator starts to
  pay is the threshold ``OPERATOR_MIN_SHARE`` in zeronn.augment.operator.
- pipeline: flips + zoom + shift + rotation fused, 10,000 images (no loop reference: the
  per-image equivalent is a loop of affine_transform, timed alongside).
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np
import scipy.ndimage as ndi
from _timing import format_table, measure

from zeronn.augment import (
    Pipeline,
    RandomFlip,
    RandomRotation,
    RandomShift,
    RandomZoom,
    expand,
    geometry,
    rotate,
)
from zeronn.augment import operator as rotation_operators
from zeronn.threads import blas_threads, describe_blas


def training_digits() -> tuple[np.ndarray, np.ndarray, str]:
    """(60000, 28, 28) float32 images and labels: real MNIST if ZERONN_DATA is set."""
    root = os.environ.get("ZERONN_DATA")
    if root:
        from zeronn.data import load_mnist

        (x, t), _ = load_mnist(flatten=False, root=root, download=False)
        return x[:, 0], t, "MNIST training set"
    rng = np.random.default_rng(0)
    x = np.zeros((60000, 28, 28), dtype=np.float32)
    x[:, 6:22, 9:19] = rng.random((60000, 16, 10), dtype=np.float32)
    return ndi.gaussian_filter(x, (0, 1.5, 1.5)), rng.integers(0, 10, 60000), "random blobs"


def loop_rotate(images, angles, order):
    out = np.empty_like(images)
    for n in range(len(images)):
        out[n] = ndi.rotate(images[n], angles[n], reshape=False, order=order, mode="nearest")
    return out


def naive_expand(x, t, angles, order=1):
    images, labels = [], []
    for image, label in zip(x, t, strict=True):
        images.append(image)
        labels.append(label)
        for angle in angles:
            images.append(ndi.rotate(image, angle, reshape=False, order=order, mode="nearest"))
            labels.append(label)
    return np.array(images), np.array(labels)


def expand_case(x, t, dtype, order, clip) -> dict[str, float]:
    """expand of all of x against the naive loop on a tenth of it (scaled), checked equal."""
    x = x.astype(dtype)

    def median_of_three() -> tuple[float, np.ndarray]:
        """Median seconds of 3 calls, each building its operators; the last call's images."""
        times, x_expanded = [], None
        for _ in range(3):
            x_expanded = None  # freed before the next call allocates its output
            rotation_operators.clear_cache()
            start = time.perf_counter()
            x_expanded, _ = expand(x, t, (15, -15), order=order, clip=clip)
            times.append(time.perf_counter() - start)
        return statistics.median(times), x_expanded

    ours, x_expanded = median_of_three()
    sample = len(x) // 10
    start = time.perf_counter()
    x_naive, _ = naive_expand(x[:sample], t[:sample], (15, -15), order)
    naive = (time.perf_counter() - start) * len(x) / sample
    assert x_expanded.dtype == dtype, "expand changed the dtype"
    tolerance = 1e-6 if dtype == np.float32 else 1e-10
    difference = np.abs(x_expanded[: 3 * sample] - x_naive).max()
    assert difference <= tolerance, f"expand differs from the naive loop by {difference}"
    del x_expanded  # not held while the one-thread calls allocate theirs
    with blas_threads(1):  # the operator's parts and the warp's pool on one thread
        ours_one_thread, _ = median_of_three()
    return {"zeronn": ours, "zeronn 1 thread": ours_one_thread, "scipy loop": naive}


def operator_or_warp(x) -> str:
    """Markdown: seconds per image at n images sharing one angle, warp vs operator."""
    lines = [
        "| order | images at one angle | warp µs/image | operator, built µs/image "
        "| operator, cached µs/image |",
        "|---|---|---|---|---|",
    ]
    for order in (1, 3):
        for count in (250, 500, 1000, 2000, 4000):
            images = x[:count].astype(np.float64)
            rotation_operators.OPERATOR_MIN_SHARE = np.inf  # the warp only
            warp = measure(lambda i=images, o=order: rotate(i, 15.0, order=o), repeats=3)
            rotation_operators.OPERATOR_MIN_SHARE = 0.0  # the operator only

            def built(i=images, o=order):
                rotation_operators.clear_cache()
                rotate(i, 15.0, order=o)

            fresh = measure(built, repeats=3)
            cached = measure(lambda i=images, o=order: rotate(i, 15.0, order=o), repeats=3)
            cells = [f"{value / count * 1e6:.1f}" for value in (warp, fresh, cached)]
            lines.append(f"| {order} | {count} | " + " | ".join(cells) + " |")
    rotation_operators.OPERATOR_MIN_SHARE = OPERATOR_MIN_SHARE
    return "\n".join(lines)


OPERATOR_MIN_SHARE = rotation_operators.OPERATOR_MIN_SHARE


def loop_affine(images, matrices, order):
    out = np.empty_like(images)
    linear, offsets = geometry.split(matrices)
    for n in range(len(images)):
        out[n] = ndi.affine_transform(images[n], linear[n], offsets[n], order=order, mode="nearest")
    return out


def main() -> None:
    x, t, source = training_digits()
    rng = np.random.default_rng(1)
    batch = x[:10000]
    angles = rng.uniform(-30, 30, len(batch))
    results: dict[str, dict[str, float | None]] = {}

    for order in (1, 3):
        expected = loop_rotate(batch, angles, order)
        if order > 1:
            expected = np.clip(
                expected, batch.min((1, 2))[:, None, None], batch.max((1, 2))[:, None, None]
            )
        got = rotate(batch, angles, order=order)
        assert np.abs(got - expected).max() <= 1e-6, "rotate lost parity with scipy"
        results[f"rotate 10k, order {order}"] = {
            "zeronn": measure(lambda o=order: rotate(batch, angles, order=o), repeats=3),
            "zeronn 1 thread": measure(
                lambda o=order: rotate(batch, angles, order=o, workers=1), repeats=3
            ),
            "scipy loop": measure(lambda o=order: loop_rotate(batch, angles, o), repeats=3),
        }

    pipeline = Pipeline(
        [RandomFlip(True, False), RandomZoom(0.1), RandomRotation(15), RandomShift(0.1, 0.1)]
    )
    params = pipeline.sample_params(len(batch), rng)
    matrices = pipeline.matrices(params, (28, 28))
    results["pipeline 10k, order 1"] = {
        "zeronn": measure(lambda: pipeline.apply(batch, params), repeats=3),
        "zeronn 1 thread": measure(
            lambda: Pipeline(pipeline.transforms, workers=1).apply(batch, params), repeats=3
        ),
        "scipy loop": measure(lambda: loop_affine(batch, matrices, 1), repeats=3),
    }

    results["expand 60k x (15, -15), order 1, float32"] = expand_case(x, t, np.float32, 1, True)
    for order in (3, 1):
        results[f"expand 60k x (15, -15), order {order}, float64, clip=False"] = expand_case(
            x, t, np.float64, order, False
        )

    print(f"data: {source}; {os.cpu_count()} CPUs; numpy {np.__version__}; {describe_blas()}")
    print(format_table(results, subject="zeronn"))
    print()
    print(operator_or_warp(x))


if __name__ == "__main__":
    main()
