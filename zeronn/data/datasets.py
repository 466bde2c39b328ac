"""MNIST and Fashion-MNIST: the loaders that decode the four IDX files of a dataset.

What each dataset is (its files, classes, sizes, mirrors and SHA-256 digests) is one row of
the table in :mod:`zeronn.data.catalog`. Where the files are looked for (``root``, then
``$ZERONN_DATA``, then the download cache) and how missing ones are downloaded and verified:
:mod:`zeronn.data.locate`.

Each file is decompressed and decoded once per process and kept, read-only, keyed by its path,
modification time and size (a changed file is read again); every call hands out new arrays
built from it, so callers may modify what they get.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

# The download module stays reachable as datasets._download, where callers (tests) patch it.
from zeronn._checks import boolean
from zeronn.data import download as _download  # noqa: F401
from zeronn.data.catalog import (
    DATASETS,
    FASHION_MNIST,
    FASHION_MNIST_CLASSES,
    FILE_NAMES,
    MNIST,
    MNIST_CLASSES,
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    DatasetInfo,
)
from zeronn.data.errors import DataError
from zeronn.data.identity import verify_identity, verify_shape
from zeronn.data.idx import read_idx
from zeronn.data.locate import cache_folder, locate_files

__all__ = [
    "DATASETS",
    "FASHION_MNIST",
    "FASHION_MNIST_CLASSES",
    "FILE_NAMES",
    "MNIST",
    "MNIST_CLASSES",
    "DatasetInfo",
    "cache_folder",
    "load_dataset",
    "load_fashion_mnist",
    "load_mnist",
    "locate_dataset",
    "scale_pixels",
]


Split = tuple[NDArray, NDArray]


def locate_dataset(
    name: str, *, root: str | os.PathLike | None = None, download: bool = True
) -> Path:
    """Return the folder holding the four files of dataset ``name`` ("mnist" or "fashion-mnist").

    Searches ``root``, ``$ZERONN_DATA`` and the download cache, in that order, and downloads
    into the cache when none holds the files and ``download`` is true (details:
    :mod:`zeronn.data.locate`). Raises ``FileNotFoundError`` saying which files to put where
    when the files can be neither found nor downloaded, and
    :class:`~zeronn.data.download.ChecksumError` when a download has the wrong digest.
    """
    return locate_files(
        _dataset_info(name),
        root=root,
        download=download,
        dataset_folders=tuple(info.folder for info in DATASETS.values()),
    )


def _dataset_info(name: str) -> DatasetInfo:
    if not isinstance(name, str):
        raise TypeError(f"expected a dataset name such as 'mnist', got {name!r}")
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; expected one of {sorted(DATASETS)}")
    return DATASETS[name]


# path -> (mtime_ns, size, read-only decoded array): each file is decoded once per process
_decoded: dict[Path, tuple[int, int, NDArray]] = {}


def _read_cached(path: Path) -> NDArray:
    """The decoded IDX array of ``path``, read-only; re-read when the file changes."""
    path = path.resolve()
    status = path.stat()
    hit = _decoded.get(path)
    if hit is not None and hit[:2] == (status.st_mtime_ns, status.st_size):
        return hit[2]
    array = read_idx(path)
    array.flags.writeable = False
    _decoded[path] = (status.st_mtime_ns, status.st_size, array)
    return array


def _read_split(folder: Path, images_name: str, labels_name: str, classes: int) -> Split:
    images_path, labels_path = folder / images_name, folder / labels_name
    images, labels = _read_cached(images_path), _read_cached(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise DataError(
            f"{images_path}: expected uint8 images of shape (N, height, width), "
            f"got {images.dtype} of shape {images.shape}"
        )
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise DataError(
            f"{labels_path}: expected uint8 labels of shape (N,), "
            f"got {labels.dtype} of shape {labels.shape}"
        )
    if len(images) != len(labels):
        raise DataError(
            f"image and label counts differ: {images_path} holds {len(images)} images, "
            f"{labels_path} holds {len(labels)} labels"
        )
    if len(labels) and labels.max() >= classes:
        raise DataError(
            f"{labels_path}: labels must be in [0, {classes}), found {int(labels.max())}"
        )
    return images, labels


def scale_pixels(pixels: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Pixels 0-255 as float32 in [0, 1], ``pixel / 255``: what the loaders' ``normalize`` gives.

    >>> scale_pixels(np.array([0, 51, 255], dtype=np.uint8))
    array([0. , 0.2, 1. ], dtype=float32)
    """
    return np.divide(pixels, np.float32(255), dtype=np.float32)


