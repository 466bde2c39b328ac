"""Grade a learner's file: run its class in another process, compare what came back here.

:func:`grade_file` reads which exercise the file is (its ``EXERCISE = "..."`` line, else its
class's name), builds the cases (:mod:`zeronn.exercises.cases`), and starts
``python -m zeronn.exercises.runner`` on the file in a private temporary folder, with no
stdin and a time limit. That process imports the file, checks that the class and its
``forward``/``backward`` are written in it (not imported from zeronn), calls them, and writes
back the arrays; everything is compared in this process, which never runs the learner's code,
so a file cannot pass by exiting, crashing or patching the grader's functions. A file that
hangs is stopped after ``timeout`` seconds, and the report says in which call. (A file
written to forge the runner's results, reading the grader's own files, could; no grader that
runs a file's code is safe from that, and none is meant to be here.)
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import zeronn
from zeronn._checks import non_negative_int, positive_real
from zeronn.exercises.cases import build_cases
from zeronn.exercises.catalog import EXERCISES, Exercise, find_exercise
from zeronn.exercises.expected import Case
from zeronn.exercises.hints import FORWARD_TOL, GRADIENT_TOL, diagnose
from zeronn.exercises.report import ArrayGrade, CaseGrade, Report

CALLS = {"init": "the constructor", "forward": "forward", "backward": "backward"}


def exercise_of(file: Path, source: str) -> Exercise:
    """The exercise a file says it is: ``EXERCISE = "name"``, else its one exercise class.

    Read without running the file. A ``ValueError`` says what to add when it cannot tell.
    """
    tree = ast.parse(source, filename=str(file))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if (
            isinstance(node, ast.Assign | ast.AnnAssign)
            and any(isinstance(t, ast.Name) and t.id == "EXERCISE" for t in targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return find_exercise(node.value.value)
    names = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    found = [e for e in EXERCISES.values() if e.interface.class_name in names]
    if len(found) == 1:
        return found[0]
    raise ValueError(
        f'cannot tell which exercise {file} is: it has no line EXERCISE = "..." and '
        f"{'no' if not found else 'more than one'} class named as an exercise's; "
        f"give --exercise NAME ({', '.join(EXERCISES)})"
    )


def grade_file(
    path: str | os.PathLike,
    exercise: Exercise | str | None = None,
    *,
    seed: int = 0,
    timeout: float = 60.0,
) -> Report:
    """Grade the file at ``path`` as ``exercise`` (default: the one it names); a :class:`Report`.

    A missing or unreadable file is an ``OSError``, an exercise that cannot be told a
    ``ValueError``: those are the caller's to fix. Everything about the file's code (it does
    not parse, raises, returns wrong arrays, hangs) is in the report, graded as a failure.
    """
    seed = non_negative_int(seed, "seed", "grade_file")
    timeout = positive_real(timeout, "timeout", "grade_file")
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"grade_file expected path as a str or Path, got {path!r}")
    file = Path(path)
    if not file.is_file():
        raise (
            FileNotFoundError(f"no file {file}")
            if not file.exists()
            else IsADirectoryError(f"{file} is a folder; give the .py file to check")
        )
    try:
        source = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{file} is not a UTF-8 text file (a Python file was expected)") from None
    if isinstance(exercise, str):
        exercise = find_exercise(exercise)
    try:
        if exercise is None:
            exercise = exercise_of(file, source)
        else:
            ast.parse(source, filename=str(file))
    except SyntaxError as error:
        name = None if exercise is None else exercise.name
        class_name = None if exercise is None else exercise.interface.class_name
        problem = f"the file does not parse: {error.msg} (line {error.lineno})"
        return Report(str(path), name, class_name, seed, problems=[problem])
    cases = build_cases(exercise, seed)
    report = Report(str(path), exercise.name, exercise.interface.class_name, seed)
    with tempfile.TemporaryDirectory(prefix="zeronn-check-") as folder:
        folder = Path(folder)
        _write_cases(folder, exercise, cases)
        stopped, output = _run(folder, file, timeout)
        events = _events(folder / "events.jsonl")
        report.output = output
        report.problems = _problems(events, stopped, timeout)
        if not any(event["event"] in ("import_error", "missing", "refused") for event in events):
            reports = {event["case"]: event for event in events if event["event"] == "case"}
            for number, case in enumerate(cases):
                returned = _returned(folder / f"result{number}.npz")
                report.cases.append(
                    grade_case(exercise, number, case, reports.get(number), returned)
                )
    return report


def _returned(path: Path) -> dict[str, np.ndarray]:
    """The arrays the runner wrote for a case, by graded name (none if it never got there)."""
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as stored:
        return {key.removeprefix("out."): stored[key] for key in stored.files}


def _write_cases(folder: Path, exercise: Exercise, cases: list[Case]) -> None:
    arrays = {}
    for number, case in enumerate(cases):
        for kind, values in (
            ("init", case.init),
            ("input", case.inputs),
            ("upstream", case.upstream),
            ("sentinel", case.sentinels),
        ):
            arrays |= {f"{number}.{kind}.{name}": value for name, value in values.items()}
    np.savez(folder / "cases.npz", **arrays)
    spec = {"exercise": exercise.name, "options": [case.options for case in cases]}
    (folder / "cases.json").write_text(json.dumps(spec), encoding="utf-8")


def _run(folder: Path, file: Path, timeout: float) -> tuple[str, list[str]]:
    """Run the file's class in a fresh interpreter; how it stopped (``""``: normally) and
    the lines it printed."""
    package_root = str(Path(zeronn.__file__).resolve().parent.parent)
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
        PYTHONDONTWRITEBYTECODE="1",  # no __pycache__ beside the learner's file
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    command = [sys.executable, "-m", "zeronn.exercises.runner", str(folder), str(file.resolve())]
    try:
        completed = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout or b""
        text = output.decode(errors="replace") if isinstance(output, bytes) else output
        return "timeout", text.splitlines()
    stopped = ""
    if completed.returncode != 0:
        last = completed.stderr.strip().splitlines()[-1:] or [""]
        stopped = f"exit code {completed.returncode}" + (f", {last[0]}" if last[0] else "")
    return stopped, completed.stdout.splitlines()


def _events(path: Path) -> list[dict]:
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:  # the last line of a process that was stopped mid-write
            break
    return events


def _problems(events: list[dict], stopped: str, timeout: float) -> list[str]:
    """What stopped the grading of the whole file, from the runner's events."""
    problems = []
    for event in events:
        if event["event"] == "import_error":
            where = f" ({event['where']})" if event["where"] else ""
            problems.append(f"the file does not import: {event['message']}{where}")
        elif event["event"] == "missing":
            problems.append(event["message"])
        elif event["event"] == "refused":
            problems.append(f"refused: {event['message']}; the exercise is to write it")
    if any(event["event"] == "done" for event in events) or problems:
        return problems
    calls = [event for event in events if event["event"] == "calling"]
    if calls:
        last = calls[-1]
        place = f"in {CALLS[last['method']]} of case {last['case'] + 1}"
    else:
        place = "while importing the file"
    if stopped == "timeout":
        return [f"the file did not finish within {timeout:g} s: stopped {place} (an endless loop?)"]
    return [f"the process running the file ended {place} ({stopped or 'without a word'})"]


