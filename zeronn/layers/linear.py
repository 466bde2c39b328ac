"""Linear: an affine map over the last axis, for every position of a sequence at once.

Shapes: ``x: (..., D)``, e.g. ``(N, T, D)``, ``W: (D, M)``, ``b: (M,)``, ``y: (..., M)``:

    y = x W + b                       (each position's vector independently)
    dW = Σ over positions xᵀ dy       db = Σ over positions dy       dx = dy Wᵀ

It is :class:`~zeronn.layers.affine.Affine` seen through a reshape to ``(positions, D)``, and
PyTorch's ``nn.Linear`` (the book's second volume calls it TimeAffine). Affine itself flattens
``(N, ...)`` to ``(N, D)``, which is what a convnet's head needs and what a sequence must not get.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import floating_array, same_dtype, shape_text
from zeronn.layers.affine import Affine


class Linear(Affine):
    """Position-wise ``y = x W + b`` over the last axis; ``W`` drawn by ``init``, ``b`` zeros.

    ``init`` is a positive float (the std of a normal), ``"he"``, ``"xavier"`` or
    ``"xavier_uniform"``; the default ``"he"`` is Affine's. Everything but the shapes is
    Affine's: the parameters, ``dx = dy Wᵀ`` (already in the input's shape) and the products
    of ``backward_params`` on the flattened positions.
    """

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """``(..., D)`` → ``(..., M)``."""
        floating_array(x, self._name)
        same_dtype(x, self.dtype, self._name)
        if x.ndim < 2 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"{self._name} expected input (..., {self.in_features}) with at least 2 axes, "
                f"got {shape_text(x.shape)}"
            )
        self._x2d = x.reshape(-1, self.in_features)  # a view when x is contiguous, never written
        self._input_shape = x.shape
        y = np.matmul(self._x2d, self.W.data)
        y += self.b.data
        return y.reshape(*x.shape[:-1], self.out_features)

    def backward_params(self, dout: NDArray[np.floating]) -> None:
        """Write ``W.grad`` and ``b.grad`` from ``dout (..., M)``, summed over the positions."""
        self._cached(self._x2d)  # "backward before forward" first: the shape below needs x's
        self._check_dout(dout, (*self._input_shape[:-1], self.out_features), self.dtype)
        super().backward_params(dout.reshape(-1, self.out_features))
