"""Condition builders of the flip-balance experiment, on tiny synthetic data."""

import numpy as np
import pytest

from zeronn.experiments.flip_balance.conditions import (
    CONDITIONS,
    build_condition,
    horizontal_flip,
    oversample_to_balance,
    random_horizontal_flip,
    with_flipped_copies,
)


def flip_by_loops(images):
    """The obviously-correct flip: out[n, c, i, j] = x[n, c, i, W − 1 − j]."""
    out = np.empty_like(images)
    N, C, H, W = images.shape
    for n in range(N):
        for c in range(C):
            for i in range(H):
                for j in range(W):
                    out[n, c, i, j] = images[n, c, i, W - 1 - j]
    return out


def synthetic(rng, count_a=5, count_b=3, dtype=np.float32):
    """Distinct images (every pixel different) so a flip or a swap can never go unnoticed."""
    labels = np.array([0] * count_a + [1] * count_b)
    rng.shuffle(labels)
    images = rng.random((len(labels), 1, 4, 5)).astype(dtype)
    return images, labels


def as_rows(images):
    return {row.tobytes() for row in images.reshape(len(images), -1)}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_horizontal_flip_matches_loops_and_keeps_dtype(rng, dtype):
    images = rng.random((3, 2, 4, 5)).astype(dtype)
    before = images.copy()
    flipped = horizontal_flip(images)
    np.testing.assert_array_equal(flipped, flip_by_loops(images))
    assert flipped.dtype == dtype
    np.testing.assert_array_equal(images, before)
    np.testing.assert_array_equal(horizontal_flip(flipped), images)


def test_with_flipped_copies_appends_exact_flips_of_one_class(rng):
    images, labels = synthetic(rng)
    out_images, out_labels = with_flipped_copies(images, labels, (0,))
    assert np.bincount(out_labels).tolist() == [10, 3]
    np.testing.assert_array_equal(out_images[: len(images)], images)
    np.testing.assert_array_equal(out_images[len(images) :], flip_by_loops(images[labels == 0]))
    assert (out_labels[len(images) :] == 0).all()


@pytest.mark.parametrize(
    ("condition", "counts", "size_factor"),
    [
        ("none", [5, 3], 1),
        ("random-flip", [5, 3], 1),
        ("flip-a", [10, 3], 13 / 8),
        ("flip-both", [10, 6], 2),
        ("flip-a-balanced", [10, 10], 20 / 8),
    ],
)
def test_counts_per_class_and_memory_accounting(rng, condition, counts, size_factor):
    images, labels = synthetic(rng)
    training = build_condition(condition, images, labels, rng=0)
    assert training.class_counts().tolist() == counts
    assert training.images.shape == (sum(counts), 1, 4, 5)
    assert training.images.dtype == np.float32
    per_image = 4 * 5 * 4 + 8  # float32 pixels + one int64 label
    assert training.held_bytes == sum(counts) * per_image
    none_bytes = build_condition("none", images, labels, rng=0).held_bytes
    assert training.held_bytes == pytest.approx(size_factor * none_bytes)


def test_only_random_flip_has_a_batch_buffer(rng):
    images, labels = synthetic(rng)
    for condition in CONDITIONS:
        training = build_condition(condition, images, labels, rng=0)
        buffer = training.batch_buffer_bytes(batch_size=4)
        assert buffer == (4 * 4 * 5 * 4 if condition == "random-flip" else 0), condition
        assert training.peak_bytes(4) == training.held_bytes + buffer


def test_flip_both_holds_every_original_and_every_mirror(rng):
    images, labels = synthetic(rng)
    training = build_condition("flip-both", images, labels, rng=0)
    assert as_rows(training.images) == as_rows(images) | as_rows(flip_by_loops(images))
    # each image keeps its label, mirrored or not
    for image, label in zip(training.images, training.labels, strict=True):
        match = (images == image).all(axis=(1, 2, 3)) | (flip_by_loops(images) == image).all(
            axis=(1, 2, 3)
        )
        assert labels[match].tolist() == [label]


def test_balanced_resampling_is_balanced_and_spreads_repeats(rng):
    images, labels = synthetic(rng, count_a=7, count_b=3)  # A expands to 14: B needs 11 more
    training = build_condition("flip-a-balanced", images, labels, rng=5)
    assert training.class_counts().tolist() == [14, 14]
    b_images = training.images[training.labels == 1].reshape(14, -1)
    _, repeats = np.unique(b_images, axis=0, return_counts=True)
    # 14 = 4 × 3 + 2: every B image appears 4 or 5 times, and only B images were repeated
    assert sorted(repeats.tolist()) == [4, 5, 5]
    a_images = images[labels == 0]
    expected_a = as_rows(a_images) | as_rows(flip_by_loops(a_images))
    assert as_rows(training.images[training.labels == 0]) == expected_a


def test_oversample_leaves_the_largest_class_alone(rng):
    images, labels = synthetic(rng, count_a=6, count_b=4)
    out_images, out_labels = oversample_to_balance(images, labels, rng)
    assert np.bincount(out_labels).tolist() == [6, 6]
    np.testing.assert_array_equal(out_images[: len(images)], images)
    assert (out_labels[len(images) :] == 1).all()


def test_random_flip_flips_about_half_exactly_and_leaves_input(rng):
    images = rng.random((400, 1, 3, 4))
    before = images.copy()
    out = random_horizontal_flip(images, np.random.default_rng(0))
    np.testing.assert_array_equal(images, before)
    same = (out == images).all(axis=(1, 2, 3))
    mirrored = (out == flip_by_loops(images)).all(axis=(1, 2, 3))
    assert (same ^ mirrored).all()  # each image either untouched or exactly mirrored
    assert 150 < mirrored.sum() < 250
    assert out.dtype == images.dtype


def test_builders_never_modify_inputs(rng):
    images, labels = synthetic(rng)
    kept_images, kept_labels = images.copy(), labels.copy()
    for condition in CONDITIONS:
        training = build_condition(condition, images, labels, rng=1)
        assert not np.shares_memory(training.images, images)
    np.testing.assert_array_equal(images, kept_images)
    np.testing.assert_array_equal(labels, kept_labels)


def test_bad_inputs_name_what_arrived(rng):
    images, labels = synthetic(rng)
    with pytest.raises(ValueError, match="unknown condition 'flip-b'"):
        build_condition("flip-b", images, labels, rng=0)
    with pytest.raises(ValueError, match=r"binary labels .* got also \[2\]"):
        build_condition("none", images, np.where(labels == 1, 2, 0), rng=0)
    with pytest.raises(ValueError, match=r"one label per image in labels, 8 of them, got \(7,\)"):
        build_condition("none", images, labels[:7], rng=0)
    with pytest.raises(ValueError, match=r"images \(N, C, H, W\), got \(8, 4, 5\)"):
        build_condition("none", images[:, 0], labels, rng=0)
    with pytest.raises(TypeError, match="float32 or float64, got uint8"):
        build_condition("none", images.astype(np.uint8), labels, rng=0)
    with pytest.raises(TypeError, match="labels as integer class indices, got dtype float64"):
        build_condition("none", images, labels.astype(float), rng=0)
    with pytest.raises(TypeError, match=r"numpy\.random\.Generator, an int seed or None"):
        build_condition("flip-a-balanced", images, labels, rng="seed")
