"""Save and load a model's parameters and buffers as a ``.npz`` archive, with its architecture.

The archive holds one array per name of ``model.state_dict()`` (``"0.W"``, ``"3.running_mean"``,
…) and one more, :data:`ARCHITECTURE_KEY`: a JSON text (a 0-d unicode array, so it loads with
``allow_pickle=False``; never an object array) describing the layers and, for a model built by a
:mod:`zeronn.models` factory, the factory and its arguments (``model.built_by``)::

    {"format": 1, "layers": ["Affine(784 -> 100)", "ReLU()", ...],
     "built_by": {"factory": "mlp", "arguments": {"sizes": [784, 100, 10], ...}}}

A layer is described by its ``repr`` without the options that do not change what the weights
mean (``init``, ``dtype``, BatchNorm's ``momentum``, a recurrent layer's ``stateful``), so weights
saved in float32 load into a float64 twin; a layer class without its own ``repr`` is described
by its class name. No pickle, no code: loading a file cannot run anything.

``load`` compares the file's layers with the model's before it writes anything and names the
first difference; files written before the architecture was stored load by names and shapes.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from zeronn._io import atomic_write_with
from zeronn.data.errors import ModelFileError
from zeronn.model import Sequential

ARCHITECTURE_KEY = "zeronn.architecture"  # never a state name: those start with a layer index
_FORMAT = 1
# ", name=value" options of a layer's repr that say how it was made or is run, not what it is
_NOT_ARCHITECTURE = re.compile(r", (?:init|dtype|momentum|stateful)=(?:'[^']*'|<[^>]*>|[^,()]*)")


def architecture(model: Sequential) -> dict[str, Any]:
    """The JSON-ready description of ``model`` that :func:`save` stores (see the module doc)."""
    return {
        "format": _FORMAT,
        "layers": [_layer_text(layer) for layer in model],
        "built_by": getattr(model, "built_by", None),
    }


def save(model: Sequential, path: str | os.PathLike) -> Path:
    """Write every parameter and buffer of ``model``, and its architecture, to ``path`` (a .npz
    file), atomically.

    The file appears complete or not at all: a crash mid-write leaves any old file intact.
    Returns the path written.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"save expected a Sequential model, got {type(model).__name__}")
    arrays = model.state_dict()
    arrays[ARCHITECTURE_KEY] = np.array(json.dumps(architecture(model), default=str))
    return atomic_write_with(path, lambda handle: np.savez(handle, **arrays))


def read_architecture(path: str | os.PathLike) -> dict[str, Any] | None:
    """The architecture stored in the file :func:`save` wrote at ``path`` (None for a file
    written before it was stored), read without loading the weights.

    Raises ``FileNotFoundError`` for a missing file and :class:`ModelFileError` for one that
    is not such a file.
    """
    path = _model_file(path)
    stored = _read_arrays(path, only=ARCHITECTURE_KEY).get(ARCHITECTURE_KEY)
    return None if stored is None else _parse_architecture(stored, path)


def load(model: Sequential, path: str | os.PathLike) -> Sequential:
    """Load the arrays saved by :func:`save` into ``model`` in place and return it.

    Values are cast to the model's dtype. Nothing changes unless the whole file fits: a
    missing file (``FileNotFoundError``), a file that is not a .npz, another architecture,
    missing or unexpected names and shape mismatches (:class:`ModelFileError`, a
    ``ValueError``) all raise before any parameter is written.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"load expected a Sequential model, got {type(model).__name__}")
    path = _model_file(path)
    state = _read_arrays(path)
    stored = state.pop(ARCHITECTURE_KEY, None)
    if stored is not None:
        saved = _parse_architecture(stored, path)
        difference = architecture_difference(saved, architecture(model))
        if difference is not None:
            raise ModelFileError(f"cannot load weights from {path}: {difference}")
    try:
        model.load_state_dict(state)
    except (ValueError, TypeError) as exc:
        raise ModelFileError(f"cannot load weights from {path}: {exc}") from None
    return model


def architecture_difference(saved: dict[str, Any], current: dict[str, Any]) -> str | None:
    """What differs between the architecture in a file and the model's, or None.

    The layers decide; the factories, when both models have one, only phrase the answer.
    """
    if saved["layers"] == current["layers"]:
        return None
    built = saved.get("built_by"), current.get("built_by")
    if all(isinstance(b, dict) for b in built) and built[0] != built[1]:
        if built[0].get("factory") != built[1].get("factory"):
            return (
                f"the file holds a model built by {built_by_text(built[0])}; this model was "
                f"built by {built_by_text(built[1])}"
            )
        in_file, in_model = (dict(b.get("arguments", {})) for b in built)
        names = [n for n in {**in_model, **in_file} if in_file.get(n) != in_model.get(n)]
        return (
            f"the file's {built[0]['factory']} has "
            + ", ".join(f"{name}={in_file.get(name)!r}" for name in names)
            + "; this model's has "
            + ", ".join(f"{name}={in_model.get(name)!r}" for name in names)
        )
    layers = saved["layers"], current["layers"]
    for index, (in_file, in_model) in enumerate(zip(*layers, strict=False)):
        if in_file != in_model:
            return f"layer {index} is {in_file} in the file but {in_model} in this model"
    return f"the file holds {len(layers[0])} layers; this model has {len(layers[1])}"


def built_by_text(built_by: dict[str, Any]) -> str:
    """``{"factory": "mlp", "arguments": {"sizes": [4, 2]}}`` -> ``"mlp(sizes=[4, 2])"``."""
    arguments = ", ".join(f"{k}={v!r}" for k, v in dict(built_by.get("arguments", {})).items())
    return f"{built_by.get('factory')}({arguments})"


def _layer_text(layer: object) -> str:
    if type(layer).__repr__ is object.__repr__:
        return type(layer).__name__  # the default repr holds an address, never the same twice
    return _NOT_ARCHITECTURE.sub("", repr(layer))


def _parse_architecture(stored: np.ndarray, path: Path) -> dict[str, Any]:
    try:
        description = json.loads(str(stored[()]))
        if not isinstance(description, dict) or not isinstance(description.get("layers"), list):
            raise ValueError("not a dict with a list of layers")
    except (ValueError, IndexError) as exc:
        raise ModelFileError(
            f"cannot load weights from {path}: its {ARCHITECTURE_KEY} entry is not what "
            f"zeronn.save writes ({exc})"
        ) from None
    return description


def _model_file(path: str | os.PathLike) -> Path:
    path = Path(path)
    if not path.is_file():
        reason = "it is a folder" if path.is_dir() else "no such file"
        raise FileNotFoundError(f"cannot load weights from {path}: {reason}")
    return path


def _read_arrays(path: Path, only: str | None = None) -> dict[str, np.ndarray]:
    """Every array of the .npz at ``path`` (or only the one named ``only``, when present)."""
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single .npy array")
        with archive:
            names = [name for name in archive.files if only is None or name == only]
            return {name: archive[name] for name in names}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ModelFileError(
            f"cannot load weights from {path}: not a .npz archive written by zeronn.save ({exc})"
        ) from None
