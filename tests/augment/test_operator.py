"""The rotation operator: exact against scipy for every order and mode, chosen and cached."""

import numpy as np
import pytest
import scipy.ndimage as ndi
import scipy.sparse as sparse

from zeronn.augment import expand, operator, rotate
from zeronn.augment.operator import clear_cache, rotation_operator, uses_operator

MODES = ["nearest", "constant", "reflect", "mirror", "wrap"]


@pytest.fixture(autouse=True)
def empty_cache():
    clear_cache()
    yield
    clear_cache()


def scipy_rotate(image, angle, order, mode, cval):
    return ndi.rotate(image, angle, reshape=False, order=order, mode=mode, cval=cval)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("order", [0, 1, 2, 3, 4, 5])
def test_operator_equals_scipy_rotate(rng, order, mode):
    shape = (7, 9) if order % 2 else (8, 5)
    images = rng.normal(size=(5, *shape))
    angle = rng.uniform(-180, 180)
    for cval in (0.0, 0.7):
        op = rotation_operator(shape, angle, order=order, mode=mode, cval=cval, dtype=np.float64)
        got = op.apply(images)
        for image, rotated in zip(images, got, strict=True):
            expected = scipy_rotate(image, angle, order, mode, cval)
            np.testing.assert_allclose(rotated, expected, rtol=0, atol=1e-10)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("order", [0, 1, 3])
def test_interpolation_is_sparse_and_filters_separable(order, mode):
    op = rotation_operator((6, 8), 30, order=order, mode=mode, cval=0, dtype=np.float64)
    assert sparse.issparse(op.interpolation)
    assert op.interpolation.nnz <= 48 * (order + 1) ** 2  # at most (order+1)² taps per pixel
    if order <= 1:  # no prefilter: the taps read the pixels themselves
        assert op.row_filter is None
        assert op.interpolation.shape == (48, 48)
    else:  # one filter per axis, cut to the coefficients the taps read
        coefficients = op.row_filter.shape[0] * op.column_filter.shape[0]
        assert op.row_filter.shape[1] == 6
        assert op.column_filter.shape[1] == 8
        assert op.interpolation.shape == (48, coefficients)


def test_float32_stays_float32(rng):
    images = rng.random((4, 6, 7)).astype(np.float32)
    for order in (1, 3):
        op = rotation_operator((6, 7), 15, order=order, mode="reflect", cval=0, dtype=np.float32)
        got = op.apply(images)
        assert got.dtype == np.float32
        expected = [scipy_rotate(image, 15, order, "reflect", 0) for image in images]
        np.testing.assert_allclose(got, expected, atol=1e-5)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("order", [0, 1, 3, 5])
def test_rotate_with_the_operator_equals_the_warp(rng, monkeypatch, order, mode):
    """Repeated angles (some shared by many planes) through both paths, channels included."""
    images = rng.normal(size=(12, 2, 7, 6))
    angles = rng.choice([15.0, -15.0, 40.0], size=12)
    angles[0] = 3.0  # an angle of its own
    monkeypatch.setattr(operator, "OPERATOR_MIN_SHARE", np.inf)
    warped = rotate(images, angles, order=order, mode=mode, cval=0.3, clip=False)
    monkeypatch.setattr(operator, "OPERATOR_MIN_SHARE", 0.1)  # 5+ planes share an angle
    by_operator = rotate(images, angles, order=order, mode=mode, cval=0.3, clip=False)
    assert len(operator._cache) >= 1
    np.testing.assert_allclose(by_operator, warped, rtol=0, atol=1e-10)
    for image, angle, got in zip(images, angles, by_operator, strict=True):
        for channel, rotated in zip(image, got, strict=True):
            expected = scipy_rotate(channel, angle, order, mode, 0.3)
            np.testing.assert_allclose(rotated, expected, rtol=0, atol=1e-10)


def test_rotate_clips_operator_results_like_warp_results(rng, monkeypatch):
    images = rng.random((10, 8, 8))
    monkeypatch.setattr(operator, "OPERATOR_MIN_SHARE", 0.0)
    out = rotate(images, 20.0, order=3)
    assert len(operator._cache) == 1
    clear_cache()
    monkeypatch.setattr(operator, "OPERATOR_MIN_SHARE", np.inf)
    np.testing.assert_allclose(out, rotate(images, 20.0, order=3), atol=1e-12)
    assert (out.max(axis=(1, 2)) <= images.max(axis=(1, 2))).all()


