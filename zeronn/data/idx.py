"""The IDX file format of MNIST and Fashion-MNIST: read and write, raw or gzip-compressed.

Layout (all integers big-endian)::

    bytes 0-1   0x00 0x00
    byte  2     type code: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
    byte  3     number of dimensions d (>= 1)
    next 4·d    the size of each dimension, uint32
    rest        prod(sizes) items in C order, big-endian

A file whose name ends in ``.gz`` (or whose content starts with the gzip magic bytes) is
decompressed as it is read. Every malformation raises :class:`IDXFormatError`, a ``ValueError``
whose message starts with the file name; an array is returned only when the whole file checked
out.

Memory is bounded by what the header declares, never by what the file holds: the header is read
first, a declared array larger than the machine's available memory is refused before anything
is allocated, and the data is then read (or inflated, ``zlib.decompressobj`` with
``max_length``) straight into the array, at most :data:`CHUNK` bytes at a time. A raw file's
size is checked against the header before its data is read; a compressed stream that goes on
past the declared size (trailing bytes, a gzip bomb) is stopped after :data:`TRAILING_PEEK`
more bytes. So a 1 MB ``.gz`` that inflates to 1 GB behind a header declaring 16 bytes costs
about two chunks, not a gigabyte.
"""

from __future__ import annotations

import gzip
import io
import math
import os
import struct
import sys
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray

from zeronn._io import atomic_write_with
from zeronn.data.errors import IDXFormatError
from zeronn.memory import available_bytes, bytes_text

__all__ = ["IDX_DTYPES", "IDXFormatError", "parse_idx", "read_idx", "read_idx_header", "write_idx"]

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
CHUNK = 1 << 20  # the most that is read, or inflated, at once beyond the array itself
TRAILING_PEEK = 1 << 16  # how far past the declared size a stream is followed to report it


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
    return _decode(io.BytesIO(content), source, len(content))


def read_idx(path: str | os.PathLike) -> NDArray:
    """Read an IDX file (``.gz`` or raw) into a new array of the declared shape and dtype.

    Raises ``FileNotFoundError`` when the file is missing and :class:`IDXFormatError` (a
    ``ValueError``) when it is malformed or declares more than the available memory, naming
    the file and what was wrong. Memory: the declared array and a chunk or two (module doc).
    """
    path = Path(path)
    with open(path, "rb") as file:
        compressed = path.suffix == ".gz" or file.read(2) == _GZIP_MAGIC
        file.seek(0)
        if compressed:
            return _decode(_Inflated(file, str(path)), str(path), None)
        return _decode(file, str(path), os.fstat(file.fileno()).st_size)


def read_idx_header(path: str | os.PathLike) -> tuple[np.dtype, tuple[int, ...]]:
    """The dtype (native byte order) and shape an IDX file declares, read without its data."""
    path = Path(path)
    with open(path, "rb") as file:
        compressed = path.suffix == ".gz" or file.read(2) == _GZIP_MAGIC
        file.seek(0)
        stream = _Inflated(file, str(path)) if compressed else file
        stored, shape = _read_header(stream, str(path))
    return stored.newbyteorder("="), shape


def _read_header(stream: BinaryIO, source: str) -> tuple[np.dtype, tuple[int, ...]]:
    """The stored (big-endian) dtype and the shape of the header at the start of ``stream``."""
    magic = stream.read(4)
    if len(magic) < 4:
        raise IDXFormatError(
            f"{source}: holds {_plural(len(magic), 'byte')}, "
            "too short for the 4-byte IDX magic number"
        )
    zero0, zero1, type_code, ndim = magic
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
    sizes = stream.read(4 * ndim)
    if len(sizes) < 4 * ndim:
        raise IDXFormatError(
            f"{source}: declares {ndim} dimensions, which needs a {4 + 4 * ndim}-byte header, "
            f"but the file holds only {_plural(4 + len(sizes), 'byte')}"
        )
    return IDX_DTYPES[type_code], struct.unpack(f">{ndim}I", sizes)


