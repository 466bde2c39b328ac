"""The networks the commands name (``--model mlp``, ``simple-convnet``, ``lstm``, ...), decided
from their options before any data is read.

A network is named the way :mod:`zeronn.models` records it (``model.built_by``): a factory and
its arguments, e.g. ``{"factory": "mlp", "arguments": {"sizes": [784, 100, 100, 10], ...}}``.
From that one value a config checks the memory the run needs (:mod:`zeronn.memory`) and
compares a ``--load`` file's architecture, or reads ``--model``/``--hidden`` from it; the run
builds the same value into the network. ``zeronn train`` uses every model here,
``zeronn flip-balance`` the two convnets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zeronn import memory, models
from zeronn._checks import boolean, choice, fraction, positive_int, sequence
from zeronn.model import Sequential

RECURRENT_MODELS = ("lstm", "gru", "rnn")
# --model -> the zeronn.models factory that builds it
FACTORIES = {
    "mlp": "mlp",
    "simple-convnet": "simple_convnet",
    "deep-convnet": "deep_convnet",
    **dict.fromkeys(RECURRENT_MODELS, "recurrent_classifier"),
}
MODELS = tuple(FACTORIES)
# The recurrent models read an MNIST-family image row by row: 28 steps of 28 pixels.
ROW_STEPS = 28
# --hidden when not given: the MLP's hidden widths, or the recurrent layer's width.
DEFAULT_HIDDEN = {"mlp": (100, 100), "recurrent": (128,)}
Spec = dict[str, Any]


# the models --batchnorm and --dropout shape, and the dropout each has when none is given
BATCHNORM_MODELS = ("mlp",)
DEFAULT_DROPOUT = {"mlp": 0.0, "deep-convnet": 0.5}


def network_spec(
    model: str,
    hidden: tuple[int, ...],
    image_shape: tuple[int, int, int],
    classes: int,
    *,
    batchnorm: bool = False,
    dropout: float | None = None,
) -> Spec:
    """The factory and arguments of ``--model model --hidden hidden`` for images
    ``image_shape`` (C, H, W) of ``classes`` classes (the mlp reads the C·H·W pixels as one
    vector; the convnets have no hidden widths to set). ``batchnorm`` (the mlp's BatchNorm after
    each hidden Affine) and ``dropout`` (the share of units dropped by the mlp's and the
    deep-convnet's Dropout layers; None: :data:`DEFAULT_DROPOUT`) shape only those models."""
    if dropout is None:
        dropout = DEFAULT_DROPOUT.get(model, 0.0)
    if model in RECURRENT_MODELS:
        arguments = {"kind": model, "hidden": list(hidden), "input_size": ROW_STEPS}
        arguments["classes"] = classes
    elif model == "mlp":
        sizes = [math.prod(image_shape), *hidden, classes]
        arguments = {"sizes": sizes, "activation": "relu", "batchnorm": batchnorm}
        arguments["dropout"] = float(dropout)
    elif model == "simple-convnet":
        arguments = {"input_shape": list(image_shape), "filters": 30, "kernel_size": 5}
        arguments |= {"hidden": 100, "classes": classes}
    else:
        arguments = {"input_shape": list(image_shape), "classes": classes}
        arguments["dropout"] = float(dropout)
    return {"factory": FACTORIES[model], "arguments": arguments}


@dataclass(frozen=True)
class NetworkOptions:
    """The options of ``zeronn train`` that shape its network, as chosen."""

    model: str
    hidden: tuple[int, ...]
    batchnorm: bool
    dropout: float | None  # None: the model has no Dropout layers to set


def choose_options(
    model: object,
    hidden: object,
    saved: dict[str, Any] | None,
    *,
    folder: bool,
    owner: str,
    batchnorm: object = None,
    dropout: object = None,
) -> NetworkOptions:
    """``--model``, ``--hidden``, ``--batchnorm``, ``--dropout``: as given, else what the
    ``saved`` architecture of a --load file holds (when it names a network ``zeronn train``
    builds), else mlp and the defaults. A flag the chosen model would ignore (--hidden for a
    convnet, --batchnorm for all but the mlp, --dropout for those without Dropout layers) and
    a recurrent model on a ``folder`` are refused."""
    built_by = None if saved is None else saved.get("built_by")
    options = options_of(built_by) if isinstance(built_by, dict) else None
    chosen = model if model is not None else "mlp" if options is None else options[0]
    chosen = choice(chosen, "model", owner, MODELS)
    same = options is not None and options[0] == chosen  # the file's model: its options
    widths = hidden
    if widths is None and same:
        widths = options[1]
    if widths is None:
        widths = DEFAULT_HIDDEN["recurrent" if chosen in RECURRENT_MODELS else "mlp"]
    widths = sequence(widths, "hidden", owner, positive_int, item="each hidden width")
    if hidden is not None and chosen not in ("mlp", *RECURRENT_MODELS):
        raise ValueError(
            f"--hidden sets the widths of mlp, lstm, gru and rnn; {chosen} has none to set"
        )
    if folder and chosen in RECURRENT_MODELS:
        raise ValueError(
            f"--model {chosen} reads a 28×28 MNIST-family image row by row; with --data use "
            "mlp, simple-convnet or deep-convnet"
        )
    arguments = built_by.get("arguments", {}) if same else {}
    if batchnorm is not None and chosen not in BATCHNORM_MODELS:
        raise ValueError(
            f"--batchnorm puts BatchNorm after each hidden layer of the mlp; {chosen} would "
            "ignore it"
        )
    batchnorm = bool(arguments.get("batchnorm", False)) if batchnorm is None else batchnorm
    batchnorm = boolean(batchnorm, "batchnorm", owner)
    if dropout is not None and chosen not in DEFAULT_DROPOUT:
        raise ValueError(
            f"--dropout sets the Dropout layers of mlp and deep-convnet; {chosen} has none, "
            "so it would ignore it"
        )
    if dropout is None and chosen in DEFAULT_DROPOUT:
        dropout = arguments.get("dropout", DEFAULT_DROPOUT[chosen])
    if dropout is not None:
        dropout = fraction(dropout, "dropout", owner)
    return NetworkOptions(chosen, widths, batchnorm, dropout)


def build_network(spec: Spec, rng: np.random.Generator, dtype: str) -> Sequential:
    """``zeronn.models.<factory>(**arguments, rng=rng, dtype=dtype)``; He init throughout."""
    return getattr(models, spec["factory"])(**spec["arguments"], rng=rng, dtype=dtype)


def options_of(spec: Spec) -> tuple[str, tuple[int, ...] | None] | None:
    """``(--model, --hidden)`` of a network ``zeronn train`` builds (hidden None for the
    convnets), or None for a factory it does not use."""
    factory, arguments = spec.get("factory"), spec.get("arguments") or {}
    if factory == "recurrent_classifier" and "kind" in arguments:
        return arguments["kind"], tuple(arguments.get("hidden", ()))
    if factory == "mlp" and "sizes" in arguments:
        return "mlp", tuple(arguments["sizes"][1:-1])
    model = next((name for name, built_by in FACTORIES.items() if built_by == factory), None)
    return None if model is None else (model, None)


def spec_text(spec: Spec, other: Spec | None = None) -> str:
    """The network in the words of the command line, e.g. ``an mlp with --hidden 100,100
    --batchnorm for 784 inputs and 10 classes``; the factory's call when those words would not
    tell it from ``other`` or it is no network ``zeronn train`` builds."""
    options = options_of(spec)
    if options is None:
        return f"a network built by {_call_text(spec)}"
    model, hidden = options
    arguments = spec["arguments"]
    article = "an" if model in ("mlp", "lstm", "rnn") else "a"  # said letter by letter
    flags = [f"--hidden {_widths(hidden)}"] if hidden else []
    if arguments.get("batchnorm"):
        flags.append("--batchnorm")
    dropout = arguments.get("dropout", DEFAULT_DROPOUT.get(model, 0.0))
    if model in DEFAULT_DROPOUT and dropout != DEFAULT_DROPOUT[model]:
        flags.append(f"--dropout {dropout:g}")
    words = f"{article} {model}" + (f" with {' '.join(flags)}" if flags else "")
    if "input_shape" in arguments:
        inputs = f"{'×'.join(map(str, arguments['input_shape']))} images"
    elif "sizes" in arguments:
        inputs = f"{arguments['sizes'][0]} inputs"
    else:
        inputs = f"rows of {arguments.get('input_size')} pixels"
    classes = arguments.get("classes", arguments.get("sizes", [None])[-1])
    text = f"{words} for {inputs} and {classes} classes"
    if other is not None and other != spec and spec_text(other) == text:
        return f"{text}, built by {_call_text(spec)}"
    return text


def saved_architecture(path: Path) -> dict[str, Any] | None:
    """The architecture a ``--load`` file holds (None for a file saved without one)."""
    from zeronn import serialize  # the model code, only when a file is to be read

    return serialize.read_architecture(path)


def check_memory(spec: Spec, *, batch_size: int, dtype: str, optimizer: str | None) -> None:
    """Refuse a network whose training (``optimizer`` None: evaluation) would not fit."""
    size = memory.factory_size(spec["factory"], spec["arguments"], steps=ROW_STEPS)
    needed = size.training_bytes(batch_size, np.dtype(dtype).itemsize, optimizer)
    model, hidden = options_of(spec) or (spec["factory"], None)
    flags = f"--model {model}" + (f" --hidden {_widths(hidden)}" if hidden else "")
    if "input_shape" in spec["arguments"]:
        flags += f" on {'×'.join(map(str, spec['arguments']['input_shape']))} images"
    kept = "its weights" if optimizer is None else f"its weights, gradients and {optimizer}'s state"
    memory.check_fits(needed, f"{flags} ({kept} in {dtype}, and a batch of {batch_size})")


def check_load(path: Path, saved: dict[str, Any], spec: Spec, dtype: str) -> None:
    """Refuse a ``--load`` file whose architecture ``saved`` is not ``spec``'s, before any
    data is read.

    A file ``zeronn train`` wrote names its factory; another ``zeronn.save`` file is compared
    layer by layer with the network built here.
    """
    from zeronn import serialize

    if isinstance(saved.get("built_by"), dict):
        if saved["built_by"] != spec:
            raise ValueError(
                f"--load {path} holds {spec_text(saved['built_by'], spec)}; these options "
                f"build {spec_text(spec, saved['built_by'])}"
            )
        return
    built = serialize.architecture(build_network(spec, np.random.default_rng(0), dtype))
    difference = serialize.architecture_difference(saved, built)
    if difference is not None:
        raise ValueError(f"--load {path} does not fit {spec_text(spec)}: {difference}")


def _call_text(spec: Spec) -> str:
    from zeronn.serialize import built_by_text

    return built_by_text(spec)


def _widths(hidden: tuple[int, ...] | None) -> str:
    return ",".join(map(str, hidden or ()))
