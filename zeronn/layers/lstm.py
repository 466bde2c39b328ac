"""Long short-term memory (Hochreiter & Schmidhuber 1997), with PyTorch's gate layout.

Shapes: ``x_t: (N, D)``, ``h_t, c_t: (N, H)``, ``Wx: (D, 4H)``, ``Wh: (H, 4H)``, ``b: (4H,)``;
the four column blocks of ``Wx``, ``Wh`` and ``b`` are, in PyTorch's order, the input gate,
the forget gate, the cell candidate and the output gate:

    a = x_t Wx + h_{t−1} Wh + b                 = [a_i | a_f | a_g | a_o]
    i, f, g, o = σ(a_i), σ(a_f), tanh(a_g), σ(a_o)    σ(a) = 1/(1 + e^(−a)) = (1 + tanh(a/2))/2
    c_t = f ⊙ c_{t−1} + i ⊙ g
    h_t = o ⊙ tanh(c_t)

Backward through time, from t = T down to 1, with ``dh`` and ``dc`` arriving from step t + 1
(zero at t = T) and ``dy_t`` from above:

    dh  = dy_t + dh                             dc = dc + dh ⊙ o ⊙ (1 − tanh²(c_t))
    di = dc ⊙ g      df = dc ⊙ c_{t−1}      dg = dc ⊙ i      do = dh ⊙ tanh(c_t)
    da = [di ⊙ i(1 − i) | df ⊙ f(1 − f) | dg ⊙ (1 − g²) | do ⊙ o(1 − o)]
    dh_{t−1} = da Whᵀ                           dc_{t−1} = dc ⊙ f

and, summed over all steps at once after the loop (one matrix product each):

    dWx = Σ_t x_tᵀ da_t      dWh = Σ_t h_{t−1}ᵀ da_t      db = Σ_t Σ_n da_t      dx_t = da_t Wxᵀ

Speed: ``x Wx + b`` is one product for all steps; the four gates come from one ``(N, 4H)``
product per step and one ``tanh`` in place. That is why the code computes σ through the
identity on the right above, σ(a) = (1 + tanh(a/2)) / 2: with ``s`` = ½ on the sigmoid columns
and 1 on the candidate columns, all four gates are ``s ⊙ tanh(s ⊙ a) + (1 − s)``. The identity
is exact in real numbers; in floating point it rounds a little differently from
1 / (1 + e^(−a)) (and never overflows). The loop twin, one step at a time with σ as defined:
:func:`zeronn.reference.lstm_forward`, tested equal to the layer to rounding.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn.layers.recurrent import Recurrent, State


class LSTM(Recurrent):
    """LSTM over ``(N, T, D)`` sequences; see :class:`Recurrent` for the flags and the state.

    The state is ``(h, c)``; ``layer.state`` holds the carried one when ``stateful=True``.
    """

    param_names = ("Wx", "Wh", "b")
    state_size = 2

    def _create_parameters(self) -> None:
        H = self.hidden_size
        self.Wx = self._weight(self.input_size, 4 * H)
        self.Wh = self._weight(H, 4 * H)
        self.b = self._bias(4 * H)
        self._scale = np.full(4 * H, 0.5, dtype=self.dtype)
        self._scale[2 * H : 3 * H] = 1.0
        self._shift = 1 - self._scale
        self._cache: tuple[NDArray, ...] | None = None

    def _forward_steps(self, x_tm: NDArray, state: State) -> tuple[NDArray, State]:
        T, N, D = x_tm.shape
        H, s, shift = self.hidden_size, self._scale, self._shift
        # a for every step: x Wx + b now, h_{t−1} Wh added in the loop; then turned into gates.
        gates = np.matmul(x_tm.reshape(T * N, D), self.Wx.data).reshape(T, N, 4 * H)
        gates += self.b.data
        h = np.empty((T + 1, N, H), dtype=self.dtype)
        c = np.empty((T + 1, N, H), dtype=self.dtype)
        tanh_c = np.empty((T, N, H), dtype=self.dtype)
        h[0], c[0] = state
        recurrent = np.empty((N, 4 * H), dtype=self.dtype)  # scratch, reused every step
        i_g = np.empty((N, H), dtype=self.dtype)
        for t in range(T):
            a = gates[t]
            a += np.matmul(h[t], self.Wh.data, out=recurrent)
            a *= s  # i, f, g, o = s ⊙ tanh(s ⊙ a) + (1 − s)
            np.tanh(a, out=a)
            a *= s
            a += shift
            i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
            np.multiply(f, c[t], out=c[t + 1])
            c[t + 1] += np.multiply(i, g, out=i_g)
            np.tanh(c[t + 1], out=tanh_c[t])
            np.multiply(o, tanh_c[t], out=h[t + 1])
        self._cache = (x_tm, gates, h, c, tanh_c)
        return h[1:], (h[T], c[T])

    def _backward_steps(self, dh_tm: NDArray) -> NDArray:
        x_tm, gates, h, c, tanh_c = self._cached(self._cache)
        T, N, D = x_tm.shape
        H = self.hidden_size
        i, f, g, o = (gates[..., k * H : (k + 1) * H] for k in range(4))
        # The gates' local derivatives and ∂h_t/∂c_t do not depend on the recursion:
        # computed for all steps at once, outside the loop.
        dgates_da = gates * (1 - gates)
        dgates_da[..., 2 * H : 3 * H] = 1 - g * g
        o_dtanh = o * (1 - tanh_c * tanh_c)
        da = np.empty_like(gates)
        dh = np.zeros((N, H), dtype=self.dtype)
        dc = np.zeros((N, H), dtype=self.dtype)
        dh_o_dtanh = np.empty((N, H), dtype=self.dtype)
        for t in reversed(range(T)):
            dh += dh_tm[t]
            dc += np.multiply(dh, o_dtanh[t], out=dh_o_dtanh)
            np.multiply(dc, g[t], out=da[t, :, :H])
            np.multiply(dc, c[t], out=da[t, :, H : 2 * H])
            np.multiply(dc, i[t], out=da[t, :, 2 * H : 3 * H])
            np.multiply(dh, tanh_c[t], out=da[t, :, 3 * H :])
            da[t] *= dgates_da[t]
            dc *= f[t]
            np.matmul(da[t], self.Wh.data.T, out=dh)
        da_2d = da.reshape(T * N, 4 * H)
        np.matmul(h[:-1].reshape(T * N, H).T, da_2d, out=self.Wh.grad)
        np.matmul(x_tm.reshape(T * N, D).T, da_2d, out=self.Wx.grad)
        np.sum(da_2d, axis=0, out=self.b.grad)
        return np.matmul(da_2d, self.Wx.data.T).reshape(T, N, D)
