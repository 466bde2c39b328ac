"""Optimizer: the base class of the optimizers in :mod:`zeronn.optim`; the checks refusing a step.

An optimizer holds validated parameters (a list, each once) and hyperparameters
(:class:`zeronn.hyperparameter.Hyperparameter`, checked at construction and on every later
assignment), and updates the parameters in ``step()``. A refused step changes nothing:
gradients of the wrong shape or kind, NaN or inf are found before any parameter, moment or
step counter moves, so the model and the optimizer stay as they were.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import non_negative_real, positive_real, shape_text
from zeronn.divergence import NonFiniteGradientError
from zeronn.hyperparameter import Hyperparameter
from zeronn.parameter import Parameter

__all__ = ["NonFiniteGradientError", "Optimizer"]


class Optimizer:
    """Base class: validated parameters and hyperparameters, ``step()`` and ``zero_grad()``.

    Subclasses implement ``_update(index, param, g)`` for one parameter with gradient ``g``,
    declare their hyperparameters as :class:`Hyperparameter` attributes, and list in
    ``state_names`` what a step changes besides the parameters (moments, counters), which a
    :class:`zeronn.state.Snapshot` saves and restores.
    """

    lr = Hyperparameter(positive_real)
    weight_decay = Hyperparameter(non_negative_real)
    state_names: tuple[str, ...] = ()

    def __init__(self, params: Iterable[Parameter], lr: float, weight_decay: float = 0.0) -> None:
        self.params = _parameter_list(params, type(self).__name__)
        # The dtypes the updates compute in, which every hyperparameter must survive.
        self.dtypes = tuple(dict.fromkeys(p.dtype for p in self.params))
        self.lr = lr
        self.weight_decay = weight_decay
        self._scratch = [np.empty_like(p.data) for p in self.params]
        self._decayed: list[NDArray | None] = [None] * len(self.params)

    def step(self) -> None:
        """Update every parameter once from its current ``grad``.

        A gradient of the wrong shape or kind raises ValueError or TypeError, and a NaN or
        infinite one :class:`NonFiniteGradientError`, before any parameter, moment or counter
        is changed, so the model and the optimizer stay as they were.
        """
        self._check_gradient_arrays()
        self._check_finite_gradients()
        self._begin_step()
        for index, param in enumerate(self.params):
            self._update(index, param, self._gradient(index, param))

    def _begin_step(self) -> None:
        """Once per step, after the checks and before the first update (Adam counts t here)."""

    def _check_gradient_arrays(self) -> None:
        owner = f"{type(self).__name__}.step"
        for index, (param, scratch) in enumerate(zip(self.params, self._scratch, strict=True)):
            grad = param.grad
            if not isinstance(grad, np.ndarray) or grad.dtype.kind != "f":
                kind = grad.dtype if isinstance(grad, np.ndarray) else type(grad).__name__
                raise TypeError(
                    f"{owner} expected the gradient of parameter {index} as a floating array, "
                    f"got {kind}; no parameter was changed"
                )
            if grad.shape != scratch.shape or param.data.shape != scratch.shape:
                raise ValueError(
                    f"{owner} expected parameter {index} and its gradient in the shape "
                    f"{shape_text(scratch.shape)} it had when the optimizer was built, got "
                    f"{shape_text(param.data.shape)} and {shape_text(grad.shape)}; "
                    "no parameter was changed"
                )

    def _check_finite_gradients(self) -> None:
        # A sum is NaN or inf when any term is: one cheap reduction per gradient. Only when it
        # is not finite are the values looked at one by one (a huge finite sum may overflow).
        # The last parameters first: the backward pass reaches them first, so the one named is
        # where the non-finite values started.
        for index in reversed(range(len(self.params))):
            param = self.params[index]
            with np.errstate(over="ignore", invalid="ignore"):
                total = float(np.sum(param.grad))
            if math.isfinite(total):
                continue
            nan_count = int(np.count_nonzero(np.isnan(param.grad)))
            inf_count = int(np.count_nonzero(np.isinf(param.grad)))
            if nan_count or inf_count:
                raise NonFiniteGradientError(
                    f"{type(self).__name__}.step refused parameter {index} "
                    f"(shape {param.shape}): its gradient holds {nan_count} NaN and "
                    f"{inf_count} inf values; no parameter was changed",
                    index=index,
                )

    def zero_grad(self) -> None:
        """Set every gradient to zero (layers overwrite grads in backward; this is for safety)."""
        for param in self.params:
            param.zero_grad()

    def _gradient(self, index: int, param: Parameter) -> NDArray[np.floating]:
        """g, or g + λ·w with weight decay (in a buffer of its own, the grad is left intact)."""
        if not self.weight_decay:
            return param.grad
        decayed = self._decayed[index]
        if decayed is None:
            decayed = self._decayed[index] = np.empty_like(param.data)
        np.multiply(param.data, self.weight_decay, out=decayed)
        decayed += param.grad
        return decayed

    def _update(self, index: int, param: Parameter, g: NDArray[np.floating]) -> None:
        raise NotImplementedError

    def _hyperparameters(self) -> dict[str, Any]:
        return {"lr": self.lr}

    def __repr__(self) -> str:
        settings = {**self._hyperparameters(), "weight_decay": self.weight_decay}
        text = ", ".join(f"{name}={value!r}" for name, value in settings.items())
        return f"{type(self).__name__}({text}, params={len(self.params)})"


def _parameter_list(params: Iterable[Parameter], owner: str) -> list[Parameter]:
    if isinstance(params, Parameter):
        raise TypeError(
            f"{owner} expected a list of Parameters, e.g. model.parameters(), "
            "got a single Parameter; wrap it in a list"
        )
    try:
        params = list(params)
    except TypeError:
        raise TypeError(
            f"{owner} expected an iterable of Parameters, got {type(params).__name__}"
        ) from None
    if not params:
        raise ValueError(f"{owner} expected at least one Parameter, got an empty list")
    seen = set()
    for index, param in enumerate(params):
        if not isinstance(param, Parameter):
            raise TypeError(
                f"{owner} expected Parameter instances, got {type(param).__name__} at index {index}"
            )
        if id(param) in seen:
            raise ValueError(
                f"{owner} got the same Parameter twice (index {index}); it would be updated twice"
            )
        seen.add(id(param))
    return params
