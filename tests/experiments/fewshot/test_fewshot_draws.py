"""The two readings of the blog: the literal draw replays the legacy global stream exactly."""

import numpy as np
import pytest

from zeronn.experiments.fewshot.draws import BLOG_WEIGHT_SHAPES, draw_indices, literal_draw


def test_literal_draw_is_the_legacy_stream_images_then_weights():
    draw = literal_draw(180_000, 10, 8)
    legacy = np.random.RandomState(8)  # the blog's np.random.seed(8), as an object
    assert np.array_equal(draw.indices, legacy.choice(180_000, 10))
    for W, shape in zip(draw.weights, BLOG_WEIGHT_SHAPES, strict=True):
        assert W.shape == shape
        assert W.dtype == np.float64
        np.testing.assert_array_equal(W, 0.01 * legacy.randn(*shape))


def test_literal_draw_leaves_the_global_stream_alone():
    # Reading the global state is the point of this test, hence the noqa.
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    literal_draw(60_000, 10, 8)
    assert np.array_equal(np.random.get_state()[1], before)  # noqa: NPY002


def test_literal_draw_refuses_more_images_than_the_pool():
    with pytest.raises(ValueError, match="cannot draw 11 images from a pool of 10"):
        literal_draw(10, 11, 8)


def test_text_design_draws_distinct_images_reproducibly():
    labels = np.arange(100) % 10
    first = draw_indices(labels, 10, "random", np.random.default_rng(8))
    again = draw_indices(labels, 10, "random", np.random.default_rng(8))
    assert np.array_equal(first, again)
    assert len(np.unique(first)) == 10


def test_per_class_draw_takes_the_same_number_from_each_class():
    labels = np.arange(200) % 10
    indices = draw_indices(labels, 30, "per-class", np.random.default_rng(0))
    assert np.array_equal(np.bincount(labels[indices], minlength=10), np.full(10, 3))


@pytest.mark.parametrize(
    ("samples", "sampling", "message"),
    [
        (101, "random", "asked for 101 samples, but there are only 100"),
        (110, "per-class", "asked for 11 samples of class 0, but it has only 10"),
        (15, "per-class", "multiple of 10, got 15"),
        (10, "balanced", "'random' or 'per-class'"),
    ],
)
def test_impossible_draws_say_why(samples, sampling, message):
    with pytest.raises(ValueError, match=message):
        draw_indices(np.arange(100) % 10, samples, sampling, np.random.default_rng(0))
