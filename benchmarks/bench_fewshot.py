"""The literal fewshot pool: every MNIST training image and its ±15° copies (180,000 images).

    python benchmarks/bench_fewshot.py              # synthetic 60,000 images, ~1 minute
    python benchmarks/bench_fewshot.py --real       # the real MNIST (needs ZERONN_DATA)

The blog's code builds this pool before drawing 10 images from it; ``zeronn fewshot --literal``
does the same. Implementations, both producing (original, +15°, −15°) per image in order:

- zeronn:  ``zeronn.augment.expand(x, t, (15, -15), order=3, image_shape=(28, 28))``.
- naive:   a Python loop calling ``scipy.ndimage.rotate(img, angle, reshape=False,
           mode="nearest")`` (order 3 by default) per image and appending to lists, as the
           blog's code does.

zeronn clips an order-3 rotation to each image's own [min, max] (a cubic spline overshoots next
to strokes); scipy does not. The check below therefore compares against the scipy output
clipped the same way, and prints how far the unclipped scipy output lies from it.

The naive loop over all 60,000 images takes a while, so it runs on ``--naive-images`` images
(default 6,000) and its time is scaled to 60,000 (the loop is linear in the image count); the
outputs are compared on those images.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.ndimage as ndi
from _timing import format_table, measure

from zeronn.augment import expand

ANGLES = (15, -15)


def naive_pool(x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The blog's way: one scipy call per rotated image, lists, then np.array."""
    images, labels = [], []
    for image, label in zip(x, t, strict=True):
        image = image.reshape(28, 28)
        images.append(image)
        labels.append(label)
        for angle in ANGLES:
            images.append(ndi.rotate(image, angle, reshape=False, mode="nearest"))
            labels.append(label)
    return np.array(images).reshape(len(images), 784), np.array(labels)


def training_images(real: bool) -> tuple[np.ndarray, np.ndarray]:
    if real:
        from zeronn.data import load_mnist

        (x, t), _ = load_mnist()
        return x, t
    # MNIST-like: mostly zeros with a bright blob; the warp's cost does not depend on content
    rng = np.random.default_rng(0)
    x = np.zeros((60_000, 28, 28), dtype=np.float32)
    x[:, 6:22, 8:20] = rng.random((60_000, 16, 12), dtype=np.float32)
    return x.reshape(60_000, 784), rng.integers(0, 10, 60_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true", help="use the real MNIST training set")
    parser.add_argument("--naive-images", type=int, default=6000)
    args = parser.parse_args()

    x, t = training_images(args.real)
    results = {}
    for dtype in (np.float32, np.float64):
        images = x.astype(dtype)
        subset = slice(0, args.naive_images)
        pool_x, _ = expand(images[subset], t[subset], ANGLES, order=3, image_shape=(28, 28))
        naive_x, _ = naive_pool(images[subset], t[subset])
        source = np.repeat(images[subset], 1 + len(ANGLES), axis=0)
        low, high = source.min(axis=1, keepdims=True), source.max(axis=1, keepdims=True)
        error = float(np.abs(pool_x - np.clip(naive_x, low, high)).max())
        assert error < 1e-5, f"expand and the clipped scipy loop disagree by {error}"
        overshoot = float(np.abs(pool_x - naive_x).max())

        start = time.perf_counter()
        naive_pool(images[subset], t[subset])
        naive_seconds = (time.perf_counter() - start) * len(images) / args.naive_images
        case = f"60,000 -> 180,000, {np.dtype(dtype).name} (diff {error:.0e}, clip {overshoot:.2f})"
        results[case] = {
            "zeronn": measure(
                lambda images=images: expand(images, t, ANGLES, order=3, image_shape=(28, 28)),
                repeats=3,
                warmup=0,
            ),
            "naive": naive_seconds,
        }
    print(format_table(results, subject="zeronn"))
    print(f"(naive: {args.naive_images} images timed once, scaled to 60,000)")


if __name__ == "__main__":
    main()
