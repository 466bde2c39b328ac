"""Train every condition with every seed, score it on the test set, and write the results.

The task is binary: Fashion-MNIST class A (label 0) against class B (label 1), all 2000 test
images of the two classes. With ``config.data`` the two classes are folders of the user's
images, loaded whole (see :func:`load_folder_task`). Each seed draws its own stratified
training subset, shared by all conditions (a paired design: conditions differ only in how
they treat the same originals), and each condition starts from the same initial weights for
that seed.

Training budget: every condition makes the same number of sample visits, ``epochs × N₀`` for
``N₀`` original images, hence (up to the last partial batch) the same number of optimizer
steps. A set twice as large gets half as many epochs; a fractional epoch ends with one pass
over a random part of the set. Equal steps means equal compute, so "flip-both" (stored
copies) and "random-flip" (flipped on the fly) see the same number of images and differ only
in where the mirror images live.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from functools import partial
from typing import Any, TextIO

import numpy as np
from numpy.typing import NDArray

from zeronn._io import atomic_write_json
from zeronn.data import load_fashion_mnist, load_image_folder, sample_per_class, split_per_class
from zeronn.data.datasets import scale_pixels
from zeronn.data.errors import DataError
from zeronn.data.image_scan import has_split_folders
from zeronn.experiments.flip_balance import report
from zeronn.experiments.flip_balance.conditions import TrainingSet, build_condition
from zeronn.experiments.flip_balance.config import FlipBalanceConfig
from zeronn.parallel import Runner, cached, remember
from zeronn.run_folder import RunFolder

Arrays = tuple[NDArray[np.floating], NDArray[np.int64]]
# a folder without test/: the share of each class held out as the test set, drawn once (the
# same for every seed, so the seeds' runs stay paired)
FOLDER_TEST_FRACTION = 0.2
FOLDER_TEST_SEED = 0


def load_binary_task(config: FlipBalanceConfig) -> tuple[Arrays, Arrays]:
    """Train and test images of classes A and B, labelled 0 and 1, as ``config.dtype``.

    Images: (N, 1, 28, 28) in [0, 1]. Returns ``((x_train, t_train), (x_test, t_test))``.
    """
    if config.data is not None:
        return load_folder_task(config)
    (train_pixels, t_train), (test_pixels, t_test) = load_fashion_mnist(
        normalize=False,
        flatten=False,
        one_hot_label=False,
        root=config.root,
        download=config.download,
        verify=config.verify,
    )
    class_a, class_b = config.classes

    def select(pixels: NDArray, t: NDArray) -> Arrays:
        # the two classes' images scaled, not all ten classes' (a fifth of the memory)
        keep = (t == class_a) | (t == class_b)
        x = scale_pixels(pixels[keep]).astype(config.dtype, copy=False)
        return x, (t[keep] == class_b).astype(np.int64)

    return select(train_pixels, t_train), select(test_pixels, t_test)


def load_folder_task(config: FlipBalanceConfig) -> tuple[Arrays, Arrays]:
    """Train and test images of the folder's classes A and B, labelled 0 and 1.

    Loaded whole into memory with :func:`zeronn.data.load_image_folder`, not streamed: this
    lesson is about stored copies, and its conditions build them as arrays. Images:
    (N, C, image_size, image_size) in [0, 1]. With ``train/`` and ``test/`` folders they are
    the two parts; otherwise :data:`FOLDER_TEST_FRACTION` of each class, drawn once with
    :data:`FOLDER_TEST_SEED`, is the test set.
    """
    assert config.data is not None, "load_folder_task is for configs with data"
    folder, classes = config.data, config.classes

    def load(root) -> Arrays:
        try:
            loaded = load_image_folder(root, config.image_size, config.color, classes)
        except DataError:  # files that are not images, named one by one
            raise
        except ValueError as error:  # the arguments were checked: the folder's content
            raise DataError(f"--data: {error}") from error
        return loaded.images.astype(config.dtype, copy=False), loaded.labels

    if has_split_folders(folder):
        return load(folder / "train"), load(folder / "test")
    x, t = load(folder)
    train, test = split_per_class(t, FOLDER_TEST_FRACTION, FOLDER_TEST_SEED)
    if len(test) == 0:
        raise DataError(f"--data: {folder} has too few images to hold out a test set")
    return (x[train], t[train]), (x[test], t[test])


def visit_plan(originals: int, condition_size: int, epochs: int) -> tuple[int, int]:
    """Whole epochs and extra samples giving ``epochs × originals`` visits of a set.

    >>> visit_plan(1000, 1500, 4)   # 4000 visits of a 1.5× set: 2 epochs + 1000 samples
    (2, 1000)
    """
    return divmod(epochs * originals, condition_size)


def build_model(
    config: FlipBalanceConfig,
    rng: np.random.Generator,
    image_shape: tuple[int, int, int] = (1, 28, 28),
):
    """A fresh two-class SimpleConvNet or DeepConvNet for ``image_shape`` (C, H, W) inputs."""
    from zeronn import models

    factory = models.simple_convnet if config.model == "simple-convnet" else models.deep_convnet
    return factory(image_shape, classes=2, rng=rng, dtype=config.dtype)


def train_condition(
    training: TrainingSet, originals: int, config: FlipBalanceConfig, seed: int
) -> tuple[Any, dict[str, Any]]:
    """Train a fresh model on one condition's set; return it and the training facts."""
    from zeronn.optim import Adam
    from zeronn.trainer import Trainer

    model = build_model(config, np.random.default_rng([seed, 1]), training.images.shape[1:])
    trainer = Trainer(
        model,
        Adam(model.parameters(), lr=config.lr),
        batch_size=config.batch_size,
        rng=np.random.default_rng([seed, 2]),
        augment=training.augment,
        verbose=0,
    )
    whole_epochs, extra = visit_plan(originals, len(training.images), config.epochs)
    step_loss: list[float] = []
    start = time.perf_counter()
    if whole_epochs:
        step_loss += trainer.fit(training.images, training.labels, whole_epochs).step_loss
    if extra:
        part = trainer.rng.choice(len(training.images), extra, replace=False)
        step_loss += trainer.fit(training.images[part], training.labels[part], 1).step_loss
    wall_time = time.perf_counter() - start
    facts = {
        "epochs": whole_epochs + extra / len(training.images),
        "steps": len(step_loss),
        "final_loss": float(np.mean(step_loss[-20:])),
        "wall_time_s": wall_time,
    }
    return model, facts


