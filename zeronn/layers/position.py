"""Position information for attention, which by itself cannot tell the order of its inputs.

Both layers add a ``(T, E)`` table to every sequence of ``x: (N, T, E)``:

    y[n, t] = x[n, t] + P[t]            dx = dy

- ``PositionEmbedding(max_length, E)``: ``P`` is learned (GPT's choice), one row per position
  up to ``max_length``; ``dP[t] = Σₙ dy[n, t]`` for the ``T`` rows used, 0 for the others.
- ``SinusoidalPositionEncoding(E)``: ``P`` is fixed (Vaswani et al. 2017), no parameters, any T:

      P[t, 2k] = sin(t / 10000^(2k/E))      P[t, 2k + 1] = cos(t / 10000^(2k/E))
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike, NDArray

from zeronn._checks import (
    as_float_dtype,
    as_generator,
    floating_array,
    positive_int,
    same_dtype,
    shape_text,
)
from zeronn.layers.base import Layer
from zeronn.parameter import Parameter


def _check_sequences(x: object, dim: int, owner: str, max_length: int | None = None) -> None:
    floating_array(x, owner)
    longest = "T >= 1" if max_length is None else f"1 <= T <= {max_length}"
    too_long = max_length is not None and x.ndim == 3 and x.shape[1] > max_length
    if x.ndim != 3 or x.shape[2] != dim or 0 in x.shape or too_long:
        raise ValueError(
            f"{owner} expected input (N, T, {dim}) with {longest}, got {shape_text(x.shape)}"
        )


class PositionEmbedding(Layer):
    """Add a learned vector per position; ``P ~ init · N(0, 1)`` (std 1 as ``nn.Embedding``)."""

    param_names = ("P",)

    def __init__(
        self,
        max_length: int,
        embedding_dim: int,
        *,
        init: float = 1.0,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        self.max_length = positive_int(max_length, "max_length", "PositionEmbedding")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim", "PositionEmbedding")
        if isinstance(init, bool) or not isinstance(init, int | float) or not init > 0:
            raise ValueError(f"PositionEmbedding expected init to be a positive std, got {init!r}")
        self.init = init
        self.dtype = as_float_dtype(dtype, "PositionEmbedding")
        generator = as_generator(rng, "PositionEmbedding")
        shape = (self.max_length, self.embedding_dim)
        self.P = Parameter((init * generator.standard_normal(shape)).astype(self.dtype))
        self._input_shape: tuple[int, ...] | None = None

    @property
    def _name(self) -> str:
        return f"PositionEmbedding({self.max_length}, {self.embedding_dim})"

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """``(N, T, E)`` → ``(N, T, E)`` with ``T <= max_length``."""
        _check_sequences(x, self.embedding_dim, self._name, self.max_length)
        same_dtype(x, self.dtype, self._name)
        self._input_shape = x.shape
        return x + self.P.data[: x.shape[1]]

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        """Write ``P.grad`` (zero beyond the last length seen); return ``dx = dout``."""
        input_shape = self._cached(self._input_shape)
        self._check_dout(dout, input_shape, self.dtype)
        self.P.grad[...] = 0
        np.sum(dout, axis=0, out=self.P.grad[: input_shape[1]])
        return dout

    def __repr__(self) -> str:
        return f"{self._name[:-1]}, init={self.init!r}, dtype={self.dtype})"


def sinusoidal_table(length: int, dim: int, dtype: DTypeLike = np.float64) -> NDArray:
    """The ``(length, dim)`` table of the module docstring (an odd ``dim`` drops the last cos)."""
    position = np.arange(length)[:, None]
    frequency = 10000.0 ** (-np.arange(0, dim, 2) / dim)
    table = np.empty((length, dim))
    table[:, 0::2] = np.sin(position * frequency)
    table[:, 1::2] = np.cos(position * frequency)[:, : dim // 2]
    return table.astype(dtype)


class SinusoidalPositionEncoding(Layer):
    """Add the fixed sinusoidal table of Vaswani et al. (2017); no parameters, any length."""

    def __init__(self, embedding_dim: int) -> None:
        self.embedding_dim = positive_int(
            embedding_dim, "embedding_dim", "SinusoidalPositionEncoding"
        )
        self._input_shape: tuple[int, ...] | None = None
        self._dtype = np.dtype(np.float64)

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """``(N, T, E)`` → ``(N, T, E)``, in ``x``'s dtype."""
        _check_sequences(x, self.embedding_dim, repr(self))
        self._input_shape, self._dtype = x.shape, x.dtype
        return x + sinusoidal_table(x.shape[1], self.embedding_dim, x.dtype)

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        self._check_dout(dout, self._cached(self._input_shape), self._dtype)
        return dout

    def __repr__(self) -> str:
        return f"SinusoidalPositionEncoding({self.embedding_dim})"
