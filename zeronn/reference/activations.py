"""Element-wise activations one value at a time: the twins of :mod:`zeronn.layers.activations`."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def relu_forward(x: NDArray[np.floating]) -> NDArray[np.floating]:
    """ReLU one value at a time: x if x > 0, NaN if x is NaN, else +0 (also for x = −0)."""
    y = np.empty_like(x)
    for index in np.ndindex(x.shape):
        value = x[index]
        y[index] = value if value > 0 or np.isnan(value) else 0.0
    return y
