"""Trainer: the training step, and the bookkeeping of epochs, callbacks and History around it.

One step on a batch ``(x, t)`` is the protocol a hand-written loop uses (:meth:`Trainer._step`)::

    logits = model.forward(x)          (training mode: Dropout on, BatchNorm on batch stats)
    loss   = loss_fn.forward(logits, t)
    model.backward(loss_fn.backward(), input_grad=False)   writes every parameter's grad
    optimizer.step()                   after clip_grad_norm(optimizer.params, max_norm) if asked

wrapped in the guard of :mod:`zeronn.divergence`: a step whose logits, loss or gradients are
NaN or inf is stopped before the optimizer writes, what its forward pass moved is put back,
and the error says where. What cannot work is refused before the first step, changing nothing
(:mod:`zeronn.fit_checks`).

Where the batches come from is one question with one answer: a
:class:`~zeronn.data.BatchSource`. Arrays ``fit(x, t, epochs)`` are one
(:class:`~zeronn.data.ArrayBatches`), an image folder decoded batch by batch another
(``fit(dataset, epochs=n)``); ``evaluate`` and ``predict`` take either too.

An epoch visits every sample once, in a fresh random order drawn from the trainer's ``rng``,
with the last batch smaller when ``batch_size`` does not divide N. Training loss and accuracy
are running means over the epoch (weighted by batch size), so they mix the model's states
along the epoch; validation metrics are measured after the epoch in eval mode. Accuracy counts
samples, or positions for sequence targets (N, T) against outputs (N, T, K), e.g. a language
model's tokens (:func:`zeronn.metrics.correct_predictions`). Every ``fit`` leaves
``optimizer.lr`` as it found it (finished, stopped early or raised), so a schedule runs from
the user's lr each time (:mod:`zeronn.callbacks`).
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Protocol, TextIO

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import as_generator, positive_int, positive_real
from zeronn.callbacks import Callback
from zeronn.data.batches import BatchSource, as_batch_source, pair_or_source
from zeronn.divergence import DivergenceGuard, NonFiniteLossError
from zeronn.fit_checks import check_before_fit, check_initial_epoch, check_parts
from zeronn.functional import softmax
from zeronn.history import History
from zeronn.losses import SoftmaxCrossEntropy
from zeronn.metrics import accuracy, correct_predictions
from zeronn.progress import ProgressLine

__all__ = ["History", "NonFiniteLossError", "Trainer"]

Augment = Callable[[NDArray[np.floating], np.random.Generator], NDArray[np.floating]]
# data: arrays (x, t) or a BatchSource; validation: (x_val, t_val) or a BatchSource
Validation = tuple[NDArray[np.floating], NDArray] | BatchSource
PROGRESS_METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


class Loss(Protocol):
    """What the Trainer needs from a loss: ``forward(logits, t) -> float`` and ``backward()``."""

    def forward(self, logits: NDArray[np.floating], t: NDArray) -> float: ...

    def backward(self) -> NDArray[np.floating]: ...


class Trainer:
    """Fits a model (e.g. :class:`zeronn.model.Sequential`) with an optimizer and a loss.

    ``loss`` is the loss function applied to the model's outputs (``SoftmaxCrossEntropy()``
    by default). ``rng`` (a Generator, an int seed, or None for zeronn's default generator)
    draws the batch order and feeds ``augment``, a callable ``(images, rng) -> images`` applied
    to each training batch. ``callbacks`` see the hooks of :class:`zeronn.callbacks.Callback`.
    ``clip_grad_norm`` (a positive number, or None for no clipping) caps the global norm of
    each step's gradients before the optimizer reads them (:func:`zeronn.clip.clip_grad_norm`),
    what recurrent networks need against an exploding gradient. ``verbose=1`` prints an
    ``Epoch i/n`` header and the progress line on ``stream`` (stdout by default); ``verbose=0``
    is silent.
    """

    # What a Snapshot of a trainer saves (with the state of the model, optimizer, callbacks).
    state_names = (
        *("model", "optimizer", "loss", "rng", "augment", "callbacks", "batch_size"),
        *("clip_grad_norm", "verbose", "stream", "history", "stop_training", "_guard"),
    )

    def __init__(
        self,
        model: object,
        optimizer: object,
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
        loss = SoftmaxCrossEntropy() if loss is None else loss
        callbacks = tuple(callbacks)
        check_parts(model, optimizer, loss, augment, callbacks)
        if verbose not in (0, 1):
            raise ValueError(f"Trainer expected verbose 0 or 1, got {verbose!r}")
        self.model, self.optimizer, self.loss = model, optimizer, loss
        self.batch_size = positive_int(batch_size, "batch_size", "Trainer")
        self.rng = as_generator(rng, "Trainer")
        self.augment, self.callbacks = augment, callbacks
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
        # The divergence guard of the last fit: the last finite loss, for its messages.
        self._guard: DivergenceGuard | None = None

    def fit(
        self,
        x: NDArray[np.floating] | BatchSource,
        t: NDArray | None = None,
        epochs: int | None = None,
        *,
        validation: Validation | None = None,
        initial_epoch: int = 0,
    ) -> History:
        """Train for ``epochs`` passes over the data; return the History of this run.

        The data: arrays ``fit(x, t, epochs)`` with ``x`` inputs (N, ...) and ``t`` labels (N,)
        or one-hot (N, K), or for outputs (N, T, K) labels (N, T) or rows (N, T, K); or a
        dataset that yields its own batches, ``fit(source, epochs=n)``
        (:class:`zeronn.data.BatchSource`, e.g. :class:`zeronn.data.ImageFolderDataset`:
        each epoch is ``source.batches(batch_size, rng, shuffle=True, augment=augment)``).
        ``validation``: ``(x_val, t_val)`` or another source, evaluated after each epoch, or
        None. What cannot work is refused before the first step (:mod:`zeronn.fit_checks`).
        Raises NonFiniteLossError as soon as a loss or the logits stop being finite.

        ``initial_epoch`` k > 0 continues a training that has run k epochs, restored by
        :func:`zeronn.checkpoint.restore_checkpoint` (weights, optimizer, callbacks, History,
        generators): epochs k + 1 … ``epochs`` run (``epochs`` is the total, as in Keras), the
        History goes on from its k epochs, and ``on_train_begin`` is not called again (the
        training began before epoch 1).
        """
        owner = "Trainer.fit"
        train = as_batch_source(x, t, owner)
        epochs = positive_int(epochs, "epochs", owner)
        initial_epoch = check_initial_epoch(initial_epoch, epochs, self.history, owner)
        validation = None if validation is None else pair_or_source(validation, owner)
        steps = train.num_batches(self.batch_size)
        if steps < 1:
            raise ValueError(f"{owner} expected a source with batches, got {train!r}")
        check_before_fit(self, owner, train, validation)

        lr = getattr(self.optimizer, "lr", None)
        if not initial_epoch:
            self.history = History()
        self.stop_training = False
        guard = DivergenceGuard(
            self.model, self.optimizer, clip_grad_norm=self.clip_grad_norm, steps=steps
        )
        self._guard = guard
        try:
            for callback in () if initial_epoch else self.callbacks:
                callback.on_train_begin(self)
            for epoch in range(initial_epoch + 1, epochs + 1):
                for callback in self.callbacks:
                    callback.on_epoch_begin(self, epoch)
                logs = self._epoch(train, epoch, epochs, guard, validation)
                self.history.record_epoch(logs)
                for callback in self.callbacks:
                    callback.on_epoch_end(self, epoch, logs)
                if self.stop_training:
                    break
            for callback in self.callbacks:
                callback.on_train_end(self, self.history)
        finally:
            if lr is not None:  # a schedule's last value is not the user's lr
                self.optimizer.lr = lr
        return self.history

    def _epoch(self, train, epoch, epochs, guard, validation) -> dict[str, float]:
        """One pass over ``train``; returns the epoch's logs (metrics, lr, epoch_time)."""
        if self.verbose:
            self.stream.write(f"Epoch {epoch}/{epochs}\n")
        start = time.perf_counter()
        progress = ProgressLine(guard.steps, stream=self.stream, verbose=self.verbose)
        lr = float(self.optimizer.lr)
        self.model.train()
        batches = train.batches(self.batch_size, rng=self.rng, shuffle=True, augment=self.augment)
        loss_sum, seen, correct, predicted = 0.0, 0, 0, 0
        for step, (x, t) in enumerate(batches, start=1):
            with guard.step(epoch, step, x):
                loss, (batch_correct, batch_predicted) = self._step(x, t, guard)
            self.history.step_loss.append(loss)
            loss_sum, seen = loss_sum + loss * len(x), seen + len(x)
            correct, predicted = correct + batch_correct, predicted + batch_predicted
            progress.update(step, {"loss": loss_sum / seen, "accuracy": correct / predicted})
        if seen == 0:  # a batch source whose files all failed to decode, say
            raise ValueError(f"Trainer: epoch {epoch} got no training batches from its source")
        logs = {"loss": loss_sum / seen, "accuracy": correct / predicted}
        if validation is not None:
            logits, t_val = self._outputs(validation, None, "Trainer.fit")
            guard.finite_validation(logits, epoch)
            logs["val_loss"], logs["val_accuracy"] = self._score(logits, t_val)
        logs["lr"] = lr
        logs["epoch_time"] = time.perf_counter() - start
        progress.finish({name: logs[name] for name in PROGRESS_METRICS if name in logs})
        return logs

    def _step(self, x, t, guard: DivergenceGuard) -> tuple[float, tuple[int, int]]:
        """Forward, loss, backward, step; returns (loss, (correct, counted)) for the logs."""
        logits = guard.finite_logits(self.model.forward(x))
        loss = guard.finite_loss(self.loss.forward(logits, t))
        counts = correct_predictions(logits, t, "Trainer")  # before backward reuses buffers
        self.model.backward(self.loss.backward(), input_grad=False)
        guard.update(self.optimizer)  # clip_grad_norm when set, then optimizer.step()
        return loss, counts

    def evaluate(
        self,
        x: NDArray[np.floating] | BatchSource,
        t: NDArray | None = None,
        batch_size: int | None = None,
    ) -> tuple[float, float]:
        """Mean loss and accuracy over every sample, in eval mode, ``batch_size`` at a time.

        The data: arrays ``(x, t)`` or a :class:`~zeronn.data.BatchSource` (in its order,
        unshuffled, not augmented). Every sample counts (the last partial batch too).
        ``batch_size`` defaults to the trainer's. The model's train/eval mode is restored.
        """
        owner = "Trainer.evaluate"
        return self._score(*self._outputs(as_batch_source(x, t, owner), batch_size, owner))

    def predict(
        self, x: NDArray[np.floating] | BatchSource, batch_size: int | None = None
    ) -> NDArray:
        """The model's outputs (N, K) for every input, in eval mode, ``batch_size`` at a time:
        of an array (N, ...), or of a :class:`~zeronn.data.BatchSource` in its order."""
        if isinstance(x, np.ndarray):  # nothing to stream: the model batches it itself
            return self.model.predict(x, self.batch_size if batch_size is None else batch_size)
        return self.outputs(x, batch_size=batch_size)[0]

    def predict_proba(
        self, x: NDArray[np.floating] | BatchSource, batch_size: int | None = None
    ) -> NDArray:
        """Class probabilities (N, K), each row summing to 1: ``softmax(predict(x))``."""
        return softmax(self.predict(x, batch_size))

    def outputs(
        self,
        x: NDArray[np.floating] | BatchSource,
        t: NDArray | None = None,
        batch_size: int | None = None,
    ) -> tuple[NDArray, NDArray]:
        """``(logits, t)``: the outputs (N, K) for every sample, in order, with the targets
        beside them (those a source yielded), in eval mode: what :meth:`evaluate` scores."""
        owner = "Trainer.outputs"
        return self._outputs(as_batch_source(x, t, owner), batch_size, owner)

    def _outputs(self, source: BatchSource, batch_size: int | None, owner: str):
        size = (
            self.batch_size if batch_size is None else positive_int(batch_size, "batch_size", owner)
        )
        logits, targets = [], []
        for x, t in source.batches(size, rng=self.rng, shuffle=False):
            logits.append(self.model.predict(x, size))
            targets.append(t)
        if not logits:
            raise ValueError(f"{owner} got no batches from {source!r}")
        return np.concatenate(logits), np.concatenate(targets)

    def _score(self, logits: NDArray, t: NDArray) -> tuple[float, float]:
        """Loss and accuracy of all the logits at once."""
        # The loss is a mean over rows, so one call on all logits equals the size-weighted
        # mean of per-batch losses; logits (N, K) are small next to the activations.
        return float(self.loss.forward(logits, t)), accuracy(logits, t)

    def fit_batches(
        self, source: BatchSource, epochs: int, *, validation: Validation | None = None
    ) -> History:
        """Deprecated: ``fit(source, epochs=epochs, validation=validation)``."""
        _deprecated("fit_batches(source, epochs)", "fit(source, epochs=epochs)")
        return self.fit(source, epochs=epochs, validation=validation)

    def evaluate_batches(self, source: BatchSource, batch_size: int | None = None):
        """Deprecated: ``evaluate(source, batch_size=batch_size)``."""
        _deprecated("evaluate_batches(source)", "evaluate(source)")
        return self.evaluate(source, batch_size=batch_size)

    def predict_batches(self, source: BatchSource, batch_size: int | None = None):
        """Deprecated: ``outputs(source, batch_size=batch_size)``, the (logits, t) pair."""
        _deprecated("predict_batches(source)", "outputs(source)")
        return self.outputs(source, batch_size=batch_size)

    def __repr__(self) -> str:
        return (
            f"Trainer(optimizer={self.optimizer!r}, loss={self.loss!r}, "
            f"batch_size={self.batch_size}, clip_grad_norm={self.clip_grad_norm!r}, "
            f"augment={self.augment!r}, callbacks={list(self.callbacks)!r})"
        )


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"Trainer.{old} is deprecated; use Trainer.{new}", DeprecationWarning, 3)
