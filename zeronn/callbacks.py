"""Callbacks: small objects the Trainer calls at fixed points of ``fit``.

Hooks, in the order they run (``epoch`` counts from 1)::

    check_fit(trainer, metrics)      before anything changes: refuse a fit it cannot serve
    on_train_begin(trainer)
    for each epoch:  on_epoch_begin(trainer, epoch) ... on_epoch_end(trainer, epoch, logs)
    on_train_end(trainer, history)

``logs`` holds ``loss``, ``accuracy``, ``val_loss``, ``val_accuracy`` (with validation data),
``lr`` and ``epoch_time``; ``metrics`` is the set of those names, so that a callback watching
``val_loss`` in a fit without validation data is refused before the first epoch rather than
after it. A callback stops training by setting ``trainer.stop_training``.

Schedules and repeated fits: a schedule sets ``trainer.optimizer.lr`` in ``on_epoch_begin``
from its base lr, the optimizer's lr when ``fit`` began, and ``fit`` puts that lr back when it
ends (finished, stopped early or raised). So every ``fit`` runs its schedule from epoch 1 from
the lr the user set: ``fit(x, t, 3)`` twice with ``CosineLR(3)`` anneals twice from the same
lr, where reading the already-annealed lr as the new base would train the second fit at
almost nothing. To continue one schedule across calls, give the first fit all the epochs.

``state_names`` lists what a callback changes during ``fit`` (best values, counters), which a
:class:`zeronn.state.Snapshot` of the trainer saves with the rest.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from zeronn import serialize
from zeronn._checks import non_negative_int, positive_int
from zeronn.history import History


class Trainer(Protocol):
    """What a callback reads and sets of the :class:`zeronn.trainer.Trainer` calling it."""

    model: Any
    optimizer: Any
    stop_training: bool


class Callback:
    """Base class with do-nothing hooks; override the ones you need."""

    state_names: tuple[str, ...] = ()

    def check_fit(self, trainer: Trainer, metrics: frozenset[str]) -> None:
        """Raise if this callback cannot serve the fit about to start; change nothing.

        ``metrics`` are the names the epoch logs will hold. Called before the first epoch,
        before ``on_train_begin`` of any callback.
        """

    def on_train_begin(self, trainer: Trainer) -> None:
        """Called once before the first epoch."""

    def on_epoch_begin(self, trainer: Trainer, epoch: int) -> None:
        """Called before epoch ``epoch`` (1-based) starts."""

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: Mapping[str, float]) -> None:
        """Called after epoch ``epoch``, with its metrics in ``logs``."""

    def on_train_end(self, trainer: Trainer, history: History) -> None:
        """Called once after the last epoch (also after an early stop)."""


class _Monitor:
    """Tracks the best value of one metric; "better" means larger for accuracies.

    ``mode="auto"`` picks ``"max"`` when the name contains "acc", else ``"min"``. A value
    improves on the best only by more than ``min_delta``.
    """

    def __init__(self, monitor: str, mode: str, min_delta: float, owner: str) -> None:
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"{owner} expected mode 'auto', 'min' or 'max', got {mode!r}")
        if not (isinstance(min_delta, int | float) and min_delta >= 0):
            raise ValueError(f"{owner} expected min_delta >= 0, got {min_delta!r}")
        self.monitor = monitor
        self.mode = ("max" if "acc" in monitor else "min") if mode == "auto" else mode
        self.min_delta = float(min_delta)
        self.owner = owner
        self.best: float | None = None

    def check(self, metrics: Mapping[str, float] | frozenset[str]) -> None:
        """Raise if the logs (or the names they will hold) lack the monitored metric."""
        if self.monitor not in metrics:
            raise ValueError(
                f"{self.owner} monitors {self.monitor!r}, but the epoch logs hold only "
                f"{sorted(metrics)}; val_ metrics need fit(..., validation=(x_val, t_val))"
            )

    def value(self, logs: Mapping[str, float]) -> float:
        self.check(logs)
        return float(logs[self.monitor])

    def improved(self, value: float) -> bool:
        """Record ``value`` as the best if it improves on it; say whether it did."""
        if self.best is None:
            better = True
        elif self.mode == "max":
            better = value - self.best > self.min_delta
        else:
            better = self.best - value > self.min_delta
        if better:
            self.best = value
        return better


class ModelCheckpoint(Callback):
    """Save the model to ``path`` (a ``.npz`` via zeronn.serialize) whenever ``monitor`` improves.

    serialize.save writes atomically, so ``path`` always holds a complete model: the best one
    so far, never a half-written file. ``best`` and ``best_epoch`` record which.
    """

    state_names = ("_monitor.best", "best_epoch")

    def __init__(
        self, path: str | os.PathLike, monitor: str = "val_accuracy", *, mode: str = "auto"
    ) -> None:
        self.path = Path(path)
        if self.path.suffix != ".npz":
            raise ValueError(f"ModelCheckpoint expected a path ending in .npz, got {self.path}")
        if self.path.is_dir():
            raise ValueError(f"ModelCheckpoint expected a file path, got the folder {self.path}")
        self._monitor = _Monitor(monitor, mode, 0.0, "ModelCheckpoint")
        self.best_epoch: int | None = None

    @property
    def best(self) -> float | None:
        """The best value of the monitored metric so far (None before the first epoch)."""
        return self._monitor.best

    def check_fit(self, trainer: Trainer, metrics: frozenset[str]) -> None:
        """Refuse a fit whose logs will not hold the monitored metric."""
        self._monitor.check(metrics)

    def on_train_begin(self, trainer: Trainer) -> None:
        self._monitor.best = None
        self.best_epoch = None

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: Mapping[str, float]) -> None:
        """Save the model if this epoch is the best so far."""
        if self._monitor.improved(self._monitor.value(logs)):
            self.best_epoch = epoch
            serialize.save(trainer.model, self.path)  # atomic: path always holds a whole model

    def __repr__(self) -> str:
        return f"ModelCheckpoint({str(self.path)!r}, monitor={self._monitor.monitor!r})"


class EarlyStopping(Callback):
    """Stop training after ``patience`` epochs in a row in which ``monitor`` did not improve
    on its best by more than ``min_delta``. ``stopped_epoch`` is the last epoch run (or None).
    """

    state_names = ("_monitor.best", "wait", "stopped_epoch")

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 5,
        min_delta: float = 0.0,
        *,
        mode: str = "auto",
    ) -> None:
        self.patience = non_negative_int(patience, "patience", "EarlyStopping")
        self._monitor = _Monitor(monitor, mode, min_delta, "EarlyStopping")
        self.wait = 0
        self.stopped_epoch: int | None = None

    def check_fit(self, trainer: Trainer, metrics: frozenset[str]) -> None:
        """Refuse a fit whose logs will not hold the monitored metric."""
        self._monitor.check(metrics)

    def on_train_begin(self, trainer: Trainer) -> None:
        self._monitor.best = None
        self.wait = 0
        self.stopped_epoch = None

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: Mapping[str, float]) -> None:
        """Count epochs without improvement; ask the trainer to stop after ``patience``."""
        if self._monitor.improved(self._monitor.value(logs)):
            self.wait = 0
            return
        self.wait += 1
        if self.wait >= self.patience:
            trainer.stop_training = True
            self.stopped_epoch = epoch

    def __repr__(self) -> str:
        monitor = self._monitor
        return (
            f"EarlyStopping(monitor={monitor.monitor!r}, patience={self.patience}, "
            f"min_delta={monitor.min_delta})"
        )


class _Schedule(Callback):
    """A learning-rate schedule: ``lr(epoch)`` from the optimizer's lr at the start of fit.

    Each fit starts the schedule again from epoch 1 (see the module docstring).
    """

    base_lr: float | None = None
    state_names = ("base_lr",)

    def on_train_begin(self, trainer: Trainer) -> None:
        self.base_lr = float(trainer.optimizer.lr)

    def on_epoch_begin(self, trainer: Trainer, epoch: int) -> None:
        """Set the optimizer's lr for this epoch."""
        trainer.optimizer.lr = self.lr(epoch)

    def lr(self, epoch: int) -> float:
        """The learning rate of epoch ``epoch`` (1-based)."""
        raise NotImplementedError


