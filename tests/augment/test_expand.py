"""expand: ordering, class restriction and counts."""

import numpy as np
import pytest
import scipy.ndimage as ndi

from zeronn.augment import class_counts, expand, rotate


def test_expand_orders_original_then_each_angle(rng):
    x = rng.random((5, 784)).astype(np.float32)
    t = np.array([0, 1, 2, 1, 0])
    x_out, t_out = expand(x, t, (15, -15), image_shape=(28, 28), chunk_size=2)
    assert x_out.shape == (15, 784)
    assert x_out.dtype == np.float32
    np.testing.assert_array_equal(t_out, np.repeat(t, 3))
    np.testing.assert_array_equal(x_out[0::3], x)
    np.testing.assert_array_equal(x_out[1::3], rotate(x, 15, image_shape=(28, 28)))
    np.testing.assert_array_equal(x_out[2::3], rotate(x, -15, image_shape=(28, 28)))


def test_expand_restricted_to_classes_and_counts(rng):
    x = rng.random((6, 1, 8, 8))
    t = np.eye(3)[[0, 1, 1, 2, 0, 1]]
    x_out, t_out = expand(x, t, (10, -10, 20), classes=[1])
    assert class_counts(t) == {0: 2, 1: 3, 2: 1}
    assert class_counts(t_out) == {0: 2, 1: 12, 2: 1}
    assert x_out.shape == (15, 1, 8, 8)
    # image 1 (class 1) is at row 1, followed by its three copies; image 3 at row 9
    np.testing.assert_array_equal(x_out[1], x[1])
    np.testing.assert_array_equal(x_out[2], rotate(x[1:2], 10)[0])
    np.testing.assert_array_equal(x_out[9], x[3])
    np.testing.assert_array_equal(t_out[9], t[3])


def test_expand_rejects_bad_input(rng):
    with pytest.raises(ValueError, match=r"one label per image in t, 3 of them, got \(2,\)"):
        expand(rng.random((3, 4, 4)), np.zeros(2, int))
    with pytest.raises(ValueError, match="each angle to be a finite number, got nan"):
        expand(rng.random((3, 4, 4)), np.zeros(3, int), (np.nan,))


def test_expand_without_clip_keeps_scipys_overshoot(rng):
    x = (rng.random((3, 10, 10)) > 0.6).astype(np.float64)  # sharp edges overshoot
    clipped, _ = expand(x, np.arange(3), (15, -15), order=3)
    exact, _ = expand(x, np.arange(3), (15, -15), order=3, clip=False)
    assert clipped.min() >= 0.0
    assert exact.min() < 0.0
    np.testing.assert_allclose(
        exact[1], ndi.rotate(x[0], 15, reshape=False, order=3, mode="nearest"), atol=1e-10
    )


def test_expand_reads_angles_in_degrees_counter_clockwise(rng):
    # 90 is a quarter turn (as radians it would be 116.6° mod 360); no reference library
    # needed: np.rot90 turns counter-clockwise, as scipy.ndimage.rotate and expand do
    x = rng.random((3, 9, 9))
    x_out, _ = expand(x, np.arange(3), (90, -90, 180), order=3)
    for turns, column in ((1, 1), (-1, 2), (2, 3)):
        np.testing.assert_allclose(x_out[column::4], np.rot90(x, turns, axes=(1, 2)), atol=1e-9)


def test_expand_equals_scipy_in_degrees_at_the_blogs_settings(rng):
    x = rng.random((2, 28 * 28))
    x_out, _ = expand(x, np.arange(2), (15, -15), order=3, image_shape=(28, 28), clip=False)
    for image, rows in zip(x.reshape(2, 28, 28), x_out.reshape(2, 3, 28, 28), strict=True):
        for angle, got in zip((15, -15), rows[1:], strict=True):
            expected = ndi.rotate(image, angle, reshape=False, order=3, mode="nearest")
            np.testing.assert_allclose(got, expected, atol=1e-10)
