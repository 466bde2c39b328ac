"""Train a model on MNIST, Fashion-MNIST or a folder of class folders, evaluate it on the test
set, write everything.

``train_and_evaluate(TrainConfig(...))`` is what ``zeronn train`` runs. Into ``config.out``
it writes::

    model.npz             the weights (with a validation split: those of the best epoch)
    history.json          per-epoch and per-step metrics (zeronn.train.History)
    metrics.json          test loss and accuracy, per-class scores, confusion matrix, config
    curves.png            loss and accuracy per epoch
    confusion_matrix.png  misclassified.png

A folder (``config.data``) is streamed, never loaded whole; how its parts are chosen:
:mod:`zeronn.workflows.train_folder`. ``evaluate_only`` skips training and evaluates the
``load`` weights (the config has read the model options from the file, or checked the given
ones against it: :mod:`zeronn.workflows.train_model`).
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

import zeronn
from zeronn import data, optim, plots, serialize
from zeronn._io import atomic_write_json
from zeronn.augment import ImageDataGenerator
from zeronn.callbacks import Callback, CosineLR, EarlyStopping, ModelCheckpoint, StepLR
from zeronn.data.errors import DataError
from zeronn.metrics import (
    accuracy,
    classification_report,
    confusion_matrix,
    precision_recall_f1,
    prediction_histogram,
)
from zeronn.model import Sequential
from zeronn.run_folder import RunFolder
from zeronn.train import Trainer
from zeronn.workflows import train_folder, train_model
from zeronn.workflows.train_config import TrainConfig

IMAGE_SHAPE = (1, 28, 28)
OPTIMIZERS: dict[str, type[optim.Optimizer]] = {
    "sgd": optim.SGD,
    "momentum": optim.Momentum,
    "nesterov": optim.Nesterov,
    "adagrad": optim.AdaGrad,
    "rmsprop": optim.RMSprop,
    "adam": optim.Adam,
}
Split = tuple[NDArray[np.floating], NDArray[np.integer]]


def train_and_evaluate(
    config: TrainConfig, printer: Callable[[str], None] = print
) -> dict[str, Any]:
    """Train (unless ``evaluate_only``), evaluate on the test set, write the outputs.

    The outputs are one unit (:class:`zeronn.run_folder.RunFolder`): checkpoints and files go
    to a temporary folder that replaces ``config.out`` only when the run has finished. Returns
    the payload of metrics.json.
    """
    config.check_paths()  # before any compute: where the outputs go (zeronn.run_paths)
    rng = np.random.default_rng(config.seed)
    if config.data is None:
        train, test = load_splits(config, rng)
        parts, image_shape = None, IMAGE_SHAPE
        class_names = data.DATASETS[config.dataset].classes
    else:  # the files are listed here, and decoded batch by batch while training
        parts = train_folder.open_folder(config)
        train, test = parts.train, parts.test
        image_shape, class_names = parts.image_shape, parts.class_names
    model = build_model(config, rng, image_shape, len(class_names))
    if config.load is not None:
        serialize.load(model, config.load)
    optimizer = OPTIMIZERS[config.optimizer](model.parameters(), lr=config.learning_rate)

    with RunFolder(config.out, overwrite=config.overwrite) as folder:
        metrics, report = _train_and_write(
            config, model, optimizer, folder, rng, train, test, class_names, parts
        )
    printer(report)
    test = metrics["test"]
    printer(
        f"test accuracy {test['accuracy']:.4f}, loss {test['loss']:.4f} on {test['samples']} "
        f"images; outputs in {config.out}"
    )
    return metrics


def _train_and_write(config, model, optimizer, folder, rng, train, test, class_names, parts):
    """Train, evaluate, and write every output into ``folder`` (the run's temporary folder).

    ``train`` and ``test``: arrays ``(x, t)``, or image-folder datasets (``parts``, the folder's,
    with ``test`` None when it has no test/ folder: the validation images stand in).
    """
    model_path = folder / "model.npz"
    augment = config.augment_options()
    generator = None
    if augment is not None:
        image_shape = IMAGE_SHAPE[1:] if config.flat_images else None
        generator = ImageDataGenerator(**augment, image_shape=image_shape)
    validation, callbacks = None, []
    if parts is not None:
        train, validation = train_folder.hold_out_images(train, config.val_split, rng)
        test = validation if test is None else test
    elif not config.evaluate_only:
        train, validation = hold_out(*train, config.val_split, rng)
    if not config.evaluate_only:
        callbacks = _callbacks(config, model_path, validation is not None)
    trainer = Trainer(
        model,
        optimizer,
        batch_size=config.batch_size,
        rng=rng,
        augment=generator,
        callbacks=callbacks,
        clip_grad_norm=config.clip_grad_norm,
        verbose=int(config.verbose),
    )

    best_epoch, train_seconds = None, 0.0
    if not config.evaluate_only:
        start = time.perf_counter()
        history = train_folder.fit(trainer, train, config.epochs, validation)
        train_seconds = time.perf_counter() - start
        if validation is not None:
            serialize.load(model, model_path)  # the checkpoint holds the best validation epoch
            best_epoch = callbacks[0].best_epoch
        else:
            serialize.save(model, model_path)
        history.save(folder / "history.json")
        kept = best_epoch if best_epoch is not None else history.epochs  # no validation: the last
        plots.plot_history(history, best_epoch=kept, path=folder / "curves.png")
    else:
        serialize.save(model, model_path)  # the evaluated weights travel with their metrics

    logits, t_test = train_folder.predict(trainer, test)  # what trainer.evaluate computes
    test_loss, test_accuracy = float(trainer.loss.forward(logits, t_test)), accuracy(logits, t_test)
    probabilities = _softmax(logits)
    predicted = probabilities.argmax(axis=1)
    cm = confusion_matrix(t_test, predicted, len(class_names))
    metrics = _metrics(config, cm, predicted, class_names, test_loss, test_accuracy, len(t_test))
    metrics["best_epoch"], metrics["train_seconds"] = best_epoch, train_seconds
    if parts is not None:
        metrics["dataset"] = str(config.data)
        metrics["data"] = train_folder.folder_facts(config, parts, train, validation, test)
        if parts.test is None:
            metrics["test"]["note"] = train_folder.TEST_ON_VALIDATION
    atomic_write_json(folder / "metrics.json", metrics)
    plots.plot_confusion_matrix(cm, class_names, path=folder / "confusion_matrix.png")
    plots.plot_misclassified(
        *train_folder.misclassified_inputs(test, probabilities, t_test),
        class_names=class_names,
        image_shape=IMAGE_SHAPE[1:],
        path=folder / "misclassified.png",
    )
    return metrics, classification_report(t_test, predicted, class_names)


def load_splits(config: TrainConfig, rng: np.random.Generator) -> tuple[Split, Split]:
    """Train and test splits in the run's dtype, cut to the requested random subsets."""
    (x_train, t_train), (x_test, t_test) = data.load_dataset(
        config.dataset,
        normalize=True,
        flatten=config.flat_images,
        root=config.root,
        download=config.download,
        verify=config.verify,
    )
    # Checked by the config for the published files; here for unverified ones, before any step.
    problem = config.size_problem(len(x_train), len(x_test))
    if problem is None and not config.evaluate_only:
        problem = config.split_problem(config.train_subset or len(x_train))
    if problem is not None:
        raise DataError(problem)
    splits = []
    for x, t, subset in (
        (x_train, t_train, config.train_subset),
        (x_test, t_test, config.test_subset),
    ):
        if subset is not None:
            chosen = data.sample_random(len(x), subset, rng)
            x, t = x[chosen], t[chosen]
        if config.row_sequences:  # (N, 1, 28, 28) -> (N, 28, 28): time steps = rows
            x = x.reshape(len(x), *x.shape[2:])
        splits.append((x.astype(config.dtype, copy=False), t))
    return splits[0], splits[1]


def hold_out(
    x: NDArray, t: NDArray, share: float, rng: np.random.Generator
) -> tuple[Split, Split | None]:
    """Hold out ``share`` of (x, t), drawn at random: (train, validation or None)."""
    count = round(share * len(x))
    if count == 0:
        return (x, t), None
    if count >= len(x):
        raise ValueError(f"--val-split {share} leaves no training images out of {len(x)}")
    order = rng.permutation(len(x))
    held, kept = order[:count], order[count:]
    return (x[kept], t[kept]), (x[held], t[held])


def build_model(
    config: TrainConfig,
    rng: np.random.Generator,
    image_shape: tuple[int, int, int] = IMAGE_SHAPE,
    classes: int = 10,
) -> Sequential:
    """The config's network for images ``image_shape`` (C, H, W) and ``classes`` classes
    (MNIST's 1×28×28 and 10 by default); the MLP reads the C·H·W pixels as one vector.

    ``lstm``, ``gru`` and ``rnn`` read an MNIST image as a sequence of its 28 rows (T = 28 steps
    of D = 28 pixels) through one recurrent layer per ``hidden`` width; the last layer's final
    state goes into an Affine over the 10 classes. Which factory, with which arguments:
    :func:`zeronn.workflows.train_model.network_spec`.
    """
    spec = train_model.network_spec(config.model, config.hidden, image_shape, classes)
    return train_model.build_network(spec, rng, config.dtype)


def _callbacks(config: TrainConfig, model_path, validating: bool) -> list[Callback]:
    callbacks: list[Callback] = []
    if validating:
        callbacks.append(ModelCheckpoint(model_path, monitor="val_accuracy"))
    if config.schedule == "step":
        callbacks.append(StepLR(step_size=max(1, config.epochs // 3), gamma=0.5))
    elif config.schedule == "cosine":
        callbacks.append(CosineLR(total_epochs=config.epochs))
    if config.early_stopping is not None:
        monitor = "val_loss" if validating else "loss"
        callbacks.append(EarlyStopping(monitor, patience=config.early_stopping))
    return callbacks


def _metrics(
    config, cm, predicted, class_names, test_loss, test_accuracy, samples
) -> dict[str, Any]:
    scores = precision_recall_f1(cm)
    return {
        "dataset": config.dataset,
        "model": config.model,
        "test": {"loss": test_loss, "accuracy": test_accuracy, "samples": samples},
        "per_class": {
            name: {
                "precision": float(scores.precision[k]),
                "recall": float(scores.recall[k]),
                "f1": float(scores.f1[k]),
                "support": int(scores.support[k]),
            }
            for k, name in enumerate(class_names)
        },
        "confusion_matrix": cm.tolist(),
        "prediction_histogram": prediction_histogram(predicted, len(class_names)).tolist(),
        "config": config.as_dict(),
        "versions": {
            "zeronn": zeronn.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
    }


def _softmax(logits: NDArray[np.floating]) -> NDArray[np.floating]:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
