"""``zeronn train --profile``: where one training step of the configured run spends its time.

The model, optimizer, dtype and batch size are the run's (built exactly as
:func:`zeronn.experiments.train.run.train_and_evaluate` builds them, from the same seed); the
batch is the first one of a shuffled epoch. :func:`zeronn.profile` times the step layer by
layer and the table is printed; nothing is trained and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from zeronn import data, serialize
from zeronn.experiments.train import folder as train_folder
from zeronn.experiments.train.config import TrainConfig
from zeronn.experiments.train.run import IMAGE_SHAPE, build_model, build_optimizer, load_splits
from zeronn.profiler import Profile, profile


def profile_training(config: TrainConfig, printer: Callable[[str], None] = print) -> Profile:
    """Profile one training step of ``config``'s run on a batch of its training images."""
    rng = np.random.default_rng(config.seed)
    if config.data is None:
        (x, t), _ = load_splits(config, rng)
        image_shape, classes = IMAGE_SHAPE, len(data.DATASETS[config.dataset].classes)
    else:
        parts = train_folder.open_folder(config)
        image_shape, classes = parts.image_shape, len(parts.class_names)
    model = build_model(config, rng, image_shape, classes)
    if config.load is not None:
        serialize.load(model, config.load)
    optimizer = build_optimizer(config, model)
    if config.data is None:
        chosen = rng.permutation(len(x))[: config.batch_size]
        x_batch, t_batch = x[chosen], t[chosen]
    else:
        x_batch, t_batch = next(iter(parts.train.batches(config.batch_size, rng=rng, shuffle=True)))
    result = profile(model, x_batch, t_batch, optimizer=optimizer)
    printer(str(result))
    return result