def _decode(stream: BinaryIO, source: str, total_size: int | None) -> NDArray:
    """The array of the IDX file ``stream`` (``total_size`` bytes, or None for a stream whose
    size is known only by reading it): header, checks, then the data straight into place."""
    stored, shape = _read_header(stream, source)
    count = math.prod(shape)
    nbytes = count * stored.itemsize
    header_size = 4 + 4 * len(shape)
    if total_size is not None and total_size - header_size != nbytes:
        raise _size_error(source, stored, shape, total_size - header_size)
    available = available_bytes()
    if available is not None and nbytes > available:
        raise IDXFormatError(
            f"{source}: declares shape {tuple(shape)} of {stored.newbyteorder('=')}, "
            f"{bytes_text(nbytes)}, more than the {bytes_text(available)} of memory available"
        )
    array = np.empty(shape, dtype=stored.newbyteorder("="))
    target = array.reshape(-1).view(np.uint8)
    filled = 0
    while filled < nbytes:
        read = stream.readinto(memoryview(target[filled : filled + CHUNK]))
        if not read:
            raise _size_error(source, stored, shape, filled)
        filled += read
    trailing = len(stream.read(TRAILING_PEEK + 1))  # stop a longer stream here
    if trailing:
        raise _size_error(source, stored, shape, nbytes + trailing, trailing > TRAILING_PEEK)
    if sys.byteorder == "little" and stored.itemsize > 1:
        array.byteswap(inplace=True)  # the file's bytes are big-endian
    return array


def _size_error(
    source: str, stored: np.dtype, shape: tuple[int, ...], data_bytes: int, more: bool = False
) -> IDXFormatError:
    """A declared size that the data does not match: truncated, or trailing bytes (``more``:
    the stream went on past ``data_bytes``, where it was no longer followed)."""
    count = math.prod(shape)
    whole, stray = divmod(data_bytes, stored.itemsize)
    holds = ("more than " if more else "") + f"{whole}"
    holds += f" and {_plural(stray, 'stray byte')}" if stray and not more else ""
    problem = "truncated" if data_bytes < count * stored.itemsize else "trailing bytes"
    return IDXFormatError(
        f"{source}: declares {count} items of {_plural(stored.itemsize, 'byte')} "
        f"(shape {tuple(shape)}) but holds {holds} ({problem})"
    )


class _Inflated(io.RawIOBase):
    """The decompressed content of a gzip file (one member or several), inflated on demand:
    a read never inflates more than it was asked for (``max_length``), so a stream that goes
    on and on costs only what is read of it."""

    def __init__(self, file: BinaryIO, source: str) -> None:
        self._file, self._source = file, source
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip header and trailer
        self._input = b""
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        """Inflate ``len(buffer)`` bytes into ``buffer``, fewer only where the content ends."""
        view, filled = memoryview(buffer).cast("B"), 0
        while filled < len(view):
            read = self._inflate_into(view[filled:])
            if not read:
                break
            filled += read
        return filled

    def _inflate_into(self, view: memoryview) -> int:
        """One step: inflate at most ``min(len(view), CHUNK)`` bytes into ``view``."""
        while not self._ended:
            if self._inflater.eof:
                self._next_member()
                continue
            if not self._input:
                self._input = self._file.read(CHUNK)
                if not self._input:
                    raise IDXFormatError(
                        f"{self._source}: corrupt gzip stream (it ends before its "
                        "end-of-stream marker)"
                    )
            try:
                piece = self._inflater.decompress(self._input, min(len(view), CHUNK))
            except zlib.error as exc:
                raise IDXFormatError(f"{self._source}: corrupt gzip stream ({exc})") from None
            eof = self._inflater.eof
            self._input = self._inflater.unused_data if eof else self._inflater.unconsumed_tail
            if piece:
                view[: len(piece)] = piece
                return len(piece)
        return 0

    def _next_member(self) -> None:
        """After a member's end: the next member, or the end (zero padding is skipped, as
        ``gzip.decompress`` does)."""
        while not (remaining := self._input.lstrip(b"\x00")):
            self._input = self._file.read(CHUNK)
            if not self._input:
                self._ended = True
                return
        self._input = remaining
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)


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
