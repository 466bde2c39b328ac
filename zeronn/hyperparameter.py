"""Hyperparameter: an optimizer setting, checked the same way at construction and when set later.

    class Momentum(Optimizer):
        momentum = Hyperparameter(fraction, below_one=True)

``Momentum(params, lr=0.1, momentum=1.5)`` and ``optimizer.momentum = 1.5`` raise the same
error, and a refused assignment keeps the old value. Besides its kind and range (a validator
of :mod:`zeronn._checks`, e.g. ``positive_real``), the value must mean in the parameters'
dtype what it means as a Python number, because every update computes in that dtype: Adam's
``eps=1e-50`` is 0 in float32 (√v̂ + ε then divides by zero) and ``lr=1e39`` is inf there; a
momentum of 0.99999999 rounds to 1 in float32 and the velocity would never decay
(:func:`zeronn._checks.representable`). The value is stored in ``_<name>`` as given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zeronn._checks import representable

Validator = Callable[[object, str, str], float]


class Hyperparameter:
    """A validated attribute of an optimizer (a descriptor: a property for many names).

    The optimizer lists its parameters' dtypes in ``dtypes`` before its first assignment.
    """

    def __init__(self, validator: Validator, *, below_one: bool = False) -> None:
        self.validator = validator
        self.below_one = below_one
        self.name = self.storage = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.storage = name, f"_{name}"

    def __get__(self, optimizer: Any, owner: type | None = None) -> Any:
        if optimizer is None:
            return self
        return getattr(optimizer, self.storage)

    def __set__(self, optimizer: Any, value: object) -> None:
        owner = type(optimizer).__name__
        number = self.validator(value, self.name, owner)
        for dtype in optimizer.dtypes:
            representable(number, self.name, owner, dtype, below_one=self.below_one)
        setattr(optimizer, self.storage, number)
