"""Random transforms, the fused Pipeline and ImageDataGenerator."""

import numpy as np
import pytest
import scipy.ndimage as ndi

from zeronn.augment import (
    ImageDataGenerator,
    Pipeline,
    RandomCropResize,
    RandomFlip,
    RandomRotation,
    RandomShear,
    RandomShift,
    RandomZoom,
)


def full_pipeline():
    return Pipeline(
        [
            RandomFlip(True, True),
            RandomZoom(0.2),
            RandomShear(10),
            RandomRotation(30),
            RandomShift(0.1, 3),
            RandomCropResize((0.7, 1.0)),
        ]
    )


def test_same_seed_same_output_and_input_untouched(rng):
    images = rng.random((7, 2, 12, 10)).astype(np.float32)
    before = images.copy()
    pipeline = full_pipeline()
    first, second = pipeline(images, 5), pipeline(images, 5)
    np.testing.assert_array_equal(first, second)
    assert first.dtype == np.float32
    assert not np.array_equal(first, pipeline(images, 6))
    np.testing.assert_array_equal(images, before)


def test_images_and_masks_share_params(rng):
    images = rng.random((4, 9, 9))
    masks = (images > 0.5).astype(np.float64)
    pipeline = full_pipeline()
    params = pipeline.sample_params(4, rng)
    warped_masks = pipeline.apply(masks, params, order=0)
    # order 0 moves pixels without mixing them; warping images the same way at order 0
    # and thresholding gives the same mask
    warped_images = pipeline.apply(images, params, order=0)
    np.testing.assert_array_equal(warped_masks, (warped_images > 0.5).astype(np.float64))


def test_flips_are_exact(rng):
    images = rng.random((3, 5, 6))
    flip = RandomFlip(horizontal=True, vertical=True)
    params = np.array([[False, True], [True, False], [True, True]])
    for order in (0, 1, 3):
        out = flip.apply(images, params, order=order)
        np.testing.assert_allclose(out[0], images[0, :, ::-1], atol=1e-12)
        np.testing.assert_allclose(out[1], images[1, ::-1, :], atol=1e-12)
        np.testing.assert_allclose(out[2], images[2, ::-1, ::-1], atol=1e-12)


def test_fused_equals_sequential_for_exact_maps(rng):
    images = rng.random((6, 8, 8))
    transforms = [RandomFlip(True, True), RandomRotation(180), RandomShift(3, 3)]
    pipeline = Pipeline(transforms, order=0)
    params = pipeline.sample_params(6, rng)
    params[1] = rng.choice([-180.0, -90.0, 0.0, 90.0, 180.0], size=6)
    params[2] = rng.integers(-2, 3, size=(6, 2)).astype(np.float64)
    sequential = images
    for transform, param in zip(transforms, params, strict=True):
        sequential = transform.apply(sequential, param, order=0)
    np.testing.assert_array_equal(pipeline.apply(images, params), sequential)


def test_rotation_transform_matches_scipy(rng):
    images = rng.random((3, 7, 9))
    rotation = RandomRotation(40)
    angles = rotation.sample_params(3, rng)
    assert np.all(np.abs(angles) <= 40)
    out = rotation.apply(images, angles, order=1)
    for image, angle, got in zip(images, angles, out, strict=True):
        np.testing.assert_allclose(
            got, ndi.rotate(image, angle, reshape=False, order=1, mode="nearest"), atol=1e-9
        )


def test_shift_conventions(rng):
    image = np.zeros((1, 10, 20))
    image[0, 4, 5] = 1.0
    out = RandomShift(0.1, 3.0).apply(image, np.array([[0.2, 2.0]]), order=1, mode="constant")
    # 0.2 of the height is 2 rows down; 2.0 pixels right
    assert out[0, 6, 7] == pytest.approx(1.0)
    shifts = RandomShift(2, 0.5).sample_params(1000, rng)
    assert set(np.unique(shifts[:, 0])) == {-1.0, 0.0, 1.0}
    assert np.all(np.abs(shifts[:, 1]) <= 0.5)


