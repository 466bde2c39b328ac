"""The fewshot figures stay bounded whatever the number of training images."""

import numpy as np

from zeronn.experiments.fewshot import figures
from zeronn.experiments.fewshot.experiment import PairedOutcome, TrainingSet


def training_set(n, angles):
    rng = np.random.default_rng(0)
    copies = len(angles)
    return TrainingSet(
        rng.random((n * copies, 784)),
        rng.integers(0, 10, n * copies),
        np.repeat(np.arange(n), copies),
        np.tile(np.array(angles), n),
    )


def test_the_image_grid_draws_at_most_a_fixed_number_of_columns_and_says_so():
    plain, rotated = training_set(500, (0.0,)), training_set(500, (0.0, 15.0, -15.0))
    outcome = PairedOutcome(None, None, plain, rotated)
    figure = figures.augmented_grid(outcome, [str(k) for k in range(10)], literal=False)
    assert len(figure.axes) == 3 * figures.MAX_GRID_COLUMNS
    assert figure._suptitle.get_text() == f"the first {figures.MAX_GRID_COLUMNS} of 500 images"


def test_a_small_grid_shows_every_image_without_a_note():
    plain, rotated = training_set(4, (0.0,)), training_set(4, (0.0, 15.0, -15.0))
    outcome = PairedOutcome(None, None, plain, rotated)
    figure = figures.augmented_grid(outcome, [str(k) for k in range(10)], literal=False)
    assert len(figure.axes) == 12
    assert figure._suptitle is None
