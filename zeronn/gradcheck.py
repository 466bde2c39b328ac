"""Gradient checking: compare a hand-written backward pass with central differences.

Usage, for a layer or a model (anything with ``forward``, ``backward`` and
``named_parameters``), in float64::

    import numpy as np
    from zeronn.gradcheck import check_gradients
    from zeronn.layers.affine import Affine
    x = np.random.default_rng(1).normal(size=(4, 5))
    report = check_gradients(Affine(5, 3, rng=0), x, rng=2)
    print(report)                  # one row per array: "x", "W", "b"
    assert report.max_error < 1e-6

With ``t=None`` the checked scalar is ``sum(forward(x) · dout)`` for a random upstream gradient
``dout ~ N(0, 1)``: a gradient of ones would sum over the output's axes and hide transposes.
With ``t`` given, the checked scalar is ``loss.forward(forward(x), t)`` (a
``SoftmaxCrossEntropy`` unless ``loss=`` says otherwise), backpropagated from
``loss.backward()``. Errors of 0, or well under 1e-6, mean the backward pass is right; 1e-2 or
more means it is wrong.

The error of each array (:mod:`zeronn.gradient_error`) counts only the disagreement the
numerical slope can resolve: not a kink within a step of the point (an input on ReLU's 0),
not rounding, and an array whose true gradient is exactly 0 (a bias in front of BatchNorm,
attention's ``bk``) is judged on the other arrays' scale, not on its own rounding noise.
Correct layers score 0 or near it; a transposed weight, a sum over the batch left out or a
factor 2 score 1e-2 or more.

Every forward evaluation starts from the module's state as it was found
(:class:`zeronn.state.Snapshot`): buffers, a stateful RNN's carried state, the generators of
Dropout and any layer holding one, modes. So stateful and Dropout layers check without
reseeding (each pass draws the same mask), and the module is left as it was found, except
that the parameters' ``grad`` hold the analytic gradients.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import as_generator, shape_text
from zeronn.gradient_error import central_differences, gradient_errors
from zeronn.state import Snapshot
from zeronn.tree import check_tree


def numerical_gradient(
    f: Callable[[NDArray[np.float64]], float], x: NDArray[np.float64], eps: float = 1e-6
) -> NDArray[np.float64]:
    """Central-difference gradient of the scalar ``f`` at ``x``, same shape as ``x``.

    ``∂f/∂xᵢ ≈ (f(x + eps·eᵢ) − f(x − eps·eᵢ)) / (2 eps)``, with error O(eps²). ``x`` is
    perturbed in place, one entry at a time, and passed to ``f`` (so ``f`` may also be a
    closure that reads ``x`` by reference, e.g. a layer's weight); every entry is restored
    exactly, even if ``f`` raises. ``x`` must be a float64 array: in float32 the rounding
    error of ``f`` divided by ``2 eps`` swamps the derivative.
    """
    _require_float64(x, "numerical_gradient", "x")
    if not eps > 0:
        raise ValueError(f"numerical_gradient expected eps > 0, got {eps!r}")
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        try:
            x[index] = original + eps
            f_plus = float(f(x))
            x[index] = original - eps
            f_minus = float(f(x))
        finally:
            x[index] = original
        gradient[index] = (f_plus - f_minus) / (2 * eps)
    return gradient


def relative_error(a: NDArray[np.floating], b: NDArray[np.floating]) -> float:
    """Relative error ``‖a − b‖ / max(‖a‖ + ‖b‖, tiny)`` with Euclidean norms over all entries.

    It lies in [0, 1]; 0 when both are zero. Shapes must match.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(
            f"relative_error expected arrays of the same shape, got {shape_text(a.shape)} "
            f"and {shape_text(b.shape)}"
        )
    scale = max(np.linalg.norm(a) + np.linalg.norm(b), np.finfo(np.float64).tiny)
    return float(np.linalg.norm(a - b) / scale)


class GradientReport(Mapping[str, float]):
    """The error of each checked array: ``"x"`` (the input) and each parameter's name.

    ``report[name]`` is the error of the module docstring; ``non_smooth[name]`` counts the
    entries excused as lying within a step of a kink (0 for most arrays).
    """

    def __init__(
        self,
        errors: dict[str, float],
        shapes: dict[str, tuple[int, ...]],
        non_smooth: dict[str, int] | None = None,
    ) -> None:
        self._errors = dict(errors)
        self._shapes = dict(shapes)
        self.non_smooth = dict.fromkeys(self._errors, 0) | dict(non_smooth or {})

    def __getitem__(self, name: str) -> float:
        return self._errors[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._errors)

    def __len__(self) -> int:
        return len(self._errors)

    @property
    def max_error(self) -> float:
        """The largest relative error over all checked arrays."""
        return max(self._errors.values())

    def __str__(self) -> str:
        name_width = max(len("array"), *(len(name) for name in self._errors))
        shape_width = max(len("shape"), *(len(shape_text(s)) for s in self._shapes.values()))
        lines = [f"{'array':<{name_width}}  {'shape':<{shape_width}}  relative error"]
        for name, error in self._errors.items():
            shape = shape_text(self._shapes[name])
            line = f"{name:<{name_width}}  {shape:<{shape_width}}  {error:.2e}"
            count = self.non_smooth[name]
            if count:
                entries = "entry" if count == 1 else "entries"
                line += f"  ({count} {entries} within a step of a kink, excused)"
            lines.append(line)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"GradientReport(max_error={self.max_error:.2e}, arrays={list(self._errors)})"


def check_gradients(
    module: Any,
    x: NDArray[np.float64],
    *,
    rng: np.random.Generator | int | None = None,
    t: NDArray | None = None,
    loss: Any = None,
    eps: float = 1e-6,
) -> GradientReport:
    """Compare ``module``'s backward pass with numerical gradients for ``x`` and every parameter.

    ``module`` needs ``forward(x)``, ``backward(dout)`` and ``named_parameters()``. With
    targets ``t`` the scalar checked is ``loss(forward(x), t)`` for ``loss`` (default
    ``SoftmaxCrossEntropy()``); without, it is ``sum(forward(x) · dout)`` for a random
    ``dout`` drawn from ``rng``. Everything must be float64. The error of each array is
    measured as :mod:`zeronn.gradient_error` says. ``x`` is not modified; the module is left as it
    was found (parameters exactly, buffers, carried state, generators, modes; a generator it
    holds is put back even if it is also ``rng``), except that the parameters' ``grad`` hold
    the analytic gradients. A layer object used at two places, or a Parameter that
    ``named_parameters`` does not list, is refused first (:mod:`zeronn.tree`).
    """
    if loss is not None and t is None:
        raise ValueError("check_gradients was given a loss but no targets t to score it with")
    generator = as_generator(rng, "check_gradients")
    _require_float64(x, "check_gradients", "input x")
    if not eps > 0:
        raise ValueError(f"check_gradients expected eps > 0, got {eps!r}")
    check_tree(module, "check_gradients")
    parameters = list(module.named_parameters())
    for name, parameter in parameters:
        _require_float64(parameter.data, "check_gradients", f"parameter {name!r}")
    if "x" in dict(parameters):
        raise ValueError(
            "check_gradients reserves the name 'x' for the input; rename the parameter"
        )
    loss = None if t is None else _checked_loss(loss)
    found = Snapshot(module)
    start = Snapshot(module, parameters=False)  # put back before every forward
    x = x.copy()
    try:
        start.restore()
        dout = None if t is not None else generator.standard_normal(np.shape(module.forward(x)))

        def evaluate() -> tuple[float, float]:
            """f at the current x and parameters, and the sum of its terms' absolute values."""
            start.restore()
            y = module.forward(x)
            if dout is None:
                value = float(loss.forward(y, t))
                return value, abs(value)
            terms = y * dout
            return float(np.sum(terms)), float(np.sum(np.abs(terms)))

        f0 = evaluate()  # the forward whose cache backward reads
        dx = module.backward(loss.backward() if dout is None else dout)
        if not isinstance(dx, np.ndarray) or dx.shape != x.shape:
            raise ValueError(
                f"check_gradients expected backward to return dx of the input's shape "
                f"{shape_text(x.shape)}, got {getattr(dx, 'shape', type(dx).__name__)}"
            )
        analytic = {"x": dx.copy()} | {name: p.grad.copy() for name, p in parameters}
        arrays = {"x": x} | {name: p.data for name, p in parameters}
        numeric = {
            name: central_differences(evaluate, array, eps, f0[0]) for name, array in arrays.items()
        }
    finally:
        found.restore()
    # The numerical passes ran forward only; leave the analytic gradients in grad.
    for name, parameter in parameters:
        parameter.grad[...] = analytic[name]
    errors, non_smooth = gradient_errors(analytic, numeric)
    return GradientReport(errors, {name: a.shape for name, a in arrays.items()}, non_smooth)


def _checked_loss(loss: Any) -> Any:
    """``loss``, or a SoftmaxCrossEntropy for None, after checking its two methods."""
    if loss is None:
        from zeronn.losses import SoftmaxCrossEntropy

        return SoftmaxCrossEntropy()
    if not (callable(getattr(loss, "forward", None)) and callable(getattr(loss, "backward", None))):
        raise TypeError(
            f"check_gradients expected loss with forward(logits, t) and backward(), "
            f"got {type(loss).__name__}"
        )
    return loss


def _require_float64(array: object, owner: str, what: str) -> None:
    if not isinstance(array, np.ndarray):
        raise TypeError(f"{owner} expected {what} as a numpy array, got {type(array).__name__}")
    if array.dtype != np.float64:
        raise TypeError(
            f"{owner} needs {what} in float64, got {array.dtype}: a numerical gradient in lower "
            "precision is dominated by rounding error; build the layer or model with "
            "dtype=np.float64 and pass a float64 input"
        )
