"""Exercise: one time step of an LSTM (Hochreiter & Schmidhuber 1997). Fill in both passes.

zeronn's ``LSTM`` (zeronn/layers/lstm.py) runs this step over a sequence.

Shapes: ``x: (N, D)``, ``h_prev, c_prev, h, c: (N, H)``, ``Wx: (D, 4H)``, ``Wh: (H, 4H)``,
``b: (4H,)``. The four column blocks of ``Wx``, ``Wh`` and ``b`` are, in PyTorch's order, the
input gate, the forget gate, the cell candidate and the output gate:

    a = x Wx + h_prev Wh + b                    = [a_i | a_f | a_g | a_o], H columns each
    i, f, g, o = σ(a_i), σ(a_f), tanh(a_g), σ(a_o)
    c = f ⊙ c_prev + i ⊙ g
    h = o ⊙ tanh(c)

Backward, from ``dh`` and ``dc`` (the gradients of the loss with respect to h and c):

    dc_all = dc + dh ⊙ o ⊙ (1 − tanh²(c))      (c reaches the loss directly and through h)
    di = dc_all ⊙ g     df = dc_all ⊙ c_prev     dg = dc_all ⊙ i     do = dh ⊙ tanh(c)
    da = [di ⊙ i(1 − i) | df ⊙ f(1 − f) | dg ⊙ (1 − g²) | do ⊙ o(1 − o)]
    dx = da Wxᵀ      dh_prev = da Whᵀ      dc_prev = dc_all ⊙ f
    dWx = xᵀ da      dWh = h_prevᵀ da      db = Σₙ da

``forward(x, h_prev, c_prev)`` returns ``(h, c)`` and keeps on ``self`` what ``backward``
needs. ``backward(dh, dc)`` writes ``self.Wx.grad``, ``self.Wh.grad`` and ``self.b.grad``
(overwrite them: ``self.Wx.grad[...] = ...``) and returns ``(dx, dh_prev, dc_prev)``. Never
change an argument in place; numpy is all you need.

Check your work (exit code 0 when every array is right):

    zeronn check my_lstm_step.py

The checker uses float64 arrays with D ≠ H ≠ N, non-zero biases and states, and random ``dh``
and ``dc``; it compares your ``h`` and ``c`` with zeronn's own ``LSTM`` run for one step and
your backward with a numerical gradient. It tells you, per array, right or wrong, where and
by how much, with a hint; it never prints the right values.
"""

import numpy as np

from zeronn.parameter import Parameter

EXERCISE = "lstm-step"  # tells `zeronn check` which layer this file holds


class LSTMStep:
    """One LSTM step. Not a ``Layer``: its forward takes three arrays and returns two."""

    param_names = ("Wx", "Wh", "b")

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> None:
        self.Wx = Parameter(Wx)  # .data (D, 4H) and .grad, the same shape
        self.Wh = Parameter(Wh)  # .data (H, 4H) and .grad
        self.b = Parameter(b)  # .data (4H,) and .grad

    def forward(
        self, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """``x (N, D), h_prev (N, H), c_prev (N, H) -> (h, c)``, each ``(N, H)``."""
        raise NotImplementedError("LSTMStep.forward: not done yet")

    def backward(self, dh: np.ndarray, dc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``dh, dc (N, H) -> (dx, dh_prev, dc_prev)``; writes the three ``grad``."""
        raise NotImplementedError("LSTMStep.backward: not done yet")
