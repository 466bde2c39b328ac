"""Loops over time: the RNN, LSTM and GRU one time step at a time, their equations as written.

The twins of :class:`zeronn.layers.RNN`, :class:`zeronn.layers.LSTM` and
:class:`zeronn.layers.GRU`, with the same weights in the same layout (PyTorch's gate order),
but none of their speed: no product hoisted out of the loop, no gate computed in place, σ as
its definition ``1 / (1 + e^(−a))``. Inputs ``x: (N, T, D)``, the state before the first step
``h, c: (N, H)``; each returns the outputs of every step ``(N, T, H)`` (a layer with
``return_sequences=False`` returns the last of them). Their gradients are checked
numerically on the layers themselves.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["gru_forward", "lstm_forward", "rnn_forward", "sigmoid"]


def sigmoid(a: NDArray) -> NDArray:
    """σ(a) = 1 / (1 + e^(−a)), as defined (e^(−a) overflowing to inf gives the limit, 0).

    >>> sigmoid(np.array([0.0, 1000.0, -1000.0])).tolist()
    [0.5, 1.0, 0.0]
    """
    with np.errstate(over="ignore", under="ignore"):
        return 1 / (1 + np.exp(-a))


def rnn_forward(x: NDArray, Wx: NDArray, Wh: NDArray, b: NDArray, h: NDArray) -> NDArray:
    """h_t = tanh(x_t Wx + h_{t−1} Wh + b), for t = 1 … T."""
    outputs = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        outputs.append(h)
    return np.stack(outputs, axis=1)


def lstm_forward(
    x: NDArray, Wx: NDArray, Wh: NDArray, b: NDArray, h: NDArray, c: NDArray
) -> NDArray:
    """The LSTM, block by block: ``Wx (D, 4H)``, ``Wh (H, 4H)`` and ``b (4H,)`` hold the input
    gate, the forget gate, the cell candidate and the output gate, in that order::

        i = σ(x_t Wx_i + h_{t−1} Wh_i + b_i)     f = σ(… _f)     g = tanh(… _g)     o = σ(… _o)
        c_t = f ⊙ c_{t−1} + i ⊙ g                h_t = o ⊙ tanh(c_t)
    """
    H = h.shape[1]
    block = {gate: slice(k * H, (k + 1) * H) for k, gate in enumerate("ifgo")}
    outputs = []
    for t in range(x.shape[1]):
        a = {
            gate: x[:, t] @ Wx[:, cols] + h @ Wh[:, cols] + b[cols] for gate, cols in block.items()
        }
        i, f, g, o = sigmoid(a["i"]), sigmoid(a["f"]), np.tanh(a["g"]), sigmoid(a["o"])
        c = f * c + i * g
        h = o * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, axis=1)


def gru_forward(
    x: NDArray, Wx: NDArray, Wh: NDArray, bx: NDArray, bh: NDArray, h: NDArray
) -> NDArray:
    """The GRU, PyTorch's equations: ``Wx (D, 3H)``, ``Wh (H, 3H)``, ``bx, bh (3H,)`` hold the
    reset gate, the update gate and the new state, in that order::

        r = σ(x_t Wx_r + bx_r + h_{t−1} Wh_r + bh_r)      z = σ(… _z)
        n = tanh(x_t Wx_n + bx_n + r ⊙ (h_{t−1} Wh_n + bh_n))
        h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
    """
    H = h.shape[1]
    r_, z_, n_ = slice(0, H), slice(H, 2 * H), slice(2 * H, 3 * H)
    outputs = []
    for t in range(x.shape[1]):
        xt = x[:, t]
        r = sigmoid(xt @ Wx[:, r_] + bx[r_] + h @ Wh[:, r_] + bh[r_])
        z = sigmoid(xt @ Wx[:, z_] + bx[z_] + h @ Wh[:, z_] + bh[z_])
        n = np.tanh(xt @ Wx[:, n_] + bx[n_] + r * (h @ Wh[:, n_] + bh[n_]))
        h = (1 - z) * n + z * h
        outputs.append(h)
    return np.stack(outputs, axis=1)
