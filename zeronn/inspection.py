"""Look inside a model: the output of every layer on one batch.

For a :class:`zeronn.model.Sequential` of layers f₁ … f_L and inputs x (N, ...)::

    h₀ = x,    h_i = f_i(h_{i−1})          layer_outputs returns {"i−1": h_i, ...}

keyed by the layer's index as a string (the prefix of its parameters' names: ``"0"`` for the
layer whose weight is ``"0.W"``). ``kinds`` keeps the outputs of some layer types only, e.g.
the activations, whose histograms show whether a signal survives the depth of a network
(:func:`zeronn.plots.histograms.plot_activation_histograms`, the book's §6.2 figures).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import floating_array, shape_text
from zeronn.layers.base import Layer
from zeronn.model import Sequential
from zeronn.state import Snapshot

__all__ = ["layer_outputs"]

_OWNER = "layer_outputs"


def layer_outputs(
    model: Sequential,
    x: NDArray[np.floating],
    *,
    kinds: type[Layer] | tuple[type[Layer], ...] | None = None,
) -> dict[str, NDArray[np.floating]]:
    """Every layer's output (a copy) for inputs ``x`` (N, ...), in order, keyed by layer index.

    ``kinds``: a Layer class or a tuple of them; only the outputs of those layers are kept
    (all of them when None). The pass runs in the model's current mode (call ``model.eval()``
    first for what prediction sees); what it moves (BatchNorm's running statistics, Dropout's
    generator, a stateful RNN's carried state) is put back, so the model is left as it was.
    Like ``predict``, it replaces the layers' forward caches: run ``forward`` before ``backward``.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"{_OWNER} expected a Sequential model, got {type(model).__name__}")
    if kinds is not None and not _layer_types(kinds):
        raise TypeError(
            f"{_OWNER} expected kinds as a Layer class or a tuple of them (e.g. "
            f"(zeronn.ReLU, zeronn.Sigmoid)), got {kinds!r}"
        )
    x = floating_array(x, _OWNER)
    if x.ndim == 0 or len(x) == 0:
        raise ValueError(
            f"{_OWNER} expected at least one input (N, ...), got shape {shape_text(x.shape)}"
        )
    outputs: dict[str, NDArray[np.floating]] = {}
    before = Snapshot(model, parameters=False)
    try:
        h = x.astype(model.dtype or x.dtype, copy=False)
        for index, layer in enumerate(model):
            h = layer.forward(h)
            if kinds is None or isinstance(layer, kinds):
                outputs[str(index)] = h.copy()  # a layer may reuse its output buffer
    finally:
        before.restore()
    return outputs


def _layer_types(kinds: object) -> bool:
    members = kinds if isinstance(kinds, tuple) else (kinds,)
    return bool(members) and all(
        isinstance(kind, type) and issubclass(kind, Layer) for kind in members
    )
