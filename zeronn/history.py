"""History: what a training run measured, per epoch and per step, and its JSON file.

The file is ``{"format": "zeronn.History/1", "epochs": {key: [...]}, "step_loss": [...]}``
with one list per key of ``History.EPOCH_KEYS``; loading checks that layout and says what
differs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zeronn._io import atomic_write_json

__all__ = ["History"]


@dataclass
class History:
    """What a ``fit`` run measured: per-epoch metrics and the loss of every step.

    Per epoch: ``loss`` and ``accuracy`` (running means over the epoch's batches),
    ``val_loss`` and ``val_accuracy`` (empty without validation data), ``lr`` (the learning
    rate used in the epoch) and ``epoch_time`` (seconds, training plus validation).
    ``step_loss`` holds the loss of each training batch, in order.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    epoch_time: list[float] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)

    EPOCH_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy", "lr", "epoch_time")
    FORMAT = "zeronn.History/1"

    @property
    def epochs(self) -> int:
        """Number of epochs recorded."""
        return len(self.loss)

    def record_epoch(self, logs: Mapping[str, float]) -> None:
        """Append one epoch's logs (keys from ``EPOCH_KEYS``; val_ keys may be missing)."""
        for key in self.EPOCH_KEYS:
            if key in logs:
                getattr(self, key).append(float(logs[key]))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: ``{"format", "epochs": {key: [...]}, "step_loss": [...]}``."""
        return {
            "format": self.FORMAT,
            "epochs": {key: list(getattr(self, key)) for key in self.EPOCH_KEYS},
            "step_loss": list(self.step_loss),
        }

    @classmethod
    def from_json(cls, payload: Mapping[str, Any]) -> History:
        """Rebuild a History from :meth:`to_json`'s dict, checking its layout."""
        if not isinstance(payload, Mapping) or payload.get("format") != cls.FORMAT:
            found = payload.get("format") if isinstance(payload, Mapping) else type(payload)
            raise ValueError(f"History expected a dict with format {cls.FORMAT!r}, got {found!r}")
        epochs = payload.get("epochs")
        if not isinstance(epochs, Mapping) or set(epochs) != set(cls.EPOCH_KEYS):
            keys = sorted(epochs) if isinstance(epochs, Mapping) else epochs
            raise ValueError(f"History expected epochs with keys {cls.EPOCH_KEYS}, got {keys}")
        lists = {key: _float_list(epochs[key], key) for key in cls.EPOCH_KEYS}
        return cls(**lists, step_loss=_float_list(payload.get("step_loss"), "step_loss"))

    def save(self, path: str | os.PathLike) -> Path:
        """Write the History as JSON to ``path`` atomically; returns the path."""
        return atomic_write_json(path, self.to_json())

    @classmethod
    def load(cls, path: str | os.PathLike) -> History:
        """Read a History written by :meth:`save`."""
        path = Path(path)
        try:
            payload = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise ValueError(f"History.load expected JSON in {path}: {exc}") from exc
        return cls.from_json(payload)


def _float_list(values: object, key: str) -> list[float]:
    if not isinstance(values, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    ):
        raise ValueError(f"History expected {key} as a list of numbers, got {values!r:.80}")
    return [float(v) for v in values]
