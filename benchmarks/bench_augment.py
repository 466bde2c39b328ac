"""Augmentation speed: zeronn.augment against the per-image scipy.ndimage loops.

    python benchmarks/bench_augment.py     # a few minutes; ZERONN_DATA=... for real MNIST

Cases, all in one run (real MNIST training digits when ZERONN_DATA points at them, random
blob "digits" otherwise):

- rotate order 1 / 3: 10,000 28x28 images, random angles in [-30, 30]°, batched rotate
  (workers=1 and the default thread pool) vs a loop of scipy.ndimage.rotate(reshape=False);
  the outputs are checked equal (clipped for order 3) before timing.
- expand: all 60,000 training images with angles (15, -15) vs the naive loop that appends
  the original and scipy.ndimage.rotate copies to Python lists and stacks them (timed once).
- pipeline: flips + zoom + shift + rotation fused, 10,000 images (no loop reference: the
  per-image equivalent is a loop of affine_transform, timed alongside).
"""

from __future__ import annotations

import os
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


def naive_expand(x, t, angles):
    images, labels = [], []
    for image, label in zip(x, t, strict=True):
        images.append(image)
        labels.append(label)
        for angle in angles:
            images.append(ndi.rotate(image, angle, reshape=False, order=1, mode="nearest"))
            labels.append(label)
    return np.array(images), np.array(labels)


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

    start = time.perf_counter()
    x_expanded, _ = expand(x, t, (15, -15))
    ours = time.perf_counter() - start
    start = time.perf_counter()
    x_naive, _ = naive_expand(x, t, (15, -15))
    naive = time.perf_counter() - start
    assert np.abs(x_expanded - x_naive).max() <= 1e-6, "expand differs from the naive loop"
    results["expand 60k x (15, -15)"] = {
        "zeronn": ours,
        "zeronn 1 thread": None,
        "scipy loop": naive,
    }

    print(f"data: {source}; {os.cpu_count()} CPUs")
    print(format_table(results, subject="zeronn"))


if __name__ == "__main__":
    main()
