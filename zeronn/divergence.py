"""The guard against a diverging training step: stop it before it changes anything, say where.

A step whose logits, loss or gradients are NaN or infinite must not reach the optimizer, and
what its forward pass already moved (BatchNorm's running statistics, a stateful RNN's carried
state, Dropout's generator) is put back from a :class:`zeronn.state.Snapshot`, so the model in
the user's hands is the model of the last good step. The error then says where the step broke
(epoch and step), where the non-finite values started (the input batch, a layer's output, a
parameter's gradient) and what the last finite loss was.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from zeronn.clip import clip_grad_norm
from zeronn.optimizer import NonFiniteGradientError
from zeronn.parameter import Parameter


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


def clip_or_refuse(params: Sequence[Parameter], max_norm: float) -> None:
    """Clip the gradients' global norm to ``max_norm``; a NaN or inf gradient raises
    :class:`NonFiniteGradientError` as the optimizer would, before anything is scaled."""
    try:
        clip_grad_norm(params, max_norm)
    except ValueError as error:
        bad = [i for i, p in enumerate(params) if not np.isfinite(p.grad).all()]
        if not bad:  # another refusal (a max_norm set by hand to 0, say): as it is
            raise
        # Named as the optimizer names it: the last such parameter, which the backward pass
        # reached first.
        raise NonFiniteGradientError(str(error), index=max(bad)) from error


def parameter_name(model: object, params: Sequence[Parameter], index: int) -> str:
    """The model's name for the optimizer's parameter ``index`` (e.g. ``'3.W'``)."""
    param = params[index]
    named = getattr(model, "named_parameters", lambda: [])()
    return next((repr(name) for name, p in named if p is param), f"#{index}")


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

    Reruns the forward pass layer by layer (the caller restores the model's state afterwards).
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
