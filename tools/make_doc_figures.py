"""Regenerate every figure under docs/figures/ from the commands the docs show beside them.

The one way the figures of the docs are made: each documented command runs into a folder of
its own (a temporary one, deleted at the end, unless ``--work DIR`` keeps the runs there), and
the figures are copied from the runs' outputs into docs/figures/. Nothing else writes into
the repository. Two figures are drawn here from a run's outputs rather than by the command:
the row-MNIST curves of three runs side by side (``zeronn.plots``), and the Grad-CAM maps of
the DeepConvNet run's saved model.

    python tools/make_doc_figures.py --list                  # the runs, their commands, figures
    python tools/make_doc_figures.py                         # everything (hours on one thread)
    python tools/make_doc_figures.py --only fewshot,fewshot-literal --work runs/doc-runs

With ``--work DIR`` a run whose folder already holds a finished run of the same command (the
``.doc-run`` file this script writes after it succeeds) is not run again, so a long session
can be resumed. Runs use one BLAS thread (``OPENBLAS_NUM_THREADS=1``), as the docs state, and
need the data in ``ZERONN_DATA``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
FIGURES = REPOSITORY / "docs" / "figures"
MARKER = ".doc-run"


@dataclass(frozen=True)
class Run:
    """A documented command (without ``--out``) and the figures copied from its folder."""

    command: str
    copies: dict[str, str] = field(default_factory=dict)  # file in the run -> docs/figures name


RUNS: dict[str, Run] = {
    "fewshot": Run(
        "zeronn fewshot",
        {
            "loss_curves.png": "fewshot_loss_curves.png",
            "augmented_grid.png": "fewshot_augmented_grid.png",
        },
    ),
    "fewshot-literal": Run(
        "zeronn fewshot --literal", {"loss_curves.png": "fewshot_literal_loss_curves.png"}
    ),
    "fewshot-init-study": Run(
        "zeronn fewshot --init-study --repeats 5",
        {"prediction_histogram.png": "fewshot_prediction_histogram.png"},
    ),
    "fewshot-sweep": Run(
        "zeronn fewshot --sweep 10,30,100,300 --init he --lr 0.1 --steps 1000 --repeats 3 "
        "--dtype float32",
        {"accuracy_vs_size.png": "fewshot_accuracy_vs_size.png"},
    ),
    "flip-balance": Run(
        "zeronn flip-balance",
        {
            name: name
            for name in (
                "flip_balance_recall.png",
                "flip_balance_changed_none_to_flip-both.png",
                "flip_balance_gradcam_none_to_flip-both.png",
                "flip_balance_changed_none_to_flip-a.png",
                "flip_balance_gradcam_none_to_flip-a.png",
            )
        },
    ),
    "charlm-lstm": Run("zeronn charlm --model lstm", {"curves.png": "sequence_charlm_lstm.png"}),
    "charlm-transformer": Run(
        "zeronn charlm --model transformer --embed-dim 128",
        {"curves.png": "sequence_charlm_transformer.png"},
    ),
    "row-lstm": Run("zeronn train --model lstm --hidden 128 --epochs 10 --clip-grad-norm 5"),
    "row-gru": Run("zeronn train --model gru --hidden 128 --epochs 10 --clip-grad-norm 5"),
    "row-rnn": Run("zeronn train --model rnn --hidden 128 --epochs 10 --clip-grad-norm 5"),
    "mnist-deep-aug-s0": Run(
        "zeronn train --model deep-convnet --dataset mnist --epochs 12 --schedule cosine "
        '--augment "rotation=10deg,shift=0.1" --seed 0',
        {
            "curves.png": "training_mnist_deep_curves.png",
            "confusion_matrix.png": "training_mnist_deep_confusion_matrix.png",
            "misclassified.png": "training_mnist_deep_misclassified.png",
        },
    ),
}


def row_mnist_figures(folders: dict[str, Path]) -> dict[str, object]:
    """The LSTM, GRU and RNN of docs/sequence.md side by side: per epoch (each run's kept
    epoch starred), and per step."""
    import json

    from zeronn.history import History
    from zeronn.plots import plot_history, plot_step_losses

    runs = {kind: History.load(folders[f"row-{kind}"] / "history.json") for kind in KINDS}
    kept = {
        kind: json.loads((folders[f"row-{kind}"] / "metrics.json").read_text())["best_epoch"]
        for kind in KINDS
    }
    return {
        "sequence_row_mnist_curves.png": plot_history(runs, best_epoch=kept, show=False),
        "sequence_row_mnist_step_loss.png": plot_step_losses(runs, smoothing=54, show=False),
    }


def deep_gradcam_figure(folders: dict[str, Path]) -> dict[str, object]:
    """Grad-CAM of the DeepConvNet's last convolution (its ReLU) for the first 8 test digits
    and the first 8 it gets wrong, each for the class it predicted (docs/training.md)."""
    import numpy as np

    import zeronn
    from zeronn.explain import grad_cam
    from zeronn.plots import plot_gradcam

    model = zeronn.deep_convnet((1, 28, 28), dtype="float32")
    zeronn.load(model, folders["mnist-deep-aug-s0"] / "model.npz")
    _, (x_test, t_test) = zeronn.load_mnist(flatten=False)
    probabilities = model.predict_proba(x_test)
    predicted = probabilities.argmax(axis=1)
    chosen = np.concatenate([np.arange(8), np.flatnonzero(predicted != t_test)[:8]])
    layer = 1 + max(i for i, each in enumerate(model) if isinstance(each, zeronn.Conv2D))
    cams = grad_cam(model, x_test[chosen], predicted[chosen], layer=layer)
    figure = plot_gradcam(
        x_test[chosen],
        cams,
        probabilities[chosen],
        t_test[chosen],
        row_labels=["first 8 test digits", "first 8 it gets wrong"],
        show=False,
    )
    return {"training_mnist_deep_gradcam.png": figure}


KINDS = ("lstm", "gru", "rnn")
# figures drawn here: (the runs they read, the function drawing them)
DRAWN: list[tuple[tuple[str, ...], Callable[[dict[str, Path]], dict[str, object]]]] = [
    (tuple(f"row-{kind}" for kind in KINDS), row_mnist_figures),
    (("mnist-deep-aug-s0",), deep_gradcam_figure),
]


def figure_names() -> set[str]:
    """Every file of docs/figures/ this script makes."""
    copied = {name for run in RUNS.values() for name in run.copies.values()}
    drawn = {
        "sequence_row_mnist_curves.png",
        "sequence_row_mnist_step_loss.png",
        "training_mnist_deep_gradcam.png",
    }
    return copied | drawn


def run_command(name: str, folder: Path) -> float:
    """Run ``RUNS[name]`` into ``folder`` unless a finished run of it is there; its seconds."""
    command = RUNS[name].command
    marker = folder / MARKER
    if marker.is_file() and marker.read_text(encoding="utf-8") == command:
        print(f"{name}: kept from {folder}")
        return 0.0
    arguments = shlex.split(command)[1:]  # "zeronn" is this Python's -m zeronn
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    print(f"{name}: {command} --out {folder}", flush=True)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "zeronn", *arguments, "--out", str(folder), "--overwrite"],
        check=True,
        env=environment,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    marker.write_text(command, encoding="utf-8")
    print(f"{name}: {seconds:.0f} s", flush=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated run names (default: every run)")
    parser.add_argument("--work", type=Path, help="keep the runs in this folder (and reuse them)")
    parser.add_argument("--list", action="store_true", help="print the runs and their figures")
    args = parser.parse_args(argv)

    names = list(RUNS) if args.only is None else args.only.split(",")
    unknown = sorted(set(names) - set(RUNS))
    if unknown:
        parser.error(f"unknown runs {unknown}; the runs are {', '.join(RUNS)}")
    if args.list:
        for name in names:
            figures = ", ".join(RUNS[name].copies.values()) or "(read by a drawn figure)"
            print(f"{name}: {RUNS[name].command}\n    -> {figures}")
        return 0

    from zeronn._io import atomic_save_figure

    work = args.work or Path(tempfile.mkdtemp(prefix="zeronn-doc-figures-"))
    try:
        folders = {name: work / name for name in RUNS}
        for name in names:
            run_command(name, folders[name])
            for source, target in RUNS[name].copies.items():
                shutil.copyfile(folders[name] / source, FIGURES / target)
                print(f"  docs/figures/{target}")
        for needs, draw in DRAWN:
            if all((folders[need] / MARKER).is_file() for need in needs) and set(needs) & set(
                names
            ):
                for target, figure in draw(folders).items():
                    atomic_save_figure(figure, FIGURES / target, dpi=70, bbox_inches="tight")
                    print(f"  docs/figures/{target}")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
