"""The checks of ``Sequential.load_state_dict``: a state is loaded whole or not at all.

Every array of the state is checked against the model's before any is written: the names
(none missing, none unexpected), the kinds (numbers), the shapes, and the values, which must
be finite once cast to the model's dtype (NaN or inf weights compute only NaN, and 1e39 is
inf in float32).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import shape_text


def checked_values(targets: list[tuple[str, NDArray]], state: object) -> dict[str, NDArray]:
    """``state``'s arrays cast to their targets' dtypes, by name, once every check has passed.

    ``targets``: the model's ``(name, array)`` pairs. Raises TypeError for a state that is not
    a mapping or holds something other than numbers, ValueError naming what does not fit.
    """
    if not isinstance(state, Mapping):
        raise TypeError(
            f"load_state_dict expected a mapping of names to arrays, got {type(state).__name__}"
        )
    problems, non_finite = [], []
    values: dict[str, NDArray] = {}
    for name, target in targets:
        if name not in state:
            continue
        value = np.asarray(state[name])
        if value.dtype.kind not in "fiu":
            raise TypeError(f"load_state_dict expected {name!r} as numbers, got {value.dtype}")
        if value.shape != target.shape:
            if not problems:
                problems.append(
                    f"{name!r} has shape {shape_text(target.shape)} in the model but "
                    f"{shape_text(value.shape)} in the state"
                )
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            values[name] = value.astype(target.dtype, copy=False)
        what = _non_finite(values[name], value, name)
        if what is not None:
            non_finite.append(what)
    known = {name for name, _ in targets}
    missing = [name for name, _ in targets if name not in state]
    unexpected = [str(key) for key in state if key not in known]
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if unexpected:
        problems.append(f"unexpected {', '.join(unexpected)}")
    if problems:
        raise ValueError(
            "load_state_dict: the state does not fit this model: " + "; ".join(problems)
        )
    if non_finite:
        raise ValueError(
            f"load_state_dict refused the state: {'; '.join(non_finite)}; nothing was loaded "
            "(a model holding them computes only NaN)"
        )
    return values


def _non_finite(values: NDArray, given: Any, name: str) -> str | None:
    """What is not finite in ``values`` (``given`` cast to the model's dtype), or None."""
    finite = np.isfinite(values)
    if finite.all():
        return None
    nan_count = int(np.count_nonzero(np.isnan(values)))
    inf_count = values.size - int(np.count_nonzero(finite)) - nan_count
    text = f"{name!r} holds {nan_count} NaN and {inf_count} inf values"
    overflowed = inf_count - int(np.count_nonzero(np.isinf(given)))
    if overflowed:
        text += f" ({overflowed} of them finite in the state but beyond {values.dtype}'s range)"
    return text
