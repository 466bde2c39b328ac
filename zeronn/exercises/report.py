"""What ``zeronn check`` found: per case, per array, right or wrong; as text or as JSON.

The verdict is the same whoever reads it (a terminal, a pipe, CI, a teacher's script): ``pass``
when every array of every case is right and nothing else went wrong, ``not done`` when the
only gaps are methods that still raise ``NotImplementedError``, ``fail`` otherwise. No
colours, nothing that depends on a TTY, and never an expected value: only which entries are
wrong and by how much.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from zeronn._checks import shape_text
from zeronn.exercises.hints import Diagnosis

WIDTH = 100


@dataclass
class ArrayGrade:
    """One graded array of one case: ``right``, ``wrong``, ``not done``, ``not graded`` or
    ``refused`` (computed with zeronn's own code), with the diagnosis or the reason."""

    name: str
    stage: str  # "forward" or "backward"
    shape: tuple[int, ...]  # the right shape
    status: str
    diagnosis: Diagnosis | None = None
    reason: str = ""


@dataclass
class CaseGrade:
    """One case: its title, its arrays, and what else failed in it (a call that raised, an
    argument changed in place, zeronn's own code called)."""

    number: int
    title: str
    arrays: list[ArrayGrade] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@dataclass
class Report:
    """The grade of one file. ``problems`` stopped the grading of the whole file (it does not
    import, has no such class, re-exports zeronn's, hung, ...); ``output`` is what it printed."""

    file: str
    exercise: str | None
    class_name: str | None
    seed: int
    problems: list[str] = field(default_factory=list)
    cases: list[CaseGrade] = field(default_factory=list)
    output: list[str] = field(default_factory=list)

    def _arrays(self) -> list[ArrayGrade]:
        return [array for case in self.cases for array in case.arrays]

    @property
    def verdict(self) -> str:
        """``"pass"``, ``"not done"`` or ``"fail"`` (see the module docstring)."""
        statuses = {array.status for array in self._arrays()}
        if self.problems or any(case.failures for case in self.cases) or not statuses:
            return "fail"
        if statuses == {"right"}:
            return "pass"
        return "not done" if statuses <= {"right", "not done"} else "fail"

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"

    def summary(self) -> str:
        """The last line: the verdict and its counts."""
        arrays = self._arrays()
        count = {s: sum(a.status == s for a in arrays) for s in {a.status for a in arrays}}
        verdict = self.verdict
        if verdict == "pass":
            cases = f"{len(self.cases)} case" + ("s" if len(self.cases) > 1 else "")
            return f"PASS: all {len(arrays)} arrays right in {cases}"
        if self.problems:
            return "FAIL: " + self.problems[0]
        if verdict == "not done":
            reasons = dict.fromkeys(a.reason for a in arrays if a.status == "not done")
            return (
                f"NOT DONE: {'; '.join(reasons)} "
                f"({count.get('right', 0)} of {len(arrays)} arrays right)"
            )
        parts = [
            f"{count[status]} of {len(arrays)} arrays {status}"
            for status in ("wrong", "refused", "not graded", "not done")
            if count.get(status)
        ]
        failures = sum(len(case.failures) for case in self.cases)
        if failures:
            parts.append(f"{failures} other problem" + ("s" if failures > 1 else ""))
        return "FAIL: " + ", ".join(parts)

    def text(self) -> str:
        """The report a terminal and a CI log show, the same in both."""
        lines = [f"zeronn check {self.file}"]
        if self.exercise:
            lines[0] += f": exercise {self.exercise} (class {self.class_name}), seed {self.seed}"
        lines += [_wrap(f"  {problem}", 4) for problem in self.problems]
        for case in self.cases:
            lines.append(_wrap(f"case {case.number} of {len(self.cases)}: {case.title}", 4))
            width = max(len(array.name) for array in case.arrays)
            shapes = max(len(shape_text(array.shape)) for array in case.arrays)
            stage = ""
            for array in case.arrays:
                label = f"{array.stage:<9}" if array.stage != stage else " " * 9
                stage = array.stage
                head = f"  {label} {array.name:<{width}}  {shape_text(array.shape):<{shapes}}  "
                lines += _array_lines(head, array)
            lines += [_wrap(f"  {failure}", 4) for failure in case.failures]
        if self.output:
            lines.append(f"your file printed {len(self.output)} line(s); the first:")
            lines += [f"  | {line}" for line in self.output[:5]]
        lines.append(self.summary())
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        """The same report for a program: ``passed``, ``verdict``, per case per array."""
        return {
            "file": self.file,
            "exercise": self.exercise,
            "class": self.class_name,
            "seed": self.seed,
            "passed": self.passed,
            "verdict": self.verdict,
            "summary": self.summary(),
            "problems": self.problems,
            "cases": [
                {
                    "number": case.number,
                    "title": case.title,
                    "failures": case.failures,
                    "arrays": [_array_json(array) for array in case.arrays],
                }
                for case in self.cases
            ],
            "output": self.output,
        }


def _array_lines(head: str, array: ArrayGrade) -> list[str]:
    indent = len(head)
    d = array.diagnosis
    if array.status == "right":
        return [head + "right"]
    if d is None:
        status = "not done yet" if array.status == "not done" else array.status
        return [_wrap(head + status + (f": {array.reason}" if array.reason else ""), indent)]
    if not d.wrong:  # a wrong shape, a grad not written, ...
        return [_wrap(f"{head}wrong: {d.hint}", indent)]
    if not array.shape:  # a scalar, the loss
        if not np.isfinite(d.worst[0][1]):
            return [_wrap(f"{head}wrong: {d.hint}", indent)]
        return [_wrap(f"{head}wrong: {_off(d.worst[0][1])}" + _then(d.hint), indent)]
    error = d.relative_error
    relative = f", relative error {error:.2g}" if np.isfinite(error) else ""
    lines = [f"{head}wrong at {d.wrong} of {_size(array)} entries{relative}"]
    if d.worst:
        entries = ", ".join(f"{_index(index)} {_off(error)}" for index, error in d.worst)
        lines.append(_wrap(" " * indent + f"largest: {entries}", indent))
    if d.hint:
        lines.append(_wrap(" " * indent + f"hint: {d.hint}", indent + 6))
    return lines


def _off(error: float) -> str:
    return f"off by {error:.3g}" if np.isfinite(error) else f"is {error}"  # nan or inf


def _then(hint: str) -> str:
    return f"; hint: {hint}" if hint else ""


def _array_json(array: ArrayGrade) -> dict[str, Any]:
    d = array.diagnosis
    return {
        "name": array.name,
        "stage": array.stage,
        "shape": list(array.shape),
        "status": array.status,
        "wrong_entries": 0 if array.status == "right" else (d.wrong or None) if d else None,
        "size": _size(array),
        "worst": [] if d is None else [{"index": list(i), "off_by": e} for i, e in d.worst],
        "relative_error": None if d is None else d.relative_error,
        "hint": "" if d is None else d.hint,
        "reason": array.reason,
    }


def _size(array: ArrayGrade) -> int:
    size = 1
    for length in array.shape:
        size *= length
    return size


def _index(index: tuple[int, ...]) -> str:
    # no spaces, so that a wrapped line never breaks inside an index
    return "[" + ",".join(str(i) for i in index) + "]" if index else "the value"


def _wrap(text: str, indent: int) -> str:
    return "\n".join(
        textwrap.wrap(text, WIDTH, subsequent_indent=" " * indent, break_on_hyphens=False)
    )