def test_expand_uses_the_operator_and_matches_scipy(rng, monkeypatch):
    monkeypatch.setattr(operator, "OPERATOR_MIN_SHARE", 0.0)
    x = rng.random((6, 49))
    t = np.arange(6)
    x_out, _ = expand(x, t, (15, -15), order=3, image_shape=(7, 7), clip=False)
    assert {key[1] for key in operator._cache} == {15.0, -15.0}
    for k, angle in enumerate((15, -15)):
        expected = [scipy_rotate(image.reshape(7, 7), angle, 3, "nearest", 0) for image in x]
        np.testing.assert_allclose(x_out[1 + k :: 3].reshape(6, 7, 7), expected, atol=1e-10)


def test_choice_by_images_per_angle_never_by_the_cache():
    share = operator.OPERATOR_MIN_SHARE
    assert not uses_operator(int(share * 100) - 1, (10, 10), order=1)
    assert uses_operator(int(np.ceil(share * 100)), (10, 10), order=1)
    settings = {"order": 1, "mode": "nearest", "cval": 0.0, "dtype": np.float64}
    rotation_operator((10, 10), 15, **settings)
    assert not uses_operator(1, (10, 10), order=1)  # cached or not: the same choice
    # too large to build from order 2 (the build grows with the square of the pixels)
    assert not uses_operator(10**6, (64, 64), order=3)
    assert uses_operator(10**6, (64, 64), order=1)


def test_cache_returns_the_same_operator_and_stays_bounded(monkeypatch):
    monkeypatch.setattr(operator, "CACHE_SIZE", 3)
    settings = {"order": 1, "mode": "nearest", "cval": 0.0, "dtype": np.float64}
    first = rotation_operator((5, 5), 10, **settings)
    assert rotation_operator((5, 5), 10.0, **settings) is first
    for angle in (20, 30, 40):
        rotation_operator((5, 5), angle, **settings)
    assert len(operator._cache) == 3
    assert rotation_operator((5, 5), 10, **settings) is not first  # evicted, rebuilt
    rotation_operator((5, 5), 30, **settings)  # touched: now the most recent
    rotation_operator((5, 5), 50, **settings)  # evicts 40, the least recently used
    assert [key[1] for key in operator._cache] == [10.0, 30.0, 50.0]


@pytest.mark.parametrize("order", [1, 3])
def test_rotate_method_picks_the_path(rng, order):
    images = rng.random((6, 7, 7))
    warped = rotate(images, 25.0, order=order, clip=False, method="warp")
    assert len(operator._cache) == 0
    by_operator = rotate(images, 25.0, order=order, clip=False, method="operator")
    assert len(operator._cache) == 1
    np.testing.assert_allclose(by_operator, warped, rtol=0, atol=1e-10)
    # "auto" with 6 images at one angle: the warp, bit for bit, although the operator is cached
    np.testing.assert_array_equal(rotate(images, 25.0, order=order, clip=False), warped)


def test_rotate_method_is_checked(rng):
    images = rng.random((2, 8, 8))
    with pytest.raises(ValueError, match="method"):
        rotate(images, 10.0, method="matrix")
    big = rng.random((1, 41, 41))
    with pytest.raises(ValueError, match=r"method='operator'.*41×41"):
        rotate(big, 10.0, order=3, method="operator")


def test_expand_chooses_once_for_all_chunks(rng, monkeypatch):
    """The choice is made on all the images sharing an angle, not per chunk: small chunks of
    many images still go through the operator, and every chunk the same way."""
    monkeypatch.setattr(operator, "OPERATOR_MIN_SHARE", 10 / 49)  # 10 images of 7×7
    x = rng.random((12, 7, 7))
    x_out, _ = expand(x, np.arange(12), (15,), order=3, chunk_size=5, clip=False)
    assert {key[1] for key in operator._cache} == {15.0}
    by_operator = rotation_operator((7, 7), 15, order=3, mode="nearest", cval=0, dtype=x.dtype)
    np.testing.assert_array_equal(
        x_out[1::2, :, :],
        np.concatenate([by_operator.apply(x[start : start + 5]) for start in range(0, 12, 5)]),
    )
