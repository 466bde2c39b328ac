"""The pieces of a checkpoint (:mod:`zeronn.checkpoint`): each kind of training state as
arrays (into the file's ``arrays``) and JSON facts, checked against a trainer, and put back.

- an optimizer's ``state_names``: lists of arrays (Adam's m and v) and numbers (``step_count``);
- the carried state of a model's layers (``state_names``: an LSTM's h and c), or None;
- a callback's ``state_names`` values (numbers or None), and the file a ModelCheckpoint keeps;
- every random generator the training draws from, its bit generator's state as JSON.

The ``check_*`` functions raise :class:`CheckpointError` and change nothing; the ``restore_*``
ones are called only once every check has passed, and cannot fail.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn._io import atomic_write_with
from zeronn.callbacks import ModelCheckpoint
from zeronn.data.errors import DataError
from zeronn.model import Sequential
from zeronn.tree import walk


class CheckpointError(DataError):
    """A file is not a checkpoint, or it does not fit the trainer it is restored into."""



def save_state(holder: object, owner: str, prefix: str, arrays: dict) -> dict[str, Any]:
    """The ``state_names`` of an optimizer: lists of arrays into ``arrays``, numbers as facts."""
    state: dict[str, Any] = {}
    for name in getattr(holder, "state_names", ()):
        value = getattr(holder, name)
        if isinstance(value, list | tuple) and all(isinstance(v, np.ndarray) for v in value):
            for index, item in enumerate(value):
                arrays[f"{prefix}/{name}/{index}"] = item
            state[name] = {"arrays": len(value)}
        elif isinstance(value, int | float) and not isinstance(value, bool):
            state[name] = {"value": value}
        else:
            raise TypeError(
                f"save_checkpoint cannot keep {owner}.{name}, a {type(value).__name__}: "
                "a checkpoint holds numbers and lists of arrays"
            )
    return {"class": owner, "state": state}


def check_state(
    holder: object, owner: str, prefix: str, saved: dict, arrays: dict, where: str
) -> None:
    """Refuse a saved state of another class, without one of ``state_names``, or with other
    shapes than ``holder``'s own arrays."""
    if saved["class"] != owner:
        raise CheckpointError(f"{where}: it holds the state of {saved['class']}, not {owner}")
    for name in getattr(holder, "state_names", ()):
        entry = saved["state"].get(name)
        value = getattr(holder, name)
        if entry is None:
            raise CheckpointError(f"{where}: it holds no {owner}.{name}")
        if "arrays" in entry:
            ours = [np.shape(item) for item in value]
            theirs = [arrays[f"{prefix}/{name}/{i}"].shape for i in range(entry["arrays"])]
            if ours != theirs:
                raise CheckpointError(
                    f"{where}: its {owner}.{name} has shapes {theirs}; the trainer's {ours}"
                )


def restore_state(holder: object, prefix: str, saved: dict, arrays: dict) -> None:
    """Copy the saved arrays into ``holder``'s own, in place; set its numbers."""
    for name, entry in saved["state"].items():
        if "arrays" in entry:
            for index, item in enumerate(getattr(holder, name)):
                np.copyto(item, arrays[f"{prefix}/{name}/{index}"], casting="unsafe")
        else:
            setattr(holder, name, type(getattr(holder, name))(entry["value"]))


def _carried_places(model: Sequential) -> dict[str, tuple[object, str]]:
    """``"2.state"`` -> (the layer, "state"): every carried state of the model's layers."""
    return {
        f"{path}.{key}" if path else key: (node, key)
        for path, node in walk(model)
        for key in getattr(node, "state_names", ())
    }


def save_carried(model: Sequential, arrays: dict) -> dict[str, int | None]:
    """Each carried state's arrays into ``arrays``; the fact is their count, or None."""
    saved: dict[str, int | None] = {}
    for where, (node, key) in _carried_places(model).items():
        value = getattr(node, key)
        if value is None:
            saved[where] = None
            continue
        for index, item in enumerate(value):
            arrays[f"model.carried/{where}/{index}"] = item
        saved[where] = len(value)
    return saved


def check_carried(model: Sequential, saved: dict, arrays: dict, where: str) -> None:
    """Refuse carried states at other places than the model's layers have them."""
    if set(saved) != set(_carried_places(model)):
        raise CheckpointError(f"{where}: its carried states {sorted(saved)} are not the model's")


def restore_carried(model: Sequential, saved: dict, arrays: dict) -> None:
    """Give each layer copies of its saved carried state (or None)."""
    for where, (node, key) in _carried_places(model).items():
        count = saved[where]
        value = None
        if count is not None:
            value = tuple(arrays[f"model.carried/{where}/{i}"].copy() for i in range(count))
        setattr(node, key, value)


def save_callback(index: int, callback: object, arrays: dict) -> dict[str, Any]:
    """A callback's class and ``state_names`` values; a ModelCheckpoint's file, when written."""
    state = {name: _dotted(callback, name) for name in getattr(callback, "state_names", ())}
    for name, value in state.items():
        if not (value is None or isinstance(value, int | float)):
            raise TypeError(
                f"save_checkpoint cannot keep {type(callback).__name__}.{name}, a "
                f"{type(value).__name__}: a callback's state is numbers"
            )
    entry: dict[str, Any] = {"class": type(callback).__name__, "state": state, "file": False}
    if isinstance(callback, ModelCheckpoint) and callback.best_epoch is not None:
        with np.load(callback.path, allow_pickle=False) as kept:
            for name in kept.files:
                arrays[f"callbacks/{index}/{name}"] = kept[name]
        entry["file"] = True
    return entry


def restore_callback(callback: object, entry: dict) -> None:
    """Set the callback's ``state_names`` values."""
    for name, value in entry["state"].items():
        *path, key = name.split(".")
        holder = callback
        for part in path:
            holder = getattr(holder, part)
        setattr(holder, key, value)


def write_kept_file(index: int, callback: object, entry: dict, arrays: dict) -> None:
    """Write back the file a ModelCheckpoint kept (its best weights), when it had one."""
    if entry["file"]:
        prefix = f"callbacks/{index}/"
        kept = {n[len(prefix) :]: a for n, a in arrays.items() if n.startswith(prefix)}
        atomic_write_with(callback.path, lambda handle: np.savez(handle, **kept))


def _dotted(holder: object, name: str) -> Any:
    for part in name.split("."):
        holder = getattr(holder, part)
    return holder


def generators(trainer: Any) -> dict[str, np.random.Generator]:
    """Every random generator the training draws from: the trainer's, and its layers'."""
    found = {"trainer.rng": trainer.rng}
    for path, node in walk(trainer.model):
        for key, value in vars(node).items():
            if isinstance(value, np.random.Generator):
                found[f"model.{path}.{key}" if path else f"model.{key}"] = value
    return found


def json_state(generator: np.random.Generator) -> Any:
    """The state of ``generator``'s bit generator as JSON values (arrays as tagged lists)."""
    return _to_json(generator.bit_generator.state)


def _to_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    if isinstance(value, np.ndarray):
        return {"ndarray": value.tolist(), "dtype": str(value.dtype)}
    return value


def from_json_state(value: Any) -> Any:
    """A bit generator's state from :func:`json_state`'s JSON values."""
    if isinstance(value, dict):
        if set(value) == {"ndarray", "dtype"}:
            return np.array(value["ndarray"], dtype=value["dtype"])
        return {key: from_json_state(item) for key, item in value.items()}
    return value
