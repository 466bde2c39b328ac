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


def test_every_figure_the_docs_show_is_made_by_the_tools_and_no_other():
    shown = {name for path in DOCUMENTS for name in IMAGE.findall(path.read_text("utf-8"))}
    lessons = {name for name in shown if name.startswith("lessons/")}
    made = tool().figure_names()
    assert shown - lessons == made
    assert made <= {path.name for path in (ROOT / "docs" / "figures").iterdir()}
    # the lessons' figures: tools/make_lesson_figures.py copies each lesson's own PNG files
    for name in lessons:
        _, lesson, _ = name.split("/")
        assert (ROOT / "examples" / "lessons" / f"{lesson}.py").is_file(), name
        assert (ROOT / "docs" / "figures" / name).is_file(), name


def test_every_command_the_tool_runs_is_shown_in_the_docs():
    text = one_line(" ".join(path.read_text("utf-8") for path in DOCUMENTS))
    for name, run in tool().RUNS.items():
        assert one_line(run.command) in text, f"{name}: {run.command!r} is not in the docs"


def test_no_documented_command_writes_into_the_docs():
    for path in DOCUMENTS:
        for block in FENCED.findall(path.read_text("utf-8")):
            assert "docs/" not in block, f"{path.name}: a block names docs/:\n{block}"


def test_the_row_mnist_figures_are_drawn_from_the_runs_outputs(tmp_path):
    import json

    from zeronn.history import History

    folders = {}
    for kind, kept in zip(("lstm", "gru", "rnn"), (2, 3, 1), strict=True):
        folder = folders[f"row-{kind}"] = tmp_path / kind
        folder.mkdir()
        History(
            loss=[2.0, 0.5, 0.1],
            accuracy=[0.5, 0.8, 0.9],
            val_loss=[1.5, 0.4, 0.3],
            val_accuracy=[0.6, 0.85, 0.88],
            lr=[0.001] * 3,
            epoch_time=[1.0] * 3,
            step_loss=[2.0, 0.9, 0.5, 0.2, 0.1, 0.05],
        ).save(folder / "history.json")
        (folder / "metrics.json").write_text(json.dumps({"best_epoch": kept}))
    figures = tool().row_mnist_figures(folders)
    assert set(figures) == {"sequence_row_mnist_curves.png", "sequence_row_mnist_step_loss.png"}
    curves = figures["sequence_row_mnist_curves.png"]
    assert curves.axes[0].get_yscale() == "log"
    stars = [line.get_label() for line in curves.axes[0].lines if line.get_marker() == "*"]
    assert stars == ["lstm kept: epoch 2", "gru kept: epoch 3", "rnn kept: epoch 1"]


def test_every_command_the_tool_runs_is_accepted_by_zeronn(tmp_path):
    """Each run's options are checked as ``zeronn`` checks them before any compute, so a
    documented command that the CLI has come to refuse (say, a number without its unit)
    fails here, not hours into the regeneration."""
    import shlex

    from zeronn.cli import build_parser

    for name, run in tool().RUNS.items():
        words = shlex.split(run.command)
        if words[0] != "zeronn":
            continue
        argv = [*words[1:], "--out", str(tmp_path / name)]
        args = build_parser(argv[0]).parse_args(argv)
        args._command.config_from_args(args)
