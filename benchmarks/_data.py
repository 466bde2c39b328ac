"""The images the benchmarks time on: MNIST's training set, or random ones without it.

    from _data import training_images
    x, t, source = training_images(6000)   # source says which, for the table's header
"""

from __future__ import annotations

import numpy as np

from zeronn import data
from zeronn.data.download import DownloadError


def training_images(count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, str]:
    """The first ``count`` MNIST training images (float32, (N, 1, 28, 28)) and labels.

    Without the files (``ZERONN_DATA`` unset), random images and labels drawn from ``seed``:
    timing hardly depends on pixel values, so the benchmark says so rather than fails.
    """
    try:
        (x, t), _ = data.load_mnist(normalize=True, flatten=False, download=False)
        return x[:count], t[:count], "MNIST training images"
    except (FileNotFoundError, DownloadError):
        rng = np.random.default_rng(seed)
        x = rng.random((count, 1, 28, 28), dtype=np.float32)
        return x, rng.integers(0, 10, count), "random images (MNIST not found: set ZERONN_DATA)"
