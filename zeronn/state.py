"""Snapshot: the state of models, optimizers and trainers, saved to put back or to compare.

A refused call changes nothing, and a helper that switches modes or runs extra forward passes
(``predict``, ``summary``, ``check_gradients``, the checks ``fit`` runs before its first step,
the guard against a diverging step) leaves the model as it found it. They all do it the same
way::

    snapshot = Snapshot(model, optimizer)   # copies of the state, taken now
    ...                                     # work that may fail half-way, or change modes
    snapshot.restore()                      # every piece put back, in place
    snapshot.changes()                      # [] when nothing differs, else what differs

What is state, and so saved:

- a model (a Sequential, a Layer, or any object with ``forward`` and ``named_parameters``),
  walked through its nested containers (:func:`zeronn.tree.walk`): every Parameter's
  ``data`` and ``grad`` (skipped with ``parameters=False``), the buffers (``buffer_names``),
  the carried state (``state_names``, a stateful RNN's ``state``), the mode (``training``) of
  every node, and every ``numpy.random.Generator`` a node holds (Dropout's masks);
- an optimizer: its parameters, its hyperparameters, and its ``state_names`` (moments, step
  counters);
- any other object with ``state_names`` (the Trainer, callbacks): those attributes, and the
  state of the models, optimizers, generators and callbacks they hold;
- a Generator: the state of its bit generator.

A forward pass's cache (what ``backward`` reads) is not state. Restoring puts back the very
objects as well as their values: an attribute rebound since (``layer.state = ...``,
``param.data = ...``) points at its old array again, holding its old values.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from zeronn.hyperparameter import Hyperparameter
from zeronn.parameter import Parameter
from zeronn.tree import is_module, walk


class Slot:
    """One place that holds state: the attribute ``key`` of ``holder`` (``key=None``: the
    holder itself, e.g. a Generator given directly), named ``name`` in :meth:`Snapshot.changes`.
    """

    __slots__ = ("holder", "key", "name")

    def __init__(self, name: str, holder: object, key: str | None = None) -> None:
        self.name, self.holder, self.key = name, holder, key

    def get(self) -> Any:
        return self.holder if self.key is None else getattr(self.holder, self.key)

    def set(self, value: object) -> None:
        if self.key is not None:
            setattr(self.holder, self.key, value)


def state_slots(*objects: object, parameters: bool = True) -> list[Slot]:
    """Every place holding the state of ``objects`` (see the module docstring), each once.

    A model's places are fixed once it is built, so a caller that snapshots often (every
    training step) collects them once and passes them to :meth:`Snapshot.of`.
    """
    collected: dict[tuple[int, str | None], Slot] = {}
    for obj in objects:
        _collect(obj, _root_name(obj), parameters, collected)
    return list(collected.values())


class Snapshot:
    """Copies of the state of ``objects``, taken at construction; see the module docstring.

    ``parameters=False`` leaves out every Parameter's ``data`` and ``grad``: for the guards
    around code that cannot write them (a forward pass; an optimizer that refuses a step
    before writing), where copying every weight on every step would buy nothing.
    """

    def __init__(self, *objects: object, parameters: bool = True) -> None:
        self._saved = [_capture(slot) for slot in state_slots(*objects, parameters=parameters)]

    @classmethod
    def of(cls, slots: Iterable[Slot]) -> Snapshot:
        """A snapshot of places collected before by :func:`state_slots`."""
        snapshot = cls.__new__(cls)
        snapshot._saved = [_capture(slot) for slot in slots]
        return snapshot

    def restore(self) -> None:
        """Put every saved value back, in place, into the objects it was taken from."""
        for slot, original, saved in self._saved:
            slot.set(original)
            _put_back(original, saved)

    def changes(self) -> list[str]:
        """The names of the places whose state differs from the snapshot; [] if none does."""
        return [slot.name for slot, old, saved in self._saved if _changed(slot, old, saved)]

    def __repr__(self) -> str:
        return f"Snapshot({len(self._saved)} places)"


# -- collecting the places -----------------------------------------------------------------


def _collect(obj: object, name: str, parameters: bool, out: dict) -> None:
    if isinstance(obj, np.random.Generator):
        _add(out, Slot(name, obj))
    elif is_module(obj) or _has_methods(obj, "forward", "named_parameters"):
        _collect_module(obj, name, parameters, out)
    else:
        _collect_object(obj, name, parameters, out)


def _collect_module(root: object, prefix: str, parameters: bool, out: dict) -> None:
    for path, node in walk(root):
        where = _join(prefix, path)
        if isinstance(getattr(node, "training", None), bool):
            _add(out, Slot(_join(where, "training"), node, "training"))
        for key in (*getattr(node, "buffer_names", ()), *getattr(node, "state_names", ())):
            _add(out, Slot(_join(where, key), node, key))
        for key, value in _attributes(node):
            if isinstance(value, np.random.Generator):
                _add(out, Slot(_join(where, key), node, key))
    if parameters:
        named = getattr(root, "named_parameters", None)
        listed = list(named()) if callable(named) else []
        held = [
            (_join(path, key), value)
            for path, node in walk(root)
            for key, value in _attributes(node)
            if isinstance(value, Parameter)
        ]
        for param_name, param in listed + held:
            _add_parameter(out, _join(prefix, param_name), param)


def _collect_object(obj: object, name: str, parameters: bool, out: dict) -> None:
    params = getattr(obj, "params", None)
    if parameters and isinstance(params, list):
        for index, param in enumerate(params):
            if isinstance(param, Parameter):
                _add_parameter(out, f"{name}.params[{index}]", param)
    for cls in type(obj).__mro__:
        for attribute in vars(cls).values():
            if isinstance(attribute, Hyperparameter):
                _add(out, Slot(f"{name}.{attribute.name}", obj, attribute.storage))
    for dotted in getattr(obj, "state_names", ()):
        *path, key = dotted.split(".")
        holder = obj
        for part in path:
            holder = getattr(holder, part)
        _add(out, Slot(f"{name}.{dotted}", holder, key))
        value = getattr(holder, key)
        for index, item in _stateful_items(value):
            _collect(item, f"{name}.{dotted}{index}", parameters, out)


def _stateful_items(value: object) -> list[tuple[str, object]]:
    """The objects inside an attribute whose own state is saved too (a model, callbacks)."""
    items = list(enumerate(value)) if isinstance(value, list | tuple) else [("", value)]
    return [
        (f"[{index}]" if index != "" else "", item)
        for index, item in items
        if is_module(item)
        or _has_methods(item, "forward", "named_parameters")
        or getattr(item, "state_names", None) is not None
        or isinstance(getattr(item, "params", None), list)
    ]


def _add_parameter(out: dict, name: str, param: Parameter) -> None:
    _add(out, Slot(name, param, "data"))
    _add(out, Slot(f"{name}.grad", param, "grad"))


def _add(out: dict, slot: Slot) -> None:
    out.setdefault((id(slot.holder), slot.key), slot)


def _attributes(node: object) -> list[tuple[str, Any]]:
    return list(getattr(node, "__dict__", {}).items())


def _has_methods(obj: object, *names: str) -> bool:
    return not isinstance(obj, type) and all(callable(getattr(obj, n, None)) for n in names)


def _root_name(obj: object) -> str:
    return "" if is_module(obj) or _has_methods(obj, "forward") else type(obj).__name__


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix and name else prefix or name


# -- copying, putting back and comparing values ---------------------------------------------


def _capture(slot: Slot) -> tuple[Slot, Any, Any]:
    original = slot.get()
    return slot, original, _copy(original)


def _copy(value: Any) -> Any:
    """What restoring needs besides ``value`` itself: its contents, for the mutable kinds."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.random.Generator):
        return value.bit_generator.state  # a fresh dict each time: already a copy
    if isinstance(value, list | tuple):
        return [(item, _copy(item)) for item in value]
    return None  # numbers, strings, None, and objects kept by identity


