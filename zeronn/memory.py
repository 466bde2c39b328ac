"""How much memory a run will need, and how much the machine has: checked before any work.

A size flag mistyped by a few zeros (``--hidden 200000,200000``) should fail in a millisecond
with one line, not after the data is loaded, minutes into swapping. The estimate is deliberately
rough and on the low side, so that it never refuses a run that would fit::

    bytes ≈ P · s · (3 + k)  +  B · A · s

``P`` parameters of ``s`` bytes each (float32: 4, float64: 8), counted once for the weights,
once for their gradients, once for the optimizer's scratch array and ``k`` times for its state
(Adam keeps two moments, Momentum, Nesterov, AdaGrad and RMSprop one array, SGD none); ``B``
samples in a batch and
``A`` the values one sample makes in the model's largest layer (a convolution's unfolded
im2col rows count, attention's T × T weights of every head too).

The available memory is Linux's ``MemAvailable`` (``/proc/meminfo``), else the free physical
pages (``os.sysconf``); where neither can be read, no run is refused.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

from zeronn.im2col import output_size

# arrays the same size as the parameters that each optimizer keeps between steps
OPTIMIZER_STATE = {"sgd": 0, "momentum": 1, "nesterov": 1, "adagrad": 1, "rmsprop": 1, "adam": 2}
_UNITS = ("bytes", "kB", "MB", "GB", "TB", "PB")


def available_bytes(meminfo: str = "/proc/meminfo") -> int | None:
    """The memory a new allocation can get now, in bytes, or None when it cannot be read."""
    with contextlib.suppress(OSError, ValueError), open(meminfo, encoding="ascii") as file:
        for line in file:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024  # the file's "kB" are KiB
    with contextlib.suppress(OSError, ValueError, AttributeError):
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return None


def bytes_text(count: float) -> str:
    """A byte count the way the messages write it, in powers of 1000.

    >>> bytes_text(480e9), bytes_text(1_500_000), bytes_text(12)
    ('480 GB', '1.5 MB', '12 bytes')
    """
    power = 0 if count < 1000 else min(int(math.log10(count) // 3), len(_UNITS) - 1)
    value = count / 1000**power
    return f"{value:.2g} {_UNITS[power]}" if value < 10 else f"{value:.0f} {_UNITS[power]}"


def check_fits(needed: int, what: str) -> None:
    """Refuse (``ValueError``) ``what`` when it ``needed`` more bytes than the machine has.

    ``what`` starts the one-line message: ``"{what} needs about 480 GB; this machine has 24 GB
    available"``.
    """
    available = available_bytes()
    if available is not None and needed > available:
        raise ValueError(
            f"{what} needs about {bytes_text(needed)}; this machine has "
            f"{bytes_text(available)} available"
        )


@dataclass(frozen=True)
class ModelSize:
    """``parameters``: the model's trainable values; ``largest_layer``: the values one sample
    makes in its largest layer (its output, or what the layer unfolds to compute it)."""

    parameters: int
    largest_layer: int

    def training_bytes(self, batch_size: int, itemsize: int, optimizer: str | None) -> int:
        """Weights, gradients, the optimizer's scratch and state, and one batch through the
        largest layer; ``optimizer`` None: evaluation only (weights and one batch)."""
        copies = 1 if optimizer is None else 3 + OPTIMIZER_STATE[optimizer]
        return (self.parameters * copies + batch_size * self.largest_layer) * itemsize


def mlp_size(sizes: Sequence[int], batchnorm: bool = False) -> ModelSize:
    """:func:`zeronn.models.mlp` of widths ``sizes`` (BatchNorm: γ and β per hidden unit)."""
    parameters = sum((fan_in + 1) * fan_out for fan_in, fan_out in itertools.pairwise(sizes))
    parameters += 2 * sum(sizes[1:-1]) if batchnorm else 0
    return ModelSize(parameters, max(sizes))


def simple_convnet_size(
    input_shape: Sequence[int], filters: int, kernel_size: int, hidden: int, classes: int
) -> ModelSize:
    """:func:`zeronn.models.simple_convnet`: conv, 2×2 pool, Affine(hidden), Affine(classes)."""
    channels, height, width = input_shape
    conv_h, conv_w = (output_size(side, kernel_size, 1, 0) for side in (height, width))
    patch = channels * kernel_size * kernel_size
    features = filters * (conv_h // 2) * (conv_w // 2)
    parameters = (patch + 1) * filters + (features + 1) * hidden + (hidden + 1) * classes
    largest = max(conv_h * conv_w * max(patch, filters), channels * height * width, features)
    return ModelSize(parameters, largest)


def deep_convnet_size(input_shape: Sequence[int], classes: int) -> ModelSize:
    """:func:`zeronn.models.deep_convnet`: six 3×3 convs (16, 16, 32, 32, 64, 64; pad 1, the
    fourth pad 2) in pairs, each pair then a 2×2 pool, then Affine(50), Affine(classes)."""
    channels, height, width = input_shape
    parameters, largest = 0, channels * height * width
    for out_channels, pads in ((16, (1, 1)), (32, (1, 2)), (64, (1, 1))):
        for pad in pads:
            height, width = output_size(height, 3, 1, pad), output_size(width, 3, 1, pad)
            parameters += (channels * 9 + 1) * out_channels
            largest = max(largest, height * width * max(channels * 9, out_channels))
            channels = out_channels
        height, width = height // 2, width // 2
    features = channels * height * width
    return ModelSize(parameters + (features + 1) * 50 + 51 * classes, largest)


# gate blocks per recurrent layer: W_x (D, gH), W_h (H, gH) and biases
_GATES = {"rnn": (1, 1), "lstm": (4, 1), "gru": (3, 2)}


def recurrent_size(
    kind: str, hidden: Sequence[int], input_size: int, classes: int, steps: int
) -> ModelSize:
    """:func:`zeronn.models.recurrent_classifier` over sequences of ``steps`` time steps."""
    gates, biases = _GATES[kind]
    widths = [input_size, *hidden]
    parameters = sum(
        gates * (fan_in + width + biases) * width for fan_in, width in itertools.pairwise(widths)
    )
    parameters += (widths[-1] + 1) * classes
    largest = steps * max(gates * width for width in hidden)  # the cached gates of every step
    return ModelSize(parameters, max(largest, steps * input_size))


def factory_size(factory: str, arguments: dict, *, steps: int = 28) -> ModelSize:
    """The size of the network ``zeronn.models.<factory>(**arguments)`` builds (as recorded in
    ``model.built_by``); a recurrent classifier reads sequences of ``steps`` time steps."""
    if factory == "mlp":
        return mlp_size(arguments["sizes"], arguments.get("batchnorm", False))
    if factory == "simple_convnet":
        names = ("input_shape", "filters", "kernel_size", "hidden", "classes")
        return simple_convnet_size(*(arguments[name] for name in names))
    if factory == "deep_convnet":
        return deep_convnet_size(arguments["input_shape"], arguments["classes"])
    if factory == "recurrent_classifier":
        names = ("kind", "hidden", "input_size", "classes")
        return recurrent_size(*(arguments[name] for name in names), steps)
    raise ValueError(f"factory_size knows no factory {factory!r}")
