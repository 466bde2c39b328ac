"""Find the image files of a class-folder tree, without opening any of them.

The layout (Keras' ``flow_from_directory``, torchvision's ``ImageFolder``)::

    root/
      cat/  001.jpg  002.png  holiday/003.jpg ...      class 0: "cat"
      dog/  001.jpg ...                                 class 1: "dog"

- classes are the subfolders of ``root``, sorted by name; class k is the k-th. ``classes=``
  picks some of them (in the order given, which sets the class indices);
- files are found at any depth below a class folder, in sorted order; a folder reached
  twice (a symbolic link to a folder already visited, e.g. a link back to its parent) is
  walked once, so a symlink loop cannot make the walk endless;
- hidden files and folders (a name starting with ".", such as ``.DS_Store`` or
  ``.ipynb_checkpoints``) are ignored, as are files directly in ``root``;
- a file without an image extension (``IMAGE_EXTENSIONS``, any letter case) is a bad file,
  reported with the decoding failures (see :mod:`zeronn.data.image_folder`);
- a class folder with no files, a root with no class folders, and a class folder whose name
  is not UTF-8 text (it could not be shown in a report, a figure or JSON) are errors naming them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from zeronn.data.image_decode import IMAGE_EXTENSIONS

__all__ = ["BadFile", "ImageFiles", "class_folders", "has_split_folders", "scan_image_folder"]

SPLIT_FOLDERS = ("train", "test")

# (path, why it cannot be used)
BadFile = tuple[str, str]


@dataclass(frozen=True)
class ImageFiles:
    """The files of a class-folder tree: ``paths[i]`` belongs to class ``labels[i]``.

    ``paths``: strings, as Keras and torchvision keep them (a str is a fraction of the memory
    of a Path object, and a folder may hold millions of files); ``labels``: int64 (N,)
    indices into ``class_names``. ``bad``: files found that are not image files by their
    name, with the reason.
    """

    root: Path
    class_names: tuple[str, ...]
    paths: tuple[str, ...]
    labels: NDArray[np.int64]
    bad: tuple[BadFile, ...] = ()

    def __len__(self) -> int:
        return len(self.paths)

    def __repr__(self) -> str:
        return (
            f"ImageFiles({str(self.root)!r}, {len(self)} files, classes={list(self.class_names)}, "
            f"bad={len(self.bad)})"
        )

    def subset(self, indices: NDArray[np.integer]) -> ImageFiles:
        """The files at ``indices`` (same classes; the bad files stay with the whole)."""
        return ImageFiles(
            self.root,
            self.class_names,
            tuple(self.paths[i] for i in indices),
            self.labels[indices],
            self.bad,
        )


def _hidden(name: str) -> bool:
    return name.startswith(".")


def class_folders(root: Path) -> list[str]:
    """The names of the visible subfolders of ``root``, sorted."""
    return sorted(
        entry.name for entry in os.scandir(root) if entry.is_dir() and not _hidden(entry.name)
    )


def has_split_folders(root: Path) -> bool:
    """Whether ``root`` holds ``train/`` and ``test/`` subfolders (each a class-folder tree)."""
    return all((root / name).is_dir() for name in SPLIT_FOLDERS)


def check_classes(root: Path, classes: Sequence[str] | None, owner: str) -> tuple[str, ...]:
    """The class names to use: ``classes`` after checking each is a folder of ``root``, or all
    the class folders. Raises when ``root`` has none, naming what it holds instead."""
    found = class_folders(root)
    if classes is None:
        if not found:
            files = sorted(p.name for p in root.iterdir() if not _hidden(p.name))[:5]
            holds = f"it holds only {', '.join(files)}" if files else "it is empty"
            raise ValueError(
                f"{owner} expected {root} to hold one subfolder per class "
                f"(e.g. {root}/cat/, {root}/dog/), but {holds}"
            )
        if has_split_folders(root):
            raise ValueError(
                f"{owner}: {root} holds train/ and test/, not class folders; load "
                f"{root / 'train'} and {root / 'test'} separately, use "
                "zeronn.data.image_folder_splits, or pass classes=... to mean them as classes"
            )
        return _text_names(root, tuple(found), owner)
    if isinstance(classes, str) or not isinstance(classes, Sequence) or not classes:
        raise ValueError(
            f"{owner} expected classes as a non-empty list of folder names, got {classes!r}"
        )
    names = tuple(classes)
    for name in names:
        if not isinstance(name, str) or not name or name != Path(name).name:
            raise ValueError(f"{owner} expected class names to be folder names, got {name!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"{owner} expected distinct class names, got {list(names)}")
    missing = [name for name in names if name not in found]
    if missing:
        raise ValueError(
            f"{owner}: classes {missing} are not folders of {root}; it has {found or 'none'}"
        )
    return _text_names(root, names, owner)


def _text_names(root: Path, names: tuple[str, ...], owner: str) -> tuple[str, ...]:
    """``names``, after checking that each is text: a class name goes into reports, figures
    and JSON, none of which can hold the undecodable bytes of a folder name that is not UTF-8
    (Python keeps them as lone surrogates, which matplotlib and strict JSON readers refuse)."""
    for name in names:
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(
                f"{owner}: the class folder {name!r} of {root} has a name that is not UTF-8 text "
                f"(its bytes: {os.fsencode(name)!r}); class names are written into reports, "
                "figures and JSON, so rename the folder"
            ) from None
    return names


def scan_image_folder(
    root: Path, classes: Sequence[str] | None = None, *, owner: str = "scan_image_folder"
) -> ImageFiles:
    """List the files of ``root``'s class folders, as the module docstring describes.

    ``root`` must be an existing folder (checked by the callers). Raises ``ValueError`` for a
    root without class folders, an unknown class name, or a class folder with no files.
    """
    root = Path(root)
    class_names = check_classes(root, classes, owner)
    paths: list[str] = []
    labels: list[int] = []
    bad: list[BadFile] = []
    empty = []
    for label, name in enumerate(class_names):
        files = _files_below(root / name)
        if not files:
            empty.append(name)
        for path in files:
            if os.path.splitext(path)[1].lower() in IMAGE_EXTENSIONS:
                paths.append(path)
                labels.append(label)
            else:
                extensions = ", ".join(IMAGE_EXTENSIONS)
                bad.append((path, f"not an image file by its name (expected {extensions})"))
    if empty:
        raise ValueError(
            f"{owner}: class folders {empty} of {root} hold no files; add images or leave "
            "them out with classes=[...]"
        )
    return ImageFiles(root, class_names, tuple(paths), np.array(labels, np.int64), tuple(bad))


def _files_below(folder: Path) -> list[str]:
    """Every visible file at any depth below ``folder``, sorted; each real folder walked once.

    A symbolic link to a folder is followed unless it leads back to the folder holding it
    or one of its ancestors (a loop); a folder reached twice by links is walked once.
    """
    files: list[str] = []
    visited: set[Path] = set()
    pending = [folder]
    while pending:
        current = pending.pop()
        real = current.resolve()
        if real in visited:
            continue
        visited.add(real)
        for entry in os.scandir(current):
            if _hidden(entry.name):
                continue
            if not _is_folder(entry):
                files.append(entry.path)
            elif not (entry.is_symlink() and real.is_relative_to(Path(entry.path).resolve())):
                pending.append(Path(entry.path))
    return sorted(files)


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows symbolic links
    except OSError:  # a link to itself (ELOOP): kept as a file, reported when opened
        return False
