"""The guard against a diverging training step: stop it before it changes anything, say where.

A step whose logits, loss or gradients are NaN or infinite must not reach the optimizer, and the
running statistics its forward pass already moved (BatchNorm's) are put back, so the model in
the user's hands is the model of the last good step. The error then says where the step broke
(epoch and step), where the non-finite values started (the input batch, a layer's output, a
parameter's gradient) and what the last finite loss was.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray


class NonFiniteLossError(ValueError):
    """Training produced a NaN or infinite loss (or logits); ``epoch``/``step`` say where."""

    def __init__(
        self, message: str, *, epoch: int, step: int | None, last_finite_loss: float | None
    ) -> None:
        super().__init__(message)
        self.epoch = epoch
        self.step = step
        self.last_finite_loss = last_finite_loss

    def __reduce__(self) -> tuple:
        # rebuilt with its keyword-only fields, so it crosses from a worker process (--jobs)
        fields = {"epoch": self.epoch, "step": self.step, "last_finite_loss": self.last_finite_loss}
        return functools.partial(type(self), **fields), self.args


def named_buffers(model: object) -> list[tuple[str, NDArray]]:
    """The model's saved non-trainable arrays (BatchNorm's running statistics), if it has any."""
    named = getattr(model, "named_buffers", None)
    return named() if callable(named) else []


def restore(saved: list[tuple[NDArray, NDArray]]) -> None:
    """Copy each saved ``(buffer, copy)`` back into its buffer, in place."""
    for buffer, copy in saved:
        buffer[...] = copy


def non_finite_logits(logits: NDArray) -> str | None:
    """What is wrong with ``logits`` (N, ...), or None when every value is finite."""
    finite = np.isfinite(logits)
    if finite.all():
        return None
    samples = int(np.count_nonzero(~finite.reshape(len(logits), -1).all(axis=1)))
    nan_count = int(np.isnan(logits).sum())
    inf_count = int(finite.size - finite.sum()) - nan_count
    return (
        f"the logits of {samples} of {len(logits)} samples are not finite "
        f"({nan_count} NaN, {inf_count} inf values)"
    )


def first_non_finite(model: object, x: NDArray) -> str:
    """Where the NaN or inf values first appear: in the input batch, or after which layer.

    Reruns the forward pass layer by layer (the caller restores the buffers afterwards).
    """
    bad = int(np.count_nonzero(~np.isfinite(x)))
    if bad:
        return f"in the input batch itself ({bad} of its {x.size} values are NaN or inf)"
    if not hasattr(model, "__iter__"):
        return "inside the model"
    x = model._as_input(x) if hasattr(model, "_as_input") else x
    for index, layer in enumerate(model):
        x = layer.forward(x)
        if not np.isfinite(x).all():
            return f"at layer {index} ({layer!r}), whose output is the first with NaN or inf"
    return "inside the model (a rerun of the forward pass was finite)"


def diverged(
    what: str,
    where: str,
    epoch: int,
    step: int | None,
    last_finite: tuple[float, int, int] | None,
    lr: float,
) -> NonFiniteLossError:
    """The error for a step that broke: ``what`` went wrong ``where``, and the last good loss."""
    if last_finite is None:
        last, last_loss = "no finite loss was seen before", None
    else:
        last_loss, last_epoch, last_step = last_finite
        last = f"the last finite loss was {last_loss:.6g} (epoch {last_epoch}, step {last_step})"
    message = (
        f"training diverged at {where}: {what}; {last}. Try a smaller learning rate "
        f"(now {lr:g}), check the inputs for NaN, or use float64"
    )
    return NonFiniteLossError(message, epoch=epoch, step=step, last_finite_loss=last_loss)
