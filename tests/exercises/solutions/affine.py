"""A correct solution of `zeronn exercise affine` (tests plant bugs in copies of it)."""

import numpy as np

from zeronn.layers.base import Layer
from zeronn.parameter import Parameter

EXERCISE = "affine"


class Affine(Layer):
    param_names = ("W", "b")

    def __init__(self, W, b):
        self.W = Parameter(W)
        self.b = Parameter(b)

    def forward(self, x):
        self.x = x
        return x @ self.W.data + self.b.data

    def backward(self, dout):
        self.W.grad[...] = self.x.T @ dout
        self.b.grad[...] = np.sum(dout, axis=0)
        return dout @ self.W.data.T
