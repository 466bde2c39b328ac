"""Exercise: MaxPool2D via im2col, the maximum of each window. Fill in both passes.

Shapes: ``x: (N, C, H, W)``, ``y, dout: (N, C, OH, OW)`` with
``OH = (H − ph) // stride + 1`` (likewise ``OW``) for a ``ph × pw`` window (``pool_size``, an
int for a square window) moved by ``stride`` (by default the window's size: windows tile the
image). No padding, no parameters.

    y[n, c, oh, ow] = max over the window of x[n, c] at output position (oh, ow)
    dx: each window's dout goes to the position of its maximum (the FIRST maximum in
        row-major order when several are equal), zero elsewhere; where windows overlap
        (stride < pool_size) the contributions add up

With ``im2col`` (read it in zeronn/layers/simple.py) each window becomes a row; pooling each
channel on its own means one row per (image, position, channel):

    cols = im2col(x, (ph, pw), (stride, stride), (0, 0))     (N·OH·OW, C·ph·pw)
    cols.reshape(N·OH·OW·C, ph·pw)                           one window of one channel per row
    y    = the maximum of each row, back to (N, OH, OW, C), then C moved to axis 1
    dx   = col2im of rows that are zero except dout at the argmax of each row

``np.argmax`` returns the first maximum. ``forward(x)`` keeps on ``self`` what ``backward``
needs; ``backward(dout)`` returns ``dx``. Never change ``x`` or ``dout`` in place.

Check your work (exit code 0 when every array is right):

    zeronn check my_maxpool2d.py

The checker uses float64 images without ties, non-square images, tiling and overlapping
windows, then images with tied maxima (windows of zeros, as after a ReLU), and a random
``dout``; it compares your forward with zeronn's own ``MaxPool2D`` and your backward with a
numerical gradient (at the ties, with the first-maximum rule). It tells you, per array, right
or wrong, where and by how much, with a hint; it never prints the right values.
"""

import numpy as np

from zeronn.layers.base import Layer
from zeronn.layers.simple import col2im, im2col  # noqa: F401 (for your code)

EXERCISE = "maxpool2d"  # tells `zeronn check` which layer this file holds


class MaxPool2D(Layer):
    """Max-pooling of NCHW images over ``pool_size × pool_size`` windows moved by ``stride``."""

    def __init__(self, pool_size: int, stride: int | None = None) -> None:
        self.pool_size = pool_size
        self.stride = pool_size if stride is None else stride

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``x (N, C, H, W) -> y (N, C, OH, OW)``."""
        raise NotImplementedError("MaxPool2D.forward: not done yet")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """``dout (N, C, OH, OW) -> dx (N, C, H, W)``."""
        raise NotImplementedError("MaxPool2D.backward: not done yet")
