"""A correct solution of `zeronn exercise conv2d`."""

from zeronn.layers.base import Layer
from zeronn.layers.simple import col2im, im2col
from zeronn.parameter import Parameter

EXERCISE = "conv2d"


class Conv2D(Layer):
    param_names = ("W", "b")

    def __init__(self, W, b, stride=1, pad=0):
        self.W = Parameter(W)
        self.b = Parameter(b)
        self.stride = stride
        self.pad = pad

    def forward(self, x):
        F, _, kh, kw = self.W.data.shape
        N, _, H, W = x.shape
        s, p = self.stride, self.pad
        oh, ow = (H + 2 * p - kh) // s + 1, (W + 2 * p - kw) // s + 1
        self.x_shape = x.shape
        self.cols = im2col(x, (kh, kw), (s, s), (p, p))
        y = self.cols @ self.W.data.reshape(F, -1).T + self.b.data
        return y.reshape(N, oh, ow, F).transpose(0, 3, 1, 2)

    def backward(self, dout):
        F, _, kh, kw = self.W.data.shape
        s, p = self.stride, self.pad
        dout2 = dout.transpose(0, 2, 3, 1).reshape(-1, F)
        self.W.grad[...] = (dout2.T @ self.cols).reshape(self.W.data.shape)
        self.b.grad[...] = dout2.sum(axis=0)
        dcols = dout2 @ self.W.data.reshape(F, -1)
        return col2im(dcols, self.x_shape, (kh, kw), (s, s), (p, p))
