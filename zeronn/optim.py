"""Optimizers: update each Parameter's ``data`` in place from its ``grad``.

Notation: w a parameter, g its gradient, lr the learning rate. With ``weight_decay`` λ > 0 every
optimizer uses g + λ·w instead of g: the gradient of the L2 penalty (λ/2)·‖w‖² added to the loss
(with Adam this is L2 regularization, not AdamW's decoupled decay).

Updates write into the arrays the layers hold (never rebind ``param.data``) and go through one
preallocated scratch array per parameter, so a step allocates nothing. ``lr`` may be changed
between steps, e.g. by a schedule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import fraction, non_negative_real, positive_real
from zeronn.parameter import Parameter


class NonFiniteGradientError(ValueError):
    """A gradient holds NaN or inf: ``step`` refused it before changing anything.

    ``index`` is the position of the offending parameter in the optimizer's list.
    """

    def __init__(self, message: str, *, index: int) -> None:
        super().__init__(message)
        self.index = index


class Optimizer:
    """Base class: validated parameters and hyperparameters, ``step()`` and ``zero_grad()``.

    Subclasses implement ``_update(index, param, g)`` for one parameter with gradient ``g``.
    """

    def __init__(self, params: Iterable[Parameter], lr: float, weight_decay: float = 0.0) -> None:
        owner = type(self).__name__
        self.params = _parameter_list(params, owner)
        self.lr = lr
        self.weight_decay = non_negative_real(weight_decay, "weight_decay", owner)
        self._scratch = [np.empty_like(p.data) for p in self.params]
        self._decayed: list[NDArray | None] = [None] * len(self.params)

    @property
    def lr(self) -> float:
        """The learning rate, a positive finite number; settable between steps."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = positive_real(value, "lr", type(self).__name__)

    def step(self) -> None:
        """Update every parameter once from its current ``grad``.

        A NaN or infinite gradient raises :class:`NonFiniteGradientError` before any parameter
        or moment is changed, so the model and the optimizer stay as they were.
        """
        self._check_finite_gradients()
        for index, param in enumerate(self.params):
            self._update(index, param, self._gradient(index, param))

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


class SGD(Optimizer):
    """Stochastic gradient descent: w ← w − lr·g."""

    def _update(self, index: int, param: Parameter, g: NDArray[np.floating]) -> None:
        step = np.multiply(g, self.lr, out=self._scratch[index])
        param.data -= step


class Momentum(Optimizer):
    """SGD with momentum: v ← μ·v − lr·g, then w ← w + v (v starts at 0)."""

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float,
        momentum: float = 0.9,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = fraction(momentum, "momentum", type(self).__name__)
        self._velocity = [np.zeros_like(p.data) for p in self.params]

    def _update(self, index: int, param: Parameter, g: NDArray[np.floating]) -> None:
        v = self._velocity[index]
        v *= self.momentum
        v -= np.multiply(g, self.lr, out=self._scratch[index])
        param.data += v

    def _hyperparameters(self) -> dict[str, Any]:
        return {"lr": self.lr, "momentum": self.momentum}


class Nesterov(Momentum):
    """Nesterov accelerated gradient: v ← μ·v − lr·g, then w ← w + μ·v − lr·g.

    This is the look-ahead step written at the current weights (Bengio et al., 2013,
    "Advances in optimizing recurrent networks"): the weights move by the new velocity
    once more scaled by μ, plus the plain gradient step.
    """

    def _update(self, index: int, param: Parameter, g: NDArray[np.floating]) -> None:
        v, scratch = self._velocity[index], self._scratch[index]
        v *= self.momentum
        gradient_step = np.multiply(g, self.lr, out=scratch)
        v -= gradient_step
        param.data -= gradient_step
        param.data += np.multiply(v, self.momentum, out=scratch)


class AdaGrad(Optimizer):
    """AdaGrad (Duchi et al., 2011): h ← h + g², then w ← w − lr·g / (√h + ε)."""

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float,
        eps: float = 1e-7,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.eps = positive_real(eps, "eps", type(self).__name__)
        self._h = [np.zeros_like(p.data) for p in self.params]

    def _update(self, index: int, param: Parameter, g: NDArray[np.floating]) -> None:
        h, scratch = self._h[index], self._scratch[index]
        h += np.multiply(g, g, out=scratch)
        _scaled_step(param, g, h, self.lr, self.eps, scratch)

    def _hyperparameters(self) -> dict[str, Any]:
        return {"lr": self.lr, "eps": self.eps}


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012): h ← ρ·h + (1 − ρ)·g², then w ← w − lr·g / (√h + ε)."""

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float,
        decay_rate: float = 0.99,
        eps: float = 1e-7,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.decay_rate = fraction(decay_rate, "decay_rate", type(self).__name__)
        self.eps = positive_real(eps, "eps", type(self).__name__)
        self._h = [np.zeros_like(p.data) for p in self.params]

    def _update(self, index: int, param: Parameter, g: NDArray[np.floating]) -> None:
        h, scratch = self._h[index], self._scratch[index]
        h *= self.decay_rate
        squared = np.multiply(g, g, out=scratch)
        squared *= 1.0 - self.decay_rate
        h += squared
        _scaled_step(param, g, h, self.lr, self.eps, scratch)

    def _hyperparameters(self) -> dict[str, Any]:
        return {"lr": self.lr, "decay_rate": self.decay_rate, "eps": self.eps}


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), with bias correction. At step t = 1, 2, …:

    m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²,
    m̂ = m / (1 − β₁ᵗ),       v̂ = v / (1 − β₂ᵗ),
    w ← w − lr·m̂ / (√v̂ + ε).
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        owner = type(self).__name__
        self.beta1 = fraction(beta1, "beta1", owner)
        self.beta2 = fraction(beta2, "beta2", owner)
        self.eps = positive_real(eps, "eps", owner)
        self.step_count = 0
        self._m = [np.zeros_like(p.data) for p in self.params]
        self._v = [np.zeros_like(p.data) for p in self.params]

    def step(self) -> None:
        """Advance t by one and update every parameter."""
        self.step_count += 1
        super().step()

    def _update(self, index: int, param: Parameter, g: NDArray[np.floating]) -> None:
        m, v, scratch = self._m[index], self._v[index], self._scratch[index]
        m *= self.beta1
        m += np.multiply(g, 1.0 - self.beta1, out=scratch)
        v *= self.beta2
        squared = np.multiply(g, g, out=scratch)
        squared *= 1.0 - self.beta2
        v += squared
        t = self.step_count
        # scratch ← √v̂ + ε, then lr·m̂ / scratch
        denominator = np.sqrt(v, out=scratch)
        denominator /= math.sqrt(1.0 - self.beta2**t)
        denominator += self.eps
        step = np.divide(m, denominator, out=scratch)
        step *= self.lr / (1.0 - self.beta1**t)
        param.data -= step

    def _hyperparameters(self) -> dict[str, Any]:
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}


def _scaled_step(
    param: Parameter,
    g: NDArray[np.floating],
    h: NDArray[np.floating],
    lr: float,
    eps: float,
    scratch: NDArray[np.floating],
) -> None:
    """w ← w − lr·g / (√h + ε), computed in ``scratch`` (AdaGrad and RMSprop share it)."""
    denominator = np.sqrt(h, out=scratch)
    denominator += eps
    step = np.divide(g, denominator, out=scratch)
    step *= lr
    param.data -= step


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
