"""Shared fixtures."""

import os
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_pyplot_figures():
    """Figures drawn without ``path=`` belong to pyplot (see zeronn.plots): close them after
    each test, as a script's ``plt.show()`` would, so that no test sees another's."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


def real_data_root() -> Path | None:
    """The folder named by ZERONN_DATA if it holds the real files, else None."""
    root = os.environ.get("ZERONN_DATA")
    if root and (Path(root) / "mnist" / "train-images-idx3-ubyte.gz").exists():
        return Path(root)
    return None


# In CI (CI=true) the real data must be there: the tests run and fail loudly instead of skipping.
requires_real_data = pytest.mark.skipif(
    real_data_root() is None and os.environ.get("CI") != "true",
    reason="ZERONN_DATA does not point at the real MNIST files",
)
