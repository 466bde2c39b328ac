"""The table behind ``Sequential.summary``: each layer's output shape and parameter count.

The shapes are found by running one zero-filled input through the model in eval mode, so
they are exactly what ``forward`` produces (a learner who changes a layer sees the change);
every layer is left as it was found, its mode (nested layers too) and its state
(:class:`zeronn.state.Snapshot`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

import numpy as np

from zeronn._checks import positive_int
from zeronn.parameter import Parameter
from zeronn.state import Snapshot


class Chain(Protocol):
    """What the table reads of a :class:`zeronn.model.Sequential`: its layers, in order, its
    dtype and its parameters."""

    dtype: np.dtype | None

    def __iter__(self) -> Iterator[Any]: ...

    def __getitem__(self, index: int) -> Any: ...

    def parameters(self) -> list[Parameter]: ...


def model_summary(model: Chain, input_shape: tuple[int, ...]) -> str:
    """One row per layer (its output shape and parameter count), then the totals.

    ``input_shape`` is one sample's shape without the batch axis, e.g. ``(1, 28, 28)`` for a
    convnet or ``(784,)`` for an MLP; shapes print with ``N`` for the batch axis.
    """
    owner = "Sequential.summary"
    if isinstance(input_shape, int | np.integer):
        input_shape = (input_shape,)
    if not isinstance(input_shape, tuple | list) or not input_shape:
        raise ValueError(
            f"{owner} expected input_shape as one sample's shape, e.g. (1, 28, 28), "
            f"got {input_shape!r}"
        )
    input_shape = tuple(positive_int(size, "input_shape", owner) for size in input_shape)
    dtype = model.dtype or np.float64
    # A model starting with an Embedding reads integer ids; id 0 is in every vocabulary.
    first_takes_ids = model[0].takes_ids
    x = np.zeros((1, *input_shape), dtype=np.int64 if first_takes_ids else dtype)
    rows = [("input", _batch_shape(x.shape), "")]
    before = Snapshot(model, parameters=False)
    try:
        for index, layer in enumerate(model):
            layer.train(False)
            try:
                x = layer.forward(x)
            except (ValueError, TypeError) as error:
                raise ValueError(
                    f"{owner}: layer {index} ({type(layer).__name__}) cannot take the output "
                    f"of the layer before it, {_batch_shape(x.shape)}: {error}"
                ) from error
            count = sum(p.size for p in layer.parameters())
            rows.append((f"({index}) {layer!r}", _batch_shape(x.shape), f"{count:,}"))
    finally:
        before.restore()
    total = sum(p.size for p in model.parameters())
    megabytes = sum(p.data.nbytes for p in model.parameters()) / 2**20
    return _table(rows, f"total parameters: {total:,} ({megabytes:.2f} MiB in {dtype})")


def _batch_shape(shape: tuple[int, ...]) -> str:
    """``(1, 30, 24, 24)`` -> ``"(N, 30, 24, 24)"``: the batch axis is any size."""
    return "(" + ", ".join(["N", *(str(int(size)) for size in shape[1:])]) + ")"


def _table(rows: list[tuple[str, str, str]], footer: str) -> str:
    header = ("layer", "output shape", "parameters")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(3)]

    def line(row: tuple[str, str, str]) -> str:
        return f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}".rstrip()

    rule = "-" * (sum(widths) + 4)
    return "\n".join([line(header), rule, *map(line, rows), rule, footer])
