"""Weight initializers. Each takes ``(shape, rng)`` and returns a new array.

For a weight with ``fan_in`` inputs per output unit:

- ``normal(std)``:      W ~ std · N(0, 1)               (the book's and the blog's 0.01)
- ``he_normal``:        W ~ sqrt(2 / fan_in) · N(0, 1)  (He et al. 2015, for ReLU)
- ``xavier_normal``:    W ~ sqrt(1 / fan_in) · N(0, 1)  (the book's "Xavier", for sigmoid/tanh)
- ``xavier_uniform``:   W ~ U(-a, a), a = sqrt(6 / (fan_in + fan_out))  (Glorot & Bengio 2010)
- ``zeros``:            biases

Layers accept ``init`` as a float std, ``"he"`` or ``"xavier"`` (the book's names);
:func:`initialize` resolves that spec.

The default generator: every ``rng=`` argument in zeronn is optional. Without it, draws come
from one package-wide ``numpy.random.Generator`` (:mod:`zeronn.rng`, seeded from the operating
system's entropy at import), which :func:`manual_seed` reseeds in place, so ``manual_seed(0)``
followed by the same code gives the same numbers. NumPy's legacy global state
(``np.random.seed``) is never used.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.typing import DTypeLike, NDArray

from zeronn._checks import non_negative_int
from zeronn.rng import default_generator  # also zeronn.init.default_generator, as before

InitSpec = float | str


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed zeronn's default generator (PyTorch's name) and return it.

    The generator is reseeded in place, so layers and trainers built earlier without an ``rng``
    follow the new seed too. After ``manual_seed(s)`` it draws what ``np.random.default_rng(s)``
    draws.

    >>> manual_seed(0).random() == np.random.default_rng(0).random()
    True
    """
    seed = non_negative_int(seed, "seed", "manual_seed")
    generator = default_generator()
    generator.bit_generator.state = np.random.PCG64(seed).state
    return generator


def normal(
    shape: tuple[int, ...],
    rng: np.random.Generator,
    std: float = 0.01,
    dtype: DTypeLike = np.float64,
) -> NDArray[np.floating]:
    """W ~ std · N(0, 1)."""
    return (std * rng.standard_normal(shape)).astype(dtype, copy=False)


def he_normal(
    shape: tuple[int, ...], rng: np.random.Generator, fan_in: int, dtype: DTypeLike = np.float64
) -> NDArray[np.floating]:
    """W ~ sqrt(2 / fan_in) · N(0, 1)."""
    return normal(shape, rng, math.sqrt(2.0 / fan_in), dtype)


def xavier_normal(
    shape: tuple[int, ...], rng: np.random.Generator, fan_in: int, dtype: DTypeLike = np.float64
) -> NDArray[np.floating]:
    """W ~ sqrt(1 / fan_in) · N(0, 1)."""
    return normal(shape, rng, math.sqrt(1.0 / fan_in), dtype)


def xavier_uniform(
    shape: tuple[int, ...],
    rng: np.random.Generator,
    fan_in: int,
    fan_out: int,
    dtype: DTypeLike = np.float64,
) -> NDArray[np.floating]:
    """W ~ U(-a, a) with a = sqrt(6 / (fan_in + fan_out))."""
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype, copy=False)


def zeros(shape: tuple[int, ...], dtype: DTypeLike = np.float64) -> NDArray[np.floating]:
    """All zeros (biases)."""
    return np.zeros(shape, dtype=dtype)


def initialize(
    init: InitSpec,
    shape: tuple[int, ...],
    rng: np.random.Generator,
    *,
    fan_in: int,
    fan_out: int,
    dtype: DTypeLike = np.float64,
) -> NDArray[np.floating]:
    """Draw a weight of ``shape`` for the spec a layer was given.

    ``init`` is a positive float (the std of a normal), ``"he"``, ``"xavier"`` (normal with
    std sqrt(1/fan_in), as in the book) or ``"xavier_uniform"``.
    """
    if isinstance(init, numbers.Real) and not isinstance(init, bool):
        if not (math.isfinite(init) and init > 0):
            raise ValueError(f"init as a std must be a positive finite number, got {init!r}")
        return normal(shape, rng, float(init), dtype)
    if init == "he":
        return he_normal(shape, rng, fan_in, dtype)
    if init == "xavier":
        return xavier_normal(shape, rng, fan_in, dtype)
    if init == "xavier_uniform":
        return xavier_uniform(shape, rng, fan_in, fan_out, dtype)
    raise ValueError(
        f"init must be a positive std (e.g. 0.01), 'he', 'xavier' or 'xavier_uniform', got {init!r}"
    )
