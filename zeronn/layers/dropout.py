"""Inverted dropout (Srivastava et al. 2014, scaled at training time).

In training mode each value is kept with probability ``1 − ratio``:

    mask ~ Bernoulli(1 − ratio)     y = x · mask / (1 − ratio)     dx = dy · mask / (1 − ratio)

so ``E[y] = x`` and evaluation mode is the identity, with no rescaling at test time.

The mask is drawn in one call (a generator's stream is sequential); turning it into the scaled
mask and multiplying are split over the batch on zeronn's threads
(``zeronn.threads.split_batch``), with the same numbers on any thread count.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import as_generator, floating_array, fraction
from zeronn.layers.base import Layer
from zeronn.threads import split_batch


class Dropout(Layer):
    """Zero each value with probability ``ratio`` in training, scaling the rest by 1/(1 − ratio).

    The mask is drawn from ``self.rng`` (a ``numpy.random.Generator``; an int seed is accepted),
    which is public so that a run or a test can reseed it.
    """

    def __init__(self, ratio: float, rng: np.random.Generator | int | None = None) -> None:
        self.ratio = fraction(ratio, "ratio", "Dropout")
        self.rng = as_generator(rng, "Dropout")
        # The kept-and-scaled mask of the last training forward; None after an eval forward.
        self._scaled_mask: NDArray[np.floating] | None = None
        self._output_shape: tuple[int, ...] | None = None
        self._dtype = np.dtype(np.float64)

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        floating_array(x, "Dropout")
        self._output_shape = x.shape
        self._dtype = x.dtype
        if not self.training:
            self._scaled_mask = None
            return x
        scaled_mask = self.rng.random(x.shape, dtype=x.dtype)  # overwritten by the mask below
        y = np.empty_like(x)

        def drop(part: slice) -> None:  # mask = [u >= ratio] / (1 − ratio), y = x · mask
            np.greater_equal(scaled_mask[part], self.ratio, out=scaled_mask[part])
            scaled_mask[part] *= 1.0 / (1.0 - self.ratio)
            np.multiply(x[part], scaled_mask[part], out=y[part])

        split_batch(drop, x)
        self._scaled_mask = scaled_mask
        return y

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        output_shape = self._cached(self._output_shape)
        self._check_dout(dout, output_shape, self._dtype)
        if self._scaled_mask is None:
            return dout
        mask, dx = self._scaled_mask, np.empty_like(dout)
        split_batch(lambda part: np.multiply(dout[part], mask[part], out=dx[part]), dout)
        return dx

    def __repr__(self) -> str:
        return f"Dropout(ratio={self.ratio})"
