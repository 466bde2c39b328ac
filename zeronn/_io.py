"""Atomic file writes: a reader never sees a half-written file.

Each writer writes to a temporary file in the destination folder, flushes it to disk and
renames it over the destination (``os.replace`` is atomic on POSIX and Windows).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from zeronn.signals import signals_held


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success rename it to ``path``, else delete it.

    "Else" includes a stop signal (see :mod:`zeronn.signals`): the temporary file and the
    note of its name come into being with the signals held, so no moment leaves one behind.
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"cannot write {path}: it is a folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle: IO | None = None
    tmp_name: str | None = None
    try:
        with signals_held():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            handle = os.fdopen(fd, mode)
        # mkstemp creates the file private (0600); give it the mode open() would have.
        os.chmod(tmp_name, 0o666 & ~current_umask())
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        if handle is not None:
            handle.close()
        if tmp_name is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
        raise


def current_umask() -> int:
    """The process's umask (read by setting it and back: there is no other way)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_with(path: str | os.PathLike, write: Callable[[IO[bytes]], None]) -> Path:
    """Call ``write(binary_file)`` on a temporary file, then move it to ``path``."""
    with atomic_open(path, "wb") as handle:
        write(handle)
    return Path(path)


def atomic_write_json(path: str | os.PathLike, payload: Any) -> Path:
    """Write ``payload`` as indented JSON (non-finite floats are refused, not written as NaN)."""
    text = json.dumps(payload, indent=2, allow_nan=False, sort_keys=False) + "\n"
    with atomic_open(path, "w") as handle:
        handle.write(text)
    return Path(path)


def atomic_save_figure(figure: Any, path: str | os.PathLike, **savefig_kwargs: Any) -> Path:
    """Save a matplotlib figure atomically; the format comes from the suffix of ``path``."""
    path = Path(path)
    fmt = path.suffix.lstrip(".") or "png"
    atomic_write_with(path, lambda handle: figure.savefig(handle, format=fmt, **savefig_kwargs))
    return path
