"""Tiny stand-ins for the MNIST files: random ones (``write_fake``, for the loaders) and
learnable ones (``write_bars``, for commands that train)."""

from pathlib import Path

import numpy as np
import pytest

from zeronn.data.catalog import TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS
from zeronn.data.idx import write_idx


def write_fake(folder: Path, n_train: int = 5, n_test: int = 3, seed: int = 0) -> dict:
    """Write a tiny dataset (28×28 uint8 images, labels 0..9) into ``folder``."""
    rng = np.random.default_rng(seed)
    arrays = {
        TRAIN_IMAGES: rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        TRAIN_LABELS: rng.integers(0, 10, n_train, dtype=np.uint8),
        TEST_IMAGES: rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        TEST_LABELS: rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    arrays[TRAIN_IMAGES][0, 0, :2] = [0, 255]  # the extremes map to exactly 0 and 1
    for name, array in arrays.items():
        write_idx(folder / name, array)
    return arrays


def write_bars(folder: Path, n_train: int, n_test: int, seed: int = 0) -> None:
    """Write learnable MNIST-format files into ``folder``: noise images with a bright band of
    rows whose height encodes the label (class k: rows 2k + 2 to 2k + 5), labels 0..9 in turn."""
    rng = np.random.default_rng(seed)
    for split, count in (("train", n_train), ("t10k", n_test)):
        labels = (np.arange(count) % 10).astype(np.uint8)
        images = rng.integers(0, 60, size=(count, 28, 28)).astype(np.uint8)
        for i, label in enumerate(labels):
            images[i, 2 * label + 2 : 2 * label + 6, 4:24] = 255
        write_idx(folder / f"{split}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{split}-labels-idx1-ubyte.gz", labels)


def isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No ZERONN_DATA, an empty cache under tmp_path, and no download; returns tmp_path."""
    monkeypatch.delenv("ZERONN_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path
