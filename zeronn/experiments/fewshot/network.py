"""The blog's network: 784-200-200-10, ReLU, zero biases, softmax cross-entropy on top."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn.model import Sequential
from zeronn.models import mlp

IMAGE_SHAPE = (28, 28)
LAYER_SIZES = (784, 200, 200, 10)
# mlp puts a ReLU between the Affine layers, so they sit at indices 0, 2 and 4.
AFFINE_NAMES = ("0", "2", "4")


def build_network(init: float | str, rng: np.random.Generator, dtype: np.dtype | str) -> Sequential:
    """The blog's 784-200-200-10 ReLU network with zero biases and a softmax cross-entropy."""
    return mlp(list(LAYER_SIZES), activation="relu", init=init, rng=rng, dtype=dtype)


def blog_weights_state(weights: tuple[NDArray[np.float64], ...]) -> dict[str, NDArray]:
    """A state dict for :func:`build_network` from the blog's W1, W2, W3 and zero biases."""
    state: dict[str, NDArray] = {}
    for name, W in zip(AFFINE_NAMES, weights, strict=True):
        state[f"{name}.W"] = W
        state[f"{name}.b"] = np.zeros(W.shape[1])
    return state
