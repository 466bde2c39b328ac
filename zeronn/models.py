"""Ready-made networks: each factory returns a Sequential whose output is the class scores.

Train them with a :class:`zeronn.losses.SoftmaxCrossEntropy` outside the model (the Trainer
uses one by default).

- ``mlp([784, 200, 200, 10])``: Affine - [BatchNorm] - activation - [Dropout] per hidden layer,
  then a final Affine.
- ``simple_convnet()``: the book's SimpleConvNet,
  conv 30×5×5 - ReLU - maxpool 2×2 - Affine 100 - ReLU - Affine 10.
- ``deep_convnet()``: the book's DeepConvNet, six 3×3 convs (16, 16, pool, 32, 32, pool, 64, 64,
  pool) with a ReLU after each, then Affine 50 - ReLU - Dropout - Affine 10 - Dropout.
- ``recurrent_classifier("lstm", (128,))``: RNN, LSTM or GRU layers over ``(N, T, D)``
  sequences (e.g. an image's rows), the last one's final state into an Affine.

The factories work out every layer's image size before building it, so an ``input_shape`` the
network cannot process fails at once, naming the layer and the size it would get.
Parameter names follow the layer indices, so they depend on the options (e.g. ``batchnorm``,
``dropout=0`` omits the Dropout layers): load saved weights into a model built the same way.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike

from zeronn._checks import (
    as_float_dtype,
    as_generator,
    boolean,
    choice,
    fraction,
    positive_int,
    shape_text,
)
from zeronn.im2col import output_size
from zeronn.init import InitSpec
from zeronn.layers import (
    GRU,
    LSTM,
    RNN,
    Affine,
    BatchNorm,
    Conv2D,
    Dropout,
    Flatten,
    Layer,
    MaxPool2D,
    ReLU,
    Sigmoid,
    Tanh,
)
from zeronn.model import Sequential

ACTIVATIONS: dict[str, type[Layer]] = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh}
# The smallest square images (side H = W) each convnet factory builds a network for with its
# default options: their max-pools need 2×2 inputs. Configs check image sizes against it
# before any data is read; tests/test_models.py checks it against the factories.
SMALLEST_IMAGE_SIDE = {"simple_convnet": 6, "deep_convnet": 4}

RECURRENT_LAYERS: dict[str, type[Layer]] = {"rnn": RNN, "lstm": LSTM, "gru": GRU}


def mlp(
    sizes: Sequence[int],
    *,
    activation: str = "relu",
    init: InitSpec = "he",
    rng: np.random.Generator | int | None = None,
    dtype: DTypeLike = np.float64,
    batchnorm: bool = False,
    dropout: float = 0.0,
) -> Sequential:
    """A fully connected network with layer widths ``sizes`` = [inputs, hidden…, classes].

    Each hidden layer is Affine - BatchNorm (if ``batchnorm``) - activation ("relu", "sigmoid"
    or "tanh") - Dropout (if ``dropout`` > 0, the probability of dropping a unit). The book
    pairs ``init="he"`` with ReLU and ``init="xavier"`` with sigmoid and tanh.
    """
    owner = "mlp"
    if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence) or len(sizes) < 2:
        raise ValueError(
            f"{owner} expected sizes as a list of at least two widths, e.g. [784, 100, 10], "
            f"got {sizes!r}"
        )
    sizes = [positive_int(size, "every size", owner) for size in sizes]
    _check_classes(sizes[-1], owner)
    choice(activation, "activation", owner, sorted(ACTIVATIONS))
    generator = as_generator(rng, owner)
    dtype = as_float_dtype(dtype, owner)
    dropout = _dropout_ratio(dropout, owner)

    layers: list[Layer] = []
    for in_features, out_features in itertools.pairwise(sizes[:-1]):
        layers.append(Affine(in_features, out_features, init=init, rng=generator, dtype=dtype))
        if boolean(batchnorm, "batchnorm", owner):
            layers.append(BatchNorm(out_features, dtype=dtype))
        layers.append(ACTIVATIONS[activation]())
        if dropout:
            layers.append(Dropout(dropout, rng=generator))
    layers.append(Affine(sizes[-2], sizes[-1], init=init, rng=generator, dtype=dtype))
    return Sequential(layers)


def simple_convnet(
    input_shape: tuple[int, int, int] = (1, 28, 28),
    *,
    filters: int = 30,
    kernel_size: int = 5,
    hidden: int = 100,
    classes: int = 10,
    init: InitSpec = "he",
    rng: np.random.Generator | int | None = None,
    dtype: DTypeLike = np.float64,
) -> Sequential:
    """The book's SimpleConvNet for images ``input_shape`` = (C, H, W).

    Conv2D(C → filters, kernel_size, stride 1, pad 0) - ReLU - MaxPool2D(2) - Flatten -
    Affine(hidden) - ReLU - Affine(classes). On 1×28×28: 30×24×24 → 30×12×12 = 4320 features.
    """
    owner = "simple_convnet"
    builder = _ConvBuilder(owner, input_shape, init, as_generator(rng, owner), dtype)
    builder.conv(positive_int(filters, "filters", owner), kernel_size, pad=0)
    builder.pool()
    builder.dense(positive_int(hidden, "hidden", owner))
    builder.layers.append(ReLU())
    builder.dense(_check_classes(classes, owner))
    return Sequential(builder.layers)


def deep_convnet(
    input_shape: tuple[int, int, int] = (1, 28, 28),
    *,
    classes: int = 10,
    init: InitSpec = "he",
    rng: np.random.Generator | int | None = None,
    dtype: DTypeLike = np.float64,
    dropout: float = 0.5,
) -> Sequential:
    """The book's DeepConvNet for images ``input_shape`` = (C, H, W).

    3×3 convs with a ReLU after each: 16, 16, pool, 32, 32 (pad 2), pool, 64, 64, pool; every
    conv has pad 1 except the fourth with pad 2, so 1×28×28 gives 64×4×4 = 1024 features
    (28 → 14 → 16 → 8 → 4). Then Affine 50 - ReLU - Dropout - Affine(classes) - Dropout.
    """
    owner = "deep_convnet"
    classes = _check_classes(classes, owner)
    dropout = _dropout_ratio(dropout, owner)
    generator = as_generator(rng, owner)
    builder = _ConvBuilder(owner, input_shape, init, generator, dtype)
    for channels, pads in ((16, (1, 1)), (32, (1, 2)), (64, (1, 1))):
        for pad in pads:
            builder.conv(channels, 3, pad=pad)
        builder.pool()
    builder.dense(50)
    builder.layers.append(ReLU())
    if dropout:
        builder.layers.append(Dropout(dropout, rng=generator))
    builder.dense(classes)
    if dropout:
        builder.layers.append(Dropout(dropout, rng=generator))
    return Sequential(builder.layers)


class _ConvBuilder:
    """Appends layers while tracking the (C, H, W) image shape they will see."""

    def __init__(
        self,
        owner: str,
        input_shape: object,
        init: InitSpec,
        rng: np.random.Generator,
        dtype: DTypeLike,
    ) -> None:
        if not isinstance(input_shape, tuple | list) or len(input_shape) != 3:
            raise ValueError(
                f"{owner} expected input_shape as (channels, height, width), got {input_shape!r}"
            )
        self.owner = owner
        self.input_shape = tuple(positive_int(s, "input_shape", owner) for s in input_shape)
        self.shape = self.input_shape
        self.init, self.rng = init, rng
        self.dtype = as_float_dtype(dtype, owner)
        self.layers: list[Layer] = []

    def conv(self, out_channels: int, kernel_size: object, *, pad: int) -> None:
        """Append Conv2D(kernel_size, stride 1, pad) and a ReLU."""
        kernel = positive_int(kernel_size, "kernel_size", self.owner)
        channels, height, width = self.shape
        self._check_fits(f"Conv2D {kernel}×{kernel} with pad {pad}", kernel, pad)
        self.layers.append(
            Conv2D(
                channels,
                out_channels,
                kernel,
                1,
                pad,
                init=self.init,
                rng=self.rng,
                dtype=self.dtype,
            )
        )
        self.layers.append(ReLU())
        self.shape = (
            out_channels,
            output_size(height, kernel, 1, pad),
            output_size(width, kernel, 1, pad),
        )

    def pool(self) -> None:
        """Append MaxPool2D(2), which halves the height and width (rounding down)."""
        self._check_fits("MaxPool2D 2×2", 2, 0)
        self.layers.append(MaxPool2D(2))
        channels, height, width = self.shape
        self.shape = (channels, height // 2, width // 2)

    def dense(self, out_features: int) -> None:
        """Append Affine(out_features), flattening the images first if they are still images."""
        if len(self.shape) == 3:
            self.layers.append(Flatten())
            self.shape = (math.prod(self.shape),)
        (in_features,) = self.shape
        self.layers.append(
            Affine(in_features, out_features, init=self.init, rng=self.rng, dtype=self.dtype)
        )
        self.shape = (out_features,)

    def _check_fits(self, description: str, kernel: int, pad: int) -> None:
        _, height, width = self.shape
        if min(height, width) + 2 * pad < kernel:
            smallest = kernel - 2 * pad
            raise ValueError(
                f"{self.owner}: input_shape {shape_text(self.input_shape)} is too small: "
                f"layer {len(self.layers)} ({description}) would get {height}×{width} images "
                f"but needs at least {smallest}×{smallest}"
            )


def recurrent_classifier(
    kind: str,
    hidden: Sequence[int],
    *,
    input_size: int = 28,
    classes: int = 10,
    rng: np.random.Generator | int | None = None,
    dtype: DTypeLike = np.float32,
) -> Sequential:
    """``(N, T, input_size)`` → class scores ``(N, classes)``: one ``kind`` layer (``"rnn"``,
    ``"lstm"`` or ``"gru"``) per width in ``hidden``, stacked, the last returning only its final
    state, then an Affine. The defaults read a 28×28 image row by row.
    """
    owner = "recurrent_classifier"
    layer_type = RECURRENT_LAYERS[choice(kind, "kind", owner, tuple(RECURRENT_LAYERS))]
    widths = [positive_int(input_size, "input_size", owner)]
    widths += [positive_int(width, "each hidden width", owner) for width in hidden]
    if len(widths) < 2:
        raise ValueError(f"{owner} expected at least one hidden width, got none")
    classes = _check_classes(classes, owner)
    generator = as_generator(rng, owner)
    layers: list[Layer] = [
        layer_type(
            widths[k],
            widths[k + 1],
            return_sequences=k < len(widths) - 2,
            rng=generator,
            dtype=dtype,
        )
        for k in range(len(widths) - 1)
    ]
    layers.append(Affine(widths[-1], classes, rng=generator, dtype=dtype))
    return Sequential(layers)


def _check_classes(classes: object, owner: str) -> int:
    # A softmax over one class is always 1: the loss is 0 and nothing is learned.
    classes = positive_int(classes, "classes", owner)
    if classes < 2:
        raise ValueError(f"{owner} expected at least 2 classes (outputs), got {classes!r}")
    return classes


def _dropout_ratio(dropout: object, owner: str) -> float:
    return fraction(dropout, "dropout", owner)