class StepLR(_Schedule):
    """lr(epoch) = base_lr · gamma^⌊(epoch − 1) / step_size⌋: multiply by ``gamma`` every
    ``step_size`` epochs (epoch counts from 1, so epochs 1…step_size use base_lr).
    """

    def __init__(self, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = positive_int(step_size, "step_size", "StepLR")
        if not (isinstance(gamma, int | float) and 0 < gamma <= 1):
            raise ValueError(f"StepLR expected 0 < gamma <= 1, got {gamma!r}")
        self.gamma = float(gamma)

    def lr(self, epoch: int) -> float:
        """The learning rate of epoch ``epoch`` (1-based)."""
        return _base(self) * self.gamma ** ((epoch - 1) // self.step_size)

    def __repr__(self) -> str:
        return f"StepLR(step_size={self.step_size}, gamma={self.gamma})"


class CosineLR(_Schedule):
    """Cosine annealing from base_lr down to ``min_lr`` over ``total_epochs``:

    lr(epoch) = min_lr + (base_lr − min_lr) · (1 + cos(π · (epoch − 1) / total_epochs)) / 2

    so epoch 1 uses base_lr and the lr keeps falling towards min_lr; past ``total_epochs``
    it stays at min_lr (Loshchilov & Hutter 2017, without restarts).
    """

    def __init__(self, total_epochs: int, min_lr: float = 0.0) -> None:
        self.total_epochs = positive_int(total_epochs, "total_epochs", "CosineLR")
        if not (isinstance(min_lr, int | float) and min_lr >= 0):
            raise ValueError(f"CosineLR expected min_lr >= 0, got {min_lr!r}")
        self.min_lr = float(min_lr)

    def check_fit(self, trainer: Trainer, metrics: frozenset[str]) -> None:
        """Refuse a min_lr that is not below the lr the fit starts from."""
        lr = float(trainer.optimizer.lr)
        if self.min_lr >= lr:
            raise ValueError(
                f"CosineLR expected min_lr below the optimizer's lr {lr:g}, got {self.min_lr:g}"
            )

    def lr(self, epoch: int) -> float:
        """The learning rate of epoch ``epoch`` (1-based)."""
        base = _base(self)
        progress = min(epoch - 1, self.total_epochs) / self.total_epochs
        value = self.min_lr + (base - self.min_lr) * (1 + math.cos(math.pi * progress)) / 2
        # The optimizer refuses lr = 0, so a min_lr of 0 is reached only in the limit.
        return max(value, math.ulp(base))

    def __repr__(self) -> str:
        return f"CosineLR(total_epochs={self.total_epochs}, min_lr={self.min_lr})"


def _base(schedule: _Schedule) -> float:
    if schedule.base_lr is None:
        raise RuntimeError(
            f"{type(schedule).__name__}.lr needs the base lr: it is read from the optimizer "
            "when training begins (pass the schedule in Trainer(callbacks=[...]))"
        )
    return schedule.base_lr
