"""Exercise: the ReLU activation. Fill in ``forward`` and ``backward``.

Shapes: any; ``y``, ``dout`` and ``dx`` have the shape of ``x``.

    y  = max(x, 0)
    dx = dout · [x > 0]          (the slope at exactly x = 0 is taken as 0, as in PyTorch)

``forward(x)`` keeps on ``self`` what ``backward`` needs; ``backward(dout)`` returns ``dx``.
Never change ``x`` or ``dout`` in place (``dout[mask] = 0`` would change the caller's
array): compute new arrays. numpy is all you need.

Check your work (exit code 0 when every array is right):

    zeronn check my_relu.py

The checker feeds float64 inputs kept away from 0 (where the slope jumps) and a random
``dout``, then a second input with some entries exactly 0, to check the slope there. It tells
you, per array, right or wrong, where and by how much, with a hint; it never prints the right
values.
"""

import numpy as np

from zeronn.layers.base import Layer

EXERCISE = "relu"  # tells `zeronn check` which layer this file holds


class ReLU(Layer):
    """Rectified linear unit ``y = max(x, 0)``."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``x -> y``, the same shape."""
        raise NotImplementedError("ReLU.forward: not done yet")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """``dout -> dx``, the shape of the last ``x``."""
        raise NotImplementedError("ReLU.backward: not done yet")
