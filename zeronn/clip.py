"""Gradient clipping by global norm (Pascanu et al. 2013), for any optimizer.

For parameters with gradients g₁ … g_P, the total norm is that of all of them as one vector:

    total = sqrt(Σ_p ‖g_p‖²)
    g_p ← g_p · max_norm / (total + 1e-6)      only when total > max_norm

so the direction of the step is kept and only its length is capped (the 1e-6 is PyTorch's, so
that a clipped norm lands just under ``max_norm``). Recurrent networks need it: a gradient
through many time steps can explode for one batch and undo an epoch of training. Call it
between ``backward`` and ``optimizer.step()``; it edits ``grad`` in place.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

from zeronn.parameter import Parameter


def clip_grad_norm(parameters: Iterable[Parameter] | Parameter, max_norm: float) -> float:
    """Scale every ``grad`` in place so that their global norm is at most ``max_norm``.

    Returns the total norm *before* clipping (PyTorch's ``clip_grad_norm_``), worth logging:
    it shows how often and how hard clipping acts. The norm is summed in float64 whatever the
    gradients' dtype; the gradients keep theirs. A non-finite norm (NaN or inf in a gradient)
    raises ValueError instead of silently turning every parameter into NaN.

    >>> p = Parameter(np.zeros(2)); p.grad[...] = [3.0, 4.0]
    >>> clip_grad_norm([p], max_norm=1.0), p.grad.round(6).tolist()
    (5.0, [0.6, 0.8])
    """
    if isinstance(parameters, Parameter):
        parameters = [parameters]
    try:
        parameters = list(parameters)
    except TypeError:
        raise TypeError(
            f"clip_grad_norm expected an iterable of Parameters, e.g. model.parameters(), "
            f"got {type(parameters).__name__}"
        ) from None
    for index, param in enumerate(parameters):
        if not isinstance(param, Parameter):
            raise TypeError(
                f"clip_grad_norm expected Parameter instances, got {type(param).__name__} "
                f"at index {index}"
            )
    if (
        not isinstance(max_norm, numbers.Real)
        or isinstance(max_norm, bool)
        or not (math.isfinite(max_norm) and max_norm > 0)
    ):
        raise ValueError(f"clip_grad_norm expected max_norm > 0, got {max_norm!r}")
    squares = sum(float(np.sum(np.square(p.grad, dtype=np.float64))) for p in parameters)
    total = math.sqrt(squares)
    if not math.isfinite(total):
        raise ValueError(
            f"clip_grad_norm got a non-finite gradient norm ({total}); a gradient holds NaN or "
            "inf, so training has diverged (try a smaller learning rate)"
        )
    if total > max_norm:
        scale = max_norm / (total + 1e-6)
        for param in parameters:
            param.grad *= scale
    return total
