"""Recurrent: the bookkeeping RNN, LSTM and GRU share, so their files hold only the math.

Sequences are batch-first, ``x: (N, T, D)``; the output is ``(N, T, H)``, or ``(N, H)`` (the
last step only) with ``return_sequences=False`` (Keras' name), for a classifier reading the
final state. Inside, the layers work time-major, ``(T, N, ·)``, so that the slice for step t
is one contiguous block and every step is a matrix product over the batch.

The state (``h``, and ``c`` for the LSTM) starts at zeros. With ``stateful=True`` the last state
of one ``forward`` is the first state of the next (truncated backpropagation through time: the
gradient stops at the boundary, the state does not), until ``reset_state()``. A stateful layer
keeps its batch size until reset: row n of the next batch continues row n of this one.
``layer.state`` may also be set by hand (a tuple of ``(N, H)`` arrays in the layer's dtype),
e.g. to continue generating text from a prompt's last state.

Initialization as PyTorch's: every weight and bias ~ U(−1/√H, 1/√H). With ``init`` given
(a std, ``"he"``, ``"xavier"`` or ``"xavier_uniform"``, see :mod:`zeronn.init`) the weights are
drawn by it and the biases are zeros.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import DTypeLike, NDArray

from zeronn._checks import (
    as_float_dtype,
    as_generator,
    floating_array,
    positive_int,
    same_dtype,
    shape_text,
)
from zeronn.init import InitSpec, initialize
from zeronn.layers.base import Layer
from zeronn.parameter import Parameter

State = tuple[NDArray[np.floating], ...]


class Recurrent(Layer):
    """Base class of RNN, LSTM and GRU: arguments, parameters, state, input and output shapes.

    A subclass sets ``state_size`` (1 for ``h``, 2 for ``h, c``), creates its parameters in
    ``_create_parameters`` with :meth:`_weight` and :meth:`_bias`, and implements the two time
    loops:

    - ``_forward_steps(x_tm, state) -> (h_tm, last_state)``: ``x_tm (T, N, D)`` → ``(T, N, H)``;
    - ``_backward_steps(dh_tm) -> dx_tm``: ``dℓ/dh (T, N, H)`` → ``dℓ/dx (T, N, D)``, writing
      every ``param.grad``.
    """

    state_size = 1
    state_names = ("state",)  # carried from one forward to the next; not saved in model files

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        return_sequences: bool = True,
        stateful: bool = False,
        init: InitSpec | None = None,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        owner = type(self).__name__
        self.input_size = positive_int(input_size, "input_size", owner)
        self.hidden_size = positive_int(hidden_size, "hidden_size", owner)
        for name, flag in (("return_sequences", return_sequences), ("stateful", stateful)):
            if not isinstance(flag, bool):
                raise TypeError(f"{owner} expected {name} to be True or False, got {flag!r}")
        self.return_sequences = return_sequences
        self.stateful = stateful
        self.init = init
        self.dtype = as_float_dtype(dtype, owner)
        self._rng = as_generator(rng, owner)
        # The state carried into the next forward (stateful only); None means zeros.
        self.state: State | None = None
        self._input_shape: tuple[int, ...] | None = None
        self._create_parameters()

    # -- parameters ----------------------------------------------------------------------

    def _create_parameters(self) -> None:
        raise NotImplementedError

    def _weight(self, rows: int, columns: int) -> Parameter:
        """A ``(rows, columns)`` weight: PyTorch's U(−1/√H, 1/√H), or drawn by ``init``."""
        if self.init is None:
            return self._uniform((rows, columns))
        return Parameter(
            initialize(
                self.init,
                (rows, columns),
                self._rng,
                fan_in=rows,
                fan_out=columns,
                dtype=self.dtype,
            )
        )

    def _bias(self, size: int) -> Parameter:
        """A ``(size,)`` bias: PyTorch's U(−1/√H, 1/√H), or zeros when ``init`` is given."""
        if self.init is None:
            return self._uniform((size,))
        return Parameter(np.zeros(size, dtype=self.dtype))

    def _uniform(self, shape: tuple[int, ...]) -> Parameter:
        bound = 1.0 / math.sqrt(self.hidden_size)
        return Parameter(self._rng.uniform(-bound, bound, size=shape).astype(self.dtype))

    # -- state -----------------------------------------------------------------------------

    def reset_state(self) -> None:
        """Forget the carried state: the next ``forward`` starts from zeros."""
        self.state = None

    def _initial_state(self, batch: int) -> State:
        zeros = tuple(
            np.zeros((batch, self.hidden_size), dtype=self.dtype) for _ in range(self.state_size)
        )
        if not self.stateful and self.state is not None:
            raise ValueError(
                f"{self._name} is not stateful, so it would ignore the state it was given; "
                "build it with stateful=True to start from layer.state"
            )
        if self.state is None:
            return zeros
        if len(self.state) != self.state_size or any(
            s.shape != (self.state[0].shape[0], self.hidden_size) for s in self.state
        ):
            raise ValueError(
                f"{self._name} expected its state as {self.state_size} array(s) of shape "
                f"(N, {self.hidden_size}), got shapes {[shape_text(s.shape) for s in self.state]}"
            )
        if self.state[0].shape[0] != batch:
            raise ValueError(
                f"{self._name} is stateful and carries the state of a batch of "
                f"{self.state[0].shape[0]} sequences, got a batch of {batch}; call reset_state() "
                "before changing the batch size"
            )
        return self.state

    # -- forward / backward ----------------------------------------------------------------

    @property
    def _name(self) -> str:
        return f"{type(self).__name__}({self.input_size} -> {self.hidden_size})"

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """``(N, T, D)`` → ``(N, T, H)``, or ``(N, H)`` with ``return_sequences=False``."""
        floating_array(x, self._name)
        same_dtype(x, self.dtype, self._name)
        if x.ndim != 3 or x.shape[2] != self.input_size or 0 in x.shape:
            raise ValueError(
                f"{self._name} expected input (N, T, {self.input_size}) with N, T >= 1, "
                f"got {shape_text(x.shape)}"
            )
        state = self._initial_state(x.shape[0])
        # One copy into time-major order; the steps then read contiguous (N, D) blocks.
        x_tm = np.ascontiguousarray(x.transpose(1, 0, 2))
        h_tm, last_state = self._forward_steps(x_tm, state)
        if self.stateful:
            self.state = tuple(s.copy() for s in last_state)
        self._input_shape = x.shape
        if not self.return_sequences:
            return h_tm[-1].copy()
        return np.ascontiguousarray(h_tm.transpose(1, 0, 2))

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        """Backpropagate through every time step; write each ``grad``; return ``dx (N, T, D)``."""
        n, t, _ = self._cached(self._input_shape)
        h = self.hidden_size
        if self.return_sequences:
            self._check_dout(dout, (n, t, h), self.dtype)
            dh_tm = dout.transpose(1, 0, 2)
        else:
            self._check_dout(dout, (n, h), self.dtype)
            # Only the last step's output was used: every earlier step gets its
            # gradient through the recurrence alone.
            dh_tm = np.zeros((t, n, h), dtype=self.dtype)
            dh_tm[-1] = dout
        dx_tm = self._backward_steps(dh_tm)
        return np.ascontiguousarray(dx_tm.transpose(1, 0, 2))

    def _forward_steps(self, x_tm: NDArray, state: State) -> tuple[NDArray, State]:
        raise NotImplementedError

    def _backward_steps(self, dh_tm: NDArray) -> NDArray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return (
            f"{self._name[:-1]}, return_sequences={self.return_sequences}, "
            f"stateful={self.stateful}, init={self.init!r}, dtype={self.dtype})"
        )