def _put_back(original: Any, saved: Any) -> None:
    if isinstance(original, np.ndarray):
        if original.flags.writeable:
            np.copyto(original, saved)
    elif isinstance(original, np.random.Generator):
        original.bit_generator.state = saved  # copied in: the saved dict stays reusable
    elif isinstance(original, list | tuple):
        if isinstance(original, list):
            original[:] = [item for item, _ in saved]
        for item, item_saved in saved:
            _put_back(item, item_saved)


def _changed(slot: Slot, original: Any, saved: Any) -> bool:
    current = slot.get()
    if _is_plain(original):
        return not _same_number(current, original)
    return current is not original or _differs(original, saved)


def _differs(original: Any, saved: Any) -> bool:
    """Whether the contents of ``original`` moved away from their saved copy, bit for bit."""
    if isinstance(original, np.ndarray):
        return (
            original.shape != saved.shape
            or original.dtype != saved.dtype
            or original.tobytes() != saved.tobytes()
        )
    if isinstance(original, np.random.Generator):
        return not _same_state(original.bit_generator.state, saved)
    if isinstance(original, list | tuple):
        return len(original) != len(saved) or any(
            item is not old or _differs(item, item_saved)
            for item, (old, item_saved) in zip(original, saved, strict=True)
        )
    return False


def _is_plain(value: object) -> bool:
    return value is None or isinstance(value, numbers.Number | str | bool | np.generic)


def _same_number(a: object, b: object) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _same_state(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and a.keys() == b.keys()
            and all(_same_state(a[key], b[key]) for key in a)
        )
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and np.array_equal(a, b)
    return bool(a == b)
