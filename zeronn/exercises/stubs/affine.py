"""Exercise: the Affine (fully connected) layer. Fill in ``forward`` and ``backward``.

Shapes: ``x: (N, D)``, ``W: (D, M)``, ``b: (M,)``, ``y: (N, M)``, ``dout: (N, M)``.

    y  = x W + b
    dW = xᵀ dout        db = Σₙ dout        dx = dout Wᵀ

``forward(x)`` keeps on ``self`` what ``backward`` needs. ``backward(dout)`` writes
``self.W.grad`` and ``self.b.grad`` (overwrite them: ``self.W.grad[...] = ...``) and returns
``dx``, the gradient of the loss with respect to ``x``. Never change ``x`` or ``dout`` in
place; numpy is all you need.

Check your work (exit code 0 when every array is right):

    zeronn check my_affine.py

The checker builds your class from float64 arrays of non-square shapes with a batch of
several samples and a non-zero bias, compares your forward with zeronn's own ``Affine`` and
your backward with a numerical gradient for a random ``dout``. It tells you, per array,
right or wrong, where and by how much, with a hint; it never prints the right values.
"""

import numpy as np

from zeronn.layers.base import Layer
from zeronn.parameter import Parameter

EXERCISE = "affine"  # tells `zeronn check` which layer this file holds


class Affine(Layer):
    """Fully connected layer ``y = x W + b``."""

    param_names = ("W", "b")

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.W = Parameter(W)  # .data (D, M) and .grad, the same shape
        self.b = Parameter(b)  # .data (M,) and .grad

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``x (N, D) -> y (N, M)``."""
        raise NotImplementedError("Affine.forward: not done yet")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """``dout (N, M) -> dx (N, D)``; writes ``self.W.grad`` and ``self.b.grad``."""
        raise NotImplementedError("Affine.backward: not done yet")