def run_condition(config: FlipBalanceConfig, seed: int, condition: str) -> dict[str, Any]:
    """One (seed, condition) run, the study's unit of work: train, score on the test set.

    Returns the run's record, its test predictions and its trained weights. It finds (or
    loads, once per process) the data itself, so it can run in a worker process.
    """
    (x_train, t_train), (x_test, t_test) = task_data(config)
    chosen = _training_subset(t_train, config.train_per_class, seed)
    originals, labels = x_train[chosen], t_train[chosen]
    training = build_condition(condition, originals, labels, rng=np.random.default_rng([seed, 3]))
    model, facts = train_condition(training, len(originals), config, seed)
    predictions = model.predict(x_test, 500).argmax(axis=1)
    record = {
        "condition": condition,
        "seed": seed,
        **report.score_predictions(t_test, predictions),
        "train_counts": training.class_counts().tolist(),
        "held_bytes": training.held_bytes,
        "peak_bytes": training.peak_bytes(config.batch_size),
        **facts,
    }
    return {"record": record, "predictions": predictions, "state": model.state_dict()}


def task_data(config: FlipBalanceConfig) -> tuple[Arrays, Arrays]:
    """:func:`load_binary_task`, once per process (a worker process loads it for all its runs)."""
    return cached(_data_key(config), lambda: load_binary_task(config))


