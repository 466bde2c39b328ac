"""The IDX file format of MNIST and Fashion-MNIST: read and write, raw or gzip-compressed.

Layout (all integers big-endian)::

    bytes 0-1   0x00 0x00
    byte  2     type code: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
    byte  3     number of dimensions d (>= 1)
    next 4·d    the size of each dimension, uint32
    rest        prod(sizes) items in C order, big-endian

A file whose name ends in ``.gz`` (or whose content starts with the gzip magic bytes) is
decompressed first. Every malformation raises :class:`IDXFormatError`, a ``ValueError`` whose
message starts with the file name; an array is returned only when the whole file checked out.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from zeronn._io import atomic_write_with
from zeronn.data.errors import IDXFormatError

__all__ = ["IDX_DTYPES", "IDXFormatError", "parse_idx", "read_idx", "write_idx"]

# type code -> dtype as stored on disk (big-endian)
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
# kind + itemsize -> type code, so any byte order of a supported dtype can be written
_TYPE_CODES: dict[tuple[str, int], int] = {
    (dtype.kind, dtype.itemsize): code for code, dtype in IDX_DTYPES.items()
}
_GZIP_MAGIC = b"\x1f\x8b"
_MAX_DIMENSION = 2**32 - 1


def _supported_types() -> str:
    return ", ".join(
        f"0x{code:02X} ({dtype.newbyteorder('=')})" for code, dtype in IDX_DTYPES.items()
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def parse_idx(content: bytes, source: str = "<bytes>") -> NDArray:
    """Decode the (already decompressed) bytes of an IDX file into a new, writable array.

    The array has the dtype of the type code in native byte order and the declared shape.
    ``source`` names the file in error messages.
    """
    if len(content) < 4:
        raise IDXFormatError(
            f"{source}: holds {_plural(len(content), 'byte')}, "
            "too short for the 4-byte IDX magic number"
        )
    zero0, zero1, type_code, ndim = content[:4]
    if zero0 != 0 or zero1 != 0:
        raise IDXFormatError(
            f"{source}: an IDX file starts with two zero bytes, got 0x{zero0:02X} 0x{zero1:02X}; "
            "this is not an IDX file"
        )
    if type_code not in IDX_DTYPES:
        raise IDXFormatError(
            f"{source}: unknown IDX type code 0x{type_code:02X}; "
            f"expected one of {_supported_types()}"
        )
    if ndim == 0:
        raise IDXFormatError(f"{source}: declares 0 dimensions; an IDX file has at least 1")
    header_size = 4 + 4 * ndim
    if len(content) < header_size:
        raise IDXFormatError(
            f"{source}: declares {ndim} dimensions, which needs a {header_size}-byte header, "
            f"but the file holds only {_plural(len(content), 'byte')}"
        )
    shape = struct.unpack(f">{ndim}I", content[4:header_size])
    stored = IDX_DTYPES[type_code]
    count = math.prod(shape)
    data_bytes = len(content) - header_size
    if data_bytes != count * stored.itemsize:
        whole, stray = divmod(data_bytes, stored.itemsize)
        holds = f"{whole}" + (f" and {_plural(stray, 'stray byte')}" if stray else "")
        problem = "truncated" if data_bytes < count * stored.itemsize else "trailing bytes"
        raise IDXFormatError(
            f"{source}: declares {count} items of {_plural(stored.itemsize, 'byte')} "
            f"(shape {tuple(shape)}) but holds {holds} ({problem})"
        )
    flat = np.frombuffer(content, dtype=stored, count=count, offset=header_size)
    # astype copies: the result owns writable memory in native byte order
    return flat.astype(stored.newbyteorder("="), copy=True).reshape(shape)


def read_idx(path: str | os.PathLike) -> NDArray:
    """Read an IDX file (``.gz`` or raw) into a new array of the declared shape and dtype.

    Raises ``FileNotFoundError`` when the file is missing and :class:`IDXFormatError` (a
    ``ValueError``) when it is malformed, naming the file and what was wrong.
    """
    path = Path(path)
    content = path.read_bytes()
    if path.suffix == ".gz" or content[:2] == _GZIP_MAGIC:
        try:
            content = gzip.decompress(content)
        except (OSError, EOFError, zlib.error) as exc:
            raise IDXFormatError(f"{path}: corrupt gzip stream ({exc})") from exc
    return parse_idx(content, str(path))


def write_idx(path: str | os.PathLike, array: NDArray) -> Path:
    """Write ``array`` as an IDX file, gzip-compressed when ``path`` ends in ``.gz``.

    Supported dtypes: uint8, int8, int16, int32, float32, float64 (any byte order); 1 to 255
    dimensions, each of size < 2**32. The file appears atomically: complete or not at all.
    Compressed output is reproducible (the gzip timestamp is fixed to 0).
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"write_idx expected a numpy array, got {type(array).__name__}")
    key = (array.dtype.kind, array.dtype.itemsize)
    if key not in _TYPE_CODES:
        raise TypeError(
            f"write_idx cannot store dtype {array.dtype}; supported: {_supported_types()}"
        )
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"write_idx expected an array with 1 to 255 dimensions, got {array.ndim}")
    if any(size > _MAX_DIMENSION for size in array.shape):
        raise ValueError(f"write_idx: every dimension must be < 2**32, got shape {array.shape}")
    type_code = _TYPE_CODES[key]
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    body = np.ascontiguousarray(array, dtype=IDX_DTYPES[type_code]).tobytes()
    path = Path(path)
    payload = header + body
    if path.suffix == ".gz":
        payload = gzip.compress(payload, mtime=0)
    return atomic_write_with(path, lambda handle: handle.write(payload))
