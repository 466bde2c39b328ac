"""The stub of an exercise, written into a new file that never replaces an existing one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from importlib import resources
from pathlib import Path

from zeronn._io import current_umask
from zeronn.exercises.catalog import Exercise, find_exercise


def stub_text(exercise: Exercise | str, file_name: str | None = None) -> str:
    """The stub's source; ``file_name`` replaces the default name in its ``zeronn check`` line."""
    if isinstance(exercise, str):
        exercise = find_exercise(exercise)
    text = (resources.files("zeronn.exercises.stubs") / f"{exercise.stub}.py").read_text("utf-8")
    return text if file_name is None else text.replace(exercise.default_file, file_name)


def write_stub(exercise: Exercise | str, path: str | os.PathLike) -> Path:
    """Write the stub of ``exercise`` to ``path``, a new file; return the path.

    An existing ``path`` (a learner's work, perhaps) is never replaced: ``FileExistsError``,
    even when the file appears while the stub is written. The stub is written to a temporary
    file beside ``path`` and linked to its name, so ``path`` holds all of it or nothing.
    """
    path = Path(path)
    if isinstance(exercise, str):
        exercise = find_exercise(exercise)
    if path.exists() or path.is_symlink():
        raise FileExistsError(_exists(path))
    text = stub_text(exercise, path.name)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~current_umask())  # mkstemp's 0600 would be private
        try:
            os.link(temporary, path)  # fails if path exists: never a replacement
        except FileExistsError:
            raise FileExistsError(_exists(path)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return path


def _exists(path: Path) -> str:
    return f"{path} exists already (your work?); choose another --out or move it away"
