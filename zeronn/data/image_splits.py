"""Training and validation parts of one image folder, both streamed.

Two layouts are understood::

    root/train/<class>/...  root/test/<class>/...    the two parts, as given
    root/<class>/...                                  a seeded share of each class held out
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from zeronn._checks import fraction
from zeronn.data.image_folder import check_image_arguments
from zeronn.data.image_scan import SPLIT_FOLDERS, has_split_folders
from zeronn.data.image_stream import ImageFolderDataset

__all__ = ["image_folder_splits"]


def image_folder_splits(
    root: str | os.PathLike,
    image_size: int | tuple[int, int],
    color: str = "rgb",
    classes: Sequence[str] | None = None,
    skip_bad: bool = False,
    *,
    validation_fraction: float = 0.2,
    rng: np.random.Generator | int | None = None,
    workers: int | None = None,
) -> tuple[ImageFolderDataset, ImageFolderDataset]:
    """``(train, validation)`` streaming datasets from one folder.

    When ``root`` holds ``train/`` and ``test/`` (each with the same class folders), they
    are the two parts and ``validation_fraction`` is not used. Otherwise ``root`` holds the
    class folders and :meth:`ImageFolderDataset.split` draws ``validation_fraction`` of each
    class (seeded by ``rng``). Other arguments: see :class:`ImageFolderDataset`.
    """
    owner = "image_folder_splits"
    folder, _, _, _ = check_image_arguments(root, image_size, color, workers, owner)
    validation_fraction = fraction(validation_fraction, "validation_fraction", owner)
    if has_split_folders(folder):
        train_folder, test_folder = (folder / name for name in SPLIT_FOLDERS)
        train = ImageFolderDataset(
            train_folder, image_size, color, classes, skip_bad, workers=workers
        )
        test = ImageFolderDataset(
            test_folder, image_size, color, train.class_names, skip_bad, workers=workers
        )
        return train, test
    whole = ImageFolderDataset(folder, image_size, color, classes, skip_bad, workers=workers)
    return whole.split(validation_fraction, rng)
