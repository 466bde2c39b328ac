"""Everything a training step changes, saved before the profiler's steps and put back after.

A profiled step is a real step (forward in training mode, loss, backward, and the optimizer's
update when one is given), so it moves state the user owns: parameters and their gradients,
buffers (BatchNorm's running statistics), layer modes, random generators (Dropout's masks),
a stateful recurrent layer's carried state, and the optimizer's moments and counters.
:func:`saved_state` copies all of it and returns a function that writes the copies back in
place (the same arrays and objects stay in the user's hands).

What is not restored: the layers' forward caches, as after :meth:`Sequential.predict` (run
``forward`` again before ``backward``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator

import numpy as np

from zeronn.layers.base import Layer
from zeronn.parameter import Parameter


def all_layers(layers) -> Iterator[Layer]:
    """Every layer of ``layers`` and, depth first, the layers inside them (a Residual's)."""
    for layer in layers:
        yield layer
        inner = getattr(layer, "layers", None)
        if isinstance(inner, list | tuple):
            yield from all_layers(inner)


def saved_state(model, optimizer=None) -> Callable[[], None]:
    """Copy the state a training step of ``model`` (and ``optimizer``) changes; return the
    function that restores it."""
    restores = [_attribute(model, "training")]
    for layer in all_layers(model):
        restores.append(_attribute(layer, "training"))
        restores += [_array(p.data) for p in layer.parameters()]
        restores += [_array(p.grad) for p in layer.parameters()]
        restores += [_array(buffer) for _, buffer in layer.named_buffers()]
        for value in vars(layer).values():
            if isinstance(value, np.random.Generator):
                restores.append(_generator(value))
        if "state" in vars(layer):  # a recurrent layer's carried (h, c)
            restores.append(_attribute(layer, "state", copy.deepcopy))
    if optimizer is not None:
        restores += [_optimizer_entry(optimizer, name) for name in vars(optimizer)]

    def restore() -> None:
        for put_back in restores:
            put_back()

    return restore


def _array(array: np.ndarray) -> Callable[[], None]:
    saved = array.copy()
    return lambda: np.copyto(array, saved)


def _generator(generator: np.random.Generator) -> Callable[[], None]:
    saved = generator.bit_generator.state

    def restore() -> None:
        generator.bit_generator.state = saved

    return restore


def _attribute(owner: object, name: str, copier=lambda value: value) -> Callable[[], None]:
    saved = copier(getattr(owner, name))
    return lambda: setattr(owner, name, copier(saved))


def _optimizer_entry(optimizer: object, name: str) -> Callable[[], None]:
    """An optimizer attribute: its arrays (moments) restored in place, under the same name and
    in the same list; anything else (counters, the learning rate) set back; the parameter
    list itself is left alone."""
    value = getattr(optimizer, name)
    if name == "params" or isinstance(value, Parameter):
        return lambda: None
    arrays = [value] if isinstance(value, np.ndarray) else value
    if not (isinstance(arrays, list) and all(isinstance(a, np.ndarray) for a in arrays)):
        return _attribute(optimizer, name, copy.deepcopy)
    originals, saved = list(arrays), [a.copy() for a in arrays]

    def restore() -> None:
        for array, copied in zip(originals, saved, strict=True):
            np.copyto(array, copied)
        if isinstance(value, list):
            value[:] = originals
        setattr(optimizer, name, value)

    return restore
