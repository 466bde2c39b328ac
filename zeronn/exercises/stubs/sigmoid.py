"""Exercise: the Sigmoid activation. Fill in ``forward`` and ``backward``.

Shapes: any; ``y``, ``dout`` and ``dx`` have the shape of ``x``.

    y  = 1 / (1 + e⁻ˣ)
    dx = dout · y (1 − y)        (the derivative written with the output y: cache y)

``forward(x)`` keeps on ``self`` what ``backward`` needs; ``backward(dout)`` returns ``dx``.
Never change ``x`` or ``dout`` in place. numpy is all you need.

Check your work (exit code 0 when every array is right):

    zeronn check my_sigmoid.py

The checker compares your forward with zeronn's own ``Sigmoid`` and your backward with a
numerical gradient, in float64 with a random ``dout``. It tells you, per array, right or
wrong, where and by how much, with a hint; it never prints the right values.
"""

import numpy as np

from zeronn.layers.base import Layer

EXERCISE = "sigmoid"  # tells `zeronn check` which layer this file holds


class Sigmoid(Layer):
    """Logistic sigmoid ``y = 1 / (1 + e⁻ˣ)``."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``x -> y``, the same shape."""
        raise NotImplementedError("Sigmoid.forward: not done yet")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """``dout -> dx``, the shape of the last ``x``."""
        raise NotImplementedError("Sigmoid.backward: not done yet")
