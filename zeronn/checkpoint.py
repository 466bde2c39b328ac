"""Checkpoints: what a training needs to go on exactly where it stopped, in one ``.npz`` file.

::

    trainer.fit(x, t, epochs=2)
    save_checkpoint("run/checkpoint.npz", trainer)
    ...                                              # later, in another process maybe
    checkpoint = read_checkpoint("run/checkpoint.npz")
    restore_checkpoint(checkpoint, trainer)          # a trainer built as the first one was
    trainer.fit(x, t, epochs=4, initial_epoch=checkpoint.epoch)

gives the weights, History and random draws of ``fit(x, t, epochs=4)`` in one go, bit for bit.
The file holds, besides one JSON text of facts (:data:`META_KEY`, a 0-d unicode array)::

    model/<name>               every parameter and buffer (``model.state_dict()``); the
                               architecture (:func:`zeronn.serialize.architecture`) is a fact
    model.carried/<where>/<i>  the carried state of a stateful layer (an LSTM's h and c)
    optimizer/<name>/<i>       each array of the optimizer's ``state_names`` (Adam's m and v,
                               Momentum's velocity); its counters (``step_count``) are facts
    callbacks/<i>/<name>       the file a ModelCheckpoint keeps: the best weights so far

and as facts: the epochs done, each callback's class and ``state_names`` values (the best
value, the epochs waited, a schedule's base lr), the History so far, the state of every random
generator (the trainer's, and those its layers hold: Dropout's masks), and ``run``, what the
caller wants kept with it (``zeronn train``: its options).

Hyperparameters (lr, betas, weight decay) are the optimizer's settings, not its state: the
trainer restored into keeps its own. No pickle: the file loads with ``allow_pickle=False`` and
is written atomically. :func:`restore_checkpoint` checks the whole checkpoint against the
trainer before it writes anything, so one that does not fit (another architecture, optimizer
or set of callbacks) changes nothing and says what differs.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zeronn import serialize
from zeronn._io import atomic_write_with
from zeronn.checkpoint_parts import (
    CheckpointError,
    check_carried,
    check_state,
    from_json_state,
    generators,
    json_state,
    restore_callback,
    restore_carried,
    restore_state,
    save_callback,
    save_carried,
    save_state,
    write_kept_file,
)
from zeronn.history import History
from zeronn.model import Sequential
from zeronn.state import Snapshot

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "read_checkpoint",
    "restore_checkpoint",
    "save_checkpoint",
]

META_KEY = "zeronn.checkpoint"
FORMAT = "zeronn.checkpoint/1"


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint as read: its facts (``meta``, the JSON text) and its arrays by name."""

    path: Path
    meta: dict[str, Any]
    arrays: dict[str, NDArray]

    @property
    def epoch(self) -> int:
        """How many epochs the training had run: ``fit``'s ``initial_epoch`` to go on."""
        return int(self.meta["epoch"])

    @property
    def run(self) -> dict[str, Any]:
        """What the caller of :func:`save_checkpoint` asked to keep with it."""
        return self.meta["run"]


def save_checkpoint(
    path: str | os.PathLike, trainer: Any, *, run: dict[str, Any] | None = None
) -> Path:
    """Write everything ``trainer`` needs to go on to ``path`` (a .npz file), atomically.

    ``trainer``: a :class:`zeronn.trainer.Trainer` with a Sequential model, after ``fit``;
    ``run``: JSON-ready facts kept with it (e.g. the options of the run). Returns the path.
    """
    model, optimizer = trainer.model, trainer.optimizer
    if not isinstance(model, Sequential):
        raise TypeError(f"save_checkpoint expected a Sequential model, got {type(model).__name__}")
    arrays = {f"model/{name}": value for name, value in model.state_dict().items()}
    meta = {
        "format": FORMAT,
        "epoch": trainer.history.epochs,
        "architecture": serialize.architecture(model),
        "optimizer": save_state(optimizer, type(optimizer).__name__, "optimizer", arrays),
        "carried": save_carried(model, arrays),
        "callbacks": [save_callback(i, cb, arrays) for i, cb in enumerate(trainer.callbacks)],
        "history": trainer.history.to_json(),
        "generators": {name: json_state(g) for name, g in generators(trainer).items()},
        "run": {} if run is None else run,
    }
    arrays[META_KEY] = np.array(json.dumps(meta, default=str))
    return atomic_write_with(path, lambda handle: np.savez(handle, **arrays))


