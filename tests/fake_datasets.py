"""Tiny stand-ins for the MNIST files, shared by test_datasets.py and test_locate.py."""

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


def isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No ZERONN_DATA, an empty cache under tmp_path, and no download; returns tmp_path."""
    monkeypatch.delenv("ZERONN_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path
