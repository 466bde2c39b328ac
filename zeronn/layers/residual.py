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

Each branch layer is its own object (a layer used twice is refused, see
:mod:`zeronn.layers.base`), and a forward whose branch fails or changes the shape puts back
what the branch's layers moved (running statistics, carried state, generators); ``backward``
then refuses until the next good forward, the branch's caches holding the refused input's.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import floating_array, shape_text
from zeronn.layers.base import Layer
from zeronn.layers.chain import backward_chain, shared_parameters, unique_parameters
from zeronn.parameter import Parameter
from zeronn.state import Snapshot, state_slots
from zeronn.tree import check_tree


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
        check_tree(self, "Residual")
        self._shared = shared_parameters(layers)  # tied weights: their gradients add up
        self._input_shape: tuple[int, ...] | None = None
        self._dtype = np.dtype(np.float64)
        # What the branch's forward may move, put back when the forward is refused.
        self._volatile = state_slots(self, parameters=False)

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        floating_array(x, "Residual")
        before = Snapshot.of(self._volatile)
        try:
            branch = x
            for layer in self.layers:
                branch = layer.forward(branch)
            if branch.shape != x.shape:
                raise ValueError(
                    f"Residual expected its branch to keep the input's shape "
                    f"{shape_text(x.shape)}, got {shape_text(branch.shape)}"
                )
        except BaseException:
            before.restore()
            self._input_shape = None  # the branch's caches are the refused input's now
            raise
        self._input_shape, self._dtype = x.shape, x.dtype
        return x + branch

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        self._check_dout(dout, self._cached(self._input_shape), self._dtype)
        return dout + backward_chain(self.layers, dout, self._shared)

    def named_parameters(self) -> list[tuple[str, Parameter]]:
        """``("<index>.<name>", Parameter)`` for the branch's layers, e.g. ``"1.Wq"``; a shared
        Parameter once, under its first name."""
        return unique_parameters(
            [
                (f"{index}.{name}", param)
                for index, layer in enumerate(self.layers)
                for name, param in layer.named_parameters()
            ]
        )

    def named_buffers(self) -> list[tuple[str, NDArray]]:
        return [
            (f"{index}.{name}", buffer)
            for index, layer in enumerate(self.layers)
            for name, buffer in layer.named_buffers()
        ]

    def named_children(self) -> list[tuple[str, Layer]]:
        """``("<index>", layer)`` for the branch's layers, as in the parameters' names."""
        return [(str(index), layer) for index, layer in enumerate(self.layers)]

    def train(self, mode: bool = True) -> Residual:
        super().train(mode)
        for layer in self.layers:
            layer.train(mode)
        return self

    def __repr__(self) -> str:
        return f"Residual({', '.join(repr(layer) for layer in self.layers)})"
