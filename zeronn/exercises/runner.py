"""The process that runs a learner's file: ``python -m zeronn.exercises.runner FOLDER FILE``.

:mod:`zeronn.exercises.grader` starts it in a fresh interpreter, so that nothing the file
does by accident or shortcut (``sys.exit(0)``, a crash, an endless loop, replacing a function
of the grader) changes the grade: this process only calls the file's class and hands back
what it returned; the grader compares, in its own process.

``FOLDER/cases.json`` names the exercise and each case's options; ``FOLDER/cases.npz`` holds
the arrays (``{case}.init.{name}``, ``{case}.input.{name}``, ``{case}.upstream.{name}``,
``{case}.sentinel.{param}``). For each case this builds the class, calls ``forward`` and
``backward`` on copies (under :class:`~zeronn.exercises.tripwire.Tripwire`), and writes
``FOLDER/result{case}.npz`` (``out.{name}`` for each graded array). ``FOLDER/events.jsonl``
gets one JSON line per step as it happens, so a run that hangs or dies still says how far it
got.
"""

from __future__ import annotations

import contextlib
import json
import sys
import traceback
from collections.abc import Callable
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from zeronn.exercises.catalog import EXERCISES, Exercise
from zeronn.exercises.tripwire import Tripwire

MODULE = "zeronn_check_submission"
KINDS = ("init", "input", "upstream", "sentinel")


class Events:
    """``events.jsonl``: one JSON object per line, flushed as it is written."""

    def __init__(self, path: Path) -> None:
        self._handle = path.open("a", encoding="utf-8")

    def __call__(self, event: str, **fields: Any) -> None:
        self._handle.write(json.dumps({"event": event, **fields}) + "\n")
        self._handle.flush()


