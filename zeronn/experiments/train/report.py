"""What ``zeronn train`` says about a run: before it trains, which network on which images
with which settings and threads; after, which epoch's weights it kept; and metrics.json.

::

    zeronn train: an mlp with --hidden 100,100 for 784 inputs and 10 classes (89,610
    parameters) on mnist: 54,000 training images, 6,000 held out for validation, 10,000 test
    images; adam lr 0.001, batch 100, 5 epochs, float32, 1 thread

    kept epoch 4 of 5: the best val_accuracy (0.9765); model.npz holds its weights
"""

from __future__ import annotations

import platform
from typing import Any

import numpy as np

import zeronn
from zeronn.experiments.networks import spec_text
from zeronn.experiments.train.config import TrainConfig
from zeronn.metrics import precision_recall_f1, prediction_histogram


def headline(
    config: TrainConfig, spec: dict[str, Any], parameters: int, sizes: dict[str, int], threads: int
) -> str:
    """The header of a run: ``spec`` (the network), its ``parameters`` count, the ``sizes``
    of its parts (``train``, ``validation``, ``test``: images), the settings and ``threads``."""
    source = str(config.data) if config.data is not None else config.dataset
    network = f"{spec_text(spec)} ({parameters:,} parameters)"
    test = f"{sizes['test']:,} test images"
    if config.evaluate_only:
        return f"zeronn train: evaluating {config.load}, {network}, on {source}: {test}"
    images = f"{sizes['train']:,} training images"
    if sizes["validation"]:
        images += f", {sizes['validation']:,} held out for validation"
    settings = [f"{config.optimizer} lr {config.learning_rate:g}"]
    if config.weight_decay:
        settings[0] += f" weight decay {config.weight_decay:g}"
    settings += [f"batch {config.batch_size}", f"{config.epochs} epochs"]
    if config.schedule != "none":
        settings[-1] += f" ({config.schedule} schedule)"
    if config.augment is not None:
        settings.append(f"augment {config.augment}")
    settings += [config.dtype, f"{threads} thread" + ("s" if threads > 1 else "")]
    start = "" if config.load is None else f"from {config.load}, "
    if config.resume is not None:
        start = f"going on from {config.resume}, "
    return (
        f"zeronn train: {start}{network} on {source}: {images}, {test}; "
        + ", ".join(settings)
    )


def kept_line(config: TrainConfig, history: Any, best_epoch: int | None, best: float | None):
    """Which epoch's weights the run kept, and why."""
    ran = history.epochs
    stopped = f" (early stopping ended it after epoch {ran})" if ran < config.epochs else ""
    if best_epoch is None:
        return f"kept the last epoch, {ran} of {config.epochs}{stopped}: no validation share"
    return (
        f"kept epoch {best_epoch} of {ran}{stopped}: the best val_accuracy ({best:.4f}); "
        "model.npz holds its weights"
    )


def metrics_payload(
    config, cm, predicted, class_names, test_loss, test_accuracy, samples
) -> dict[str, Any]:
    """The payload of metrics.json (the run adds what it measured about its epochs)."""
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
