"""Exercises that grade themselves: write one of zeronn's layers, and have it checked.

``zeronn exercise LAYER`` writes the stub of a layer (:func:`write_stub`): the class with
its constructor written, ``forward`` and ``backward`` to fill in, the formulas and shapes in
its docstring as zeronn's own layer files have them. ``zeronn check FILE`` grades it
(:func:`grade_file`): the file's own class, run in a separate process, against zeronn's own
layer (forward values) and a numerical gradient (backward), per array right or wrong, with
where, by how much and a hint, never the right values.

    catalog.py   the exercises and how the grader calls each class (light: no layer imported)
    stubs/       the stubs, one valid Python module each
    stub.py      writing a stub into a new file
    cases/       the graded cases of each exercise, from zeronn's own layers
    expected.py  a case, and its right values: zeronn's forward, central differences
    runner.py    the process that runs the learner's file   tripwire.py  zeronn's code in it
    grader.py    the grade: run the file, compare             hints.py     the error patterns
    report.py    the report as text or JSON, and the verdict
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> the module that defines it; imported when first used, so that the process
# running a learner's file and `zeronn exercise --help` load only what they need
_EXPORTS = {
    "EXERCISES": "zeronn.exercises.catalog",
    "Exercise": "zeronn.exercises.catalog",
    "find_exercise": "zeronn.exercises.catalog",
    "grade_file": "zeronn.exercises.grader",
    "Report": "zeronn.exercises.report",
    "stub_text": "zeronn.exercises.stub",
    "write_stub": "zeronn.exercises.stub",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'zeronn.exercises' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
