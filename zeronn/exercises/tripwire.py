"""Notice a learner's code calling zeronn's own layers (or any zeronn code it may not use).

A file that re-exports zeronn's layer, or inherits its ``forward``, is caught before it runs
(:mod:`zeronn.exercises.runner` checks where the class and its methods are defined). A file
that *delegates*, ``def forward(self, x): return Affine(...).forward(x)``, or computes its
gradient with ``zeronn.gradcheck``, is caught here: while the learner's ``forward`` and
``backward`` run, a profile hook (``sys.setprofile``) sees every Python call, and records each
call into zeronn's package made from code outside it (the learner's file, or any module it
uses), unless the callee is allowed: ``Parameter``, ``Layer`` and the validators, the
exercise's helpers (``im2col``, ``col2im``), and module bodies run by an import. Calls from
zeronn code into zeronn code are internal to an allowed helper and not looked at.

The hook lives in the process that runs the learner's file, so a file written to defeat it
(removing the hook) can; what it catches is the honest shortcut. The grade itself is made in
another process, which the learner's code never runs in.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

import zeronn

PACKAGE = str(Path(zeronn.__file__).resolve().parent) + os.sep

# zeronn files whose every function a learner's class may call (its bookkeeping, not its math)
ALLOWED_FILES = tuple(
    PACKAGE + name
    for name in ("__init__.py", "parameter.py", "_checks.py", "tree.py", "layers/base.py")
)


def helper_codes(helpers: tuple[str, ...]) -> set[CodeType]:
    """The code objects of the allowed helpers, named ``module:function``."""
    codes = set()
    for helper in helpers:
        module_name, function_name = helper.split(":")
        codes.add(getattr(importlib.import_module(module_name), function_name).__code__)
    return codes


class Tripwire:
    """``with Tripwire(file, helpers) as wire:`` records in ``wire.calls`` every forbidden call
    into zeronn made by code outside zeronn (``module.qualname``, in order, each once)."""

    def __init__(self, learner_file: str, helpers: tuple[str, ...] = ()) -> None:
        self.learner_file = str(Path(learner_file).resolve())
        self.allowed = helper_codes(helpers)
        self.calls: list[str] = []
        self._kinds: dict[str, str] = {}

    def _kind(self, filename: str) -> str:
        """``"zeronn"``, ``"allowed"`` (a zeronn file of :data:`ALLOWED_FILES`) or ``"other"``."""
        kind = self._kinds.get(filename)
        if kind is None:
            resolved = str(Path(filename).resolve()) if os.path.isabs(filename) else filename
            if not resolved.startswith(PACKAGE) or resolved == self.learner_file:
                kind = "other"
            else:
                kind = "allowed" if resolved in ALLOWED_FILES else "zeronn"
            self._kinds[filename] = kind
        return kind

    def _profile(self, frame: FrameType, event: str, arg: Any) -> None:
        if event != "call":
            return
        code = frame.f_code
        if self._kind(code.co_filename) != "zeronn":
            return
        if code in self.allowed or code.co_name == "<module>":
            return
        caller = frame.f_back
        if caller is not None and self._kind(caller.f_code.co_filename) != "other":
            return  # zeronn calling itself, inside something the learner was allowed to call
        name = f"{frame.f_globals.get('__name__', '?')}.{code.co_qualname}"
        if name not in self.calls:
            self.calls.append(name)

    def __enter__(self) -> Tripwire:
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc_info: object) -> None:
        sys.setprofile(None)
