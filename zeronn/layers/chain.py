"""A chain of layers run backward, and the Parameters two of its layers share (tied weights).

Each layer's ``backward`` overwrites its parameters' ``grad`` with the gradient of its own use
(:mod:`zeronn.layers.base`). When one Parameter is used by two layers (a decoder whose weight
is the encoder's, transposed: :class:`zeronn.layers.TiedAffine`), the loss depends on it
through both, and by the chain rule its gradient is the sum of the two::

    ∂L/∂W = Σ_uses ∂L/∂W|_use

so the container adds them up: after each layer's ``backward`` it takes that use's ``grad``
into a running sum, and at the end writes the sum into ``grad`` (the same array, in place).
A chain without a shared Parameter runs exactly the plain loop, nothing more. A shared
Parameter is listed once, under its first name (:func:`unique_parameters`), so an optimizer
updates it once and a file saves it once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from zeronn.parameter import Parameter

__all__ = ["backward_chain", "shared_parameters", "unique_parameters"]

# a Parameter's id -> the Parameter; per layer of a chain, the shared ones it uses
Shared = list[list[Parameter]]


def unique_parameters(named: Sequence[tuple[str, Parameter]]) -> list[tuple[str, Parameter]]:
    """``named`` with each Parameter once, under the first name it had."""
    seen: set[int] = set()
    unique = []
    for name, param in named:
        if id(param) not in seen:
            seen.add(id(param))
            unique.append((name, param))
    return unique


def shared_parameters(layers: Sequence[object]) -> Shared | None:
    """Per layer, the Parameters it uses that another layer of ``layers`` uses too; None when
    the layers share none (the common case, which then costs nothing)."""
    owners: dict[int, int] = {}
    for layer in layers:
        for param in {id(p): p for p in layer.parameters()}.values():
            owners[id(param)] = owners.get(id(param), 0) + 1
    if all(count == 1 for count in owners.values()):
        return None
    return [
        [p for p in {id(p): p for p in layer.parameters()}.values() if owners[id(p)] > 1]
        for layer in layers
    ]


def backward_chain(
    layers: Sequence[object], dout: NDArray, shared: Shared | None, input_grad: bool = True
) -> NDArray | None:
    """Backpropagate ``dout`` through ``layers`` from the last to the first; return dℓ/dx (or
    None with ``input_grad=False``: the first layer writes its ``grad`` only). The gradients
    of ``shared`` Parameters are summed over their uses."""
    *later, first = layers[::-1]
    if shared is None:
        for layer in later:
            dout = layer.backward(dout)
        if input_grad:
            return first.backward(dout)
        first.backward_params(dout)
        return None
    sums: dict[int, NDArray] = {}
    dx = None
    for index in reversed(range(len(layers))):
        layer = layers[index]
        if index > 0 or input_grad:
            dout = layer.backward(dout)
            dx = dout
        else:
            layer.backward_params(dout)
        for param in shared[index]:
            if id(param) in sums:
                sums[id(param)] += param.grad
            else:
                sums[id(param)] = param.grad.copy()
    for used in shared:
        for param in used:
            np.copyto(param.grad, sums[id(param)])
    return dx if input_grad else None
