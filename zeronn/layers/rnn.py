"""Elman recurrent network: the simplest recurrence, and the one that forgets.

Shapes: ``x_t: (N, D)``, ``h_t: (N, H)``, ``Wx: (D, H)``, ``Wh: (H, H)``, ``b: (H,)``:

    h_t = tanh(x_t Wx + h_{t−1} Wh + b)

Backward through time, from t = T down to 1, with ``dh`` arriving from step t + 1 (zero at
t = T) and ``dy_t`` from above:

    da = (dy_t + dh) ⊙ (1 − h_t²)          dh_{t−1} = da Whᵀ

and, summed over all steps at once after the loop (one matrix product each):

    dWx = Σ_t x_tᵀ da_t      dWh = Σ_t h_{t−1}ᵀ da_t      db = Σ_t Σ_n da_t      dx_t = da_t Wxᵀ

The product of T factors ``(1 − h²) Whᵀ`` is why the gradient of a long sequence's first steps
vanishes (or explodes): the LSTM and GRU were invented to fix that. The loop twin, one step at
a time: :func:`zeronn.reference.rnn_forward`, tested equal to the layer.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn.layers.recurrent import Recurrent, State


class RNN(Recurrent):
    """tanh RNN over ``(N, T, D)`` sequences; see :class:`Recurrent` for the flags and state."""

    param_names = ("Wx", "Wh", "b")

    def _create_parameters(self) -> None:
        self.Wx = self._weight(self.input_size, self.hidden_size)
        self.Wh = self._weight(self.hidden_size, self.hidden_size)
        self.b = self._bias(self.hidden_size)
        self._cache: tuple[NDArray, NDArray] | None = None

    def _forward_steps(self, x_tm: NDArray, state: State) -> tuple[NDArray, State]:
        T, N, D = x_tm.shape
        H = self.hidden_size
        # x Wx + b for every step in one product; the loop adds h_{t−1} Wh.
        a = np.matmul(x_tm.reshape(T * N, D), self.Wx.data).reshape(T, N, H)
        a += self.b.data
        h = np.empty((T + 1, N, H), dtype=self.dtype)
        (h[0],) = state
        for t in range(T):
            a[t] += h[t] @ self.Wh.data
            np.tanh(a[t], out=h[t + 1])
        self._cache = (x_tm, h)
        return h[1:], (h[T],)

    def _backward_steps(self, dh_tm: NDArray) -> NDArray:
        x_tm, h = self._cached(self._cache)
        T, N, D = x_tm.shape
        H = self.hidden_size
        dtanh = 1 - h[1:] * h[1:]  # all steps at once
        da = np.empty((T, N, H), dtype=self.dtype)
        dh = np.zeros((N, H), dtype=self.dtype)
        for t in reversed(range(T)):
            dh += dh_tm[t]
            np.multiply(dh, dtanh[t], out=da[t])
            np.matmul(da[t], self.Wh.data.T, out=dh)
        da_2d = da.reshape(T * N, H)
        np.matmul(h[:-1].reshape(T * N, H).T, da_2d, out=self.Wh.grad)
        np.matmul(x_tm.reshape(T * N, D).T, da_2d, out=self.Wx.grad)
        np.sum(da_2d, axis=0, out=self.b.grad)
        return np.matmul(da_2d, self.Wx.data.T).reshape(T, N, D)
