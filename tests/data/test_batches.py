"""Mini-batch iteration: coverage, order, reproducibility, augmentation and refusals."""

import numpy as np
import pytest

from zeronn.data.batches import iterate_batches, num_batches


def make_data(n=10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    t = np.arange(n, dtype=np.int64)
    return x, t


@pytest.mark.parametrize(
    ("n", "batch_size", "drop_last", "expected"),
    [
        (10, 4, False, 3),
        (10, 4, True, 2),
        (8, 4, False, 2),
        (8, 4, True, 2),
        (3, 5, False, 1),
        (3, 5, True, 0),
        (0, 5, False, 0),
        (1, 1, False, 1),
    ],
)
def test_num_batches(n, batch_size, drop_last, expected):
    assert num_batches(n, batch_size, drop_last) == expected


def test_num_batches_refusals():
    with pytest.raises(ValueError, match="batch_size to be a positive integer, got 0"):
        num_batches(10, 0)
    with pytest.raises(ValueError, match="n to be a non-negative integer, got -1"):
        num_batches(-1, 2)


@pytest.mark.parametrize("shuffle", [True, False])
def test_every_sample_once_per_epoch_with_matching_targets(rng, shuffle):
    x, t = make_data(10)
    batches = list(iterate_batches(x, t, 4, rng, shuffle=shuffle))
    assert [len(t_batch) for _, t_batch in batches] == [4, 4, 2]
    seen = np.concatenate([t_batch for _, t_batch in batches])
    np.testing.assert_array_equal(np.sort(seen), t)
    for x_batch, t_batch in batches:
        np.testing.assert_array_equal(x_batch, x[t_batch])  # rows stay paired with targets
        assert x_batch.dtype == x.dtype
        assert t_batch.dtype == t.dtype
    if not shuffle:
        np.testing.assert_array_equal(seen, t)


def test_shuffle_follows_the_rng_permutation():
    x, t = make_data(10)
    order = np.concatenate([tb for _, tb in iterate_batches(x, t, 3, np.random.default_rng(5))])
    np.testing.assert_array_equal(order, np.random.default_rng(5).permutation(10))


def test_same_seed_same_epoch_and_next_epoch_differs():
    x, t = make_data(20)
    rng = np.random.default_rng(0)
    first = [tb for _, tb in iterate_batches(x, t, 6, rng)]
    second = [tb for _, tb in iterate_batches(x, t, 6, rng)]
    replay = [tb for _, tb in iterate_batches(x, t, 6, 0)]
    assert all(np.array_equal(a, b) for a, b in zip(first, replay, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


def test_drop_last_drops_only_the_partial_batch(rng):
    x, t = make_data(10)
    batches = list(iterate_batches(x, t, 4, rng, drop_last=True))
    assert [len(tb) for _, tb in batches] == [4, 4]
    assert len(np.unique(np.concatenate([tb for _, tb in batches]))) == 8


def test_one_hot_targets_and_image_batches(rng):
    x = rng.standard_normal((7, 1, 5, 5))
    t = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 7)]
    batches = list(iterate_batches(x, t, 3, rng))
    assert [xb.shape for xb, _ in batches] == [(3, 1, 5, 5), (3, 1, 5, 5), (1, 1, 5, 5)]
    assert [tb.shape for _, tb in batches] == [(3, 3), (3, 3), (1, 3)]


def test_augment_is_applied_per_batch_with_the_same_rng_and_never_in_place():
    x, t = make_data(10)
    x_before = x.copy()
    calls = []

    def augment(images, rng):
        calls.append(rng)
        images += 1000  # a careless in-place augmentation must not reach the caller's x
        return images + rng.random(images.shape, dtype=images.dtype)

    rng = np.random.default_rng(0)
    batches = list(iterate_batches(x, t, 4, rng, shuffle=False, augment=augment))
    np.testing.assert_array_equal(x, x_before)
    assert len(calls) == 3
    assert all(call is rng for call in calls)
    for x_batch, t_batch in batches:
        offset = x_batch - x[t_batch]
        assert np.all((offset >= 1000) & (offset < 1001))

    again = list(iterate_batches(x, t, 4, 0, shuffle=False, augment=augment))
    for (a, _), (b, _) in zip(batches, again, strict=True):
        np.testing.assert_array_equal(a, b)


def test_batches_are_copies_not_views(rng):
    x, t = make_data(6)
    for x_batch, t_batch in iterate_batches(x, t, 6, None, shuffle=False):
        assert not np.shares_memory(x_batch, x)
        assert not np.shares_memory(t_batch, t)


@pytest.mark.parametrize(
    ("augment", "message"),
    [
        (lambda images, rng: images[:, :2], r"float32 of shape \(4, 3\)\), got float32 of shape"),
        (lambda images, rng: images.astype(np.float64), "got float64 of shape"),
        (lambda images, rng: images.tolist(), "got list"),
    ],
)
def test_augment_must_keep_shape_and_dtype(rng, augment, message):
    x, t = make_data(8)
    with pytest.raises(ValueError, match=message):
        list(iterate_batches(x, t, 4, rng, augment=augment))


def test_refusals_come_at_the_call_not_at_the_first_batch(rng):
    x, t = make_data(10)
    with pytest.raises(
        ValueError,
        match=r"same number of samples, got x of shape \(10, 3\) and t "
        r"of shape \(9,\)",
    ):
        iterate_batches(x, t[:9], 4, rng)
    with pytest.raises(ValueError, match="batch_size to be a positive integer, got 0"):
        iterate_batches(x, t, 0, rng)
    with pytest.raises(TypeError, match=r"rng to be a numpy\.random\.Generator"):
        iterate_batches(x, t, 4, "0")
    with pytest.raises(
        TypeError, match=r"expected x as a numpy array of shape \(N, \.\.\.\), got list"
    ):
        iterate_batches(x.tolist(), t, 4, rng)
    with pytest.raises(TypeError, match="augment to be a callable"):
        iterate_batches(x, t, 4, rng, augment="rotate")
