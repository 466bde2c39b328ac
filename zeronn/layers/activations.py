"""Element-wise activations. Any input shape; the output has the input's shape and dtype.

    ReLU:     y = max(x, 0)            dx = dy · [x > 0]
    Sigmoid:  y = 1 / (1 + e⁻ˣ)        dx = dy · y (1 − y)
    Tanh:     y = tanh(x)              dx = dy · (1 − y²)

The derivatives of Sigmoid and Tanh are written in terms of the output ``y``, so ``y`` is all
they cache. ReLU's derivative at exactly 0 is taken as 0.

ReLU's two passes are split over the batch on zeronn's threads (``zeronn.threads.split_batch``;
one thread for small arrays): each slice is the formula above on its rows, so the result is
the same on any thread count.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import floating_array
from zeronn.layers.base import Layer
from zeronn.threads import split_batch


class ReLU(Layer):
    """Rectified linear unit ``y = max(x, 0)``."""

    def __init__(self) -> None:
        self._positive: NDArray[np.bool_] | None = None
        self._dtype = np.dtype(np.float64)

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        floating_array(x, "ReLU")
        y, positive = np.empty_like(x), np.empty(x.shape, dtype=bool)

        def relu(part: slice) -> None:  # positive = [x > 0], y = max(x, 0)
            np.greater(x[part], 0, out=positive[part])
            np.maximum(x[part], 0, out=y[part])

        split_batch(relu, x)
        self._positive, self._dtype = positive, x.dtype
        return y

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        positive = self._cached(self._positive)
        self._check_dout(dout, positive.shape, self._dtype)
        dx = np.empty_like(dout)

        def gate(part: slice) -> None:  # dx = dy · [x > 0]
            np.multiply(dout[part], positive[part], out=dx[part])

        split_batch(gate, dout)
        return dx

    def __repr__(self) -> str:
        return "ReLU()"


def sigmoid(x: NDArray[np.floating]) -> NDArray[np.floating]:
    """Logistic function ``1 / (1 + e⁻ˣ)`` without overflow for any ``x``, in ``x``'s dtype.

    With ``e = exp(−|x|) ≤ 1`` it is ``1 / (1 + e)`` for ``x ≥ 0`` and ``e / (1 + e)`` for
    ``x < 0`` (multiply top and bottom by eˣ); ``e`` can underflow to 0 but never overflow.
    """
    with np.errstate(under="ignore"):  # exp(-1000) rounding to 0 is the right answer
        e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


class Sigmoid(Layer):
    """Logistic sigmoid, numerically stable for inputs of any magnitude."""

    def __init__(self) -> None:
        self._y: NDArray[np.floating] | None = None

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        floating_array(x, "Sigmoid")
        y = sigmoid(x)
        self._y = y
        return y

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        y = self._cached(self._y)
        self._check_dout(dout, y.shape, y.dtype)
        return dout * y * (1.0 - y)

    def __repr__(self) -> str:
        return "Sigmoid()"


class Tanh(Layer):
    """Hyperbolic tangent."""

    def __init__(self) -> None:
        self._y: NDArray[np.floating] | None = None

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        floating_array(x, "Tanh")
        y = np.tanh(x)
        self._y = y
        return y

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        y = self._cached(self._y)
        self._check_dout(dout, y.shape, y.dtype)
        return dout * (1.0 - y * y)

    def __repr__(self) -> str:
        return "Tanh()"
