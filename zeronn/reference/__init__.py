"""Slow, obviously correct loop versions of the fast paths, for tests and benchmarks.

Each function follows its definition one element, one window or one time step at a time,
with no layout tricks; each is the twin of a fast layer, which names it in its docstring and
is tested equal to it. They are for reading and checking, not for training:

- :mod:`.activations`: ReLU, one value at a time (NaN, −0 and subnormals as the layer has them);
- :mod:`.windows`: im2col/col2im, convolution and max-pooling (and their gradients), one
  window at a time: the twins of :mod:`zeronn.im2col`, ``Conv2D`` and ``MaxPool2D``;
- :mod:`.recurrent`: the RNN, LSTM and GRU, one time step at a time;
- :mod:`.attention`: multi-head self-attention, one sequence, head and query at a time.
"""

from zeronn.reference.activations import relu_forward
from zeronn.reference.attention import attention_forward
from zeronn.reference.recurrent import gru_forward, lstm_forward, rnn_forward
from zeronn.reference.windows import (
    col2im_loops,
    conv_backward,
    conv_forward,
    im2col_loops,
    max_pool_backward,
    max_pool_forward,
)

__all__ = [
    "attention_forward",
    "col2im_loops",
    "conv_backward",
    "conv_forward",
    "gru_forward",
    "im2col_loops",
    "lstm_forward",
    "max_pool_backward",
    "max_pool_forward",
    "relu_forward",
    "rnn_forward",
]
