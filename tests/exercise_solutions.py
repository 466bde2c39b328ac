"""The correct solutions of the exercises (tests/exercises/solutions/), and copies of them with
planted changes: bugs the grader must find, tricks it must refuse."""

from pathlib import Path

from zeronn.exercises.catalog import EXERCISES

SOLUTIONS = Path(__file__).resolve().parent / "exercises" / "solutions"


def planted(tmp_path: Path, exercise: str, *edits: tuple[str, str]) -> Path:
    """A learner's file in ``tmp_path``: the correct solution of ``exercise`` with each ``old``
    replaced by ``new``."""
    text = (SOLUTIONS / f"{EXERCISES[exercise].stub}.py").read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"mine_{EXERCISES[exercise].stub}.py"
    path.write_text(text)
    return path
