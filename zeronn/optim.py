"""Optimizers: update each Parameter's ``data`` in place from its ``grad``.

Notation: w a parameter, g its gradient, lr the learning rate. With ``weight_decay`` λ > 0 every
optimizer uses g + λ·w instead of g: the gradient of the L2 penalty (λ/2)·‖w‖² added to the loss
(with Adam this is L2 regularization, not AdamW's decoupled decay).

Updates write into the arrays the layers hold (never rebind ``param.data``) and go through one
preallocated scratch array per parameter, so a step allocates nothing. ``lr`` and every other
hyperparameter may be changed between steps (e.g. by a schedule): an assignment is checked as
the constructor checks it (:class:`zeronn.hyperparameter.Hyperparameter`), so a value that
vanishes or overflows in the parameters' dtype is refused either way.

The base class and the checks that refuse a step (changing nothing) are in
:mod:`zeronn.optimizer`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import fraction, positive_real
from zeronn.hyperparameter import Hyperparameter
from zeronn.optimizer import NonFiniteGradientError, Optimizer
from zeronn.parameter import Parameter

__all__ = [
    "SGD",
    "AdaGrad",
    "Adam",
    "Momentum",
    "Nesterov",
    "NonFiniteGradientError",
    "Optimizer",
    "RMSprop",
]


class SGD(Optimizer):
    """Stochastic gradient descent: w ← w − lr·g."""

    def _update(self, index: int, param: Parameter, g: NDArray[np.floating]) -> None:
        step = np.multiply(g, self.lr, out=self._scratch[index])
        param.data -= step


class Momentum(Optimizer):
    """SGD with momentum: v ← μ·v − lr·g, then w ← w + v (v starts at 0)."""

    momentum = Hyperparameter(fraction, below_one=True)
    state_names = ("_velocity",)

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float,
        momentum: float = 0.9,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = momentum
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

    eps = Hyperparameter(positive_real)
    state_names = ("_h",)

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float,
        eps: float = 1e-7,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.eps = eps
        self._h = [np.zeros_like(p.data) for p in self.params]

    def _update(self, index: int, param: Parameter, g: NDArray[np.floating]) -> None:
        h, scratch = self._h[index], self._scratch[index]
        h += np.multiply(g, g, out=scratch)
        _scaled_step(param, g, h, self.lr, self.eps, scratch)

    def _hyperparameters(self) -> dict[str, Any]:
        return {"lr": self.lr, "eps": self.eps}


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012): h ← ρ·h + (1 − ρ)·g², then w ← w − lr·g / (√h + ε)."""

    decay_rate = Hyperparameter(fraction, below_one=True)
    eps = Hyperparameter(positive_real)
    state_names = ("_h",)

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float,
        decay_rate: float = 0.99,
        eps: float = 1e-7,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.decay_rate = decay_rate
        self.eps = eps
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

    ``step_count`` is t, the number of steps taken (a refused step does not count).
    """

    beta1 = Hyperparameter(fraction, below_one=True)
    beta2 = Hyperparameter(fraction, below_one=True)
    eps = Hyperparameter(positive_real)
    state_names = ("step_count", "_m", "_v")

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
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.step_count = 0
        self._m = [np.zeros_like(p.data) for p in self.params]
        self._v = [np.zeros_like(p.data) for p in self.params]

    def _begin_step(self) -> None:
        """t ← t + 1, once the step's gradients have passed every check."""
        self.step_count += 1

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
