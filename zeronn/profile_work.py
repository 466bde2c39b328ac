"""How much arithmetic a layer does: the numbers :func:`zeronn.profiler.profile` divides by time.

Layers built on matrix products are counted in floating-point operations, two per
multiply-add (the unit of a BLAS's peak, FLOP/s). With ``rows`` the samples times positions
a product runs over:

    Affine / Linear     forward  rows·D·M                    (x W, x: (rows, D), W: (D, M))
                        backward rows·D·M for dW, again for dx (skipped in the first layer)
    Conv2D              forward  N·OH·OW · F·C·kh·kw         (W₂ cols)
                        backward the same for dW, again for dx (skipped in the first layer)
    RNN / GRU / LSTM    forward  N·T·(D + H)·g·H             (g = 1, 3, 4 gates; x Wx and h Wh)
                        backward twice that                  (the weights' and the inputs' grads)
    MultiHeadAttention  forward  4·N·T·E² + 2·N·T²·E         (four projections, Q Kᵀ and P V)
                        backward twice that

every count above a number of multiply-adds, doubled into FLOPs. Every other layer (ReLU,
max-pool, BatchNorm, Dropout, Flatten, ...) is counted as the number of elements it reads,
once per pass: its time goes into moving memory, not into multiply-adds, so the profiler gives
no share of the BLAS peak for it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from zeronn.layers.affine import Affine
from zeronn.layers.attention import MultiHeadAttention
from zeronn.layers.base import Layer
from zeronn.layers.conv import Conv2D
from zeronn.layers.gru import GRU
from zeronn.layers.lstm import LSTM
from zeronn.layers.rnn import RNN
from zeronn.layers.simple import SimpleConv2D

PRODUCTS = "products"
ELEMENTS = "elements"
GATES = {RNN: 1, GRU: 3, LSTM: 4}


@dataclass(frozen=True)
class Work:
    """A layer's arithmetic for one forward and one backward pass.

    ``kind`` is ``"products"`` (``forward``/``backward`` in FLOPs, two per multiply-add) or
    ``"elements"`` (the number of elements each pass reads).
    """

    forward: int
    backward: int
    kind: str


def layer_work(
    layer: Layer, x_shape: tuple[int, ...], y_shape: tuple[int, ...], *, input_grad: bool = True
) -> Work:
    """The :class:`Work` of ``layer`` on an input of ``x_shape`` giving ``y_shape``.

    ``input_grad=False`` for the first layer of a network, whose backward pass computes the
    parameters' gradients only.

    >>> layer_work(Affine(3, 2), (5, 3), (5, 2))
    Work(forward=60, backward=120, kind='products')
    >>> layer_work(Affine(3, 2), (5, 3), (5, 2), input_grad=False)
    Work(forward=60, backward=60, kind='products')
    """
    products = _multiply_adds(layer, x_shape, y_shape)
    if products is None:
        return Work(math.prod(x_shape), math.prod(y_shape), ELEMENTS)
    forward, backward = products
    if not input_grad and isinstance(layer, Affine | Conv2D | SimpleConv2D):
        backward = forward  # dW only
    return Work(2 * forward, 2 * backward, PRODUCTS)


def _multiply_adds(layer: Layer, x_shape, y_shape) -> tuple[int, int] | None:
    """(forward, backward) multiply-adds of a product layer; None for any other layer."""
    if isinstance(layer, Affine):
        rows = math.prod(x_shape) // layer.in_features
        forward = rows * layer.in_features * layer.out_features
    elif isinstance(layer, Conv2D | SimpleConv2D):
        kh, kw = layer.kernel_size
        forward = math.prod(y_shape) * layer.in_channels * kh * kw
    elif isinstance(layer, RNN | GRU | LSTM):
        n, t = x_shape[0], x_shape[1]
        gates = next(count for kind, count in GATES.items() if isinstance(layer, kind))
        forward = n * t * (layer.input_size + layer.hidden_size) * gates * layer.hidden_size
    elif isinstance(layer, MultiHeadAttention):
        n, t, e = x_shape
        forward = 4 * n * t * e * e + 2 * n * t * t * e
    else:
        return None
    return forward, 2 * forward
