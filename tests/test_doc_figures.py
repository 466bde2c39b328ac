"""Docs that stay true: every figure of docs/ comes from tools/make_doc_figures.py, which runs
the commands the docs show, and no documented command writes into the repository."""

import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCED = re.compile(r"^```[a-z]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
IMAGE = re.compile(r"\]\(figures/([^)]+)\)")


def tool():
    spec = importlib.util.spec_from_file_location(
        "make_doc_figures", ROOT / "tools/make_doc_figures.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def one_line(text: str) -> str:
    """Shell text with its line continuations joined and runs of spaces made one."""
    return re.sub(r"\s+", " ", text.replace("\\\n", " "))


def test_every_figure_the_docs_show_is_made_by_the_tool_and_no_other():
    shown = {name for path in DOCUMENTS for name in IMAGE.findall(path.read_text("utf-8"))}
    made = tool().figure_names()
    assert shown == made
    assert made <= {path.name for path in (ROOT / "docs" / "figures").iterdir()}


def test_every_command_the_tool_runs_is_shown_in_the_docs():
    text = one_line(" ".join(path.read_text("utf-8") for path in DOCUMENTS))
    for name, run in tool().RUNS.items():
        assert one_line(run.command) in text, f"{name}: {run.command!r} is not in the docs"


def test_no_documented_command_writes_into_the_docs():
    for path in DOCUMENTS:
        for block in FENCED.findall(path.read_text("utf-8")):
            assert "docs/" not in block, f"{path.name}: a block names docs/:\n{block}"
