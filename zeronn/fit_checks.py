"""What ``Trainer.fit`` checks before its first step, so that a fit that cannot work is refused
while nothing has changed yet, rather than after an epoch of training.

- the data: inputs and targets are arrays with one sample each (:func:`check_pair`);
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

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from zeronn.metrics import correct_predictions
from zeronn.state import Snapshot

if TYPE_CHECKING:
    from zeronn.data.batches import BatchSource
    from zeronn.train import Trainer

EPOCH_METRICS = ("loss", "accuracy", "lr", "epoch_time")
VALIDATION_METRICS = ("val_loss", "val_accuracy")

Batch = tuple[NDArray, NDArray]


def check_pair(x: object, t: object, owner: str, *, what: str = "data") -> None:
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


def first_validation_batch(validation: object, batch_size: int) -> Batch | None:
    """The first ``batch_size`` validation samples, arrays or a source's; None without any."""
    if validation is None:
        return None
    if isinstance(validation, tuple | list):
        x_val, t_val = validation
        return x_val[:batch_size], t_val[:batch_size]
    return first_batch(validation, batch_size, "Trainer", "validation")


def check_before_fit(
    trainer: Trainer,
    owner: str,
    first_batch: Batch,
    validation_batch: Batch | None,
    labels: tuple[NDArray | None, NDArray | None] = (None, None),
) -> None:
    """Refuse a fit whose callbacks, model, targets or validation data cannot work together.

    ``first_batch``: the first training batch (unshuffled, not augmented);
    ``validation_batch``: the first validation batch, or None without validation data;
    ``labels``: all training and validation targets when they are arrays (their largest
    class label is checked), else None for the batch's alone.
    """
    metrics = EPOCH_METRICS + (VALIDATION_METRICS if validation_batch is not None else ())
    for callback in trainer.callbacks:
        callback.check_fit(trainer, frozenset(metrics))
    model = trainer.model
    before = Snapshot(model)
    # A model that has diverged warns here; the first step stops on it and says where.
    quiet = np.errstate(over="ignore", invalid="ignore", divide="ignore")
    try:
        with quiet:
            getattr(model, "eval", lambda: None)()
            _check_outputs(trainer, owner, first_batch, "inputs", labels[0])
            if validation_batch is not None:
                validation_owner = f"{owner} (validation)"
                _check_outputs(
                    trainer, validation_owner, validation_batch, "validation inputs", labels[1]
                )
    finally:
        before.restore()


def _check_outputs(
    trainer: Trainer, owner: str, batch: Batch, inputs: str, labels: NDArray | None
) -> None:
    x, t = batch
    try:
        logits = trainer.model.forward(x)
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
