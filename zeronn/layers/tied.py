"""TiedAffine: an affine layer that uses another Affine's weight, transposed (tied weights).

A tied autoencoder decodes with the encoder's weight: the encoder ``Affine(D, M)`` holds
``W: (D, M)``, and the decoder maps back with ``Wᵀ``, so one matrix is learned for both ways.
Shapes: ``x: (N, M)``, ``W: (D, M)`` (the encoder's Parameter itself), ``b: (D,)`` (its own),
``y: (N, D)``:

    y  = x Wᵀ + b
    dW = dyᵀ x          db = Σₙ dy          dx = dy W

``backward`` writes this use's ``dW`` into ``W.grad``, overwriting it as every layer does; the
container running both layers (``Sequential``, ``Residual``) adds the encoder's and the
decoder's uses up (:mod:`zeronn.layers.chain`), and lists ``W`` once, under the encoder's
name, so the optimizer updates it once and ``zeronn.save`` saves it once.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import floating_array, same_dtype, shape_text
from zeronn.init import zeros
from zeronn.layers.affine import Affine
from zeronn.layers.base import Layer
from zeronn.parameter import Parameter


class TiedAffine(Layer):
    """``y = x Wᵀ + b`` with ``W`` the weight of ``tied_to`` (an :class:`Affine` of
    ``D -> M``, so this layer maps ``M -> D``) and ``b`` a zero-initialized bias of its own."""

    param_names = ("W", "b")

    def __init__(self, tied_to: Affine) -> None:
        if not isinstance(tied_to, Affine):
            raise TypeError(
                f"TiedAffine expected the Affine whose weight it uses, got {type(tied_to).__name__}"
            )
        self.W = tied_to.W  # the same Parameter: one matrix, two uses
        self.dtype = tied_to.dtype
        self.in_features, self.out_features = tied_to.out_features, tied_to.in_features
        self.b = Parameter(zeros((self.out_features,), self.dtype))
        self._x: NDArray[np.floating] | None = None

    @property
    def _name(self) -> str:
        return f"TiedAffine({self.in_features} -> {self.out_features})"

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """``(N, M)`` -> ``(N, D)``."""
        floating_array(x, self._name)
        same_dtype(x, self.dtype, self._name)
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(
                f"{self._name} expected input (N, {self.in_features}), got {shape_text(x.shape)}"
            )
        self._x = x
        y = np.matmul(x, self.W.data.T)
        y += self.b.data
        return y

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        """Write this use's ``W.grad = doutᵀ x`` and ``b.grad``; return ``dx = dout W``."""
        self.backward_params(dout)
        return np.matmul(dout, self.W.data)

    def backward_params(self, dout: NDArray[np.floating]) -> None:
        """Write ``W.grad`` and ``b.grad`` without computing ``dx``."""
        x = self._cached(self._x)
        self._check_dout(dout, (x.shape[0], self.out_features), self.dtype)
        np.matmul(dout.T, x, out=self.W.grad)
        np.sum(dout, axis=0, out=self.b.grad)

    def __repr__(self) -> str:
        return f"TiedAffine({self.in_features} -> {self.out_features}, dtype={self.dtype})"
