"""rotate and the batched warp against scipy.ndimage.rotate, image by image."""

import numpy as np
import pytest
import scipy.ndimage as ndi

from zeronn.augment import rotate

MODES = ["nearest", "constant", "reflect", "mirror", "wrap"]


def scipy_rotated(image, angle, order, mode, cval=0.0):
    """The reference: scipy per image, clipped to the image's range above order 1."""
    out = ndi.rotate(image, angle, axes=(-1, -2), reshape=False, order=order, mode=mode, cval=cval)
    return np.clip(out, image.min(), image.max()) if order > 1 else out


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("order", [0, 1, 3])
@pytest.mark.parametrize("shape", [(9, 7), (6, 10), (28, 28)])
def test_rotate_matches_scipy(rng, order, mode, shape):
    images = rng.normal(size=(6, *shape))
    angles = np.concatenate([[45.0, 90.0, -270.0], rng.uniform(-400, 400, 3)])
    out = rotate(images, angles, order=order, mode=mode, cval=0.7, chunk_size=4, workers=2)
    for image, angle, got in zip(images, angles, out, strict=True):
        np.testing.assert_allclose(got, scipy_rotated(image, angle, order, mode, 0.7), atol=1e-6)


@pytest.mark.parametrize("mode", MODES)
def test_rotate_without_clip_equals_scipy_exactly(rng, mode):
    images = rng.random((4, 9, 8))
    angles = rng.uniform(-180, 180, 4)
    out = rotate(images, angles, order=3, mode=mode, clip=False)
    for image, angle, got in zip(images, angles, out, strict=True):
        reference = ndi.rotate(image, angle, reshape=False, order=3, mode=mode)
        np.testing.assert_allclose(got, reference, atol=1e-10)
    assert out.max() > images.max() or out.min() < images.min()  # the overshoot is kept


@pytest.mark.parametrize("order", [2, 4, 5])
def test_rotate_other_orders_match_scipy(rng, order):
    images = rng.random((4, 7, 8))
    angles = rng.uniform(-180, 180, 4)
    out = rotate(images, angles, order=order, mode="nearest", workers=1)
    for image, angle, got in zip(images, angles, out, strict=True):
        np.testing.assert_allclose(got, scipy_rotated(image, angle, order, "nearest"), atol=1e-6)


def test_rotate_float32_channels_and_flattened(rng):
    images = rng.random((5, 3, 8, 9)).astype(np.float32)
    angles = rng.uniform(-90, 90, 5)
    before = images.copy()
    out = rotate(images, angles, order=3, mode="reflect")
    assert out.dtype == np.float32
    assert out.shape == images.shape
    np.testing.assert_array_equal(images, before)
    for image, angle, got in zip(images, angles, out, strict=True):
        np.testing.assert_allclose(got, scipy_rotated(image, angle, 3, "reflect"), atol=1e-6)

    flat = images[:, 0].reshape(5, -1)
    out_flat = rotate(flat, angles, order=3, mode="reflect", image_shape=(8, 9))
    assert out_flat.shape == (5, 72)
    assert out_flat.dtype == np.float32
    single = rotate(images[:, 0], angles, order=3, mode="reflect")
    np.testing.assert_array_equal(out_flat.reshape(5, 8, 9), single)


def test_rotate_by_zero_and_quarter_turns_is_exact(rng):
    images = rng.random((2, 5, 5))
    np.testing.assert_array_equal(rotate(images, [0, 360]), images)
    np.testing.assert_array_equal(rotate(images, [90, 90], order=0)[0], np.rot90(images[0]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"angles": [1.0, 2.0]}, r"one angle per image, shape \(3,\), got \(2,\)"),
        (
            {"angles": [1.0, np.nan, 2.0]},
            r"each angle to be a finite number, got nan \(angle 1 of 3",
        ),
        ({"angles": 5.0, "order": 6}, "order to be an integer in 0..5, got 6"),
        ({"angles": 5.0, "mode": "edge"}, "mode .* got 'edge'"),
    ],
)
def test_rotate_rejects_bad_arguments(rng, kwargs, message):
    with pytest.raises(ValueError, match=message):
        rotate(rng.random((3, 4, 4)), **kwargs)


def test_rotate_rejects_bad_images(rng):
    with pytest.raises(ValueError, match=r"expected images \(N, H, W\).*got \(4,\)"):
        rotate(rng.random(4), 1.0)
    with pytest.raises(ValueError, match="pass image_shape"):
        rotate(rng.random((2, 16)), 1.0)
    with pytest.raises(ValueError, match=r"\(N, 12\) for image_shape=\(3, 4\), got \(2, 16\)"):
        rotate(rng.random((2, 16)), 1.0, image_shape=(3, 4))
    bad = rng.random((2, 4, 4))
    bad[1, 2, 2] = np.inf
    with pytest.raises(ValueError, match="finite pixel values"):
        rotate(bad, 1.0)
    with pytest.raises(TypeError, match="float32 or float64, got int64"):
        rotate(np.zeros((2, 4, 4), dtype=np.int64), 1.0)


@pytest.mark.parametrize(("name", "value"), [("chunk_size", -1), ("chunk_size", 0), ("workers", 0)])
def test_tuning_arguments_below_one_are_refused_not_left_unwritten(name, value):
    images = np.ones((3, 5, 5))
    with pytest.raises(ValueError, match=f"{name} to be a positive integer, got {value}"):
        rotate(images, 10.0, **{name: value})


def test_clip_must_be_true_or_false():
    with pytest.raises(TypeError, match="clip to be True or False, got 'no'"):
        rotate(np.ones((2, 4, 4)), 5.0, clip="no")
