"""Every docstring example in the package runs (doctests are documentation that cannot rot)."""

import doctest
import importlib
import pkgutil

import pytest

import zeronn

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(zeronn.__path__, prefix="zeronn.")
    if not info.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