def grade_case(
    exercise: Exercise, number: int, case: Case, report: dict | None, returned: dict
) -> CaseGrade:
    """Grade the arrays of one case from what the runner reported and returned."""
    interface = exercise.interface
    grade = CaseGrade(number + 1, case.title)
    calls = {} if report is None else report["calls"]
    if report is not None:
        grade.failures += _failures(report)
    gradients = np.concatenate(
        [case.expected[name].value.ravel() for name in interface.backward_arrays]
    )
    floor = float(np.sqrt(np.mean(gradients**2)))  # the RMS of all the case's gradients
    stages = [("forward", name) for name in interface.forward_arrays]
    stages += [("backward", name) for name in interface.backward_arrays]
    for stage, name in stages:
        expected = case.expected[name]
        array = ArrayGrade(name, stage, expected.value.shape, "not graded")
        status = calls.get(stage)
        before = "forward" if stage == "backward" else "init"
        if report is None:
            array.reason = "the run stopped before this case ended (see above)"
        elif report["zeronn_calls"].get(stage):
            array.status, array.reason = "refused", f"{stage} called zeronn's own code"
        elif status == "not_done" or (status is None and calls.get(before) == "not_done"):
            which = stage if status == "not_done" else before
            array.status, array.reason = "not done", f"{CALLS[which]} raises NotImplementedError"
        elif status == "error":
            array.reason = f"{stage} raised an error"
        elif status is None:
            array.reason = f"{CALLS[before]} failed, so {stage} was not called"
        elif name in report["problems"]:
            array.status, array.reason = "wrong", report["problems"][name]
        else:
            tol = GRADIENT_TOL if stage == "backward" else FORWARD_TOL
            floor_here = floor if stage == "backward" else 0.0
            array.diagnosis = diagnose(returned[name], name, expected, case, tol, floor_here)
            array.status = "right" if array.diagnosis.right else "wrong"
        grade.arrays.append(array)
    return grade


def _failures(report: dict) -> list[str]:
    failures = []
    for method, message in report["messages"].items():
        if report["calls"][method] == "error":
            where = f" ({message['where']})" if message["where"] else ""
            failures.append(f"{CALLS[method]} raised {message['message']}{where}")
    for method, names in report["zeronn_calls"].items():
        failures.append(
            f"{method} called zeronn's own {', '.join(names)}: the exercise is to write it"
        )
    for method, counts in report["changed"].items():
        for name, count in counts.items():
            failures.append(
                f"{method} changed its argument {name} in place ({count} entries): the caller "
                "still needs it; compute new arrays instead"
            )
    return failures
