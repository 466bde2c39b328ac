"""Every docstring example in the package runs (doctests are documentation that cannot rot).

A module whose source holds ``>>>`` must run exactly that many examples: an example doctest
cannot find (in a comment, in a string that is not a docstring, in a function doctest does not
look into) would otherwise pass as "0 failed" without ever running.
"""

import doctest
import importlib
import importlib.util
import pkgutil
import re
import sys
from pathlib import Path

import pytest

import zeronn

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(zeronn.__path__, prefix="zeronn.")
    if not info.name.endswith("__main__")
)
PROMPT = re.compile(">>>")


def prompts_in_source(module) -> int:
    return len(PROMPT.findall(Path(module.__file__).read_text(encoding="utf-8")))


def run_examples(module) -> doctest.TestResults:
    return doctest.testmod(module, optionflags=doctest.ELLIPSIS)


MODULES_WITH_EXAMPLES = [
    name for name in MODULES if prompts_in_source(importlib.import_module(name)) > 0
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = run_examples(module)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
    prompts = prompts_in_source(module)
    assert result.attempted == prompts, (
        f"{name} has {prompts} '>>>' in its source but doctest ran "
        f"{result.attempted}: put each example in a docstring doctest finds (a module, class, "
        "function or method of this module), or drop the prompt"
    )


def test_the_package_has_modules_with_examples():
    assert len(MODULES_WITH_EXAMPLES) >= 10, MODULES_WITH_EXAMPLES
    assert "zeronn.metrics" in MODULES_WITH_EXAMPLES


def test_a_docstring_example_is_run_and_a_wrong_one_fails(tmp_path, monkeypatch):
    source = '''"""A module with one right and one wrong example."""


def double(x):
    """Twice x.

    >>> double(2)
    4
    >>> double(3)
    7
    """
    return 2 * x


# >>> a prompt in a comment is not an example
'''
    path = tmp_path / "example_module.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("example_module", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "example_module", module)
    spec.loader.exec_module(module)
    result = run_examples(module)
    assert (result.attempted, result.failed) == (2, 1)
    assert prompts_in_source(module) == 3  # so the test above would flag the comment's prompt
