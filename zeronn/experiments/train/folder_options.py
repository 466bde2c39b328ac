"""What ``zeronn train --data DIR`` may be, checked when the config is built: the folder is
looked at (its class folders), no file is read.

``DIR`` holds class folders (at least two), or ``train/`` and ``test/`` each holding the same
classes. Without ``test/`` the test report is on the validation share, so ``--val-split 0`` is
refused; ``--dataset``, ``--train-subset`` and ``--test-subset`` are refused beside ``--data``
(the folder is the dataset, used whole).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zeronn.data.image_scan import SPLIT_FOLDERS, check_classes, has_split_folders

_OWNER = "train"


def check_image_folder(config: Any, folder: Path) -> tuple[str, ...]:
    """The class names of ``folder``, the ``--data`` of ``config`` (a TrainConfig), after
    refusing the options that do not go with it."""
    for flag, value, why in (
        ("--dataset", config.dataset, "train on a built-in dataset or on a folder"),
        ("--train-subset", config.train_subset, "the folder is used whole"),
        ("--test-subset", config.test_subset, "the folder is used whole"),
    ):
        if value is not None:
            raise ValueError(f"{flag} and --data exclude each other: {why}")
    if has_split_folders(folder):
        train, test = (folder / name for name in SPLIT_FOLDERS)
        names = _check_class_folders(train, "--data")
        check_classes(test, names, f"{_OWNER} --data")  # every class is in test/ too
    else:
        names = _check_class_folders(folder, "--data")
        if config.val_split == 0:
            raise ValueError(
                f"--val-split 0 leaves no images to evaluate on: {folder} has no train/ and "
                "test/ folders, so the test report is on the validation share"
            )
    return names


def _check_class_folders(folder: Path, flag: str) -> tuple[str, ...]:
    """The class folders of ``folder``: at least two, else an error saying what it holds."""
    names = check_classes(folder, None, f"{_OWNER} {flag}")
    if len(names) < 2:
        raise ValueError(
            f"{_OWNER} {flag} expected at least 2 class folders in {folder}, found only "
            f"{names[0]!r}"
        )
    return names