def _prepare(
    images: NDArray[np.uint8],
    labels: NDArray[np.uint8],
    classes: int,
    normalize: bool,
    flatten: bool,
    one_hot_label: bool,
) -> Split:
    """New arrays in the requested form; the cached arrays are never handed out."""
    n, height, width = images.shape
    x = images.reshape(n, height * width) if flatten else images.reshape(n, 1, height, width)
    x = scale_pixels(x) if normalize else x.copy()
    t = np.eye(classes, dtype=np.float32)[labels] if one_hot_label else labels.astype(np.int64)
    return x, t


def load_dataset(
    name: str,
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    *,
    root: str | os.PathLike | None = None,
    download: bool = True,
    verify: bool = True,
) -> tuple[Split, Split]:
    """Load ``name`` ("mnist" or "fashion-mnist") as ``((x_train, t_train), (x_test, t_test))``.

    Images: float32 in [0, 1] (pixel / 255) when ``normalize``, else uint8 in [0, 255];
    shape (N, 784) when ``flatten``, else (N, 1, 28, 28). Labels: int64 class indices of
    shape (N,), or float32 one-hot rows of shape (N, 10) when ``one_hot_label``. Every call
    returns new arrays, which the caller may modify freely. Where the files are looked for
    and how they are downloaded: see the module docstring.

    ``verify`` checks that the files found are the published dataset (the shape each header
    declares, before its data is read; the SHA-256 of each file's content, computed once per
    file and process) and raises
    :class:`~zeronn.data.errors.DatasetMismatchError` naming what was found otherwise: MNIST
    files in the Fashion-MNIST folder are refused, not loaded. ``verify=False`` loads any
    well-formed IDX files of that layout, e.g. your own subset. Image and label counts that
    differ, or labels outside the classes, raise :class:`~zeronn.data.errors.DataError`.
    """
    info = _dataset_info(name)
    for flag, value in (
        ("normalize", normalize),
        ("flatten", flatten),
        ("one_hot_label", one_hot_label),
        ("download", download),
        ("verify", verify),
    ):
        boolean(value, flag, "load_dataset")
    folder = locate_dataset(name, root=root, download=download)
    classes = len(info.classes)
    splits = []
    for images_name, labels_name in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        if verify:
            verify_shape(info, folder, labels_name)
            verify_shape(info, folder, images_name)
        images, labels = _read_split(folder, images_name, labels_name, classes)
        if verify:
            known = DATASETS.values()
            verify_identity(info, folder, labels_name, labels, known)
            verify_identity(info, folder, images_name, images, known)
        splits.append(_prepare(images, labels, classes, normalize, flatten, one_hot_label))
    return splits[0], splits[1]


def load_mnist(
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    *,
    root: str | os.PathLike | None = None,
    download: bool = True,
    verify: bool = True,
) -> tuple[Split, Split]:
    """Load MNIST (handwritten digits; 60000 train, 10000 test). See :func:`load_dataset`."""
    return load_dataset(
        "mnist", normalize, flatten, one_hot_label, root=root, download=download, verify=verify
    )


def load_fashion_mnist(
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    *,
    root: str | os.PathLike | None = None,
    download: bool = True,
    verify: bool = True,
) -> tuple[Split, Split]:
    """Load Fashion-MNIST (clothing; 60000 train, 10000 test). See :func:`load_dataset`."""
    return load_dataset(
        "fashion-mnist",
        normalize,
        flatten,
        one_hot_label,
        root=root,
        download=download,
        verify=verify,
    )
