"""Save and load a model's parameters and buffers as a ``.npz`` archive.

The archive holds one array per name of ``model.state_dict()`` (``"0.W"``, ``"3.running_mean"``,
…) and nothing else: no pickle, no code, so loading a file cannot run anything. The
architecture is not stored; build the same model, then ``load`` into it.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from zeronn._io import atomic_write_with
from zeronn.model import Sequential


def save(model: Sequential, path: str | os.PathLike) -> Path:
    """Write every parameter and buffer of ``model`` to ``path`` (a .npz file), atomically.

    The file appears complete or not at all: a crash mid-write leaves any old file intact.
    Returns the path written.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"save expected a Sequential model, got {type(model).__name__}")
    state = model.state_dict()
    return atomic_write_with(path, lambda handle: np.savez(handle, **state))


def load(model: Sequential, path: str | os.PathLike) -> Sequential:
    """Load the arrays saved by :func:`save` into ``model`` in place and return it.

    Values are cast to the model's dtype. Nothing changes unless the whole file fits: a
    missing file, a file that is not a .npz, missing or unexpected names and shape mismatches
    all raise before any parameter is written.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"load expected a Sequential model, got {type(model).__name__}")
    path = Path(path)
    if not path.is_file():
        reason = "it is a folder" if path.is_dir() else "no such file"
        raise FileNotFoundError(f"cannot load weights from {path}: {reason}")
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single .npy array")
        with archive:
            state = {name: archive[name] for name in archive.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(
            f"cannot load weights from {path}: not a .npz archive written by zeronn.save ({exc})"
        ) from None
    try:
        model.load_state_dict(state)
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"cannot load weights from {path}: {exc}") from None
    return model