def read_checkpoint(path: str | os.PathLike) -> Checkpoint:
    """The checkpoint :func:`save_checkpoint` wrote at ``path``; FileNotFoundError when there
    is none, :class:`CheckpointError` when the file is not one."""
    path = Path(path)
    if not path.is_file():
        reason = "it is a folder" if path.is_dir() else "no such file"
        raise FileNotFoundError(f"cannot resume from {path}: {reason}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        if META_KEY not in arrays:
            raise ValueError(f"it has no {META_KEY} entry; a model file has weights only")
        meta = json.loads(str(arrays.pop(META_KEY)[()]))
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError(f"its format is not {FORMAT}")
    except (ValueError, KeyError, OSError, EOFError, AttributeError, zipfile.BadZipFile) as exc:
        raise CheckpointError(
            f"cannot resume from {path}: not a checkpoint zeronn wrote ({exc})"
        ) from None
    return Checkpoint(path, meta, arrays)


def restore_checkpoint(checkpoint: Checkpoint, trainer: Any) -> None:
    """Put the training state of ``checkpoint`` into ``trainer`` (built as the one saved was):
    weights and buffers, carried states, optimizer state, callbacks' state (and the file a
    ModelCheckpoint keeps), the History, every random generator. Then
    ``trainer.fit(..., initial_epoch=checkpoint.epoch)`` goes on where it stopped.

    Everything is checked first: a checkpoint that does not fit raises
    :class:`CheckpointError` naming the difference, and changes nothing.
    """
    meta, arrays, model = checkpoint.meta, checkpoint.arrays, trainer.model
    where = f"cannot resume from {checkpoint.path}"
    if not isinstance(model, Sequential):
        raise TypeError(
            f"restore_checkpoint expected a Sequential model, got {type(model).__name__}"
        )
    difference = serialize.architecture_difference(
        meta["architecture"], serialize.architecture(model)
    )
    if difference is not None:
        raise CheckpointError(f"{where}: {difference}")
    optimizer = trainer.optimizer
    check_state(optimizer, type(optimizer).__name__, "optimizer", meta["optimizer"], arrays, where)
    check_carried(model, meta["carried"], arrays, where)
    callbacks = list(trainer.callbacks)
    saved = [entry["class"] for entry in meta["callbacks"]]
    names = [type(callback).__name__ for callback in callbacks]
    if saved != names or any(
        set(entry["state"]) != set(getattr(callback, "state_names", ()))
        for callback, entry in zip(callbacks, meta["callbacks"], strict=True)
    ):
        raise CheckpointError(f"{where}: it holds the callbacks {saved}; the trainer has {names}")
    drawing = generators(trainer)
    if set(meta["generators"]) != set(drawing):
        raise CheckpointError(
            f"{where}: it holds the generators {sorted(meta['generators'])}; the trainer has "
            f"{sorted(drawing)}"
        )
    try:
        history = History.from_json(meta["history"])
    except ValueError as exc:
        raise CheckpointError(f"{where}: {exc}") from None
    state = {name[6:]: value for name, value in arrays.items() if name.startswith("model/")}
    before = Snapshot(model)
    try:
        model.load_state_dict(state)  # checks every array before it writes any
        for index, (callback, entry) in enumerate(zip(callbacks, meta["callbacks"], strict=True)):
            write_kept_file(index, callback, entry, arrays)  # a ModelCheckpoint's best weights
    except (ValueError, TypeError) as exc:
        before.restore()
        raise CheckpointError(f"{where}: {exc}") from None
    except BaseException:
        before.restore()
        raise
    # from here on nothing can fail: every piece was checked above
    restore_state(optimizer, "optimizer", meta["optimizer"], arrays)
    restore_carried(model, meta["carried"], arrays)
    for callback, entry in zip(callbacks, meta["callbacks"], strict=True):
        restore_callback(callback, entry)
    for name, generator in drawing.items():
        generator.bit_generator.state = from_json_state(meta["generators"][name])
    trainer.history, trainer.stop_training = history, False
