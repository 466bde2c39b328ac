"""Gated recurrent unit (Cho et al. 2014), with PyTorch's equations and gate layout.

Shapes: ``x_t: (N, D)``, ``h_t: (N, H)``, ``Wx: (D, 3H)``, ``Wh: (H, 3H)``, ``bx, bh: (3H,)``;
the three column blocks are, in PyTorch's order, the reset gate r, the update gate z and the
new state n. Write ``ax = x_t Wx + bx`` and ``ah = h_{t−1} Wh + bh``, each ``[·_r | ·_z | ·_n]``:

    r = σ(ax_r + ah_r)          z = σ(ax_z + ah_z)
    n = tanh(ax_n + r ⊙ ah_n)   (the reset gate scales h's contribution, bias bh_n included)
    h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}

Backward through time, from t = T down to 1, with ``dh`` from step t + 1 (zero at t = T):

    dh  = dy_t + dh
    dn_a = dh ⊙ (1 − z) ⊙ (1 − n²)                      (gradient of ax_n)
    dr_a = dn_a ⊙ ah_n ⊙ r(1 − r)                        (of ax_r and of ah_r)
    dz_a = dh ⊙ (h_{t−1} − n) ⊙ z(1 − z)                 (of ax_z and of ah_z)
    dax = [dr_a | dz_a | dn_a]      dah = [dr_a | dz_a | dn_a ⊙ r]
    dh_{t−1} = dh ⊙ z + dah Whᵀ

and, summed over all steps at once after the loop:

    dWx = Σ_t x_tᵀ dax_t   dbx = Σ dax   dWh = Σ_t h_{t−1}ᵀ dah_t   dbh = Σ dah   dx_t = dax_t Wxᵀ

The loop twin, one step at a time: :func:`zeronn.reference.gru_forward`, tested equal to the
layer.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn.layers.activations import sigmoid
from zeronn.layers.recurrent import Recurrent, State


class GRU(Recurrent):
    """GRU over ``(N, T, D)`` sequences; see :class:`Recurrent` for the flags and the state."""

    param_names = ("Wx", "Wh", "bx", "bh")

    def _create_parameters(self) -> None:
        H = self.hidden_size
        self.Wx = self._weight(self.input_size, 3 * H)
        self.Wh = self._weight(H, 3 * H)
        self.bx = self._bias(3 * H)
        self.bh = self._bias(3 * H)
        self._cache: tuple[NDArray, ...] | None = None

    def _forward_steps(self, x_tm: NDArray, state: State) -> tuple[NDArray, State]:
        T, N, D = x_tm.shape
        H = self.hidden_size
        ax = np.matmul(x_tm.reshape(T * N, D), self.Wx.data).reshape(T, N, 3 * H)
        ax += self.bx.data
        ah = np.empty((T, N, 3 * H), dtype=self.dtype)
        rz = np.empty((T, N, 2 * H), dtype=self.dtype)
        n = np.empty((T, N, H), dtype=self.dtype)
        h = np.empty((T + 1, N, H), dtype=self.dtype)
        (h[0],) = state
        for t in range(T):
            np.matmul(h[t], self.Wh.data, out=ah[t])
            ah[t] += self.bh.data
            rz[t] = sigmoid(ax[t, :, : 2 * H] + ah[t, :, : 2 * H])
            r, z = rz[t, :, :H], rz[t, :, H:]
            np.tanh(ax[t, :, 2 * H :] + r * ah[t, :, 2 * H :], out=n[t])
            # h_t = (1 − z) n + z h_{t−1} = n + z (h_{t−1} − n)
            np.subtract(h[t], n[t], out=h[t + 1])
            h[t + 1] *= z
            h[t + 1] += n[t]
        self._cache = (x_tm, ah, rz, n, h)
        return h[1:], (h[T],)

    def _backward_steps(self, dh_tm: NDArray) -> NDArray:
        x_tm, ah, rz, n, h = self._cached(self._cache)
        T, N, D = x_tm.shape
        H = self.hidden_size
        r, z = rz[..., :H], rz[..., H:]
        # Local derivatives that do not depend on the recursion, for all steps at once.
        dn_da = (1 - z) * (1 - n * n)
        dr_da = ah[..., 2 * H :] * r * (1 - r)
        dz_da = (h[:-1] - n) * z * (1 - z)
        dax = np.empty((T, N, 3 * H), dtype=self.dtype)
        dah = np.empty((T, N, 3 * H), dtype=self.dtype)
        dh = np.zeros((N, H), dtype=self.dtype)
        for t in reversed(range(T)):
            dh += dh_tm[t]
            dn_a = np.multiply(dh, dn_da[t], out=dax[t, :, 2 * H :])
            np.multiply(dn_a, dr_da[t], out=dax[t, :, :H])
            np.multiply(dh, dz_da[t], out=dax[t, :, H : 2 * H])
            dah[t, :, : 2 * H] = dax[t, :, : 2 * H]
            np.multiply(dn_a, r[t], out=dah[t, :, 2 * H :])
            dh *= z[t]
            dh += dah[t] @ self.Wh.data.T
        dax_2d, dah_2d = dax.reshape(T * N, 3 * H), dah.reshape(T * N, 3 * H)
        np.matmul(h[:-1].reshape(T * N, H).T, dah_2d, out=self.Wh.grad)
        np.sum(dah_2d, axis=0, out=self.bh.grad)
        np.matmul(x_tm.reshape(T * N, D).T, dax_2d, out=self.Wx.grad)
        np.sum(dax_2d, axis=0, out=self.bx.grad)
        return np.matmul(dax_2d, self.Wx.data.T).reshape(T, N, D)