def run_experiment(config: FlipBalanceConfig, stream: TextIO | None = None) -> dict[str, Any]:
    """Run every (seed, condition) pair; return the results dict written to results.json.

    The runs go to ``config.jobs`` processes or ``config.scheduler``'s cluster
    (:mod:`zeronn.parallel`), with the same results as one after another. The models and test
    predictions of the first seed are kept under ``"_first_seed"`` (not JSON) for the figures.
    """
    stream = sys.stdout if stream is None else stream
    pairs = [(seed, condition) for seed in config.seeds for condition in config.conditions]
    jobs = config.jobs if len(pairs) > 1 else 1
    # entered first, so that its worker processes start (and load the data) while we load it
    with Runner(jobs, config.scheduler, prepare=partial(task_data, config)) as runner:
        _, (x_test, t_test) = _load_checked(config)
        results = runner.map(run_condition, [(config, seed, cond) for seed, cond in pairs])
        runs: list[dict[str, Any]] = []
        first_seed: dict[str, Any] = {"models": {}, "predictions": {}}
        for (seed, condition), result in zip(pairs, results, strict=True):
            runs.append(result["record"])
            if config.verbose:
                stream.write(_progress_line(result["record"], config.class_names))
                stream.flush()
            if seed == config.seeds[0]:
                model = build_model(config, np.random.default_rng(0), x_test.shape[1:])
                model.load_state_dict(result["state"])
                first_seed["models"][condition] = model
                first_seed["predictions"][condition] = result["predictions"]
    return {
        "experiment": "flip-balance",
        "config": _config_json(config),
        "class_names": list(config.class_names),
        "test_counts": np.bincount(t_test, minlength=2).tolist(),
        "runs": runs,
        "summary": report.summarize(runs),
        "_first_seed": {**first_seed, "x_test": x_test, "t_test": t_test},
    }


def _load_checked(config: FlipBalanceConfig) -> tuple[Arrays, Arrays]:
    """:func:`load_binary_task`, checked and remembered for this process's runs."""
    data = load_binary_task(config)
    (_, t_train), _ = data
    # Checked by the config for the published files; here for unverified ones, before any step.
    problem = config.size_problem(int(np.bincount(t_train, minlength=2).min()))
    if problem is not None:
        raise DataError(problem)
    remember(_data_key(config), data)
    return data


def _data_key(config: FlipBalanceConfig) -> tuple:
    """What identifies the loaded data of ``config`` (for the per-process cache)."""
    source = (str(config.data), config.image_size, config.color) if config.data else None
    return ("flip-balance", config.classes, str(config.root), config.verify, config.dtype, source)


def _training_subset(t_train: NDArray[np.int64], per_class: int | None, seed: int) -> NDArray:
    if per_class is None:
        return np.arange(len(t_train))
    return sample_per_class(t_train, per_class, np.random.default_rng([seed, 0]), num_classes=2)


def _progress_line(record: dict[str, Any], class_names: tuple[str, str]) -> str:
    recall = record["recall"]
    return (
        f"seed {record['seed']}  {record['condition']:<16}"
        f" accuracy {100 * record['accuracy']:5.1f}%"
        f"  recall {class_names[0]} {100 * recall[0]:5.1f}%  {class_names[1]} "
        f"{100 * recall[1]:5.1f}%  ({record['steps']} steps, {record['wall_time_s']:.1f} s)\n"
    )


def _config_json(config: FlipBalanceConfig) -> dict[str, Any]:
    payload = asdict(config)
    payload["root"] = None if config.root is None else str(config.root)
    payload["data"] = None if config.data is None else str(config.data)
    payload["out"] = str(config.out)
    return payload


def run_flip_balance(
    config: FlipBalanceConfig, printer: Callable[[str], None] = print
) -> dict[str, Any]:
    """What ``zeronn flip-balance`` runs: every run, the tables printed, results.json and the
    figures written into ``config.out``. Returns the results (as written to results.json)."""
    config.check_paths()  # before any compute: where the outputs go (zeronn.run_paths)
    results = run_experiment(config)
    first_seed = results.pop("_first_seed")
    printer("")
    printer(report.format_table(results["summary"], config.class_names))
    printer(report.format_post_comparison(results["summary"], config.class_names))
    with RunFolder(config.out, overwrite=config.overwrite) as folder:
        written = [atomic_write_json(folder / "results.json", results).name]
        if config.figures:
            from zeronn.experiments.flip_balance import figures

            written += [path.name for path in figures.write_figures(results, first_seed, folder)]
    printer(f"wrote {', '.join(written)} into {config.out}")
    return results
