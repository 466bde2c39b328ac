"""A model as a tree of layers: walking it, and the two rules every model keeps.

A container (a :class:`~zeronn.model.Sequential`, a :class:`~zeronn.layers.Residual`, or a
layer of yours holding other layers) has children, named as its parameters are: the layer at
index 2 of a Sequential is ``"2"``, the second layer of the Residual there is ``"2.1"``, the
attribute ``body`` of a layer of yours is ``"2.body"``. :func:`walk` visits every node once,
parents first, under these names.

The rules, checked when a Sequential or a Residual is built and by ``check_gradients``:

- one object, one place: a layer caches its last ``forward`` for its ``backward`` and
  ``backward`` overwrites its parameters' ``grad``, so a layer object used at two places
  would backpropagate the second use's cache through both and keep one use's gradient;
- every Parameter a layer holds is listed (``param_names``, or ``named_parameters()`` of the
  containers above it): an unlisted one would never be trained, saved or gradient-checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from zeronn.parameter import Parameter


def is_module(value: object) -> bool:
    """A layer or a container of layers: anything with ``named_children`` (every Layer has it)."""
    return not isinstance(value, type) and callable(getattr(value, "named_children", None))


def attribute_children(node: object) -> list[tuple[str, Any]]:
    """The modules held in ``node``'s attributes, directly or in a list, tuple or dict.

    The default ``named_children`` of a layer, so that a layer of yours holding others
    (``self.body = Sequential(...)``, ``self.blocks = [...]``) is walked without more code.
    """
    children = []
    for name, value in _attributes(node):
        if is_module(value):
            children.append((name, value))
        elif isinstance(value, list | tuple):
            children += [(f"{name}.{i}", item) for i, item in enumerate(value) if is_module(item)]
        elif isinstance(value, dict):
            children += [(f"{name}.{key}", item) for key, item in value.items() if is_module(item)]
    return children


def children(node: object) -> list[tuple[str, Any]]:
    """``node.named_children()``, or its attribute children for an object without the method
    (e.g. a wrapper around a layer handed to ``check_gradients``)."""
    named = getattr(node, "named_children", None)
    return list(named()) if callable(named) else attribute_children(node)


def walk(root: object) -> Iterator[tuple[str, Any]]:
    """``(path, node)`` for the root (path ``""``) and every module below it, parents first.

    A node met a second time is not walked into again (so a cycle ends); :func:`check_tree`
    refuses such a tree.
    """
    seen: set[int] = set()
    pending = [("", root)]
    while pending:
        path, node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield path, node
        below = [(_join(path, name), child) for name, child in children(node)]
        pending.extend(reversed(below))


def check_tree(root: object, owner: str) -> None:
    """Refuse a layer object at two places, and a Parameter no ``named_parameters`` lists.

    ``owner`` starts the message (e.g. ``"Sequential"``); positions are the paths of
    :func:`walk`, e.g. ``1`` and ``2.0``.
    """
    places: dict[int, str] = {}
    nodes = []
    stack = [("", root)]
    while stack:
        path, node = stack.pop()
        if id(node) in places:
            first, second = sorted((places[id(node)], path), key=_path_order)
            kind = type(node).__name__
            raise ValueError(
                f"{owner} got the same {kind} object at positions {first} and {second}: a "
                "layer keeps the cache of its last forward for backward, so one object at two "
                f"places gives wrong gradients; create one {kind} per place"
            )
        places[id(node)] = path
        nodes.append((path, node))
        stack.extend((_join(path, name), child) for name, child in reversed(children(node)))
    listed = _listed_ids(root)
    for path, node in nodes:
        for attribute, param in _held_parameters(node):
            if id(param) not in listed:
                raise ValueError(_unlisted_message(owner, path, node, attribute, param))


def _unlisted_message(owner: str, path: str, node: object, attribute: str, param: Parameter) -> str:
    where = f"layer {path} ({type(node).__name__})" if path else type(node).__name__
    own = getattr(node, "named_parameters", None)
    if callable(own) and any(p is param for _, p in own()):
        fix = f"list the parameters of {where} in the named_parameters() of the layer holding it"
    else:
        names = getattr(node, "param_names", ())
        fix = f"add {attribute!r} to its param_names {tuple(names)!r}"
    return (
        f"{owner}: {where} holds the Parameter {attribute!r} {param.shape}, which no "
        f"named_parameters() lists, so it would never be trained, saved or gradient-checked; {fix}"
    )


def _listed_ids(root: object) -> set[int]:
    named = getattr(root, "named_parameters", None)
    return {id(param) for _, param in named()} if callable(named) else set()


def _held_parameters(node: object) -> list[tuple[str, Parameter]]:
    """The Parameters in ``node``'s attributes, directly or in a list, tuple or dict."""
    held = []
    for name, value in _attributes(node):
        if isinstance(value, Parameter):
            held.append((name, value))
        elif isinstance(value, list | tuple):
            held += [(f"{name}[{i}]", p) for i, p in enumerate(value) if isinstance(p, Parameter)]
        elif isinstance(value, dict):
            held += [(f"{name}[{k!r}]", p) for k, p in value.items() if isinstance(p, Parameter)]
    return held


def _attributes(node: object) -> list[tuple[str, Any]]:
    return list(getattr(node, "__dict__", {}).items())


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else str(name)


def _path_order(path: str) -> list[tuple[int, int | str]]:
    """Sort ``"10"`` after ``"9"``: numbers as numbers, names after them."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in path.split(".")]
