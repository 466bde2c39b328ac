"""zeronn's default random generator: what every ``rng=None`` draws from.

Every ``rng=`` argument in zeronn is optional. Without it, draws come from this one
package-wide ``numpy.random.Generator``, seeded from the operating system's entropy at import,
which :func:`zeronn.init.manual_seed` reseeds in place, so ``manual_seed(0)`` followed by the
same code gives the same numbers. NumPy's legacy global state (``np.random.seed``) is never
used. It lives in a module of its own, below everything, because the validators
(:func:`zeronn._checks.as_generator`) hand it out and ``manual_seed`` checks its seed with them.
"""

from __future__ import annotations

import numpy as np

_DEFAULT_GENERATOR = np.random.default_rng()


def default_generator() -> np.random.Generator:
    """zeronn's own generator: what every ``rng=None`` draws from."""
    return _DEFAULT_GENERATOR
