"""Trainer: the training loop and its History (the guard against a diverging step: divergence.py).

One step on a batch ``(x, t)``, the same protocol a hand-written loop uses::

    logits = model.forward(x)          (training mode: Dropout on, BatchNorm on batch stats)
    loss   = loss_fn.forward(logits, t)
    model.backward(loss_fn.backward(), input_grad=False)   writes every parameter's grad
    clip_grad_norm(optimizer.params, max_norm)             only with clip_grad_norm=max_norm
    optimizer.step()

An epoch visits every sample once, in a fresh random order drawn from the trainer's ``rng``,
with the last batch smaller when ``batch_size`` does not divide N. Training loss and accuracy
are running means over the epoch (weighted by batch size), so they mix the model's states
along the epoch; validation metrics are measured after the epoch in eval mode. Accuracy counts
samples, or positions for sequence targets (N, T) against outputs (N, T, K), e.g. a language
model's tokens (:func:`zeronn.metrics.correct_predictions`).

What cannot work is refused before the first step, changing nothing (:mod:`zeronn.fit_checks`);
a diverging step is stopped before it changes anything (:mod:`zeronn.divergence`). Every
``fit`` leaves ``optimizer.lr`` as it found it (finished, stopped early or raised), so a
schedule runs from the user's lr each time (:mod:`zeronn.callbacks`).

``fit(x, t, ...)`` trains on arrays in memory; ``fit_batches(source, ...)`` on a dataset that
yields its own batches (:class:`zeronn.data.BatchSource`, e.g. an image folder decoded batch
by batch). Both run the same epoch and the same step; only where the batches come from differs.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, TextIO

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import as_generator, positive_int, positive_real
from zeronn.callbacks import Callback
from zeronn.data import iterate_batches
from zeronn.data.batches import BatchSource, check_batch_source
from zeronn.divergence import (
    NonFiniteLossError,
    clip_or_refuse,
    diverged,
    first_non_finite,
    non_finite_logits,
    parameter_name,
)
from zeronn.fit_checks import check_before_fit, check_pair, first_batch, first_validation_batch
from zeronn.history import History
from zeronn.losses import SoftmaxCrossEntropy
from zeronn.metrics import accuracy, correct_predictions
from zeronn.optimizer import NonFiniteGradientError
from zeronn.progress import ProgressLine
from zeronn.state import Snapshot, state_slots
from zeronn.tree import check_tree

if TYPE_CHECKING:
    from zeronn.model import Sequential
    from zeronn.optim import Optimizer


class Loss(Protocol):
    """What the Trainer needs from a loss: ``forward(logits, t) -> float`` and ``backward()``."""

    def forward(self, logits: NDArray[np.floating], t: NDArray) -> float: ...

    def backward(self) -> NDArray[np.floating]: ...


__all__ = ["History", "NonFiniteLossError", "Trainer"]

Augment = Callable[[NDArray[np.floating], np.random.Generator], NDArray[np.floating]]
# validation data: (x_val, t_val) arrays, or a BatchSource
Validation = tuple[NDArray[np.floating], NDArray] | BatchSource
PROGRESS_METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


class Trainer:
    """Fits a model (e.g. :class:`zeronn.model.Sequential`) with an optimizer and a loss.

    ``loss`` is the loss function applied to the model's outputs (``SoftmaxCrossEntropy()``
    by default). ``rng`` (a Generator, an int seed, or None for zeronn's default generator)
    draws the batch order and feeds ``augment``, a
    callable ``(images, rng) -> images`` applied to each training batch. ``callbacks`` see
    the hooks of :class:`zeronn.callbacks.Callback`. ``clip_grad_norm`` (a positive number, or
    None for no clipping) caps the global norm of each step's gradients before the optimizer
    reads them (:func:`zeronn.clip.clip_grad_norm`), what recurrent networks need against an
    exploding gradient. ``verbose=1`` prints an ``Epoch i/n``
    header and the progress line on ``stream`` (stdout by default); ``verbose=0`` is silent.
    """

    # What a Snapshot of a trainer saves (with the state of the model, optimizer, callbacks).
    state_names = (
        *("model", "optimizer", "loss", "rng", "augment", "callbacks", "batch_size"),
        *("clip_grad_norm", "verbose", "stream", "history", "stop_training", "_last_finite"),
    )

    def __init__(
        self,
        model: Sequential,
        optimizer: Optimizer,
        *,
        loss: Loss | None = None,
        batch_size: int = 100,
        rng: np.random.Generator | int | None = None,
        augment: Augment | None = None,
        callbacks: Sequence[Callback] = (),
        clip_grad_norm: float | None = None,
        verbose: int = 1,
        stream: TextIO | None = None,
    ) -> None:
        if not (
            callable(getattr(model, "forward", None)) and callable(getattr(model, "backward", None))
        ):
            raise TypeError(
                f"Trainer expected a model with forward() and backward(), e.g. a Sequential, "
                f"got {type(model).__name__}"
            )
        check_tree(model, "Trainer")
        loss = SoftmaxCrossEntropy() if loss is None else loss
        if not (
            callable(getattr(loss, "forward", None)) and callable(getattr(loss, "backward", None))
        ):
            raise TypeError(
                f"Trainer expected a loss with forward(logits, t) and backward(), "
                f"got {type(loss).__name__}"
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
        self.loss = loss
        self.batch_size = positive_int(batch_size, "batch_size", "Trainer")
        self.rng = as_generator(rng, "Trainer")
        self.augment = augment
        self.callbacks = callbacks
        self.clip_grad_norm = (
            None
            if clip_grad_norm is None
            else positive_real(clip_grad_norm, "clip_grad_norm", "Trainer")
        )
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

        ``x``: inputs (N, ...); ``t``: labels (N,) or one-hot (N, K), or for outputs (N, T, K)
        labels (N, T) or rows (N, T, K). ``validation``: ``(x_val, t_val)`` evaluated after
        each epoch, or None. What cannot work is refused before the first step
        (:mod:`zeronn.fit_checks`). Raises NonFiniteLossError as soon as a loss or the logits
        stop being finite.
        """
        epochs = positive_int(epochs, "epochs", "Trainer.fit")
        check_pair(x, t, "Trainer.fit")
        validate = self._validation(validation, "Trainer.fit")
        first = (x[: self.batch_size], t[: self.batch_size])
        validation_batch = first_validation_batch(validation, self.batch_size)
        t_val = validation[1] if isinstance(validation, tuple | list) else None
        check_before_fit(self, "Trainer.fit", first, validation_batch, (t, t_val))

        def epoch_batches() -> Iterator[tuple[NDArray, NDArray]]:
            return iterate_batches(
                x, t, self.batch_size, self.rng, shuffle=True, augment=self.augment
            )

        return self._fit(epoch_batches, math.ceil(len(x) / self.batch_size), epochs, validate)

    def fit_batches(
        self, source: BatchSource, epochs: int, *, validation: Validation | None = None
    ) -> History:
        """Train for ``epochs`` passes over a dataset that yields its own batches.

        ``source``: e.g. :class:`zeronn.data.ImageFolderDataset`; each epoch is
        ``source.batches(batch_size, rng=self.rng, shuffle=True, augment=self.augment)``, so
        the order, the augmentation and the step are those of :meth:`fit`. ``validation``:
        another such dataset or ``(x_val, t_val)`` arrays, evaluated after each epoch.
        """
        epochs = positive_int(epochs, "epochs", "Trainer.fit_batches")
        check_batch_source(source, "Trainer.fit_batches")
        validate = self._validation(validation, "Trainer.fit_batches")
        steps = source.num_batches(self.batch_size)
        if steps < 1:
            raise ValueError(f"Trainer.fit_batches expected a source with batches, got {source!r}")
        first = first_batch(source, self.batch_size, "Trainer.fit_batches")
        validation_batch = first_validation_batch(validation, self.batch_size)
        t_val = validation[1] if isinstance(validation, tuple | list) else None
        check_before_fit(self, "Trainer.fit_batches", first, validation_batch, (None, t_val))

        def epoch_batches() -> Iterator[tuple[NDArray, NDArray]]:
            return source.batches(self.batch_size, rng=self.rng, shuffle=True, augment=self.augment)

        return self._fit(epoch_batches, steps, epochs, validate)

    def _validation(
        self, validation: object, owner: str
    ) -> Callable[[int], tuple[float, float]] | None:
        """``epoch -> (val_loss, val_accuracy)`` for the validation data, or None without it."""
        if validation is None:
            return None
        if isinstance(validation, tuple | list):
            if len(validation) != 2:
                raise TypeError(
                    f"{owner} expected validation=(x_val, t_val), a dataset or None, "
                    f"got {len(validation)} items"
                )
            x_val, t_val = validation
            check_pair(x_val, t_val, owner, what="validation")
            return lambda epoch: self._evaluate(x_val, t_val, epoch=epoch)
        check_batch_source(validation, owner, what="validation=(x_val, t_val) or a dataset")
        return lambda epoch: self._score(*self.predict_batches(validation), epoch=epoch)

    def _fit(
        self,
        epoch_batches: Callable[[], Iterator[tuple[NDArray, NDArray]]],
        steps: int,
        epochs: int,
        validate: Callable[[int], tuple[float, float]] | None,
    ) -> History:
        """The loop of :meth:`fit` and :meth:`fit_batches`: epochs, callbacks, the History.

        The optimizer's lr is put back when the loop ends, however it ends.
        """
        lr = getattr(self.optimizer, "lr", None)
        self.history = history = History()
        self.stop_training = False
        self._last_finite = None
        # What a step's forward pass may move, put back if the step is refused.
        self._step_slots = state_slots(self.model, parameters=False)
        try:
            for callback in self.callbacks:
                callback.on_train_begin(self)
            for epoch in range(1, epochs + 1):
                for callback in self.callbacks:
                    callback.on_epoch_begin(self, epoch)
                if self.verbose:
                    self.stream.write(f"Epoch {epoch}/{epochs}\n")
                logs = self._train_epoch(epoch_batches(), epoch, steps, history, validate)
                history.record_epoch(logs)
                for callback in self.callbacks:
                    callback.on_epoch_end(self, epoch, logs)
                if self.stop_training:
                    break
            for callback in self.callbacks:
                callback.on_train_end(self, history)
        finally:
            if lr is not None:
                self.optimizer.lr = lr
        return history

    def _train_epoch(self, batches, epoch, steps, history, validate) -> dict[str, float]:
        """One pass over the data; returns the epoch's logs (metrics, lr, epoch_time)."""
        start = time.perf_counter()
        progress = ProgressLine(steps, stream=self.stream, verbose=self.verbose)
        lr = float(self.optimizer.lr)
        self.model.train()
        loss_sum, seen, correct, predicted = 0.0, 0, 0, 0
        for step, (x_batch, t_batch) in enumerate(batches, start=1):
            loss, (batch_correct, batch_predicted) = self._train_step(
                x_batch, t_batch, epoch, step, steps
            )
            history.step_loss.append(loss)
            count = len(x_batch)
            loss_sum += loss * count
            seen += count
            correct += batch_correct
            predicted += batch_predicted  # samples, or positions of sequences
            progress.update(step, {"loss": loss_sum / seen, "accuracy": correct / predicted})
        if seen == 0:  # a batch source whose files all failed to decode, say
            raise ValueError(f"Trainer: epoch {epoch} got no training batches from its source")
        logs = {"loss": loss_sum / seen, "accuracy": correct / predicted}
        if validate is not None:
            logs["val_loss"], logs["val_accuracy"] = validate(epoch)
        logs["lr"] = lr
        logs["epoch_time"] = time.perf_counter() - start
        progress.finish({name: logs[name] for name in PROGRESS_METRICS if name in logs})
        return logs

    def _train_step(
        self, x_batch, t_batch, epoch: int, step: int, steps: int
    ) -> tuple[float, tuple[int, int]]:
        """Forward, loss, backward and update on one batch; return (loss, (correct, total)).

        A step that raises changes nothing: a non-finite logit, loss or gradient stops it
        before the optimizer writes (the optimizer refuses the update), and what the forward
        pass moved (running statistics, carried state, Dropout's generator) is put back from
        a :class:`zeronn.state.Snapshot`, so the model in the user's hands is still usable.
        """
        where = f"epoch {epoch}, step {step}/{steps}"
        before = Snapshot.of(self._step_slots)
        # NumPy's overflow warnings are replaced by the checks below, which stop the step.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            try:
                return self._checked_step(x_batch, t_batch, where, epoch, step)
            except BaseException:
                before.restore()
                raise

    def _checked_step(self, x_batch, t_batch, where, epoch, step) -> tuple[float, tuple[int, int]]:
        try:
            logits = self.model.forward(x_batch)
            self._check_finite_logits(logits, where, epoch, step, x_batch)
            loss = float(self.loss.forward(logits, t_batch))
            if not math.isfinite(loss):
                raise self._diverged(f"the loss is {loss}", where, epoch, step)
            # Counted before backward: layers may reuse their buffers once the step is done.
            counts = correct_predictions(logits, t_batch, "Trainer")
            self.model.backward(self.loss.backward(), input_grad=False)
            if self.clip_grad_norm is not None:
                clip_or_refuse(self.optimizer.params, self.clip_grad_norm)
            self.optimizer.step()
        except NonFiniteGradientError as error:
            name = parameter_name(self.model, self.optimizer.params, error.index)
            raise self._diverged(
                f"the gradient of parameter {name} is not finite ({error})", where, epoch, step
            ) from error
        self._last_finite = (loss, epoch, step)
        return loss, counts

    def _check_finite_logits(
        self, logits, where: str, epoch: int, step: int | None, x_batch=None
    ) -> None:
        # Checked here, before the loss sees them, so the error can say where training broke.
        what = non_finite_logits(logits)
        if what is not None:
            if x_batch is not None:
                what += f"; it started {first_non_finite(self.model, x_batch)}"
            raise self._diverged(what, where, epoch, step)

    def _diverged(self, what: str, where: str, epoch: int, step: int | None) -> NonFiniteLossError:
        return diverged(what, where, epoch, step, self._last_finite, self.optimizer.lr)

    def evaluate(
        self, x: NDArray[np.floating], t: NDArray, batch_size: int | None = None
    ) -> tuple[float, float]:
        """Mean loss and accuracy over all N samples, in eval mode, ``batch_size`` at a time.

        Every sample counts (the last partial batch too). ``batch_size`` defaults to the
        trainer's. The model's train/eval mode is restored afterwards.
        """
        check_pair(x, t, "Trainer.evaluate")
        return self._evaluate(x, t, epoch=None, batch_size=batch_size)

    def evaluate_batches(
        self, source: BatchSource, batch_size: int | None = None
    ) -> tuple[float, float]:
        """Mean loss and accuracy over every sample of a dataset that yields its own batches
        (in order, unshuffled, not augmented), in eval mode; as :meth:`evaluate`."""
        check_batch_source(source, "Trainer.evaluate_batches")
        return self._score(*self.predict_batches(source, batch_size), epoch=None)

    def _evaluate(self, x, t, *, epoch: int | None, batch_size: int | None = None):
        return self._score(self.predict(x, batch_size), t, epoch=epoch)

    def _score(self, logits, t, *, epoch: int | None) -> tuple[float, float]:
        """Loss and accuracy of all the logits at once; after an epoch, checked finite first."""
        if epoch is not None:
            self._check_finite_logits(logits, f"the validation after epoch {epoch}", epoch, None)
        # The loss is a mean over rows, so one call on all logits equals the size-weighted
        # mean of per-batch losses; logits (N, K) are small next to the activations.
        loss = float(self.loss.forward(logits, t))
        return loss, accuracy(logits, t)

    def predict(self, x: NDArray[np.floating], batch_size: int | None = None) -> NDArray:
        """The model's outputs (N, K) for all inputs, in eval mode, ``batch_size`` at a time."""
        return self.model.predict(x, self.batch_size if batch_size is None else batch_size)

    def predict_proba(self, x: NDArray[np.floating], batch_size: int | None = None) -> NDArray:
        """Class probabilities (N, K), each row summing to 1: ``softmax(predict(x))``."""
        return self.model.predict_proba(x, self.batch_size if batch_size is None else batch_size)

    def predict_batches(
        self, source: BatchSource, batch_size: int | None = None
    ) -> tuple[NDArray, NDArray]:
        """``(logits, t)``: the outputs (N, K) for every batch of ``source``, in its unshuffled
        order, with the targets it yielded beside them; eval mode, ``batch_size`` at a time."""
        check_batch_source(source, "Trainer.predict_batches")
        size = self.batch_size if batch_size is None else batch_size
        logits, targets = [], []
        for x, t in source.batches(size, rng=self.rng, shuffle=False):
            logits.append(self.model.predict(x, size))
            targets.append(t)
        if not logits:
            raise ValueError(f"Trainer.predict_batches got no batches from {source!r}")
        return np.concatenate(logits), np.concatenate(targets)

    def __repr__(self) -> str:
        return (
            f"Trainer(optimizer={self.optimizer!r}, loss={self.loss!r}, "
            f"batch_size={self.batch_size}, clip_grad_norm={self.clip_grad_norm!r}, "
            f"augment={self.augment!r}, callbacks={list(self.callbacks)!r})"
        )
