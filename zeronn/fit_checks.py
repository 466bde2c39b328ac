"""What the Trainer checks: its parts when it is built, and before a fit's first step what
cannot work, so that such a fit is refused while nothing has changed yet, rather than after an
epoch of training.

- the parts (:func:`check_parts`): a model with ``forward`` and ``backward`` whose layers are
  each at one place, a loss with ``forward`` and ``backward``, an optimizer with ``step``, a
  callable ``augment``, callbacks derived from :class:`zeronn.callbacks.Callback`;
- the data: inputs and targets are arrays with one sample each
  (:func:`zeronn.data.batches.check_pair`), or a source with batches;
- a fit that continues a training (``initial_epoch`` k > 0, :func:`check_initial_epoch`):
  fewer than ``epochs`` epochs done, and a History that holds those k;
- the callbacks: each one's ``check_fit`` with the names the epoch logs will hold (an
  ``EarlyStopping("val_loss")`` without validation data is refused here);
- the model against the data: one forward pass in eval mode of the first batch (and of the
  first validation batch), then the targets against the outputs, as the training step will
  pair them (:func:`zeronn.metrics.correct_predictions`), and class labels against the
  number of classes the model outputs (all of them, for arrays).

Validation inputs whose sample shape differs from the training inputs' are refused when the
model cannot take them; a model that can (a recurrent one reading longer validation windows)
is validated on them. The loss itself is not called: a loss may count its calls or draw
random numbers, and the checks must change nothing.

The probe's forward passes change nothing: a :class:`zeronn.state.Snapshot` of the model
(modes, running statistics, carried state, generators) is restored after them, so a fit with
the checks trains exactly as one without.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import non_negative_int
from zeronn.callbacks import Callback
from zeronn.data.batches import ArrayBatches, BatchSource
from zeronn.metrics import correct_predictions
from zeronn.state import Snapshot
from zeronn.tree import check_tree

EPOCH_METRICS = ("loss", "accuracy", "lr", "epoch_time")
VALIDATION_METRICS = ("val_loss", "val_accuracy")

Batch = tuple[NDArray, NDArray]


class Fitting(Protocol):
    """What the checks read of the Trainer (and hand to each callback's ``check_fit``)."""

    model: Any
    batch_size: int
    callbacks: Sequence[Callback]


def check_parts(
    model: object, optimizer: object, loss: object, augment: object, callbacks: Sequence[object]
) -> None:
    """Refuse parts a Trainer cannot drive, naming what it expected and what came."""
    if not (
        callable(getattr(model, "forward", None)) and callable(getattr(model, "backward", None))
    ):
        raise TypeError(
            f"Trainer expected a model with forward() and backward(), e.g. a Sequential, "
            f"got {type(model).__name__}"
        )
    check_tree(model, "Trainer")
    if not (callable(getattr(loss, "forward", None)) and callable(getattr(loss, "backward", None))):
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
    for callback in callbacks:
        if not isinstance(callback, Callback):
            raise TypeError(
                f"Trainer expected callbacks derived from zeronn.callbacks.Callback, "
                f"got {type(callback).__name__}"
            )


def first_batch(source: BatchSource, batch_size: int, owner: str, what: str = "training") -> Batch:
    """The first batch of ``source``, in order and not augmented, for the checks; drawn with a
    generator of its own, so that the trainer's ``rng`` does not move."""
    batches = iter(source.batches(batch_size, rng=np.random.default_rng(0), shuffle=False))
    try:
        first = next(batches, None)
    finally:
        close = getattr(batches, "close", None)  # a generator's decoding threads end here
        if callable(close):
            close()
    if first is None:
        raise ValueError(f"{owner} got no {what} batches from its source {source!r}")
    return first


def check_initial_epoch(initial_epoch: object, epochs: int, history: Any, owner: str) -> int:
    """``initial_epoch``, after checking that a fit of ``epochs`` epochs in all can continue a
    training of that many epochs whose History is ``history``."""
    initial_epoch = non_negative_int(initial_epoch, "initial_epoch", owner)
    if initial_epoch >= epochs:
        raise ValueError(
            f"{owner} expected epochs (the total) above initial_epoch {initial_epoch}, got "
            f"{epochs}"
        )
    if initial_epoch and history.epochs != initial_epoch:
        raise ValueError(
            f"{owner} continues a training of initial_epoch={initial_epoch} epochs, but the "
            f"trainer's History holds {history.epochs}; restore the training first "
            "(zeronn.checkpoint.restore_checkpoint)"
        )
    return initial_epoch


def check_before_fit(
    trainer: Fitting, owner: str, train: BatchSource, validation: BatchSource | None
) -> None:
    """Refuse a fit whose callbacks, model, targets or validation data cannot work together.

    The model is tried on the first batch of ``train`` and of ``validation`` (unshuffled, not
    augmented); the largest class label is checked over all targets when they are in memory
    (:class:`~zeronn.data.ArrayBatches`), else over that batch's.
    """
    metrics = EPOCH_METRICS + (VALIDATION_METRICS if validation is not None else ())
    for callback in trainer.callbacks:
        callback.check_fit(trainer, frozenset(metrics))
    first = first_batch(train, trainer.batch_size, owner)
    validation_batch = (
        None
        if validation is None
        else first_batch(validation, trainer.batch_size, "Trainer", "validation")
    )
    model = trainer.model
    before = Snapshot(model)
    # A model that has diverged warns here; the first step stops on it and says where.
    quiet = np.errstate(over="ignore", invalid="ignore", divide="ignore")
    try:
        with quiet:
            getattr(model, "eval", lambda: None)()
            _check_outputs(model, owner, first, "inputs", _targets_in_memory(train))
            if validation_batch is not None:
                _check_outputs(
                    model,
                    f"{owner} (validation)",
                    validation_batch,
                    "validation inputs",
                    _targets_in_memory(validation),
                )
    finally:
        before.restore()


def _targets_in_memory(source: BatchSource) -> NDArray | None:
    """All of a source's targets when it holds them as an array, else None."""
    return source.t if isinstance(source, ArrayBatches) else None


def _check_outputs(
    model: Any, owner: str, batch: Batch, inputs: str, labels: NDArray | None
) -> None:
    x, t = batch
    try:
        logits = model.forward(x)
    except (ValueError, TypeError) as error:
        raise type(error)(
            f"{owner}: the model cannot take the {inputs} {_samples(x)}: {error}"
        ) from error
    if not isinstance(logits, np.ndarray):
        raise TypeError(f"{owner} expected the model to output an array, got {type(logits)}")
    correct_predictions(logits, t, owner)
    labels = t if labels is None else labels
    if logits.shape[:-1] == t.shape and labels.size:  # class labels for scores
        classes, largest = logits.shape[-1], int(labels.max())
        if largest >= classes:
            raise ValueError(
                f"{owner} expected class labels below the {classes} classes the model "
                f"outputs {_samples(logits)}, got a label of {largest}"
            )


def _samples(array: NDArray) -> str:
    """``(7, 28, 28)`` -> ``"(N, 28, 28)"``, ``(7,)`` -> ``"(N,)"``: the batch axis as N."""
    rest = [str(int(size)) for size in array.shape[1:]]
    return f"(N, {', '.join(rest)})" if rest else "(N,)"
