"""Exercise: batch normalization (Ioffe & Szegedy 2015) in training mode. Fill in both passes.

Shapes: ``x, y, dout: (N, D)``, ``γ, β: (D,)``. Each feature (column) is normalized over the
N samples of the batch; with ``μ`` and ``σ²`` the mean and the *biased* variance (divided by
N) of each column:

    x̂ = (x − μ) / sqrt(σ² + eps)          y = γ x̂ + β

Backward: μ and σ² are computed from x, so they carry gradient too (sums over the batch):

    dβ = Σₙ dout        dγ = Σₙ dout · x̂        dx = γ / sqrt(σ² + eps) · (dout − (dβ + x̂ dγ) / N)

This exercise is the training pass only. zeronn's own ``BatchNorm`` (zeronn/layers/batchnorm.py)
also keeps running statistics for evaluation and takes images ``(N, C, H, W)`` per channel.

``forward(x)`` keeps on ``self`` what ``backward`` needs. ``backward(dout)`` writes
``self.gamma.grad`` and ``self.beta.grad`` (overwrite them: ``self.gamma.grad[...] = ...``)
and returns ``dx``. Never change ``x`` or ``dout`` in place; numpy is all you need.

Check your work (exit code 0 when every array is right):

    zeronn check my_batchnorm.py

The checker uses float64 batches (of 2 samples, and of more), γ and β far from 1 and 0, and a
random ``dout``: with ``dout`` all ones ``dx`` would be 0 whatever the formula, and a wrong
``dx`` would pass. It compares your forward with zeronn's own ``BatchNorm`` and your backward
with a numerical gradient, and tells you, per array, right or wrong, where and by how much,
with a hint; it never prints the right values.
"""

import numpy as np

from zeronn.layers.base import Layer
from zeronn.parameter import Parameter

EXERCISE = "batchnorm"  # tells `zeronn check` which layer this file holds


class BatchNorm(Layer):
    """Normalize each feature over the batch, then scale by γ and shift by β."""

    param_names = ("gamma", "beta")

    def __init__(self, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> None:
        self.gamma = Parameter(gamma)  # .data (D,) and .grad
        self.beta = Parameter(beta)  # .data (D,) and .grad
        self.eps = eps

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``x (N, D) -> y (N, D)``, with the batch's statistics."""
        raise NotImplementedError("BatchNorm.forward: not done yet")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """``dout (N, D) -> dx (N, D)``; writes ``gamma.grad`` and ``beta.grad``."""
        raise NotImplementedError("BatchNorm.backward: not done yet")
