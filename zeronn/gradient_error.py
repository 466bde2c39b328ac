"""The error ``check_gradients`` reports for each array, measured so that it cannot cry wolf.

The plain relative error ‖a − c‖ / (‖a‖ + ‖c‖) of an analytic gradient a against a central
difference c reads near 1 for correct layers in three common cases: a true gradient of exactly
0 (both norms are then rounding noise), a point within a step of a kink (c blends two slopes),
and, without care, a layer whose state moves between evaluations. The measure below keeps what
the plain one catches and drops what it cannot tell from a bug.

For entry i of a checked array (the input or a parameter), with the step h = ``eps``, f is
evaluated three times, at the point (f₀) and one step either side (f₊ = f(x + h·eᵢ),
f₋ = f(x − h·eᵢ)):

    cᵢ = (f₊ − f₋) / 2h                                     the central slope
    uᵢ = |f₊ − 2f₀ + f₋| / 2h  +  ε·(|f₊|~ + |f₋|~) / h     what cᵢ cannot resolve

The first term of uᵢ is the change of slope across the step. Where f is smooth it is about
h·|f''|/2 (5e-7·|f''| at the default step), far below any bug; where a kink lies within h of the
point (an input on ReLU's 0, a max-pool tie) it is half the jump of the slope, exactly the
amount by which cᵢ, a blend of the slopes either side, may differ from the one-sided slope an
analytic gradient gives. The second is rounding: ε is float64's machine epsilon and |f|~ the
sum of the absolute values of f's terms (Σ|y ⊙ dout|, or |loss|), which bounds f's rounding
better than |f| when the terms cancel. With ``a`` the analytic gradient and n the array's size,

    error = ‖max(|a − c| − u, 0)‖ / max(‖a‖ + ‖c‖, s·√n)

where s is the RMS entry of the numerical gradients of every checked array together. Only
the disagreement that the numerical slope can resolve counts, so a correct layer is not
blamed for a kink or for rounding; and an array whose true gradient is exactly 0 (a bias in
front of BatchNorm, attention's ``bk``), whose own norms are rounding noise, is measured on
the scale of the others instead of on that noise, while a wrong array (a transposed weight, a
sum over the batch left out, a factor 2) still scores 1e-2 or more. Where entries needed the
kink allowance (it removed more than 1e-6 of the per-entry scale max(...)/√n from them), the
report says how many: it is worth a look if the point was not meant to sit on a kink. One limit
no three-point check escapes: several kinks crossed by the same step at once (every hidden
ReLU of a sample at exactly 0) can bend f in opposite directions and hide from the second
difference, and ReLU's per-unit derivative 0 at 0 then gives a value that is neither
one-sided slope; keep checked inputs off such points.

Why these choices: the allowance u is per entry and comes from f itself, so it is large only
where f bends within the step and costs nothing elsewhere (a global tolerance would either cry
wolf at kinks or hide bugs in small arrays). The floor s·√n of the denominator never lowers an
array's own scale; it raises it only for an array whose gradient is small next to the others',
whose disagreement is then scored against the typical gradient: a 100% bug in an array whose
true gradient is 1e-4 of the others' scores about 1e-4, still far above a correct layer's 0
but not by the usual margin, which is the price of not crying wolf at exact zeros.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

# An entry whose disagreement the kink allowance removed by more than this share of the
# per-entry scale is reported as excused (non-smooth).
NON_SMOOTH_SHARE = 1e-6


def central_differences(
    evaluate: Callable[[], tuple[float, float]], array: NDArray, eps: float, f0: float
) -> tuple[NDArray, NDArray, NDArray]:
    """Per entry of ``array``: the central slope c, the kink term and the rounding term of u.

    Each entry is perturbed in place and restored exactly, even if ``evaluate`` raises.
    """
    slope, kink, rounding = (np.zeros(array.shape) for _ in range(3))
    machine_eps = np.finfo(np.float64).eps
    for index in np.ndindex(array.shape):
        original = array[index]
        try:
            array[index] = original + eps
            f_plus, size_plus = evaluate()
            array[index] = original - eps
            f_minus, size_minus = evaluate()
        finally:
            array[index] = original
        slope[index] = (f_plus - f_minus) / (2 * eps)
        kink[index] = abs(f_plus - 2 * f0 + f_minus) / (2 * eps)
        rounding[index] = machine_eps * (size_plus + size_minus) / eps
    return slope, kink, rounding


def gradient_errors(
    analytic: dict[str, NDArray], numeric: dict[str, tuple[NDArray, NDArray, NDArray]]
) -> tuple[dict[str, float], dict[str, int]]:
    """Each array's error and its count of excused entries (the module docstring's formulas).

    ``analytic``: name -> the backward pass's gradient; ``numeric``: name -> the three arrays
    of :func:`central_differences`.
    """
    squares = sum(float(np.sum(slope**2)) for slope, _, _ in numeric.values())
    size = sum(slope.size for slope, _, _ in numeric.values())
    shared_scale = np.sqrt(squares / max(size, 1))
    errors, non_smooth = {}, {}
    for name, (slope, kink, rounding) in numeric.items():
        a = analytic[name]
        n = max(a.size, 1)
        scale = max(
            float(np.linalg.norm(a) + np.linalg.norm(slope)),
            float(shared_scale * np.sqrt(n)),
            np.finfo(np.float64).tiny,
        )
        disagreement = np.abs(a - slope) - rounding
        excess = np.maximum(disagreement - kink, 0.0)
        errors[name] = float(np.linalg.norm(excess) / scale)
        excused = np.minimum(disagreement, kink) > NON_SMOOTH_SHARE * scale / np.sqrt(n)
        non_smooth[name] = int(np.count_nonzero(excused))
    return errors, non_smooth
