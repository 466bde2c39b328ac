"""The data-source side of ``zeronn train``: arrays in memory, or an image folder streamed.

MNIST and Fashion-MNIST arrive as arrays ``(x, t)``; a folder given with ``--data`` stays on
disk as :class:`~zeronn.data.ImageFolderDataset` parts, decoded batch by batch, so a folder
larger than memory trains too. Its layout decides the parts::

    DIR/train/<class>/...  DIR/test/<class>/...   validation: a seeded share of each class
                                                   of train/ (--val-split); test: test/
    DIR/<class>/...                                validation: a seeded share of each class;
                                                   test report: on those validation images

Without a test/ folder the images that chose the best epoch are also the ones reported on,
so that accuracy is optimistic; metrics.json says so. The helpers below take either kind of
part, so the run in :mod:`zeronn.experiments.train.run` reads the same for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zeronn.data import ImageFolderDataset
from zeronn.data.batches import ArrayBatches
from zeronn.data.errors import DataError
from zeronn.data.image_folder import decode_files
from zeronn.data.image_scan import SPLIT_FOLDERS, has_split_folders
from zeronn.experiments.train.config import TrainConfig

# a part of the data: arrays (x, t) in memory, or a folder decoded batch by batch
Part = ArrayBatches | ImageFolderDataset

TEST_ON_VALIDATION = (
    "no test/ folder: the test report is on the validation images, which also chose the best "
    "epoch, so it is optimistic; put held-out images in DIR/test/<class>/ for an unbiased one"
)


@dataclass(frozen=True)
class FolderParts:
    """The training images of a folder (validation not yet drawn) and its test/ part or None."""

    train: ImageFolderDataset
    test: ImageFolderDataset | None

    @property
    def class_names(self) -> tuple[str, ...]:
        return self.train.class_names

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return self.train.image_shape


def open_folder(config: TrainConfig) -> FolderParts:
    """List the files of ``config.data`` (none is decoded yet); a folder the user must fix
    (an empty class folder, a file that is not an image) raises DataError."""
    root, size, color = config.data, config.image_size, config.color
    assert root is not None, "open_folder is for configs with data"
    try:
        if has_split_folders(root):
            train_folder, test_folder = (root / name for name in SPLIT_FOLDERS)
            train = ImageFolderDataset(train_folder, size, color)
            test = ImageFolderDataset(test_folder, size, color, train.class_names)
            return FolderParts(train, test)
        return FolderParts(ImageFolderDataset(root, size, color), None)
    except ValueError as error:
        raise DataError(f"--data: {error}") from error


def hold_out_images(
    train: ImageFolderDataset, share: float, rng: np.random.Generator
) -> tuple[ImageFolderDataset, ImageFolderDataset | None]:
    """Hold out ``share`` of each class, drawn by ``rng``: (train, validation or None)."""
    if share == 0:
        return train, None
    kept, held = train.split(share, rng)
    if len(held) == 0:
        raise DataError(
            f"--val-split {share} holds out no image: each class of {train.files.root} has "
            "fewer than 2 images"
        )
    if len(kept) == 0:
        raise DataError(
            f"--val-split {share} holds out every image of {train.files.root}, leaving none "
            "to train on"
        )
    return kept, held


def misclassified_inputs(
    test: Part, probabilities: NDArray, t: NDArray, max_images: int = 32
) -> tuple[NDArray, NDArray, NDArray]:
    """``(images, probabilities, t)`` for :func:`zeronn.plots.plot_misclassified`: of a
    streamed folder, only its ``max_images`` most confident mistakes are decoded again."""
    if isinstance(test, ArrayBatches):
        return test.x, probabilities, t
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != t)
    confidence = probabilities[wrong, predicted[wrong]]
    chosen = wrong[np.argsort(-confidence, kind="stable")][:max_images]
    paths = [test.paths[i] for i in chosen]
    images, failures = decode_files(paths, test.image_size, test.color)
    if failures:  # they decoded a moment ago: the folder changed under the run
        raise DataError(f"--data: {paths[failures[0][0]]} can no longer be read")
    return images, probabilities[chosen], t[chosen]


def folder_facts(
    config: TrainConfig,
    parts: FolderParts,
    train: ImageFolderDataset,
    validation: ImageFolderDataset | None,
    test: ImageFolderDataset,
) -> dict[str, Any]:
    """What metrics.json says about a folder run: where each part came from and its size."""
    return {
        "folder": str(config.data),
        "classes": list(parts.class_names),
        "image_shape": list(parts.image_shape),
        "train_images": len(train),
        "validation_images": 0 if validation is None else len(validation),
        "test_images": len(test),
        "test_split": "test/" if parts.test is not None else "validation",
    }
