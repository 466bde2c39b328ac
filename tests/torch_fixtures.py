"""PyTorch's outputs and gradients for the parity tests, recorded without torch at test time.

The .npz files in ``tests/fixtures/`` are written by ``tools/record_torch_fixtures.py`` (its
docstring says how to rerun it); each holds the input ``x``, the weights under PyTorch's names
and in its layout, the upstream gradient ``dout``, the output ``y`` and every gradient
(``grad_x``, ``grad_<weight name>``), float64.
"""

from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def torch_fixture(name: str) -> dict[str, np.ndarray]:
    """The arrays of ``tests/fixtures/<name>.npz``, e.g. ``torch_fixture("torch_lstm")``."""
    with np.load(FIXTURES / f"{name}.npz", allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def assert_close(actual, expected, what: str) -> None:
    """Equal to PyTorch's float64 numbers up to rounding."""
    np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-12, err_msg=what)
