"""Trainer: the training loop, its History, and the guard against a diverging loss.

One step on a batch ``(x, t)``::

    logits = model.forward(x)          (training mode: Dropout on, BatchNorm on batch stats)
    loss   = model.loss_function.forward(logits, t)
    model.backward(loss_function.backward())     each layer writes its parameters' grads
    optimizer.step()

An epoch visits every sample once, in a fresh random order drawn from the trainer's ``rng``,
with the last batch smaller when ``batch_size`` does not divide N. Training loss and accuracy
are running means over the epoch (weighted by batch size), so they mix the model's states
along the epoch; validation metrics are measured after the epoch in eval mode.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import as_generator, positive_int
from zeronn._io import atomic_write_json
from zeronn.callbacks import Callback
from zeronn.data import iterate_batches
from zeronn.metrics import accuracy, class_indices
from zeronn.progress import ProgressLine

if TYPE_CHECKING:
    from zeronn.model import Sequential
    from zeronn.optim import Optimizer

__all__ = ["History", "NonFiniteLossError", "Trainer"]

Augment = Callable[[NDArray[np.floating], np.random.Generator], NDArray[np.floating]]
PROGRESS_METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


class NonFiniteLossError(ValueError):
    """Training produced a NaN or infinite loss (or logits); ``epoch``/``step`` say where."""

    def __init__(
        self, message: str, *, epoch: int, step: int | None, last_finite_loss: float | None
    ) -> None:
        super().__init__(message)
        self.epoch = epoch
        self.step = step
        self.last_finite_loss = last_finite_loss


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


class Trainer:
    """Fits a model (e.g. :class:`zeronn.model.Sequential` with a loss) with an optimizer.

    ``rng`` (a Generator or an int seed) draws the batch order and feeds ``augment``, a
    callable ``(images, rng) -> images`` applied to each training batch. ``callbacks`` see
    the hooks of :class:`zeronn.callbacks.Callback`. ``verbose=1`` prints an ``Epoch i/n``
    header and the progress line on ``stream`` (stdout by default); ``verbose=0`` is silent.
    """

    def __init__(
        self,
        model: Sequential,
        optimizer: Optimizer,
        *,
        batch_size: int = 100,
        rng: np.random.Generator | int,
        augment: Augment | None = None,
        callbacks: Sequence[Callback] = (),
        verbose: int = 1,
        stream: TextIO | None = None,
    ) -> None:
        if getattr(model, "loss_function", None) is None:
            raise ValueError(
                "Trainer expected a model with a loss, e.g. "
                "Sequential(layers, loss=SoftmaxCrossEntropy()); got one without"
            )
        if not callable(getattr(optimizer, "step", None)):
            raise TypeError(
                f"Trainer expected an optimizer with step(), got {type(optimizer).__name__}"
            )
        if augment is not None and not callable(augment):
            raise TypeError(f"Trainer expected augment to be callable, got {augment!r}")
        callbacks = tuple(callbacks)
        for callback in callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(
                    f"Trainer expected callbacks derived from zeronn.callbacks.Callback, "
                    f"got {type(callback).__name__}"
                )
        if verbose not in (0, 1):
            raise ValueError(f"Trainer expected verbose 0 or 1, got {verbose!r}")
        self.model = model
        self.optimizer = optimizer
        self.batch_size = positive_int(batch_size, "batch_size", "Trainer")
        self.rng = as_generator(rng, "Trainer")
        self.augment = augment
        self.callbacks = callbacks
        self.verbose = verbose
        self.stream = sys.stdout if stream is None else stream
        self.history = History()
        # A callback (e.g. EarlyStopping) sets this to end fit after the current epoch.
        self.stop_training = False
        # (loss, epoch, step) of the last finite training loss, for the divergence message.
        self._last_finite: tuple[float, int, int] | None = None

    def fit(
        self,
        x: NDArray[np.floating],
        t: NDArray,
        epochs: int,
        *,
        validation: tuple[NDArray[np.floating], NDArray] | None = None,
    ) -> History:
        """Train for ``epochs`` passes over ``(x, t)``; return the History of this run.

        ``x``: inputs (N, ...); ``t``: labels (N,) or one-hot (N, K). ``validation``:
        ``(x_val, t_val)`` evaluated after each epoch, or None.
        Raises NonFiniteLossError as soon as a loss or the logits stop being finite.
        """
        epochs = positive_int(epochs, "epochs", "Trainer.fit")
        _check_pair(x, t, "Trainer.fit")
        if validation is not None:
            if not isinstance(validation, tuple | list) or len(validation) != 2:
                raise TypeError(
                    f"Trainer.fit expected validation=(x_val, t_val) or None, got {validation!r}"
                )
            _check_pair(*validation, "Trainer.fit", what="validation")
        steps = math.ceil(len(x) / self.batch_size)
        self.history = history = History()
        self.stop_training = False
        self._last_finite = None
        for callback in self.callbacks:
            callback.on_train_begin(self)
        for epoch in range(1, epochs + 1):
            for callback in self.callbacks:
                callback.on_epoch_begin(self, epoch)
            if self.verbose:
                self.stream.write(f"Epoch {epoch}/{epochs}\n")
            logs = self._train_epoch(x, t, epoch, steps, history, validation)
            history.record_epoch(logs)
            for callback in self.callbacks:
                callback.on_epoch_end(self, epoch, logs)
            if self.stop_training:
                break
        for callback in self.callbacks:
            callback.on_train_end(self, history)
        return history

    def _train_epoch(self, x, t, epoch, steps, history, validation) -> dict[str, float]:
        """One pass over the data; returns the epoch's logs (metrics, lr, epoch_time)."""
        start = time.perf_counter()
        progress = ProgressLine(steps, stream=self.stream, verbose=self.verbose)
        lr = float(self.optimizer.lr)
        self.model.train()
        loss_sum, correct, seen = 0.0, 0, 0
        batches = iterate_batches(
            x, t, self.batch_size, self.rng, shuffle=True, augment=self.augment
        )
        for step, (x_batch, t_batch) in enumerate(batches, start=1):
            loss, batch_correct = self._train_step(x_batch, t_batch, epoch, step, steps)
            history.step_loss.append(loss)
            count = len(x_batch)
            loss_sum += loss * count
            correct += batch_correct
            seen += count
            progress.update(step, {"loss": loss_sum / seen, "accuracy": correct / seen})
        logs = {"loss": loss_sum / seen, "accuracy": correct / seen}
        if validation is not None:
            logs["val_loss"], logs["val_accuracy"] = self._evaluate(*validation, epoch=epoch)
        logs["lr"] = lr
        logs["epoch_time"] = time.perf_counter() - start
        progress.finish({name: logs[name] for name in PROGRESS_METRICS if name in logs})
        return logs

    def _train_step(self, x_batch, t_batch, epoch: int, step: int, steps: int) -> tuple[float, int]:
        """Forward, loss, backward and update on one batch; return (loss, correct count)."""
        loss_function = self.model.loss_function
        logits = self.model.forward(x_batch)
        where = f"epoch {epoch}, step {step}/{steps}"
        self._check_finite_logits(logits, where, epoch, step)
        loss = float(loss_function.forward(logits, t_batch))
        if not math.isfinite(loss):
            raise self._diverged(f"the loss is {loss}", where, epoch, step)
        self._last_finite = (loss, epoch, step)
        # Counted before backward: layers may reuse their buffers once the step is done.
        correct = int(np.count_nonzero(logits.argmax(axis=1) == class_indices(t_batch, "Trainer")))
        self.model.backward(loss_function.backward())
        self.optimizer.step()
        return loss, correct

    def _check_finite_logits(self, logits, where: str, epoch: int, step: int | None) -> None:
        # Checked here, before the loss sees them, so the error can say where training broke.
        finite = np.isfinite(logits)
        if not finite.all():
            samples = int(np.count_nonzero(~finite.reshape(len(logits), -1).all(axis=1)))
            nan_count = int(np.isnan(logits).sum())
            inf_count = int(finite.size - finite.sum()) - nan_count
            what = (
                f"the logits of {samples} of {len(logits)} samples are not finite "
                f"({nan_count} NaN, {inf_count} inf values)"
            )
            raise self._diverged(what, where, epoch, step)

    def _diverged(self, what: str, where: str, epoch: int, step: int | None) -> NonFiniteLossError:
        if self._last_finite is None:
            last = "no finite loss was seen before"
            last_loss = None
        else:
            last_loss, last_epoch, last_step = self._last_finite
            last = (
                f"the last finite loss was {last_loss:.6g} (epoch {last_epoch}, step {last_step})"
            )
        message = (
            f"training diverged at {where}: {what}; {last}. Try a smaller learning rate "
            f"(now {self.optimizer.lr:g}), check the inputs for NaN, or use float64"
        )
        return NonFiniteLossError(message, epoch=epoch, step=step, last_finite_loss=last_loss)

    def evaluate(
        self, x: NDArray[np.floating], t: NDArray, batch_size: int | None = None
    ) -> tuple[float, float]:
        """Mean loss and accuracy over all N samples, in eval mode, ``batch_size`` at a time.

        Every sample counts (the last partial batch too). ``batch_size`` defaults to the
        trainer's. The model's train/eval mode is restored afterwards.
        """
        _check_pair(x, t, "Trainer.evaluate")
        return self._evaluate(x, t, epoch=None, batch_size=batch_size)

    def _evaluate(self, x, t, *, epoch: int | None, batch_size: int | None = None):
        logits = self.predict(x, batch_size)
        if epoch is not None:
            self._check_finite_logits(logits, f"the validation after epoch {epoch}", epoch, None)
        # The loss is a mean over rows, so one call on all logits equals the size-weighted
        # mean of per-batch losses; logits (N, K) are small next to the activations.
        loss = float(self.model.loss_function.forward(logits, t))
        return loss, accuracy(logits, t)

    def predict(self, x: NDArray[np.floating], batch_size: int | None = None) -> NDArray:
        """The model's outputs (N, K) for all inputs, in eval mode, ``batch_size`` at a time."""
        return self.model.predict(x, self.batch_size if batch_size is None else batch_size)

    def __repr__(self) -> str:
        return (
            f"Trainer(optimizer={self.optimizer!r}, batch_size={self.batch_size}, "
            f"augment={self.augment!r}, callbacks={list(self.callbacks)!r})"
        )


def _check_pair(x: object, t: object, owner: str, *, what: str = "data") -> None:
    """Inputs and targets must be arrays with the same, non-zero, number of samples."""
    for name, array in (("inputs", x), ("targets", t)):
        if not isinstance(array, np.ndarray):
            raise TypeError(
                f"{owner} expected {what} {name} as a numpy array, got {type(array).__name__}"
            )
        if array.ndim == 0:
            raise ValueError(f"{owner} expected {what} {name} with a sample axis, got a scalar")
    if len(x) != len(t):
        raise ValueError(
            f"{owner} expected as many {what} targets as inputs, got {len(x)} inputs "
            f"and {len(t)} targets"
        )
    if len(x) == 0:
        raise ValueError(f"{owner} expected at least one {what} sample, got 0")
