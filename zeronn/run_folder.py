"""A run's outputs as one unit: all of them, from one run, or none; and nothing finished lost.

A run writes into a fresh hidden folder beside its destination (``.NAME.partial-XXXXXXXX``) and
the folder is moved into place only when the run has finished; checkpoints written during the
run go there too. So an interrupted or failed run (Ctrl-C, SIGTERM, SIGHUP, a crash, a full
disk) leaves the previous outputs exactly as they were and no temporary files, and two runs'
files are never mixed::

    check_run_paths(out, overwrite=False)       # before any compute (config.check_paths())
    with RunFolder(out, overwrite=False) as folder:
        ... write every output into folder ...
    # here `out` holds this run's outputs, whole

An existing non-empty destination is refused unless ``overwrite``; then its old contents are
replaced whole. A symlink ``out`` is followed: the outputs replace its target's contents and
the link stays a link. The moves at the end run with SIGINT, SIGTERM and SIGHUP held back
(:func:`zeronn.signals.signals_held`), so a signal in that instant is delivered right after
the swap instead of leaving a half-swapped folder.

If the last move fails all the same (another run filled ``out`` in the meantime, a mount
point appeared there), the finished outputs are not deleted or left hidden: they are moved to a
visible sibling, ``NAME.kept-YYYYmmdd-HHMMSS``, and the :class:`OutputFolderError` raised
names it. :func:`finished_outputs` tells where a run of this process left them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path
from types import TracebackType

from zeronn._io import current_umask
from zeronn.run_paths import (
    MAX_KEPT_NUMBER,
    OLD_INFIX,
    PARTIAL_INFIX,
    STAMP_FORMAT,
    OutputFolderError,
    check_output_folder,
    kept_name,
    real_path,
)
from zeronn.signals import signals_held

__all__ = [
    "OutputFolderError",
    "RunFolder",
    "check_output_folder",
    "finished_outputs",
    "new_run_folder",
]

# out as given -> where the finished outputs of this process's run for it went
_FINISHED: dict[Path, Path] = {}


def new_run_folder(command: str) -> Path:
    """``runs/<command>/<YYYYmmdd-HHMMSS>`` (with ``-2``, ``-3``... if taken): a fresh folder
    for every run that is not told where to write, so rerunning a command never collides."""
    base = Path("runs") / command / time.strftime(STAMP_FORMAT)
    candidate, number = base, 1
    while candidate.exists():
        number += 1
        candidate = base.with_name(f"{base.name}-{number}")
    return candidate


def finished_outputs(out: str | os.PathLike) -> Path | None:
    """Where a :class:`RunFolder` of this process put its finished outputs for ``out`` (``out``
    itself, or the folder they were kept in), or None when none has finished."""
    return _FINISHED.get(Path(out))


class RunFolder:
    """Context manager: a temporary folder that becomes ``out`` when the block succeeds.

    It checks nothing when made: ``out`` is checked before the compute
    (:func:`~zeronn.run_paths.check_run_paths`), and whatever has changed since, at the end
    the finished outputs go into ``out`` or into a visible folder beside it, never away.
    """

    def __init__(self, out: str | os.PathLike, *, overwrite: bool = False) -> None:
        self.out = Path(out)
        self.overwrite = overwrite
        self.path: Path | None = None  # the temporary folder, once entered
        self.target = self.out  # the real path of out, once entered (a symlink followed)
        self._created: list[Path] = []  # the parents of out this run made

    def __enter__(self) -> Path:
        # followed once, here: the outputs go where the link points when the run starts
        self.target = real_path(self.out)
        parent = self.target.parent
        try:
            with signals_held():  # the folders and our note of them come into being together
                self._created = [p for p in (parent, *parent.parents) if not p.exists()]
                parent.mkdir(parents=True, exist_ok=True)
                prefix = f".{self.target.name}{PARTIAL_INFIX}"
                self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
                # mkdtemp makes it private (0700); give it the mode mkdir would have
                os.chmod(self.path, 0o777 & ~current_umask())
        except BaseException:
            self._discard()
            raise
        return self.path

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self.path is not None
        with signals_held():
            if kind is None:
                self._move_into_place(self.path)
            else:
                self._discard()

    def _discard(self) -> None:
        """Remove the temporary folder, and the parents of ``out`` made for it."""
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)
        for folder in self._created:  # deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()

    def _move_into_place(self, finished: Path) -> None:
        try:
            self._swap(finished)
        except OSError as error:
            kept = _keep_beside(finished, self.target)
            _FINISHED[Path(self.out)] = kept
            reason = error.strerror or str(error)
            raise OutputFolderError(
                f"--out {self.out} could not take this run's finished outputs ({reason}); "
                f"they are kept in {kept}"
            ) from None
        _FINISHED[Path(self.out)] = Path(self.out)

    def _swap(self, finished: Path) -> None:
        target = self.target
        # An empty destination folder (or none) is simply replaced.
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()
        if not target.exists():
            os.rename(finished, target)
            return
        if not target.is_dir():
            raise OutputFolderError(f"{target} is a file")
        if not self.overwrite:  # it was missing or empty when the run was checked
            raise OutputFolderError(f"{target} was filled by another run in the meantime")
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}{OLD_INFIX}", dir=target.parent))
        os.rename(target, old / "contents")
        try:
            os.rename(finished, target)
        except OSError as error:
            try:
                os.rename(old / "contents", target)  # the previous outputs back in place
            except OSError:
                previous = _keep_beside(old / "contents", target)
                with contextlib.suppress(OSError):
                    os.rmdir(old)
                raise OSError(
                    error.errno, f"{error.strerror}; its previous outputs are kept in {previous}"
                ) from None
            with contextlib.suppress(OSError):
                os.rmdir(old)
            raise
        shutil.rmtree(old, ignore_errors=True)


def _keep_beside(folder: Path, target: Path) -> Path:
    """Move ``folder`` to a visible sibling of ``target`` named ``NAME.kept-STAMP[-N]`` and
    return it; ``folder`` itself when no such name can be taken."""
    stamp = time.strftime(STAMP_FORMAT)
    for number in range(1, MAX_KEPT_NUMBER + 1):
        kept = target.parent / kept_name(target.name, stamp, number)
        try:
            kept.mkdir()  # takes the name; the rename below replaces the empty folder
        except FileExistsError:
            continue
        except OSError:
            break
        try:
            os.rename(folder, kept)
        except OSError:
            with contextlib.suppress(OSError):
                kept.rmdir()
            break
        return kept
    return folder
