"""A correct solution of `zeronn exercise lstm-step`."""

import numpy as np

from zeronn.parameter import Parameter

EXERCISE = "lstm-step"


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


class LSTMStep:
    param_names = ("Wx", "Wh", "b")

    def __init__(self, Wx, Wh, b):
        self.Wx = Parameter(Wx)
        self.Wh = Parameter(Wh)
        self.b = Parameter(b)

    def forward(self, x, h_prev, c_prev):
        H = h_prev.shape[1]
        a = x @ self.Wx.data + h_prev @ self.Wh.data + self.b.data
        i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
        g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
        c = f * c_prev + i * g
        tanh_c = np.tanh(c)
        self.cache = (x, h_prev, c_prev, i, f, g, o, tanh_c)
        return o * tanh_c, c

    def backward(self, dh, dc):
        x, h_prev, c_prev, i, f, g, o, tanh_c = self.cache
        dc_all = dc + dh * o * (1 - tanh_c**2)
        da = np.concatenate(
            [
                dc_all * g * i * (1 - i),
                dc_all * c_prev * f * (1 - f),
                dc_all * i * (1 - g**2),
                dh * tanh_c * o * (1 - o),
            ],
            axis=1,
        )
        self.Wx.grad[...] = x.T @ da
        self.Wh.grad[...] = h_prev.T @ da
        self.b.grad[...] = da.sum(axis=0)
        return da @ self.Wx.data.T, da @ self.Wh.data.T, dc_all * f
