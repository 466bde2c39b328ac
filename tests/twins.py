"""Comparing two objects built the same way, bit for bit, for the refusal tests.

A refused call must change nothing, and a good call after it must give exactly what it gives
without it: the tests drive an object and its twin through the same good calls, the refused
one only through the refused call, and then compare them with :func:`plain_state`.
"""

import numpy as np

from zeronn.state import state_slots


def plain_state(*objects) -> list:
    """Every piece of state of ``objects`` as plain, comparable values, in a fixed order."""
    return [(slot.name, plain(slot.get())) for slot in state_slots(*objects)]


def plain(value):
    """Arrays as (dtype, shape, bytes), generators as their state; containers element-wise."""
    if isinstance(value, np.ndarray):
        return value.dtype.str, value.shape, value.tobytes()
    if isinstance(value, np.random.Generator):
        return plain(value.bit_generator.state)
    if isinstance(value, dict):
        return tuple((key, plain(item)) for key, item in sorted(value.items()))
    if isinstance(value, list | tuple):
        return tuple(plain(item) for item in value)
    if value is None or isinstance(value, int | float | str | bool | np.generic):
        return value
    return type(value).__name__  # an object kept by identity: its kind is what twins share


def assert_same_arrays(a, b) -> None:
    """Equal bit for bit (None for None, e.g. an Embedding's dx)."""
    if a is None or b is None:
        assert a is None
        assert b is None
        return
    assert plain(a) == plain(b)
