"""Load a folder of class folders of images into memory: ``load_image_folder``.

The pieces: :mod:`~zeronn.data.image_scan` finds the files (class folders, hidden files,
symlink loops), :mod:`~zeronn.data.image_decode` turns one file into (C, H, W) floats, and
this module checks the arguments, decodes many files in a thread pool and reports the files
that could not be read. For folders that do not fit in memory, stream them with
:class:`zeronn.data.ImageFolderDataset`.

Bad files (not an image by their name, or failing to decode) are collected over the whole
folder and raised as ONE :class:`ImageFolderError` naming each file and why. With
``skip_bad=True`` they are left out instead: a :class:`BadImageWarning` says how many and
which, and the result's ``skipped`` lists them.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from zeronn._checks import choice, existing_folder, pair, positive_int
from zeronn.data.errors import DataError
from zeronn.data.image_decode import COLORS, channels_of, decode_image
from zeronn.data.image_scan import BadFile, ImageFiles, scan_image_folder

__all__ = [
    "BadImageWarning",
    "ImageFolder",
    "ImageFolderError",
    "decode_files",
    "decode_into",
    "default_workers",
    "load_image_folder",
]

# What Pillow raises for a file it cannot read; anything else is a bug and propagates.
DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)


class ImageFolderError(DataError):
    """Files of an image folder could not be read; ``bad_files`` holds (path, reason) pairs.

    A :class:`~zeronn.data.errors.DataError` (so a ``ValueError``): the user can fix it."""

    def __init__(self, message: str, bad_files: Sequence[BadFile]) -> None:
        super().__init__(message)
        self.bad_files = tuple(bad_files)


class BadImageWarning(UserWarning):
    """Files were skipped (``skip_bad=True``) because they could not be read as images."""


@dataclass(frozen=True)
class ImageFolder:
    """Images loaded from class folders.

    images: float32 (N, C, H, W) in [0, 1], C = 3 for "rgb", 1 for "grayscale";
    labels: int64 (N,), indices into ``class_names`` (the sorted folder names);
    paths: the file of each image (str); skipped: (path, reason) of each file left out by
    ``skip_bad=True`` (empty otherwise).
    """

    images: NDArray[np.float32]
    labels: NDArray[np.int64]
    class_names: tuple[str, ...]
    paths: tuple[str, ...]
    skipped: tuple[BadFile, ...] = ()

    def __len__(self) -> int:
        return len(self.labels)

    def __repr__(self) -> str:
        return (
            f"ImageFolder({len(self)} images {tuple(self.images.shape[1:])}, "
            f"classes={list(self.class_names)}, skipped={len(self.skipped)})"
        )


def default_workers() -> int:
    """Decoding threads when ``workers=None``: the CPU count, at most 4."""
    return min(4, os.cpu_count() or 1)


def check_image_arguments(
    root: object, image_size: object, color: object, workers: object, owner: str
) -> tuple[Path, tuple[int, int], str, int]:
    """``root``, ``image_size`` (an int is a square), ``color`` and ``workers`` checked."""
    folder = existing_folder(root, "root", owner)
    size = pair(image_size, "image_size", owner)
    color = choice(color, "color", owner, COLORS)
    workers = default_workers() if workers is None else positive_int(workers, "workers", owner)
    return folder, size, color, workers


def decode_into(
    images: NDArray[np.float32], index: int, path: str, image_size: tuple[int, int], color: str
) -> str | None:
    """Decode ``path`` into ``images[index]``; return why it failed, or None on success."""
    try:
        images[index] = decode_image(path, image_size, color)
    except DECODE_ERRORS as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def decode_files(
    paths: Sequence[str],
    image_size: tuple[int, int],
    color: str,
    pool: ThreadPoolExecutor | None = None,
) -> tuple[NDArray[np.float32], list[tuple[int, str]]]:
    """Decode ``paths`` into float32 (n, C, H, W); return it with (index, reason) failures.

    The rows of failed files are left as zeros. With a ``pool``, files decode in its threads
    (Pillow releases the GIL while decoding and resizing); without one, in a plain loop.
    """
    images = np.zeros((len(paths), channels_of(color), *image_size), dtype=np.float32)
    indices = range(len(paths))

    def decode(index: int) -> str | None:
        return decode_into(images, index, paths[index], image_size, color)

    reasons = list(map(decode, indices) if pool is None else pool.map(decode, indices))
    failures = [(index, reason) for index, reason in enumerate(reasons) if reason is not None]
    return images, failures


def bad_files_message(root: Path, bad: Sequence[BadFile], total: int, action: str) -> str:
    """One message naming each bad file (relative to ``root``) and why it is bad."""
    lines = [f"{len(bad)} of {total} files in {root} could not be read as images; {action}:"]
    for path, reason in bad:
        lines.append(f"  {os.path.relpath(path, root)}: {reason}")
    return "\n".join(lines)


def report_bad_files(
    root: Path, bad: Sequence[BadFile], total: int, skip_bad: bool, owner: str
) -> None:
    """Raise ImageFolderError for ``bad`` files, or warn that they are skipped."""
    if not bad:
        return
    if not skip_bad:
        action = "pass skip_bad=True to leave them out"
        raise ImageFolderError(f"{owner}: " + bad_files_message(root, bad, total, action), bad)
    message = bad_files_message(root, bad, total, "skipped (skip_bad=True)")
    warnings.warn(f"{owner}: {message}", BadImageWarning, stacklevel=3)


def load_image_folder(
    root: str | os.PathLike,
    image_size: int | tuple[int, int],
    color: str = "rgb",
    classes: Sequence[str] | None = None,
    skip_bad: bool = False,
    *,
    workers: int | None = None,
) -> ImageFolder:
    """Load every image below ``root``'s class folders into memory, as an :class:`ImageFolder`.

    ``root``: one subfolder per class (layout: :mod:`zeronn.data.image_scan`); class k is the
    k-th folder name in sorted order, or the k-th of ``classes`` when given. ``image_size``:
    (H, W) in pixels, or one int for a square; ``color``: "rgb" (C = 3) or "grayscale"
    (C = 1). Decoding, color conversion, transparency and resizing:
    :mod:`zeronn.data.image_decode`. Images come in path order, class by class.
    ``workers``: decoding threads (default: the CPU count, at most 4).

    Every argument is checked before any file is opened. Raises :class:`ImageFolderError`
    naming every bad file, unless ``skip_bad`` (then: :class:`BadImageWarning`, ``skipped``).
    """
    owner = "load_image_folder"
    root, size, color, workers = check_image_arguments(root, image_size, color, workers, owner)
    files = scan_image_folder(root, classes, owner=owner)
    return load_files(files, size, color, skip_bad, workers, owner)


def load_files(
    files: ImageFiles,
    image_size: tuple[int, int],
    color: str,
    skip_bad: bool,
    workers: int,
    owner: str,
) -> ImageFolder:
    """Decode all of ``files`` and report the bad ones together (see :func:`load_image_folder`)."""
    if workers == 1:
        images, failures = decode_files(files.paths, image_size, color)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            images, failures = decode_files(files.paths, image_size, color, pool)
    bad = list(files.bad) + [(files.paths[index], reason) for index, reason in failures]
    report_bad_files(files.root, bad, len(files) + len(files.bad), skip_bad, owner)
    keep = np.ones(len(files), dtype=bool)
    keep[[index for index, _ in failures]] = False
    if not keep.any():
        raise ImageFolderError(f"{owner}: no file of {files.root} could be read as an image", bad)
    kept = files.subset(np.flatnonzero(keep))
    images = images if keep.all() else images[keep]
    return ImageFolder(images, kept.labels, files.class_names, kept.paths, tuple(bad))
