"""Exercise: Conv2D via im2col, a convolution as one matrix product. Fill in both passes.

Shapes: ``x: (N, C, H, W)``, ``W: (F, C, kh, kw)``, ``b: (F,)``, ``y, dout: (N, F, OH, OW)``
with ``OH = (H + 2·pad − kh) // stride + 1`` (likewise ``OW``). Like zeronn's and PyTorch's
Conv2D it is a cross-correlation: the kernel is not flipped.

``im2col`` copies every window of the zero-padded image into a row; row ``n·OH·OW + oh·OW + ow``
holds the ``C·kh·kw`` values under the window of image ``n`` at output position ``(oh, ow)``:

    cols = im2col(x, (kh, kw), (stride, stride), (pad, pad))     (N·OH·OW, C·kh·kw)

With ``W₂ = W.reshape(F, C·kh·kw)`` the layer is a matrix product, and so is its backward:

    y₂   = cols W₂ᵀ + b             (N·OH·OW, F): reshape to (N, OH, OW, F), move F to axis 1
    dout₂ = dout with F moved last, reshaped to (N·OH·OW, F)
    dW₂  = dout₂ᵀ cols              (F, C·kh·kw), reshaped to W's shape
    db   = Σ dout over images and positions            (F,)
    dx   = col2im(dout₂ W₂, x.shape, (kh, kw), (stride, stride), (pad, pad))

``col2im`` is the adjoint of im2col: it adds each row back where its values were copied
from, so where windows overlap the gradients add up.

``forward(x)`` keeps on ``self`` what ``backward`` needs. ``backward(dout)`` writes
``self.W.grad`` and ``self.b.grad`` (overwrite them: ``self.W.grad[...] = ...``) and returns
``dx``. Never change ``x`` or ``dout`` in place. numpy, ``im2col`` and ``col2im`` are all you
need (read them in zeronn/layers/simple.py).

Check your work (exit code 0 when every array is right):

    zeronn check my_conv2d.py

The checker uses float64 images of several channels, non-square images and kernels, a
non-zero bias, stride 1 and stride 2 with padding, and a random ``dout``; it compares your
forward with zeronn's own ``Conv2D`` and your backward with a numerical gradient. It tells you,
per array, right or wrong, where and by how much, with a hint; it never prints the right values.
"""

import numpy as np

from zeronn.layers.base import Layer
from zeronn.layers.simple import col2im, im2col  # noqa: F401 (for your code)
from zeronn.parameter import Parameter

EXERCISE = "conv2d"  # tells `zeronn check` which layer this file holds


class Conv2D(Layer):
    """2-D convolution of NCHW images with the filters ``W``, moved by ``stride``, over ``pad``."""

    param_names = ("W", "b")

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> None:
        self.W = Parameter(W)  # .data (F, C, kh, kw) and .grad, the same shape
        self.b = Parameter(b)  # .data (F,) and .grad
        self.stride = stride
        self.pad = pad

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``x (N, C, H, W) -> y (N, F, OH, OW)``."""
        raise NotImplementedError("Conv2D.forward: not done yet")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """``dout (N, F, OH, OW) -> dx (N, C, H, W)``; writes ``W.grad`` and ``b.grad``."""
        raise NotImplementedError("Conv2D.backward: not done yet")
