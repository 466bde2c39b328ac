"""Parameter: a trainable array and its gradient, the only state an optimizer touches."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


class Parameter:
    """A trainable array ``data`` with a gradient ``grad`` of the same shape and dtype.

    Layers overwrite ``grad`` in ``backward``; optimizers read ``grad`` and update ``data``
    in place, so a layer and its optimizer always see the same array.
    """

    __slots__ = ("data", "grad")

    def __init__(self, data: NDArray[np.floating]) -> None:
        data = np.asarray(data)
        if not np.issubdtype(data.dtype, np.floating):
            raise TypeError(f"Parameter expected a floating array, got dtype {data.dtype}")
        self.data = data
        self.grad = np.zeros_like(data)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def size(self) -> int:
        return self.data.size

    def zero_grad(self) -> None:
        self.grad[...] = 0

    def __repr__(self) -> str:
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"
