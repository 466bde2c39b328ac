"""Sequential: a chain of layers, run forward in order and backward in reverse.

For layers f₁ … f_L, ``forward(x)`` computes f_L(… f₁(x)) and ``backward(dout)`` applies the
chain rule from ``dout = dℓ/d(output)`` down, dx_{i-1} = f_iᵀ(dx_i), to ``dℓ/dx``; each layer
writes its own parameter gradients on the way.

The loss lives outside the model, as in PyTorch, so every training step shows the whole chain::

    logits = model.forward(x)
    loss = loss_fn.forward(logits, t)          # e.g. SoftmaxCrossEntropy()
    model.backward(loss_fn.backward())         # dℓ/dlogits starts the backward pass
    optimizer.step()

Names are stable: parameter ``W`` of the layer at index 0 is ``"0.W"``, BatchNorm's running
mean at index 3 is ``"3.running_mean"``. Saving, loading and optimizers rely on them.

A model is built once: each layer object at one place (nested containers too), every
Parameter listed (:mod:`zeronn.tree`). A call that fails changes nothing: ``forward``
puts back what its earlier layers moved (running statistics, carried state, Dropout's
generator) when a later layer refuses its input, ``predict`` and ``summary`` leave every
layer's mode and state as they found them, ``load_state_dict`` writes all or nothing. The
earlier layers' caches do hold the refused input's values, so ``backward`` then refuses
until the next good ``forward`` instead of mixing two inputs' caches.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import boolean, positive_int, shape_text
from zeronn.functional import softmax
from zeronn.layers.base import Layer
from zeronn.layers.chain import backward_chain, shared_parameters, unique_parameters
from zeronn.parameter import Parameter
from zeronn.state import Snapshot, state_slots
from zeronn.state_dict import checked_values
from zeronn.summary import model_summary
from zeronn.tree import check_tree


class Sequential:
    """Layers applied one after another.

    Input dtype policy: ``forward`` casts a floating input to the parameters' dtype
    (``x.astype(dtype, copy=False)``, free when it already matches), so float32 data can feed a
    float64 model and the reverse. Integer input (e.g. raw uint8 pixels) raises TypeError:
    silently feeding 0…255 to a network trained on 0…1 is the bug we want to catch. The one
    exception is a first layer that declares ``takes_ids`` (an Embedding): then integer ids
    pass through uncast, floating input is refused instead, and ``backward`` returns None
    (ids have no gradient). A model without parameters (only activations, say) keeps the
    input's float dtype.
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        if isinstance(layers, Layer):
            raise TypeError(
                "Sequential expected a list of layers, got a single "
                f"{type(layers).__name__}; write Sequential([layer, ...])"
            )
        layers = tuple(layers)
        if not layers:
            raise ValueError("Sequential expected at least one layer, got none")
        for index, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"Sequential expected Layer instances, got {type(layer).__name__} "
                    f"at index {index}"
                )
        self._layers = layers
        check_tree(self, "Sequential")
        # The Parameters two layers share (tied weights): their uses' gradients add up.
        self._shared = shared_parameters(layers)
        self._dtype = _common_dtype(layers)
        self.training = True
        # What a forward pass may move, put back when a layer refuses its input half-way.
        self._volatile = state_slots(self, parameters=False)
        self._stale = False  # a forward raised after some layers cached its values

    # -- the forward/backward chain ------------------------------------------------------

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """Run every layer on ``x`` (first axis = batch) and return the last output.

        If a layer raises (an input it cannot take), the state the layers before it moved is
        put back (:class:`zeronn.state.Snapshot`) before the error goes on.
        """
        x = self._as_input(x)
        before = Snapshot.of(self._volatile)
        try:
            for layer in self._layers:
                x = layer.forward(x)
        except BaseException:
            before.restore()
            self._stale = True
            raise
        self._stale = False
        return x

    __call__ = forward

    def backward(
        self, dout: NDArray[np.floating], *, input_grad: bool = True
    ) -> NDArray[np.floating] | None:
        """Backpropagate ``dout`` = dℓ/d(last output) and return dℓ/dx.

        Each layer writes its parameters' ``grad`` on the way down. ``input_grad=False``
        skips dℓ/dx (the first layer's largest product, which a training step never reads)
        and returns None; so does a model whose first layer takes integer ids.
        """
        if self._stale:
            raise RuntimeError(
                "Sequential.backward called after a forward that raised: the layers hold that "
                "call's caches; run forward again first"
            )
        return backward_chain(self._layers, dout, self._shared, input_grad)

    def predict(self, x: NDArray[np.floating], batch_size: int = 256) -> NDArray[np.floating]:
        """Outputs (N, K) of the last layer (logits, no softmax) for all N inputs; for
        probabilities, :meth:`predict_proba`.

        Runs in eval mode (Dropout off, BatchNorm on running statistics), ``batch_size``
        inputs at a time to bound memory, and leaves every layer as it found it: its mode
        (nested layers too) and its state (a stateful RNN's carried state is put back).
        It replaces the forward cache, so run ``forward`` again before ``backward``.
        """
        batch_size = positive_int(batch_size, "batch_size", "Sequential.predict")
        self._check_input(x)  # forward casts batch by batch: no full-size copy of x
        if x.ndim == 0 or len(x) == 0:
            raise ValueError(
                f"Sequential.predict expected at least one input (N, ...), got shape "
                f"{shape_text(x.shape)}"
            )
        before = Snapshot.of(self._volatile)
        self.eval()
        try:
            first = self.forward(x[:batch_size])
            outputs = np.empty((len(x), *first.shape[1:]), dtype=first.dtype)
            outputs[: len(first)] = first
            for start in range(batch_size, len(x), batch_size):
                outputs[start : start + batch_size] = self.forward(x[start : start + batch_size])
        finally:
            before.restore()
        return outputs

    def predict_proba(self, x: NDArray[np.floating], batch_size: int = 256) -> NDArray[np.floating]:
        """Class probabilities (N, K), each row summing to 1: ``softmax(predict(x))``.

        :meth:`predict` gives logits (what the loss takes and ``argmax`` reads); this gives
        what the figures of predictions take (:func:`zeronn.plots.plot_predictions`). The
        same eval mode, batching and state as :meth:`predict`.
        """
        return softmax(self.predict(x, batch_size), axis=-1)

    def _as_input(self, x: object) -> NDArray:
        """``x`` in the model's dtype, or integer ids as they are (see the class docstring)."""
        if isinstance(x, np.ndarray) and x.dtype == self._dtype and not self._takes_ids:
            return x
        self._check_input(x)
        if self._dtype is None or self._takes_ids:
            return x
        return x.astype(self._dtype, copy=False)

    @property
    def _takes_ids(self) -> bool:
        return self._layers[0].takes_ids

    def _check_input(self, x: object) -> None:
        if not isinstance(x, np.ndarray):
            raise TypeError(f"Sequential expected input as a numpy array, got {type(x).__name__}")
        if self._takes_ids:
            if not np.issubdtype(x.dtype, np.integer):
                raise TypeError(
                    f"Sequential expected integer ids for its first layer "
                    f"({type(self._layers[0]).__name__}), got dtype {x.dtype}"
                )
            return
        if x.dtype.kind != "f":
            raise TypeError(
                f"Sequential expected floating input, got dtype {x.dtype}; normalize first, "
                f"e.g. x.astype(np.float32) / 255 for pixels"
            )

    def summary(self, input_shape: tuple[int, ...]) -> str:
        """A table of every layer's output shape and parameter count for one input shape.

        ``input_shape`` is one sample's shape without the batch axis, e.g. ``(1, 28, 28)``;
        ``print(model.summary((1, 28, 28)))`` answers "what goes into this Affine". It runs
        one zero input through the model in eval mode (see :mod:`zeronn.summary`).
        """
        return model_summary(self, input_shape)

    # -- parameters, buffers and state ---------------------------------------------------

    @property
    def dtype(self) -> np.dtype | None:
        """The dtype of every parameter and buffer (None for a model without any)."""
        return self._dtype

    def named_parameters(self) -> list[tuple[str, Parameter]]:
        """``("<index>.<name>", Parameter)`` pairs, in layer order, e.g. ``"0.W"``; a Parameter
        two layers share is listed once, under its first name."""
        return unique_parameters(
            [
                (f"{index}.{name}", param)
                for index, layer in enumerate(self._layers)
                for name, param in layer.named_parameters()
            ]
        )

    def parameters(self) -> list[Parameter]:
        """All trainable Parameters, in the order of ``named_parameters``."""
        return [param for _, param in self.named_parameters()]

    def named_buffers(self) -> list[tuple[str, NDArray]]:
        """``("<index>.<name>", array)`` for saved non-trainable state, e.g. running means."""
        return [
            (f"{index}.{name}", buffer)
            for index, layer in enumerate(self._layers)
            for name, buffer in layer.named_buffers()
        ]

    def _named_arrays(self) -> list[tuple[str, NDArray]]:
        """Every saved array, parameters then buffers; the targets of load_state_dict."""
        return [(name, p.data) for name, p in self.named_parameters()] + self.named_buffers()

    def state_dict(self) -> dict[str, NDArray]:
        """Copies of every parameter and buffer, keyed by their names."""
        return {name: array.copy() for name, array in self._named_arrays()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Copy ``state`` into the parameters and buffers, in place, cast to the model's dtype.

        All-or-nothing: keys, kinds, shapes and values are all checked before anything is
        written. NaN and inf are refused (also values that overflow the model's dtype, e.g.
        1e39 into float32): a model holding them computes only NaN.
        """
        targets = self._named_arrays()
        values = checked_values(targets, state)  # raises before anything is written
        for name, target in targets:
            target[...] = values[name]

    # -- mode and container protocol -----------------------------------------------------

    def named_children(self) -> list[tuple[str, Layer]]:
        """``("<index>", layer)`` for every layer, in order: the first level of the tree."""
        return [(str(index), layer) for index, layer in enumerate(self._layers)]

    def train(self, mode: bool = True) -> Sequential:
        """Switch every layer to training mode (or eval mode with ``mode=False``)."""
        self.training = boolean(mode, "mode", "Sequential.train")
        for layer in self._layers:
            layer.train(mode)
        return self

    def eval(self) -> Sequential:
        """Switch every layer to eval mode: Dropout passes through, BatchNorm uses running stats."""
        return self.train(False)

    def __len__(self) -> int:
        return len(self._layers)

    def __getitem__(self, index: int | slice) -> Layer | Sequential:
        """The layer at ``index``; a slice gives a Sequential sharing those layers."""
        if isinstance(index, slice):
            return Sequential(self._layers[index])
        return self._layers[index]

    def __iter__(self) -> Iterator[Layer]:
        return iter(self._layers)

    def __repr__(self) -> str:
        index_width = len(str(len(self._layers) - 1)) + 2
        rows = [
            (f"{f'({index})':<{index_width}} {layer!r}", sum(p.size for p in layer.parameters()))
            for index, layer in enumerate(self._layers)
        ]
        total = sum(count for _, count in rows)
        width = max(len(text) for text, _ in rows)
        count_width = len(f"{total:,}")
        lines = [f"  {text:<{width}}  {count:>{count_width},}" for text, count in rows]
        lines.append(f"  total parameters: {total:,}")
        return "Sequential(\n" + "\n".join(lines) + "\n)"


def _common_dtype(layers: tuple[Layer, ...]) -> np.dtype | None:
    """The one dtype shared by all parameters and buffers; mixing them is refused."""
    dtype = None
    for index, layer in enumerate(layers):
        arrays = [p.data for p in layer.parameters()] + [b for _, b in layer.named_buffers()]
        for array in arrays:
            if dtype is None:
                dtype = array.dtype
            elif array.dtype != dtype:
                raise TypeError(
                    f"Sequential expected every layer in one dtype, but layer {index} "
                    f"({type(layer).__name__}) has {array.dtype} after {dtype}; "
                    "build all layers with the same dtype="
                )
    return dtype
