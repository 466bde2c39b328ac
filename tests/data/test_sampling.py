"""Subset samplers: balanced counts, no repeats, reproducibility, and clear refusals."""

import numpy as np
import pytest

from zeronn.data.sampling import sample_per_class, sample_random, split_per_class


@pytest.fixture
def labels(rng):
    # class c has 5 + c members, shuffled
    return rng.permutation(np.repeat(np.arange(10), np.arange(5, 15))).astype(np.uint8)


def test_sample_per_class_is_balanced_sorted_and_distinct(labels, rng):
    indices = sample_per_class(labels, 5, rng)
    assert indices.dtype == np.int64
    assert len(indices) == 50
    assert np.all(np.diff(indices) > 0)  # sorted and distinct
    np.testing.assert_array_equal(np.bincount(labels[indices], minlength=10), np.full(10, 5))


def test_sample_per_class_takes_every_member_when_asked_for_all(labels):
    # class 0 has exactly 5 members: all of them must be chosen
    indices = sample_per_class(labels, 5, 0)
    np.testing.assert_array_equal(
        np.intersect1d(indices, np.flatnonzero(labels == 0)), np.flatnonzero(labels == 0)
    )


def test_sample_per_class_is_reproducible_and_seed_dependent(labels):
    first = sample_per_class(labels, 3, np.random.default_rng(7))
    again = sample_per_class(labels, 3, 7)
    other = sample_per_class(labels, 3, 8)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_sample_per_class_covers_members_uniformly():
    # each of 4 members of a class is chosen about half the time when drawing 2
    labels = np.zeros(4, np.int64)
    rng = np.random.default_rng(0)
    counts = np.zeros(4)
    for _ in range(2000):
        counts[sample_per_class(labels, 2, rng)] += 1
    np.testing.assert_allclose(counts / 2000, 0.5, atol=0.05)


def test_sample_per_class_does_not_mutate_labels(labels):
    before = labels.copy()
    sample_per_class(labels, 2, 0)
    np.testing.assert_array_equal(labels, before)


def test_too_many_per_class_names_the_class_and_its_count(labels):
    with pytest.raises(ValueError, match="asked for 6 samples of class 0, but it has only 5"):
        sample_per_class(labels, 6, 0)


def test_num_classes_makes_an_absent_class_an_error():
    labels = np.array([0, 0, 2, 2])
    assert len(sample_per_class(labels, 1, 0)) == 2
    with pytest.raises(ValueError, match="class 1, but it has only 0"):
        sample_per_class(labels, 1, 0, num_classes=3)
    with pytest.raises(ValueError, match=r"labels in \[0, 2\), found \[0, 2\]"):
        sample_per_class(labels, 1, 0, num_classes=2)


@pytest.mark.parametrize(
    ("n", "error"), [(0, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError)]
)
def test_sample_per_class_refuses_non_positive_counts(labels, n, error):
    with pytest.raises(error, match="n_per_class to be a positive integer"):
        sample_per_class(labels, n, 0)


def test_sample_per_class_refuses_bad_labels():
    with pytest.raises(ValueError, match=r"1-D array of class indices, got \(3, 10\).*argmax"):
        sample_per_class(np.zeros((3, 10)), 1, 0)
    with pytest.raises(TypeError, match="integer labels, got dtype float64"):
        sample_per_class(np.zeros(3), 1, 0)
    with pytest.raises(ValueError, match="no labels"):
        sample_per_class(np.zeros(0, np.int64), 1, 0)
    with pytest.raises(TypeError, match=r"rng to be a numpy\.random\.Generator"):
        sample_per_class(np.zeros(3, np.int64), 1, 0.5)


def test_sample_random_is_sorted_distinct_and_reproducible():
    indices = sample_random(100, 30, 3)
    assert indices.dtype == np.int64
    assert len(indices) == 30
    assert np.all(np.diff(indices) > 0)
    assert indices[0] >= 0
    assert indices[-1] < 100
    np.testing.assert_array_equal(indices, sample_random(100, 30, np.random.default_rng(3)))
    assert not np.array_equal(indices, sample_random(100, 30, 4))


def test_sample_random_can_take_everything():
    np.testing.assert_array_equal(sample_random(7, 7, 0), np.arange(7))


def test_sample_random_refusals():
    with pytest.raises(ValueError, match="asked for 11 samples, but there are only 10 items"):
        sample_random(10, 11, 0)
    with pytest.raises(ValueError, match="n to be a positive integer, got 0"):
        sample_random(10, 0, 0)
    with pytest.raises(ValueError, match="n_items to be a non-negative integer, got -1"):
        sample_random(-1, 1, 0)


def test_split_per_class_takes_a_share_of_every_class(labels):
    train, validation = split_per_class(labels, 0.2, rng=0)
    assert train.dtype == validation.dtype == np.int64
    np.testing.assert_array_equal(np.sort(np.concatenate([train, validation])), np.arange(95))
    assert np.all(np.diff(validation) > 0)
    expected = [max(1, round(0.2 * n)) for n in range(5, 15)]
    assert np.bincount(labels[validation], minlength=10).tolist() == expected
    np.testing.assert_array_equal(validation, split_per_class(labels, 0.2, rng=0)[1])
    assert not np.array_equal(validation, split_per_class(labels, 0.2, rng=1)[1])


def test_split_per_class_keeps_every_class_on_both_sides_when_it_can():
    labels = np.array([0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
    train, validation = split_per_class(labels, 0.01, rng=0)
    assert labels[validation].tolist() == [1, 2]  # at least one; the single 0 stays in training
    train, validation = split_per_class(labels, 0.99, rng=0)
    assert sorted(set(labels[train].tolist())) == [0, 1, 2]  # at most n - 1
    train, validation = split_per_class(labels, 0.0, rng=0)
    assert validation.size == 0


def test_split_per_class_refusals():
    with pytest.raises(ValueError, match=r"validation_fraction in \[0, 1\), got 1"):
        split_per_class(np.array([0, 1]), 1, rng=0)
    with pytest.raises(ValueError, match="expected integer labels"):
        split_per_class(np.array([0.0, 1.0]), 0.5, rng=0)
