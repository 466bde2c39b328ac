"""Residual: a skip connection around a branch of layers (He et al. 2016).

For a branch ``f = f_L ∘ … ∘ f₁`` whose output has its input's shape:

    y  = x + f(x)
    dx = dy + fᵀ(dy)          (the identity path passes dy through unchanged)

Why a layer that holds its branch: Sequential is a chain, each layer seeing only its
predecessor's output, so "add the input of three layers ago" cannot be said between links.
Wrapping the branch keeps the chain a chain: ``Residual(LayerNorm(E), MultiHeadAttention(E, 4))``
is one link, its backward is the formula above, and nothing in Sequential changes. The
branch's parameters keep stable nested names: in a Sequential, the attention's ``Wq`` in a
Residual at index 2 is ``"2.1.Wq"``. ``train()`` / ``eval()`` reach the branch's layers.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import floating_array, shape_text
from zeronn.layers.base import Layer
from zeronn.parameter import Parameter


class Residual(Layer):
    """``y = x + f(x)`` for the branch ``f`` given as layers applied in order."""

    def __init__(self, *layers: Layer) -> None:
        if not layers:
            raise ValueError("Residual expected at least one layer in its branch, got none")
        for index, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"Residual expected Layer instances, got {type(layer).__name__} at index "
                    f"{index}"
                )
        self.layers = layers
        self._input_shape: tuple[int, ...] | None = None
        self._dtype = np.dtype(np.float64)

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        floating_array(x, "Residual")
        branch = x
        for layer in self.layers:
            branch = layer.forward(branch)
        if branch.shape != x.shape:
            raise ValueError(
                f"Residual expected its branch to keep the input's shape {shape_text(x.shape)}, "
                f"got {shape_text(branch.shape)}"
            )
        self._input_shape, self._dtype = x.shape, x.dtype
        return x + branch

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        self._check_dout(dout, self._cached(self._input_shape), self._dtype)
        dbranch = dout
        for layer in reversed(self.layers):
            dbranch = layer.backward(dbranch)
        return dout + dbranch

    def named_parameters(self) -> list[tuple[str, Parameter]]:
        """``("<index>.<name>", Parameter)`` for the branch's layers, e.g. ``"1.Wq"``."""
        return [
            (f"{index}.{name}", param)
            for index, layer in enumerate(self.layers)
            for name, param in layer.named_parameters()
        ]

    def named_buffers(self) -> list[tuple[str, NDArray]]:
        return [
            (f"{index}.{name}", buffer)
            for index, layer in enumerate(self.layers)
            for name, buffer in layer.named_buffers()
        ]

    def train(self, mode: bool = True) -> Residual:
        super().train(mode)
        for layer in self.layers:
            layer.train(mode)
        return self

    def __repr__(self) -> str:
        return f"Residual({', '.join(repr(layer) for layer in self.layers)})"
