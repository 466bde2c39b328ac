"""Find the files of a dataset on disk, or download them into the cache.

Folders searched, in order; the first that holds all of the dataset's files wins:

1. ``root``, when given: either the folder holding the files directly, or a folder holding
   one subfolder per dataset (``mnist/``, ``fashion-mnist/``); the direct layout is tried first;
2. ``$ZERONN_DATA/<dataset folder>``: the ZERONN_DATA environment variable names a folder
   holding one subfolder per dataset;
3. the download cache: ``$XDG_CACHE_HOME/zeronn/<dataset folder>``, or
   ``~/.cache/zeronn/<dataset folder>`` when XDG_CACHE_HOME is unset (set XDG_CACHE_HOME to
   move it, e.g. in tests).

If none holds them and ``download=True``, the missing files are fetched from the dataset's
mirrors into the cache and verified against the SHA-256 of their decompressed content. Files
found in a folder are used as they are, without hashing, so that small or edited copies can
stand in for the real data.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from zeronn.data import download as _download

if TYPE_CHECKING:
    from zeronn.data.catalog import DatasetInfo

__all__ = ["cache_folder", "locate_files"]

# (folder, why it is searched), in search order
Candidates = list[tuple[Path, str]]


def cache_folder() -> Path:
    """The download cache: ``$XDG_CACHE_HOME/zeronn``, else ``~/.cache/zeronn``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "zeronn"


def locate_files(
    info: DatasetInfo,
    *,
    root: str | os.PathLike | None,
    download: bool,
    dataset_folders: Sequence[str],
) -> Path:
    """Return the folder holding every file of ``info``, searched as the module docstring says.

    Downloads into the cache when no folder holds the files and ``download`` is true.
    ``dataset_folders`` are the subfolders a ZERONN_DATA folder is expected to hold, named in
    the error. Raises ``FileNotFoundError`` saying which files to put where when the files can
    be neither found nor downloaded, and :class:`~zeronn.data.download.ChecksumError` when a
    download has the wrong digest.
    """
    if root is not None and not Path(root).is_dir():
        raise FileNotFoundError(f"load {info.name}: root={str(root)!r} is not an existing folder")
    candidates = _candidate_folders(info, root)
    for folder, _ in candidates:
        if not _missing(folder, info.file_names):
            return folder
    if not download:
        why = "download=False was given."
        raise FileNotFoundError(_not_found_message(info, candidates, dataset_folders, why))
    cache = candidates[-1][0]
    try:
        _download_missing(info, cache)
    except _download.DownloadError as exc:
        why = f"Downloading failed: {exc}"
        raise FileNotFoundError(_not_found_message(info, candidates, dataset_folders, why)) from exc
    return cache


def _candidate_folders(info: DatasetInfo, root: str | os.PathLike | None) -> Candidates:
    candidates = []
    if root is not None:
        candidates.append((Path(root), "root, the four files directly"))
        candidates.append((Path(root) / info.folder, f"root, holding {info.folder}/"))
    data = os.environ.get("ZERONN_DATA")
    if data:
        candidates.append((Path(data) / info.folder, f"ZERONN_DATA={data}"))
    candidates.append((cache_folder() / info.folder, "the download cache"))
    return candidates


def _missing(folder: Path, file_names: Sequence[str]) -> list[str]:
    return [name for name in file_names if not (folder / name).is_file()]


def _download_missing(info: DatasetInfo, cache: Path) -> None:
    for file_name in _missing(cache, info.file_names):
        print(f"zeronn: downloading {info.name} {file_name} into {cache}", file=sys.stderr)
        _download.download(
            [mirror + file_name for mirror in info.mirrors],
            cache / file_name,
            sha256=info.sha256[file_name],
            decompress_for_checksum=True,
        )


def _not_found_message(
    info: DatasetInfo, candidates: Candidates, dataset_folders: Sequence[str], why: str
) -> str:
    lines = [
        f"{info.name} not found. Put these four files",
        "  " + ", ".join(info.file_names),
        "into one of these folders (searched in this order):",
    ]
    for folder, note in candidates:
        if folder.is_dir():
            state = "lacks " + ", ".join(_missing(folder, info.file_names))
        else:
            state = "does not exist"
        lines.append(f"  {folder}  ({note}; {state})")
    if not os.environ.get("ZERONN_DATA"):
        holding = " and ".join(f"{folder}/" for folder in dataset_folders)
        lines.append(f"or set ZERONN_DATA to a folder holding {holding}.")
    lines.append(why)
    return "\n".join(lines)
