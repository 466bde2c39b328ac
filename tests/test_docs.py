"""Docs are code: every ```python block of README.md and docs/*.md runs here.

The blocks of one file run in order in one namespace, as a reader would paste them, inside a
temporary working folder (so no snippet can write into the repository). A file whose blocks
load a real dataset runs where the real data is (``ZERONN_DATA``), like the other real-data
tests.
"""

import re
from pathlib import Path

import pytest
from conftest import requires_real_data

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
LOADS_REAL_DATA = re.compile(r"load_(mnist|fashion_mnist|dataset)\(")


def python_blocks(path: Path) -> list[str]:
    return FENCE.findall(path.read_text(encoding="utf-8"))


def test_the_fence_pattern_finds_blocks():
    text = "intro\n```python\nx = 1\n```\n```bash\nls\n```\n```python\ny = 2\n```\n"
    assert FENCE.findall(text) == ["x = 1\n", "y = 2\n"]


def test_the_readme_has_python_blocks():
    assert len(python_blocks(ROOT / "README.md")) >= 3


def run_blocks(path: Path, folder: Path, monkeypatch) -> None:
    monkeypatch.chdir(folder)
    namespace: dict[str, object] = {"__name__": "__main__"}
    for number, block in enumerate(python_blocks(path), start=1):
        code = compile(block, f"{path.name}, python block {number}", "exec")
        exec(code, namespace)


OFFLINE = [path for path in DOCUMENTS if not LOADS_REAL_DATA.search(path.read_text())]
REAL_DATA = [path for path in DOCUMENTS if path not in OFFLINE]


@pytest.mark.parametrize("path", OFFLINE, ids=lambda path: path.name)
def test_python_blocks_run(path, tmp_path, monkeypatch):
    run_blocks(path, tmp_path, monkeypatch)


@requires_real_data
@pytest.mark.parametrize("path", REAL_DATA, ids=lambda path: path.name)
def test_python_blocks_on_real_data_run(path, tmp_path, monkeypatch):
    run_blocks(path, tmp_path, monkeypatch)
