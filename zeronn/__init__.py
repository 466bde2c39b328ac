"""zeronn: a from-scratch NumPy neural-network framework with hand-written backprop.

The front door: the names a first script needs import from ``zeronn`` itself::

    import zeronn
    zeronn.manual_seed(0)
    model = zeronn.Sequential([zeronn.Affine(784, 100), zeronn.ReLU(), zeronn.Affine(100, 10)])

Each name lives in a small module of its own (``zeronn.layers.affine``, ``zeronn.trainer``, ...),
where a reader finds the formulas. The names are resolved on first use (PEP 562's module
``__getattr__``), so ``import zeronn`` and ``zeronn --help`` stay fast: nothing heavier than
the module asked for is imported.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    # randomness
    "manual_seed": "zeronn.init",
    "default_generator": "zeronn.init",
    # the model and its layers
    "Sequential": "zeronn.model",
    "Layer": "zeronn.layers",
    "Parameter": "zeronn.parameter",
    "Affine": "zeronn.layers",
    "TiedAffine": "zeronn.layers",
    "ReLU": "zeronn.layers",
    "Sigmoid": "zeronn.layers",
    "Tanh": "zeronn.layers",
    "Conv2D": "zeronn.layers",
    "MaxPool2D": "zeronn.layers",
    "Flatten": "zeronn.layers",
    "Dropout": "zeronn.layers",
    "BatchNorm": "zeronn.layers",
    "SimpleConv2D": "zeronn.layers",
    "SimpleMaxPool2D": "zeronn.layers",
    # sequences
    "RNN": "zeronn.layers",
    "LSTM": "zeronn.layers",
    "GRU": "zeronn.layers",
    "Embedding": "zeronn.layers",
    "Linear": "zeronn.layers",
    "LayerNorm": "zeronn.layers",
    "MultiHeadAttention": "zeronn.layers",
    "PositionEmbedding": "zeronn.layers",
    "Residual": "zeronn.layers",
    "clip_grad_norm": "zeronn.clip",
    "mlp": "zeronn.models",
    "simple_convnet": "zeronn.models",
    "deep_convnet": "zeronn.models",
    # losses, optimizers, training
    "SoftmaxCrossEntropy": "zeronn.losses",
    "softmax": "zeronn.functional",
    "SGD": "zeronn.optim",
    "Momentum": "zeronn.optim",
    "Nesterov": "zeronn.optim",
    "AdaGrad": "zeronn.optim",
    "RMSprop": "zeronn.optim",
    "Adam": "zeronn.optim",
    "Trainer": "zeronn.trainer",
    "History": "zeronn.history",
    "NonFiniteLossError": "zeronn.divergence",
    # data
    "load_mnist": "zeronn.data",
    "load_fashion_mnist": "zeronn.data",
    "iterate_batches": "zeronn.data",
    "ImageDataGenerator": "zeronn.augment",
    # checking, metrics, saving
    "check_gradients": "zeronn.gradcheck",
    "profile": "zeronn.profiler",
    "lr_finder": "zeronn.lr_range_test",
    "accuracy": "zeronn.metrics",
    "classification_report": "zeronn.metrics",
    "save": "zeronn.serialize",
    "load": "zeronn.serialize",
}

_SUBMODULES = (
    "augment",
    "callbacks",
    "data",
    "explain",
    "functional",
    "gradcheck",
    "init",
    "layers",
    "losses",
    "metrics",
    "model",
    "models",
    "optim",
    "plots",
    "profiler",
    "reference",
    "serialize",
    "trainer",
)

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"zeronn.{name}")
    else:
        raise AttributeError(f"module 'zeronn' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS, *_SUBMODULES})
