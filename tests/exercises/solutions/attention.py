"""A correct solution of `zeronn exercise attention`."""

import numpy as np

from zeronn.layers.base import Layer
from zeronn.parameter import Parameter

EXERCISE = "attention"


class MultiHeadAttention(Layer):
    param_names = ("Wq", "Wk", "Wv", "Wo", "bq", "bk", "bv", "bo")

    def __init__(self, Wq, Wk, Wv, Wo, bq, bk, bv, bo, num_heads=1, causal=False):
        for name, value in zip(self.param_names, (Wq, Wk, Wv, Wo, bq, bk, bv, bo), strict=True):
            setattr(self, name, Parameter(value))
        self.num_heads = num_heads
        self.causal = causal

    def split(self, z):
        N, T, E = z.shape
        return z.reshape(N, T, self.num_heads, E // self.num_heads).transpose(0, 2, 1, 3)

    def merge(self, z):
        N, h, T, d = z.shape
        return z.transpose(0, 2, 1, 3).reshape(N, T, h * d)

    def forward(self, x):
        _, T, E = x.shape
        d = E // self.num_heads
        q = self.split(x @ self.Wq.data + self.bq.data)
        k = self.split(x @ self.Wk.data + self.bk.data)
        v = self.split(x @ self.Wv.data + self.bv.data)
        s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d)
        if self.causal:
            s = s + np.triu(np.full((T, T), -np.inf), k=1)
        s = s - s.max(axis=-1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=-1, keepdims=True)
        a = self.merge(p @ v)
        self.cache = (x, q, k, v, p, a)
        return a @ self.Wo.data + self.bo.data

    def backward(self, dout):
        x, q, k, v, p, a = self.cache
        E = x.shape[2]
        d = E // self.num_heads
        self.Wo.grad[...] = a.reshape(-1, E).T @ dout.reshape(-1, E)
        self.bo.grad[...] = dout.sum(axis=(0, 1))
        da = self.split(dout @ self.Wo.data.T)
        dv = p.transpose(0, 1, 3, 2) @ da
        dp = da @ v.transpose(0, 1, 3, 2)
        ds = p * (dp - (dp * p).sum(axis=-1, keepdims=True)) / np.sqrt(d)
        dq = ds @ k
        dk = ds.transpose(0, 1, 3, 2) @ q
        dx = np.zeros_like(x)
        for dz, W, b in ((dq, self.Wq, self.bq), (dk, self.Wk, self.bk), (dv, self.Wv, self.bv)):
            dz = self.merge(dz).reshape(-1, E)
            W.grad[...] = x.reshape(-1, E).T @ dz
            b.grad[...] = dz.sum(axis=0)
            dx += (dz @ W.data.T).reshape(x.shape)
        return dx
