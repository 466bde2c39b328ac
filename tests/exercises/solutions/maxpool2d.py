"""A correct solution of `zeronn exercise maxpool2d`."""

import numpy as np

from zeronn.layers.base import Layer
from zeronn.layers.simple import col2im, im2col

EXERCISE = "maxpool2d"


class MaxPool2D(Layer):
    def __init__(self, pool_size, stride=None):
        self.pool_size = pool_size
        self.stride = pool_size if stride is None else stride

    def forward(self, x):
        N, C, H, W = x.shape
        k, s = self.pool_size, self.stride
        oh, ow = (H - k) // s + 1, (W - k) // s + 1
        cols = im2col(x, (k, k), (s, s), (0, 0)).reshape(N * oh * ow * C, k * k)
        self.x_shape, self.argmax = x.shape, cols.argmax(axis=1)
        y = cols.max(axis=1)
        return y.reshape(N, oh, ow, C).transpose(0, 3, 1, 2)

    def backward(self, dout):
        C = self.x_shape[1]
        k, s = self.pool_size, self.stride
        dcols = np.zeros((self.argmax.size, k * k))
        dcols[np.arange(self.argmax.size), self.argmax] = dout.transpose(0, 2, 3, 1).ravel()
        return col2im(dcols.reshape(-1, C * k * k), self.x_shape, (k, k), (s, s), (0, 0))
