"""Train a model on MNIST, Fashion-MNIST or a folder of class folders, evaluate it on the test
set, write everything.

``train_and_evaluate(TrainConfig(...))`` is what ``zeronn train`` runs. Into ``config.out``
it writes::

    model.npz             the weights (with a validation split: those of the best epoch)
    checkpoint.npz        the state after the last epoch, to go on from (--resume DIR;
                          zeronn.checkpoint); not written by ``evaluate_only``
    history.json          per-epoch and per-step metrics (zeronn.history.History)
    metrics.json          test loss and accuracy, per-class scores, confusion matrix, config
    curves.png            loss and accuracy per epoch
    confusion_matrix.png  misclassified.png     (the figures: not with ``figures=False``)

A folder (``config.data``) is streamed, never loaded whole; how its parts are chosen:
:mod:`zeronn.experiments.train.folder`. ``evaluate_only`` skips training and evaluates the
``load`` weights (the config has read the model options from the file, or checked the given
ones against it: :mod:`zeronn.experiments.networks`). ``resume`` goes on with the run whose
checkpoint it names: the run is set up from the same options and seed, then the checkpoint's
state is put back (:mod:`zeronn.experiments.train.resume`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zeronn import data, optim, plots, serialize
from zeronn._io import atomic_write_json
from zeronn.augment import ImageDataGenerator
from zeronn.callbacks import Callback, CosineLR, EarlyStopping, ModelCheckpoint, StepLR
from zeronn.checkpoint import read_checkpoint, restore_checkpoint, save_checkpoint
from zeronn.data.batches import ArrayBatches
from zeronn.data.errors import DataError
from zeronn.experiments import networks
from zeronn.experiments.train import folder as train_folder
from zeronn.experiments.train import report
from zeronn.experiments.train.config import TrainConfig
from zeronn.experiments.train.resume import CHECKPOINT_FILE
from zeronn.functional import softmax
from zeronn.metrics import (
    accuracy,
    classification_report,
    confusion_matrix,
)
from zeronn.model import Sequential
from zeronn.run_folder import RunFolder
from zeronn.threads import current_threads
from zeronn.trainer import Trainer

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
    optimizer = build_optimizer(config, model)

    say = printer if config.verbose else _silent  # the headline; the results always
    with RunFolder(config.out, overwrite=config.overwrite) as folder:
        metrics, classes, kept = _train_and_write(
            config, model, optimizer, folder, rng, (train, test, class_names, parts), say
        )
    printer(classes)
    if kept is not None:
        printer(kept)
    test = metrics["test"]
    printer(
        f"test accuracy {test['accuracy']:.4f}, loss {test['loss']:.4f} on {test['samples']} "
        f"images; outputs in {config.out}"
    )
    return metrics


def _train_and_write(config, model, optimizer, folder, rng, data_parts, say):
    """Train, evaluate, and write every output into ``folder`` (the run's temporary folder);
    return metrics.json's payload, the classification report and the kept-epoch line.

    ``data_parts``: ``(train, test, class_names, parts)``, ``train`` and ``test`` arrays
    ``(x, t)``, or image-folder datasets (``parts``, the folder's, with ``test`` None when it
    has no test/ folder: the validation images stand in). ``say`` prints the headline.
    """
    train, test, class_names, parts = data_parts
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
    if parts is None:  # arrays: one more batch source, so what follows reads the same
        train, test = ArrayBatches(*train), ArrayBatches(*test)
        validation = None if validation is None else ArrayBatches(*validation)
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

    sizes = {"train": len(train), "test": len(test), "validation": len(validation or ())}
    parameters = sum(param.size for param in model.parameters())
    say(report.headline(config, model.built_by, parameters, sizes, current_threads()))
    best_epoch, train_seconds, done, kept = None, 0.0, 0, None
    if config.resume is not None:  # after the setup's draws: the checkpoint has the rng's state
        checkpoint = read_checkpoint(config.resume)
        restore_checkpoint(checkpoint, trainer)
        done = checkpoint.epoch
    if not config.evaluate_only:
        start = time.perf_counter()
        history = trainer.fit(
            train, epochs=config.epochs, validation=validation, initial_epoch=done
        )
        train_seconds = time.perf_counter() - start
        # the state after the last epoch, before the best epoch's weights are loaded
        save_checkpoint(folder / CHECKPOINT_FILE, trainer, run={"config": config.as_dict()})
        if validation is not None:
            serialize.load(model, model_path)  # the checkpoint holds the best validation epoch
            best_epoch = callbacks[0].best_epoch
        else:
            serialize.save(model, model_path)
        best = callbacks[0].best if validation is not None else None
        kept = report.kept_line(config, history, best_epoch, best)
        history.save(folder / "history.json")
        if config.figures:
            kept_epoch = best_epoch if best_epoch is not None else history.epochs  # else the last
            plots.plot_history(history, best_epoch=kept_epoch, path=folder / "curves.png")
    else:
        serialize.save(model, model_path)  # the evaluated weights travel with their metrics

    logits, t_test = trainer.outputs(test)  # what trainer.evaluate scores
    test_loss, test_accuracy = float(trainer.loss.forward(logits, t_test)), accuracy(logits, t_test)
    probabilities = softmax(logits, axis=1)
    predicted = probabilities.argmax(axis=1)
    cm = confusion_matrix(t_test, predicted, len(class_names))
    metrics = report.metrics_payload(
        config, cm, predicted, class_names, test_loss, test_accuracy, len(t_test)
    )
    metrics["best_epoch"], metrics["train_seconds"] = best_epoch, train_seconds
    if parts is not None:
        metrics["dataset"] = str(config.data)
        metrics["data"] = train_folder.folder_facts(config, parts, train, validation, test)
        if parts.test is None:
            metrics["test"]["note"] = train_folder.TEST_ON_VALIDATION
    atomic_write_json(folder / "metrics.json", metrics)
    if config.figures:
        plots.plot_confusion_matrix(cm, class_names, path=folder / "confusion_matrix.png")
        plots.plot_misclassified(
            *train_folder.misclassified_inputs(test, probabilities, t_test),
            class_names=class_names,
            image_shape=IMAGE_SHAPE[1:],
            path=folder / "misclassified.png",
        )
    return metrics, classification_report(t_test, predicted, class_names), kept


def _silent(_: str) -> None:
    return None


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
    :func:`zeronn.experiments.networks.network_spec`.
    """
    return networks.build_network(config.network(image_shape, classes), rng, config.dtype)


def build_optimizer(config: TrainConfig, model: Sequential) -> optim.Optimizer:
    """The config's optimizer over ``model``'s parameters, at its lr and weight decay."""
    return OPTIMIZERS[config.optimizer](
        model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )


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
