"""Fetch a file from a list of mirrors and verify it before it becomes visible.

The bytes stream into a temporary file beside the destination while their SHA-256 is computed
(of the gzip-decompressed content when asked, so that a re-compressed copy of the same data
still matches). Only a complete, verified download is renamed onto the destination; any
failure deletes the temporary file. Mirrors are tried in order; a network or HTTP failure moves
on to the next one, a checksum mismatch stops (the data, not the connection, is wrong).
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import urllib.request
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from zeronn._io import atomic_open
from zeronn.data.errors import ChecksumError

__all__ = [
    "ChecksumError",
    "DownloadError",
    "Opener",
    "download",
    "file_sha256",
    "urlopen",
]

# opener(url, timeout_seconds) -> a readable binary response (a context manager)
Opener = Callable[[str, float], IO[bytes]]
# progress(bytes_received, total_bytes_or_None)
Progress = Callable[[int, int | None], None]

_CHUNK = 1 << 20


class DownloadError(OSError):
    """No mirror could deliver the file; the message lists what each mirror answered."""


def urlopen(url: str, timeout: float) -> IO[bytes]:
    """The default opener: ``urllib.request.urlopen`` with a timeout and a named User-Agent."""
    request = urllib.request.Request(url, headers={"User-Agent": "zeronn"})
    return urllib.request.urlopen(request, timeout=timeout)


class _Digest:
    """SHA-256 of a byte stream fed in chunks, optionally of its gzip-decompressed content."""

    def __init__(self, decompress: bool) -> None:
        self._hash = hashlib.sha256()
        self._decompress = decompress
        # wbits 16 + MAX_WBITS: expect a gzip header and check its CRC and length trailer
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if decompress else None
        # a corrupt stream is reported once the download is complete, by hexdigest()
        self._error: str | None = None

    def update(self, chunk: bytes) -> None:
        if self._inflater is None:
            self._hash.update(chunk)
            return
        while chunk and self._error is None:
            try:
                self._hash.update(self._inflater.decompress(chunk))
            except zlib.error as exc:
                self._error = str(exc)
                return
            # a gzip file may hold several members back to back: start a new one on the rest
            chunk = self._inflater.unused_data if self._inflater.eof else b""
            if chunk:
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def hexdigest(self) -> str:
        """The digest; raises ``zlib.error`` if the content was not one whole gzip stream."""
        if self._inflater is not None and self._error is None and not self._inflater.eof:
            self._error = "the gzip stream ends early"
        if self._error is not None:
            raise zlib.error(self._error)
        return self._hash.hexdigest()


def file_sha256(path: str | os.PathLike, *, decompress: bool = False) -> str:
    """SHA-256 hex digest of a file's bytes, or of its gzip-decompressed content."""
    digest = hashlib.sha256()
    opener = gzip.open if decompress else open
    with opener(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def download(
    urls: Sequence[str],
    destination: str | os.PathLike,
    *,
    sha256: str | None = None,
    decompress_for_checksum: bool = False,
    timeout: float = 30.0,
    opener: Opener = urlopen,
    progress: Progress | None = None,
) -> Path:
    """Download the first mirror in ``urls`` that answers to ``destination`` and return its path.

    ``sha256`` (hex) is checked against the content (decompressed first when
    ``decompress_for_checksum``). Raises :class:`DownloadError` when every mirror fails and
    :class:`ChecksumError` on a digest mismatch; in both cases ``destination`` is left untouched
    (nothing is written, no temporary file remains). ``timeout`` is in seconds and bounds the
    connection and each read. ``progress(bytes_received, total_or_None)`` is called per chunk.
    """
    if not urls:
        raise ValueError("download expected at least one URL, got none")
    destination = Path(destination)
    failures = []
    for url in urls:
        try:
            _fetch(url, destination, sha256, decompress_for_checksum, timeout, opener, progress)
        except (OSError, http.client.HTTPException) as exc:
            failures.append(f"{url}: {exc}")
            continue
        return destination
    raise DownloadError(
        f"could not download {destination.name}; tried {len(urls)} mirror(s):\n  "
        + "\n  ".join(failures)
    )


def _fetch(
    url: str,
    destination: Path,
    sha256: str | None,
    decompress: bool,
    timeout: float,
    opener: Opener,
    progress: Progress | None,
) -> None:
    digest = _Digest(decompress)
    with opener(url, timeout) as response, atomic_open(destination, "wb") as out:
        length = response.headers.get("Content-Length") if hasattr(response, "headers") else None
        total = int(length) if length and length.isdigit() else None
        received = 0
        while chunk := response.read(_CHUNK):
            out.write(chunk)
            digest.update(chunk)
            received += len(chunk)
            if progress is not None:
                progress(received, total)
        if total is not None and received != total:
            raise DownloadError(f"{url}: connection closed after {received} of {total} bytes")
        if sha256 is not None:
            _verify(digest, sha256.lower(), url, destination, decompress)
        # leaving the block renames the verified temporary file onto the destination


def _verify(digest: _Digest, expected: str, url: str, destination: Path, decompress: bool) -> None:
    what = "decompressed content" if decompress else "content"
    try:
        actual = digest.hexdigest()
    except zlib.error as exc:
        raise ChecksumError(
            f"{destination.name} from {url} is not a valid gzip stream ({exc}); "
            "the download was deleted"
        ) from exc
    if actual != expected:
        raise ChecksumError(
            f"SHA-256 of the {what} of {destination.name} from {url} does not match: "
            f"expected {expected}, got {actual}; the download was deleted"
        )