def test_zoom_and_crop_keep_centre_pixel(rng):
    image = rng.random((1, 9, 9))
    zoom = RandomZoom((0.5, 0.5)).apply(image, np.array([[0.5, 0.5]]))
    assert zoom[0, 4, 4] == pytest.approx(image[0, 4, 4])
    crop = RandomCropResize((0.5, 0.5)).apply(image, np.array([[0.5, 0.0, 0.0]]))
    np.testing.assert_allclose(crop, zoom)
    same = RandomZoom(0.3, same_factor=True).sample_params(50, rng)
    np.testing.assert_array_equal(same[:, 0], same[:, 1])


def test_bad_transform_arguments(rng):
    with pytest.raises(ValueError, match="rotation_range to be a number >= 0, got -5"):
        RandomRotation(-5)
    with pytest.raises(ValueError, match=r"fill_mode.* got 'bogus'"):
        ImageDataGenerator(rotation_range=5, fill_mode="bogus")
    with pytest.raises(
        ValueError, match=r"params of RandomRotation for 3 images, got shape \(2,\)"
    ):
        Pipeline([RandomRotation(5)]).apply(rng.random((3, 4, 4)), [np.zeros(2)])
    with pytest.raises(ValueError, match="zoom_range"):
        ImageDataGenerator(zoom_range=-0.1)


@pytest.mark.parametrize("flag", ["no", "False", 1, None])
def test_flip_switches_must_be_booleans(flag):
    # "no" is a non-empty string, so bool("no") would have turned flipping on
    with pytest.raises(TypeError, match="horizontal_flip to be True or False"):
        ImageDataGenerator(horizontal_flip=flag)
    with pytest.raises(TypeError, match="vertical to be True or False"):
        RandomFlip(horizontal=True, vertical=flag)


def test_a_numpy_shift_range_means_what_the_python_number_means():
    images = np.zeros((1, 1, 10, 10))
    images[0, 0, 0, 0] = 1.0  # one bright pixel in the corner
    as_python = RandomShift(0.0, 0.2).matrices(np.array([[0.0, 1.0]]), (10, 10))
    as_numpy = RandomShift(0.0, np.float32(0.2)).matrices(np.array([[0.0, 1.0]]), (10, 10))
    np.testing.assert_array_equal(as_numpy, as_python)  # both a fraction of the width
    pixels = RandomShift(0, np.int64(2))
    assert pixels.width_shift_range == 2
    assert isinstance(pixels.width_shift_range, int)
    with pytest.raises(TypeError, match="width_shift_range to be a number, got True"):
        RandomShift(0.0, True)


def test_generator_flow_covers_every_image_once(rng):
    x = rng.random((10, 1, 6, 6)).astype(np.float32)
    y = np.arange(10)
    generator = ImageDataGenerator(rotation_range=20, width_shift_range=0.1, zoom_range=0.1)
    batches = list(generator.flow(x, y, batch_size=4, seed=3))
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate([b[1] for b in batches]).tolist()) == list(range(10))
    assert batches[0][0].dtype == np.float32
    again = list(generator.flow(x, y, batch_size=4, seed=3))
    np.testing.assert_array_equal(batches[1][0], again[1][0])
    unshuffled = next(iter(generator.flow(x, batch_size=3, shuffle=False, seed=1)))
    assert unshuffled.shape == (3, 1, 6, 6)
    with pytest.raises(TypeError, match="seed"):
        generator.flow(x)


def test_generator_identity_rescale_and_single_image(rng):
    x = rng.random((3, 28 * 28))
    generator = ImageDataGenerator(rescale=1 / 255, image_shape=(28, 28))
    np.testing.assert_allclose(generator(x, 0), x / 255)
    single = ImageDataGenerator(horizontal_flip=True).random_transform(x[0].reshape(28, 28), 0)
    image = x[0].reshape(28, 28)
    assert np.array_equal(single, image) or np.array_equal(single, image[:, ::-1])
