"""Find the files of a dataset on disk, or download them into the cache.

Folders searched, in order; the first that holds all of the dataset's files wins:

1. ``root``, when given: either the folder holding the files directly, or a folder holding
   one subfolder per dataset (``mnist/``, ``fashion-mnist/``); the direct layout is tried first;
2. ``$ZERONN_DATA/<dataset folder>``: the ZERONN_DATA environment variable names a folder
   holding one subfolder per dataset;
3. ``$ZERONN_DATA`` itself, when it holds the four files of the dataset asked for directly:
   the files of MNIST and Fashion-MNIST have the same names, so the folder is taken only when
   it is recognised as that dataset, by the SHA-256 of its training labels (the published
   digest; a small file, read once per process) or by its name (``…/fashion-mnist``: how a
   subset of your own is recognised). A folder of MNIST's files is never taken for
   Fashion-MNIST; the not-found message says what the folder holds;
4. the download cache: ``$XDG_CACHE_HOME/zeronn/<dataset folder>``, or
   ``~/.cache/zeronn/<dataset folder>`` when XDG_CACHE_HOME is unset (set XDG_CACHE_HOME to
   move it, e.g. in tests).

If none holds them and ``download=True``, the missing files are fetched from the dataset's
mirrors into the cache and verified against the SHA-256 of their decompressed content. Files
found in a folder are used as they are, without hashing, so that small or edited copies can
stand in for the real data.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from zeronn.data import download as _download
from zeronn.data.catalog import DATASETS, DatasetInfo

__all__ = ["cache_folder", "locate_files"]

# The file whose digest tells the datasets apart: the smallest that differs between them.
IDENTIFYING_FILE = "train-labels-idx1-ubyte.gz"


class Candidate(NamedTuple):
    """A folder searched, why, and whether its files must be recognised as the dataset's."""

    folder: Path
    note: str
    recognise: bool = False


Candidates = list[Candidate]


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
    for folder, _, recognise in candidates:
        if not _missing(folder, info.file_names) and (not recognise or _holds(folder, info)):
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
        candidates.append(Candidate(Path(root), "root, the four files directly"))
        candidates.append(Candidate(Path(root) / info.folder, f"root, holding {info.folder}/"))
    data = os.environ.get("ZERONN_DATA")
    if data:
        candidates.append(Candidate(Path(data) / info.folder, f"ZERONN_DATA={data}"))
        note = f"ZERONN_DATA={data}, the four files directly"
        candidates.append(Candidate(Path(data), note, recognise=True))
    candidates.append(Candidate(cache_folder() / info.folder, "the download cache"))
    return candidates


def _holds(folder: Path, info: DatasetInfo) -> bool:
    """Whether ``folder`` holds ``info``'s files: its name, or its training labels' digest."""
    return folder.name == info.folder or _labels_digest(folder) == info.sha256[IDENTIFYING_FILE]


# (path, mtime, size) -> SHA-256 of the decompressed labels file, or None if it cannot be read
_digests: dict[tuple[Path, int, int], str | None] = {}


def _labels_digest(folder: Path) -> str | None:
    path = folder / IDENTIFYING_FILE
    status = path.stat()
    key = (path.resolve(), status.st_mtime_ns, status.st_size)
    if key not in _digests:
        try:
            with gzip.open(path, "rb") as handle:
                _digests[key] = hashlib.sha256(handle.read()).hexdigest()
        except (OSError, EOFError):  # not gzip, truncated: not a published file
            _digests[key] = None
    return _digests[key]


def _what_it_holds(folder: Path, info: DatasetInfo) -> str:
    """Why a folder holding the four files was passed over: whose files they are."""
    digest = _labels_digest(folder)
    for other in DATASETS.values():
        if other is not info and digest == other.sha256[IDENTIFYING_FILE]:
            return f"holds {other.name}'s files, not {info.name}'s"
    return (
        f"its files are not the published {info.name}'s and the folder is not named {info.folder}/"
    )


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
    for folder, note, _ in candidates:
        missing = _missing(folder, info.file_names) if folder.is_dir() else None
        if missing is None:
            state = "does not exist"
        elif missing:
            state = "lacks " + ", ".join(missing)
        else:
            state = _what_it_holds(folder, info)
        lines.append(f"  {folder}  ({note}; {state})")
    if not os.environ.get("ZERONN_DATA"):
        holding = " and ".join(f"{folder}/" for folder in dataset_folders)
        lines.append(
            f"or set ZERONN_DATA to a folder holding {holding} (or the four files of one "
            "dataset directly)."
        )
    lines.append(why)
    return "\n".join(lines)