def where(error: BaseException, file: str) -> str:
    """The line of the learner's file the error came from: ``line 12: y = x @ W``."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == file]
    return f"line {frames[-1].lineno}: {(frames[-1].line or '').strip()}" if frames else ""


def describe(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return f"called sys.exit({error.code!r})"
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def load(file: str, exercise: Exercise, events: Events) -> type | None:
    """Import the file and return its own class of the exercise, or report why not."""
    sys.path.insert(0, str(Path(file).parent))  # its own helper modules, as `python FILE` would
    module = ModuleType(MODULE)
    module.__file__ = file
    sys.modules[MODULE] = module
    try:
        SourceFileLoader(MODULE, file).exec_module(module)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # SystemExit too: a file that exits fails, it does not pass
        events("import_error", message=describe(error), where=where(error, file))
        return None
    name = exercise.interface.class_name
    cls = getattr(module, name, None)
    if not isinstance(cls, type):
        own = [k for k, v in vars(module).items() if isinstance(v, type) and v.__module__ == MODULE]
        found = f"it defines {', '.join(own)}" if own else "it defines no class"
        events("missing", message=f"the file has no class {name} ({found})")
        return None
    if cls.__module__ != MODULE:
        events(
            "refused",
            message=f"{name} in the file is {cls.__module__}.{cls.__qualname__}, imported, "
            "not a class written in the file",
        )
        return None
    for method in ("forward", "backward"):
        owner = next((k for k in cls.__mro__ if method in vars(k)), None)
        code = getattr(vars(owner)[method], "__code__", None) if owner is not None else None
        if code is None or code.co_filename != file:
            origin = "nowhere" if owner is None else f"{owner.__module__}.{owner.__qualname__}"
            events(
                "refused", message=f"{name}.{method} is not written in the file: it is {origin}'s"
            )
            return None
    return cls


def as_array(value: Any, name: str) -> np.ndarray | str:
    """``value`` as a numeric array, or a sentence saying what it is instead."""
    if value is None:
        return f"{name} is None"
    try:
        array = np.asarray(value)
    except Exception as error:  # a ragged list, an object that refuses conversion
        return f"{name} is a {type(value).__name__}, not an array ({describe(error)})"
    if array.dtype.kind not in "biuf":
        return f"{name} is a {type(value).__name__} of {array.dtype}, not of real numbers"
    return array


def returned(value: Any, names: tuple[str, ...], method: str) -> dict[str, np.ndarray | str]:
    """What ``method`` returned, by graded name (a sentence for each that is not an array)."""
    if len(names) == 1:
        return {names[0]: as_array(value, f"what {method} returned")}
    if not isinstance(value, tuple | list) or len(value) != len(names):
        count = f"{len(value)} values" if isinstance(value, tuple | list) else "one value"
        return dict.fromkeys(names, f"{method} returned {count}, not ({', '.join(names)})")
    return {name: as_array(item, name) for name, item in zip(names, value, strict=True)}


def changed(before: dict[str, np.ndarray], after: dict[str, np.ndarray]) -> dict[str, int]:
    """How many entries of each argument a call changed in place (NaN equals NaN)."""
    counts = {}
    for name, original in before.items():
        same = np.asarray(after[name]) == original
        if original.dtype.kind == "f":
            same |= np.isnan(after[name]) & np.isnan(original)
        counts[name] = int(np.sum(~same))
    return {name: count for name, count in counts.items() if count}


class CaseRun:
    """One case: build the class, call ``forward`` then ``backward``, collect what came back."""

    def __init__(
        self, cls: type, exercise: Exercise, file: str, case: int, arrays: dict, events: Events
    ) -> None:
        self.cls, self.exercise, self.file, self.case = cls, exercise, file, case
        self.arrays = arrays
        self.events = events
        self.report: dict[str, Any] = {
            "case": case, "calls": {}, "messages": {}, "changed": {}, "zeronn_calls": {},
            "problems": {},
        }  # fmt: skip
        self.out: dict[str, np.ndarray] = {}

    def call(self, method: str, function: Callable, *args: Any, **kwargs: Any) -> Any:
        """``function(*args)`` under the tripwire; its status in ``report["calls"][method]``."""
        self.events("calling", case=self.case, method=method)
        wire = Tripwire(self.file, self.exercise.helpers)
        status, value = "ok", None
        try:
            with wire:
                value = function(*args, **kwargs)
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # the learner's bug, whatever it is, is graded
            status = "not_done" if isinstance(error, NotImplementedError) else "error"
            where_from = where(error, self.file)
            self.report["messages"][method] = {"message": describe(error), "where": where_from}
        if wire.calls:
            self.report["zeronn_calls"][method] = wire.calls
        self.report["calls"][method] = status
        return value

    def keep(self, results: dict[str, np.ndarray | str]) -> None:
        for name, result in results.items():
            if isinstance(result, str):
                self.report["problems"][name] = result
            else:
                self.out[f"out.{name}"] = result

    def run(self, options: dict) -> None:
        interface = self.exercise.interface
        init = [self.arrays["init"][name].copy() for name in interface.init]
        layer = self.call("init", self.cls, *init, **options)
        if self.report["calls"]["init"] != "ok":
            return
        originals = {name: self.arrays["input"][name] for name in interface.inputs}
        inputs = {name: array.copy() for name, array in originals.items()}
        value = self.call("forward", getattr(layer, "forward", None), *inputs.values())
        if self.report["calls"]["forward"] != "ok":
            return
        self.report["changed"]["forward"] = changed(originals, inputs)
        self.keep(returned(value, interface.outputs, "forward"))
        for param in interface.params:  # random values, to see whether backward writes grad
            with contextlib.suppress(Exception):  # no such Parameter: told when grad is read
                getattr(layer, param).grad[...] = self.arrays["sentinel"][param]
        originals = {name: self.arrays["upstream"][name] for name in interface.upstream}
        upstream = {name: array.copy() for name, array in originals.items()}
        arguments = [float(a) if a.ndim == 0 else a for a in upstream.values()]
        value = self.call("backward", getattr(layer, "backward", None), *arguments)
        if self.report["calls"]["backward"] != "ok":
            return
        self.report["changed"]["backward"] = changed(originals, upstream)
        names = tuple(f"d{name}" for name in interface.differentiable)
        self.keep(returned(value, names, "backward"))
        for param in interface.params:
            grad = getattr(getattr(layer, param, None), "grad", None)
            self.keep({f"d{param}": as_array(grad, f"self.{param}.grad")})


def main(argv: list[str] | None = None) -> int:
    folder, file = (Path(a) for a in (sys.argv[1:] if argv is None else argv))
    file = str(file.resolve())
    spec = json.loads((folder / "cases.json").read_text(encoding="utf-8"))
    exercise = EXERCISES[spec["exercise"]]
    events = Events(folder / "events.jsonl")
    cls = load(file, exercise, events)
    if cls is None:
        return 0
    events("imported")
    with np.load(folder / "cases.npz", allow_pickle=False) as stored:
        for case, options in enumerate(spec["options"]):
            arrays = {kind: {} for kind in KINDS}
            for key in stored.files:
                number, kind, name = key.split(".", 2)
                if int(number) == case:
                    arrays[kind][name] = stored[key]
            run = CaseRun(cls, exercise, file, case, arrays, events)
            run.run(options)
            np.savez(folder / f"result{case}.npz", **run.out)
            events("case", **run.report)
    events("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
