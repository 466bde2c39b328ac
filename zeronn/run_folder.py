"""A run's outputs as one unit: all of them, from one run, or none.

A run writes into a fresh hidden folder beside its destination (``.NAME.partial-XXXX``) and the
folder is moved into place only when the run has finished; checkpoints written during the run
go there too. So an interrupted or failed run (Ctrl-C, a crash, a full disk) leaves the previous
outputs exactly as they were and no temporary files, and two runs' files are never mixed::

    check_output_folder(out, overwrite=False)     # at config time: before any compute
    with RunFolder(out, overwrite=False) as folder:
        ... write every output into folder ...
    # here `out` holds this run's outputs, whole

An existing non-empty destination is refused unless ``overwrite``; then its old contents are
replaced whole. The moves at the end run with SIGINT and SIGTERM held back, so a Ctrl-C in that
instant is delivered right after the swap instead of leaving a half-swapped folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

_DEFERRED = (signal.SIGINT, signal.SIGTERM)


def new_run_folder(command: str) -> Path:
    """``runs/<command>/<YYYYmmdd-HHMMSS>`` (with ``-2``, ``-3``... if taken): a fresh folder
    for every run that is not told where to write, so rerunning a command never collides."""
    base = Path("runs") / command / time.strftime("%Y%m%d-%H%M%S")
    candidate, number = base, 1
    while candidate.exists():
        number += 1
        candidate = base.with_name(f"{base.name}-{number}")
    return candidate


class OutputFolderError(OSError):
    """The output folder cannot be used: it is a file, not empty, or not writable."""


def check_output_folder(out: str | os.PathLike, *, overwrite: bool, flag: str = "--out") -> Path:
    """Refuse, before any compute, an output folder this run could not write as one unit.

    ``out`` may be missing (it is created at the end), an empty folder, or, with ``overwrite``,
    a folder whose contents will be replaced. Writability is tried, not guessed: a probe folder
    is made and removed in the nearest existing parent.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"{flag} expected a folder, but {out} is a file")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise OutputFolderError(
            f"{flag} {out} already holds files (an earlier run's?); choose a new folder, or "
            "pass --overwrite to replace them with this run's outputs"
        )
    parent = _nearest_existing(out.absolute().parent)
    try:
        probe = tempfile.mkdtemp(prefix=".zeronn-probe-", dir=parent)
    except OSError as error:
        raise OutputFolderError(
            f"{flag} {out} cannot be written: creating a folder in {parent} failed "
            f"({error.strerror or error})"
        ) from None
    os.rmdir(probe)
    return out


class RunFolder:
    """Context manager: a temporary folder that becomes ``out`` when the block succeeds."""

    def __init__(self, out: str | os.PathLike, *, overwrite: bool = False) -> None:
        self.out = check_output_folder(out, overwrite=overwrite)
        self.overwrite = overwrite
        self.path: Path | None = None

    def __enter__(self) -> Path:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.partial-", dir=self.out.parent))
        return self.path

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self.path is not None
        with _signals_held():
            if kind is None:
                self._move_into_place(self.path)
            else:
                shutil.rmtree(self.path, ignore_errors=True)

    def _move_into_place(self, finished: Path) -> None:
        # An empty destination folder (or none) is simply replaced.
        if self.out.is_dir() and not any(self.out.iterdir()):
            self.out.rmdir()
        if not self.out.exists():
            os.rename(finished, self.out)
            return
        check_output_folder(self.out, overwrite=self.overwrite)  # still ours to replace?
        old = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.old-", dir=self.out.parent))
        os.rename(self.out, old / "contents")
        os.rename(finished, self.out)
        shutil.rmtree(old, ignore_errors=True)


def _nearest_existing(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM during the block; deliver them right after it.

    Python runs signal handlers in the main thread between bytecodes, so swapping in a handler
    that only records the signal makes the block's file moves uninterruptible by them.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {
        number: signal.signal(number, lambda n, _: received.append(n)) for number in _DEFERRED
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in received:
            handler = previous[number]
            if callable(handler):
                handler(number, None)  # SIGINT's default handler raises KeyboardInterrupt
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), number)
