"""Docs are code: every ```python block of README.md and docs/*.md runs here.

The blocks of one file run in order in one namespace, as a reader would paste them, inside a
temporary working folder (so no snippet can write into the repository); what they print is
captured. A file whose blocks load a real dataset runs where the real data is
(``ZERONN_DATA``), like the other real-data tests. A file whose blocks read a run's outputs
gets them first from the real command on a tiny synthetic dataset (``PREPARE``).

No file runs nothing silently: a documented file without Python blocks is listed in
``WITHOUT_PYTHON`` with the reason. Where a doc says what its blocks print (the README's
quick-start accuracy, parameter counts, shapes in a ``print(...)  # (2, 4)`` comment), the
printed output is compared with the numbers parsed from the doc itself, so the prose cannot
drift from its code.
"""

import contextlib
import io
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from conftest import requires_real_data

from zeronn.data import write_idx
from zeronn.experiments.fewshot.config import FewshotConfig
from zeronn.experiments.fewshot.run import run_fewshot

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
LOADS_REAL_DATA = re.compile(r"load_(mnist|fashion_mnist|dataset)\(")
# print(...)  # (2, 4): ...   or   # ['0.W', ...]: the literal the call prints
PRINTED_LITERAL = re.compile(r"^\s*print\(.*\)\s+# (\(.*?\)|\[.*?\])", re.MULTILINE)

# Documented files that have no Python block, and why (each must really have none).
WITHOUT_PYTHON = {
    "lessons.md": "the index of the lessons: its code is the scripts in examples/lessons/, each "
    "run in its short mode, with its floor, by test_lessons.py",
    "training.md": "a write-up of `zeronn train` runs: its code is the command lines (bash "
    "blocks); the command itself is tested in tests/commands/test_train_command*.py",
    "flip-balance.md": "a write-up of `zeronn flip-balance` runs: its code is the command lines "
    "(bash blocks); the command is tested in tests/commands/test_flip_balance_*.py",
}


def python_blocks(path: Path) -> list[str]:
    return FENCE.findall(path.read_text(encoding="utf-8"))


def test_the_fence_pattern_finds_blocks():
    text = "intro\n```python\nx = 1\n```\n```bash\nls\n```\n```python\ny = 2\n```\n"
    assert FENCE.findall(text) == ["x = 1\n", "y = 2\n"]


def test_the_readme_has_python_blocks():
    assert len(python_blocks(ROOT / "README.md")) >= 3


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_every_document_runs_code_or_says_why_not(path):
    blocks = python_blocks(path)
    if path.name in WITHOUT_PYTHON:
        assert not blocks, f"{path.name} has Python blocks now: remove it from WITHOUT_PYTHON"
    else:
        assert blocks, f"{path.name} runs no Python block: add one, or list it in WITHOUT_PYTHON"


def test_the_list_of_documents_without_python_names_real_files():
    assert set(WITHOUT_PYTHON) <= {path.name for path in DOCUMENTS}


def tiny_fewshot_run(folder: Path) -> None:
    """runs/fewshot/ of ``zeronn fewshot`` (3 steps) on a synthetic 28×28 dataset."""
    rng = np.random.default_rng(0)
    data = folder / "data"
    data.mkdir()
    for prefix, count in (("train", 30), ("t10k", 10)):
        write_idx(
            data / f"{prefix}-images-idx3-ubyte.gz",
            rng.integers(0, 256, (count, 28, 28), dtype=np.uint8),
        )
        write_idx(data / f"{prefix}-labels-idx1-ubyte.gz", (np.arange(count) % 10).astype(np.uint8))
    config = FewshotConfig(root=data, verify=False, out=folder / "runs" / "fewshot", steps=3)
    run_fewshot(config, printer=lambda _: None)


PREPARE: dict[str, Callable[[Path], None]] = {"fewshot.md": tiny_fewshot_run}


