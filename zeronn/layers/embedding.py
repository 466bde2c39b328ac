"""Embedding: a lookup table of learned vectors, one row per token id.

Shapes: ``ids: (N, T)`` integers in ``[0, num_embeddings)`` (any shape works), ``W:
(num_embeddings, dim)``, ``y: (N, T, dim)``:

    y[n, t] = W[ids[n, t]]
    dW[v]   = Σ over every position (n, t) with ids[n, t] = v of dy[n, t]

A lookup is a product with one-hot rows, ``y = onehot(ids) W``, so ``dW = onehot(ids)ᵀ dy``:
an id that appears twice receives the sum of both gradients, which ``np.add.at`` computes
without building the one-hot matrix. Ids are not differentiable: ``backward`` returns None.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike, NDArray

from zeronn._checks import as_float_dtype, as_generator, positive_int
from zeronn.layers.base import Layer
from zeronn.parameter import Parameter


class Embedding(Layer):
    """Map integer ids to rows of ``W``; ``W ~ N(0, 1)`` as in PyTorch, or ``init`` × N(0, 1).

    ``init`` is the std of the normal (PyTorch's ``nn.Embedding`` uses 1).
    """

    param_names = ("W",)
    takes_ids = True  # a Sequential starting with it passes integer input through

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        *,
        init: float = 1.0,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        self.num_embeddings = positive_int(num_embeddings, "num_embeddings", "Embedding")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim", "Embedding")
        if isinstance(init, bool) or not isinstance(init, int | float) or not init > 0:
            raise ValueError(f"Embedding expected init to be a positive std, got {init!r}")
        self.init = init
        self.dtype = as_float_dtype(dtype, "Embedding")
        generator = as_generator(rng, "Embedding")
        shape = (self.num_embeddings, self.embedding_dim)
        self.W = Parameter((init * generator.standard_normal(shape)).astype(self.dtype))
        self._ids: NDArray[np.integer] | None = None

    @property
    def _name(self) -> str:
        return f"Embedding({self.num_embeddings}, {self.embedding_dim})"

    def forward(self, ids: NDArray[np.integer]) -> NDArray[np.floating]:
        """Integer ids of any shape, e.g. ``(N, T)`` → ``(*ids.shape, dim)``."""
        if not isinstance(ids, np.ndarray):
            raise TypeError(f"{self._name} expected ids as a numpy array, got {type(ids).__name__}")
        if not np.issubdtype(ids.dtype, np.integer):
            raise TypeError(f"{self._name} expected integer ids, got dtype {ids.dtype}")
        outside = (ids < 0) | (ids >= self.num_embeddings)
        if outside.any():
            raise ValueError(
                f"{self._name} expected ids in [0, {self.num_embeddings}), got "
                f"{int(outside.sum())} outside it (e.g. {ids[outside][0]})"
            )
        self._ids = ids.copy()  # the caller may reuse its array before backward
        return self.W.data[ids]

    def backward(self, dout: NDArray[np.floating]) -> None:
        """Write ``W.grad`` (repeated ids accumulate); ids have no gradient, so return None."""
        self.backward_params(dout)

    def backward_params(self, dout: NDArray[np.floating]) -> None:
        ids = self._cached(self._ids)
        self._check_dout(dout, (*ids.shape, self.embedding_dim), self.dtype)
        self.W.grad[...] = 0
        np.add.at(self.W.grad, ids.reshape(-1), dout.reshape(-1, self.embedding_dim))

    def __repr__(self) -> str:
        return f"{self._name[:-1]}, init={self.init!r}, dtype={self.dtype})"
