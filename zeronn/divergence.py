"""The guard against a diverging training step: stop it before it changes anything, say where.

A step whose logits, loss or gradients are NaN or infinite must not reach the optimizer, and
what its forward pass already moved (BatchNorm's running statistics, a stateful RNN's carried
state, Dropout's generator) is put back from a :class:`zeronn.state.Snapshot`, so the model in
the user's hands is the model of the last good step. The error then says where the step broke
(epoch and step), where the non-finite values started (the input batch, a layer's output, a
parameter's gradient) and what the last finite loss was. The Trainer's step, guarded::

    with guard.step(epoch, step, x):                          snapshot; NumPy's warnings off
        logits = guard.finite_logits(model.forward(x))        NaN/inf: stopped before the loss
        loss = guard.finite_loss(loss_fn.forward(logits, t))  NaN/inf: stopped before backward
        model.backward(loss_fn.backward())
        guard.update(optimizer)                               clip (when asked), then step()
                                                              a NaN/inf gradient: refused
    leaving the block by an error puts the snapshot back; leaving it normally records the loss

Two errors tell the two places: :class:`NonFiniteGradientError` is the optimizer's (and
:func:`zeronn.clip.clip_grad_norm`'s, through the guard) refusal of one parameter's gradient,
with its index; :class:`NonFiniteLossError` is what training raises, with the epoch, the step
and the last finite loss (the guard turns the first into the second, naming the parameter).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from numpy.typing import NDArray

from zeronn.clip import clip_grad_norm
from zeronn.parameter import Parameter
from zeronn.state import Snapshot, state_slots

__all__ = ["DivergenceGuard", "NonFiniteGradientError", "NonFiniteLossError", "non_finite_logits"]


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


class NonFiniteGradientError(ValueError):
    """A gradient holds NaN or inf: ``step`` refused it before changing anything.

    ``index`` is the position of the offending parameter in the optimizer's list.
    """

    def __init__(self, message: str, *, index: int) -> None:
        super().__init__(message)
        self.index = index


class DivergenceGuard:
    """Watches the steps of one fit of ``model`` by ``optimizer`` (see the module docstring).

    ``clip_grad_norm``: the largest global gradient norm of a step (None: no clipping);
    ``steps``: the steps of an epoch, for the messages. ``last_finite`` is ``(loss, epoch,
    step)`` of the last step that finished, or None before the first.
    """

    state_names = ("last_finite",)

    def __init__(
        self, model: object, optimizer: object, *, clip_grad_norm: float | None, steps: int
    ) -> None:
        self.model, self.optimizer = model, optimizer
        self.clip_grad_norm, self.steps = clip_grad_norm, steps
        self.last_finite: tuple[float, int, int] | None = None
        # What a step's forward pass may move, put back if the step is refused (collected once).
        self._slots = state_slots(model, parameters=False)
        self._epoch, self._step, self._x, self._loss = 0, 0, None, None

    @contextmanager
    def step(self, epoch: int, step: int, x: NDArray) -> Iterator[None]:
        """Guard one step on the input batch ``x``: any error in the block puts back what the
        forward pass moved (and a non-finite gradient becomes :class:`NonFiniteLossError`)."""
        before = Snapshot.of(self._slots)
        self._epoch, self._step, self._x, self._loss = epoch, step, x, None
        # NumPy's overflow warnings are replaced by the checks, which stop the step and say where.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            try:
                yield
            except NonFiniteGradientError as error:
                before.restore()
                name = parameter_name(self.model, self.optimizer.params, error.index)
                what = f"the gradient of parameter {name} is not finite ({error})"
                raise self.diverged(what, self._where(), epoch, step) from error
            except BaseException:
                before.restore()
                raise
            finally:
                self._x = None  # the batch is not kept alive between steps
        if self._loss is not None:
            self.last_finite = (self._loss, epoch, step)

    def finite_logits(self, logits: NDArray) -> NDArray:
        """``logits``, once checked finite (else where the NaN or inf values started)."""
        what = non_finite_logits(logits)
        if what is not None:
            what += f"; it started {first_non_finite(self.model, self._x)}"
            raise self.diverged(what, self._where(), self._epoch, self._step)
        return logits

    def finite_loss(self, loss: float) -> float:
        """``loss`` as a float, once checked finite."""
        loss = float(loss)
        if not np.isfinite(loss):
            raise self.diverged(f"the loss is {loss}", self._where(), self._epoch, self._step)
        self._loss = loss
        return loss

    def update(self, optimizer: object) -> None:
        """``optimizer.step()``, after clipping the gradients' global norm when asked; a NaN or
        inf gradient raises :class:`NonFiniteGradientError` before anything is scaled."""
        if self.clip_grad_norm is not None:
            clip_or_refuse(optimizer.params, self.clip_grad_norm)
        optimizer.step()

    def finite_validation(self, logits: NDArray, epoch: int) -> None:
        """Refuse validation ``logits`` that are not finite, after epoch ``epoch``."""
        what = non_finite_logits(logits)
        if what is not None:
            raise self.diverged(what, f"the validation after epoch {epoch}", epoch, None)

    def diverged(self, what: str, where: str, epoch: int, step: int | None) -> NonFiniteLossError:
        """The error for a step that broke: ``what`` went wrong ``where``; the last good loss."""
        if self.last_finite is None:
            last, last_loss = "no finite loss was seen before", None
        else:
            last_loss, last_epoch, last_step = self.last_finite
            last = (
                f"the last finite loss was {last_loss:.6g} (epoch {last_epoch}, step {last_step})"
            )
        message = (
            f"training diverged at {where}: {what}; {last}. Try a smaller learning rate "
            f"(now {self.optimizer.lr:g}), check the inputs for NaN, or use float64"
        )
        return NonFiniteLossError(message, epoch=epoch, step=step, last_finite_loss=last_loss)

    def _where(self) -> str:
        return f"epoch {self._epoch}, step {self._step}/{self.steps}"

    def __repr__(self) -> str:
        return f"DivergenceGuard(clip_grad_norm={self.clip_grad_norm!r}, steps={self.steps})"


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