def run_blocks(path: Path, folder: Path, monkeypatch) -> str:
    """Run the file's blocks in order in one namespace inside ``folder``; return what they
    printed."""
    monkeypatch.chdir(folder)
    if path.name in PREPARE:
        PREPARE[path.name](folder)
    namespace: dict[str, object] = {"__name__": "__main__"}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for number, block in enumerate(python_blocks(path), start=1):
            code = compile(block, f"{path.name}, python block {number}", "exec")
            exec(code, namespace)
    return printed.getvalue()


def check_printed_literals(path: Path, output: str) -> None:
    """Each ``print(...)  # literal`` of the doc printed that literal."""
    for literal in PRINTED_LITERAL.findall("".join(python_blocks(path))):
        assert literal in output, (
            f"{path.name} says a block prints {literal}; it printed:\n{output}"
        )


OFFLINE = [path for path in DOCUMENTS if not LOADS_REAL_DATA.search(path.read_text())]
REAL_DATA = [path for path in DOCUMENTS if path not in OFFLINE]
RUN = [path for path in OFFLINE if path.name not in WITHOUT_PYTHON]


@pytest.mark.parametrize("path", RUN, ids=lambda path: path.name)
def test_python_blocks_run(path, tmp_path, monkeypatch):
    output = run_blocks(path, tmp_path, monkeypatch)
    check_printed_literals(path, output)
    if path.name == "sequence.md":
        check_sequence_parameter_counts(path, output)
    if path.name == "fewshot.md":
        assert "without rotation: 10 images, loss 2." in output
        assert "with rotation: 30 images, loss 2." in output


def test_the_printed_literal_pattern():
    block = "print(x.shape)  # (2, 4): the state\nprint(names)  # ['a', 'b']\nprint(y)  # text\n"
    assert PRINTED_LITERAL.findall(block) == ["(2, 4)", "['a', 'b']"]


def check_sequence_parameter_counts(path: Path, output: str) -> None:
    """The counts the block prints are the table's "parameters" column."""
    text = path.read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (LSTM|GRU|RNN), 128 units \| ([\d,]+) \|", text, re.MULTILINE))
    assert set(table) == {"LSTM", "GRU", "RNN"}, table
    for kind, count in table.items():
        assert f"{kind.lower()} {count.replace(',', '')}\n" in output, (kind, count, output)


def readme_quick_start_accuracy(text: str) -> str:
    """The test accuracy the README says its quick start prints, e.g. ``97.56%``."""
    match = re.search(r"It prints .*?`test accuracy (\d+\.\d\d%)`", text, re.DOTALL)
    assert match, "README.md no longer says which test accuracy the quick start prints"
    return match.group(1)


def test_the_readme_states_the_quick_start_accuracy():
    assert re.fullmatch(r"\d+\.\d\d%", readme_quick_start_accuracy(DOCUMENTS[0].read_text()))


@requires_real_data
@pytest.mark.parametrize("path", REAL_DATA, ids=lambda path: path.name)
def test_python_blocks_on_real_data_run(path, tmp_path, monkeypatch):
    output = run_blocks(path, tmp_path, monkeypatch)
    check_printed_literals(path, output)
    if path.name == "README.md":
        text = path.read_text(encoding="utf-8")
        # "one progress line per epoch": the quick start's fit is the only verbose one
        epochs = int(re.search(r"trainer\.fit\(x_train, t_train, epochs=(\d+)", text).group(1))
        headers = [line for line in output.splitlines() if line.startswith("Epoch ")]
        assert headers == [f"Epoch {k}/{epochs}" for k in range(1, epochs + 1)], headers
        # the quick start is seeded (zeronn.manual_seed(0)): the README's number, to the digit
        accuracy = readme_quick_start_accuracy(text)
        assert f"test accuracy {accuracy}\n" in output, (
            f"README.md says its quick start prints 'test accuracy {accuracy}'; the blocks "
            f"printed:\n{output[-1500:]}"
        )
