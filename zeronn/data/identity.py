"""Is a file the published dataset it is asked for? Its shape, then its content's digest.

The shape comes from the header alone (:func:`zeronn.data.idx.read_idx_header`), so a file of
another size is refused before its data is decompressed; the digest (SHA-256 of the
decompressed file) is computed from the decoded array, once per file and process.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from zeronn.data.errors import DatasetMismatchError
from zeronn.data.idx import read_idx_header

if TYPE_CHECKING:
    from zeronn.data.catalog import DatasetInfo

# (path, mtime, size, expected digest) of files whose content was found to have that digest:
# the digest is part of the key, so a file verified as MNIST's is still checked as Fashion's
_verified: set[tuple[Path, int, int, str]] = set()


def _content_sha256(array: NDArray[np.uint8]) -> str:
    """SHA-256 of the IDX file that holds ``array`` (header, then the bytes), uncompressed.

    Equal to the published digest of the decompressed file, computed from the decoded array
    without reading or decompressing the file again.
    """
    magic = 0x0800 + array.ndim  # type code 0x08 (unsigned byte), then the number of axes
    digest = hashlib.sha256(struct.pack(f">I{array.ndim}I", magic, *array.shape))
    digest.update(memoryview(np.ascontiguousarray(array)).cast("B"))
    return digest.hexdigest()


def verify_shape(info: DatasetInfo, folder: Path, file_name: str) -> None:
    """Refuse a file whose header does not declare ``info``'s published shape, before its data
    is decompressed (a published dataset's size is known: nothing else need be read)."""
    path = folder / file_name
    _, shape = read_idx_header(path)
    expected = info.published_shape(file_name)
    if shape != expected:
        raise DatasetMismatchError(
            f"{info.name} was asked for, but {path} declares shape {shape}, not the "
            f"{expected} of {info.name}'s {file_name}; if these are your own IDX files (a "
            "subset, another dataset), load them with verify=False (on the command line: "
            "--no-verify)"
        )


def verify_identity(
    info: DatasetInfo,
    folder: Path,
    file_name: str,
    array: NDArray,
    known: Iterable[DatasetInfo] = (),
) -> None:
    """Refuse a file whose content is not ``info``'s published file of that name.

    The message names the dataset the file does belong to, when it is one of ``known``.
    """
    path = (folder / file_name).resolve()
    status = path.stat()
    key = (path, status.st_mtime_ns, status.st_size, info.sha256[file_name])
    if key in _verified:
        return
    digest = _content_sha256(array)
    if digest != info.sha256[file_name]:
        owner = next((other for other in known if other.sha256.get(file_name) == digest), None)
        if owner is not None:
            found = f"it is {owner.name}'s {file_name}"
            hint = f"point root= (or --root) at the {info.name} files"
        else:
            found = f"its content is no published dataset's (SHA-256 {digest[:16]}…)"
            hint = (
                "if these are your own IDX files (a subset, another dataset), load them with "
                "verify=False (on the command line: --no-verify), which skips this check"
            )
        raise DatasetMismatchError(
            f"{info.name} was asked for, but {path} is not {info.name}'s: {found}; {hint}"
        )
    _verified.add(key)
