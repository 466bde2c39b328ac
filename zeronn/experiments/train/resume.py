"""``zeronn train --resume DIR``: go on with the run whose outputs are in DIR, exactly.

A training run writes ``checkpoint.npz`` beside its model (:mod:`zeronn.checkpoint`): the
weights and optimizer state after its last epoch, the callbacks' state (the best epoch so far
and its weights, the epochs waited, the schedule's base lr), the History, the random
generators, and the run's options. ``--resume DIR --epochs N`` rebuilds that run from its
options (the same seed draws the same subsets, validation share and initial weights), puts the
checkpoint's state back, and trains epochs k + 1 … N: so 2 epochs, then ``--resume`` to 4, give
what 4 epochs in one run give, bit for bit, as long as nothing depends on the planned length
(``--schedule step`` and ``cosine`` plan over ``--epochs``: resuming to another total changes
their plan, and the command warns).

The options split in two. :data:`RUN_OPTIONS` make the run what it is; a resumed run takes
them from the checkpoint, and a config that differs is refused. :data:`PLACE_OPTIONS` only say
where the run reads and writes and what it prints (and ``epochs``, the new total): a resumed
run may give its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zeronn.checkpoint import read_checkpoint

CHECKPOINT_FILE = "checkpoint.npz"
RUN_OPTIONS = (
    *("model", "hidden", "batchnorm", "dropout", "dataset", "image_size", "color"),
    *("batch_size", "optimizer", "lr", "weight_decay", "schedule", "augment", "train_subset"),
    *("test_subset", "val_split", "early_stopping", "clip_grad_norm", "seed", "dtype"),
)
PLACE_OPTIONS = (
    *("out", "overwrite", "threads", "verbose", "figures", "root", "download", "verify"),
    *("data", "epochs", "resume", "load", "evaluate_only", "profile"),
)
# the flags of the place options, which `zeronn train --resume` takes
PLACE_FLAGS = {
    "resume": "--resume",
    "epochs": "--epochs",
    "out": "--out",
    "overwrite": "--overwrite",
    "threads": "--threads",
    "quiet": "--quiet",
    "no_figures": "--no-figures",
    "root": "--root",
    "no_download": "--no-download",
    "no_verify": "--no-verify",
    "data": "--data",
}


def checkpoint_path(resume: str | Path) -> Path:
    """The checkpoint of ``--resume``: DIR/checkpoint.npz, or the file itself when given."""
    path = Path(resume)
    return path / CHECKPOINT_FILE if path.is_dir() or path.suffix != ".npz" else path


def saved_run(path: Path) -> tuple[dict[str, Any], int]:
    """The options the run at checkpoint ``path`` ran with, and the epochs it has done."""
    if not path.is_file():
        raise FileNotFoundError(
            f"--resume expected a run folder holding {CHECKPOINT_FILE} (zeronn train writes "
            f"it), but {path} does not exist"
        )
    checkpoint = read_checkpoint(path)
    options = checkpoint.run.get("config")
    if not isinstance(options, dict) or any(name not in options for name in RUN_OPTIONS):
        raise ValueError(f"--resume {path} holds no options of a zeronn train run")
    return options, checkpoint.epoch


def resumed_options(resume: str | Path, *, epochs: int | None = None, **place: Any) -> dict:
    """The keyword arguments of the config that goes on with the run at ``resume``: its
    :data:`RUN_OPTIONS`, ``epochs`` (the new total; None: the total it planned) and the
    ``place`` options given (those left None keep the run's ``root`` and ``data``)."""
    path = checkpoint_path(resume)
    options, _ = saved_run(path)
    resumed = {name: options[name] for name in RUN_OPTIONS}
    resumed["hidden"] = tuple(resumed["hidden"])
    for name in ("root", "data"):
        if place.get(name) is None:
            place[name] = options[name]
    return {**resumed, **place, "resume": path, "epochs": epochs or options["epochs"]}


def resume_problem(options: dict[str, Any], path: Path) -> str | None:
    """Why a config with these options (``as_dict()``) cannot go on with the run at ``path``,
    or None when it can."""
    saved, done = saved_run(path)
    if options["epochs"] <= done:
        return (
            f"--epochs is the total, and the run in {path.parent} has trained {done} "
            f"epoch{'s' if done != 1 else ''} already; give --epochs {done + 1} or more"
        )
    changed = [name for name in RUN_OPTIONS if options[name] != saved[name]]
    if changed:
        said = ", ".join(
            f"--{name.replace('_', '-')} {saved[name]!r} there, {options[name]!r} here"
            for name in changed
        )
        return f"--resume goes on with the run in {path.parent} as it ran: {said}"
    return None


def planned_epochs(path: Path) -> int:
    """The total number of epochs the run at checkpoint ``path`` planned (its ``--epochs``)."""
    return int(saved_run(path)[0]["epochs"])
