"""Element-wise activations. Any input shape; the output has the input's shape and dtype.

    ReLU:     y = max(x, 0)            dx = dy · [x > 0]
    Sigmoid:  y = 1 / (1 + e⁻ˣ)        dx = dy · y (1 − y)
    Tanh:     y = tanh(x)              dx = dy · (1 − y²)

The derivatives of Sigmoid and Tanh are written in terms of the output ``y``, so ``y`` is all
they cache. ReLU's derivative at exactly 0 is taken as 0.

ReLU's two passes are split over the batch on zeronn's threads (``zeronn.threads.split_batch``;
one thread for small arrays): each slice is the formula above on its rows, so the result is
the same on any thread count. Its ``max(x, 0)`` is taken against rows of a zero array
(:func:`relu_values`): NumPy's SIMD loop for two arrays is about twice as fast as its loop
against the scalar 0 (0.28 against 0.63 ms on 1.7 M float32 values), with the same bits.
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
            relu_values(x[part], out=y[part])

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


ZERO_ROW = 8192
_zero_rows: dict[np.dtype, NDArray] = {}


def relu_values(x: NDArray[np.floating], *, out: NDArray[np.floating]) -> NDArray[np.floating]:
    """``out = max(x, 0)``, for C-contiguous ``x`` and ``out`` as rows of ``ZERO_ROW`` values
    against one row of zeros (the same numbers as ``np.maximum(x, 0)``, NaN and −0 included,
    in half the time); any other layout takes ``np.maximum(x, 0)`` itself.

    >>> relu_values(np.array([-1.5, 0.0, 2.0]), out=np.empty(3))
    array([0., 0., 2.])
    """
    if not (x.flags.c_contiguous and out.flags.c_contiguous):
        return np.maximum(x, 0, out=out)
    flat, flat_out = x.reshape(-1), out.reshape(-1)
    whole_rows = flat.size // ZERO_ROW * ZERO_ROW
    if whole_rows:
        zeros = _zero_rows.get(x.dtype)
        if zeros is None:
            zeros = _zero_rows.setdefault(x.dtype, np.zeros(ZERO_ROW, dtype=x.dtype))
        rows = (-1, ZERO_ROW)
        np.maximum(flat[:whole_rows].reshape(rows), zeros, out=flat_out[:whole_rows].reshape(rows))
    np.maximum(flat[whole_rows:], 0, out=flat_out[whole_rows:])
    return out


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
