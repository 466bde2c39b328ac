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
Each factory records how it was called in ``model.built_by``, ``{"factory": "mlp",
"arguments": {...}}`` (the options that shape the network, JSON-ready), which
:func:`zeronn.save` stores beside the weights and :func:`zeronn.load` compares.
"""

from __future__ import annotations

import itertools
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
)
from zeronn._conv_builder import ConvBuilder
from zeronn.init import InitSpec
from zeronn.layers import (
    GRU,
    LSTM,
    RNN,
    Affine,
    BatchNorm,
    Dropout,
    Layer,
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
    if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence):
        raise TypeError(
            f"{owner} expected sizes as a list of at least two widths, e.g. [784, 100, 10], "
            f"got {sizes!r}"
        )
    if len(sizes) < 2:
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
    batchnorm = boolean(batchnorm, "batchnorm", owner)

    layers: list[Layer] = []
    for in_features, out_features in itertools.pairwise(sizes[:-1]):
        layers.append(Affine(in_features, out_features, init=init, rng=generator, dtype=dtype))
        if batchnorm:
            layers.append(BatchNorm(out_features, dtype=dtype))
        layers.append(ACTIVATIONS[activation]())
        if dropout:
            layers.append(Dropout(dropout, rng=generator))
    layers.append(Affine(sizes[-2], sizes[-1], init=init, rng=generator, dtype=dtype))
    return _built_by(
        Sequential(layers),
        "mlp",
        sizes=sizes,
        activation=activation,
        batchnorm=batchnorm,
        dropout=dropout,
    )


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
    builder = ConvBuilder(owner, input_shape, init, as_generator(rng, owner), dtype)
    filters = positive_int(filters, "filters", owner)
    kernel_size = positive_int(kernel_size, "kernel_size", owner)
    builder.conv(filters, kernel_size, pad=0)
    builder.pool()
    builder.dense(hidden := positive_int(hidden, "hidden", owner))
    builder.layers.append(ReLU())
    builder.dense(classes := _check_classes(classes, owner))
    return _built_by(
        Sequential(builder.layers),
        owner,
        input_shape=list(builder.input_shape),
        filters=filters,
        kernel_size=kernel_size,
        hidden=hidden,
        classes=classes,
    )


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
    builder = ConvBuilder(owner, input_shape, init, generator, dtype)
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
    return _built_by(
        Sequential(builder.layers),
        owner,
        input_shape=list(builder.input_shape),
        classes=classes,
        dropout=dropout,
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
    return _built_by(
        Sequential(layers),
        owner,
        kind=kind,
        hidden=widths[1:],
        input_size=widths[0],
        classes=classes,
    )


def _built_by(model: Sequential, factory: str, **arguments: object) -> Sequential:
    """Record on ``model`` the factory and the options that shaped it (see the module doc)."""
    model.built_by = {"factory": factory, "arguments": arguments}
    return model


def _check_classes(classes: object, owner: str) -> int:
    # A softmax over one class is always 1: the loss is 0 and nothing is learned.
    classes = positive_int(classes, "classes", owner)
    if classes < 2:
        raise ValueError(f"{owner} expected at least 2 classes (outputs), got {classes!r}")
    return classes


def _dropout_ratio(dropout: object, owner: str) -> float:
    return fraction(dropout, "dropout", owner)
