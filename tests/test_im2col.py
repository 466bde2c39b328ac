"""im2col / col2im against the loop references, the adjoint property, and every input error."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zeronn import reference
from zeronn.im2col import col2im, im2col, output_size

# (x shape, kernel, stride, pad): N=1, odd sizes, stride 2, pad 1 and 2, non-square kernels.
CASES = [
    ((1, 1, 5, 5), 3, 1, 0),
    ((2, 3, 7, 6), 3, 1, 1),
    ((1, 2, 9, 8), (3, 2), 2, 2),
    ((3, 2, 6, 5), (2, 3), (2, 1), (1, 2)),
    ((2, 1, 4, 4), 4, 1, 0),
    ((1, 3, 5, 7), 1, 2, 0),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("shape", "kernel", "stride", "pad"), CASES)
def test_im2col_matches_the_loop_reference(rng, shape, kernel, stride, pad, dtype):
    x = rng.standard_normal(shape).astype(dtype)
    saved = x.copy()
    cols = im2col(x, kernel, stride, pad)
    assert cols.dtype == dtype
    np.testing.assert_array_equal(cols, reference.im2col_loops(x, kernel, stride, pad))
    np.testing.assert_array_equal(x, saved)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("shape", "kernel", "stride", "pad"), CASES)
def test_col2im_matches_the_loop_reference(rng, shape, kernel, stride, pad, dtype):
    rows = im2col(np.zeros(shape, dtype), kernel, stride, pad).shape
    cols = rng.standard_normal(rows).astype(dtype)
    image = col2im(cols, shape, kernel, stride, pad)
    assert image.dtype == dtype
    assert image.shape == shape
    expected = reference.col2im_loops(cols, shape, kernel, stride, pad)
    np.testing.assert_allclose(image, expected, rtol=1e-5 if dtype == np.float32 else 1e-12)


def test_column_layout_is_channel_kernel_by_image_position():
    x = np.arange(2 * 2 * 3 * 3, dtype=np.float64).reshape(2, 2, 3, 3)
    cols = im2col(x, 2, 1, 0).reshape(2, 2, 2, 2, 2, 2)  # (C, kh, kw, N, OH, OW)
    # channel 1, kernel offset (1, 0), image 1, output position (0, 1): x[1, 1, 0+1, 1+0]
    assert cols[1, 1, 0, 1, 0, 1] == x[1, 1, 1, 1]


def test_im2col_fills_the_given_buffer(rng):
    x = rng.standard_normal((2, 3, 5, 5))
    buffer = np.empty((3 * 9, 2 * 9))
    assert im2col(x, 3, out=buffer) is buffer
    np.testing.assert_array_equal(buffer, reference.im2col_loops(x, 3))


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 3),
    c=st.integers(1, 3),
    h=st.integers(1, 8),
    w=st.integers(1, 8),
    kh=st.integers(1, 4),
    kw=st.integers(1, 4),
    sh=st.integers(1, 3),
    sw=st.integers(1, 3),
    ph=st.integers(0, 2),
    pw=st.integers(0, 2),
    seed=st.integers(0, 2**32 - 1),
)
def test_col2im_is_the_adjoint_of_im2col(n, c, h, w, kh, kw, sh, sw, ph, pw, seed):
    """<im2col(x), cols> == <x, col2im(cols)> for every geometry where the kernel fits."""
    if kh > h + 2 * ph or kw > w + 2 * pw:
        return
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w))
    patches = im2col(x, (kh, kw), (sh, sw), (ph, pw))
    cols = rng.standard_normal(patches.shape)
    back = col2im(cols, x.shape, (kh, kw), (sh, sw), (ph, pw))
    assert np.vdot(patches, cols) == pytest.approx(np.vdot(x, back), rel=1e-10, abs=1e-10)


def test_output_size_arithmetic():
    assert output_size(28, 5, 1, 0) == 24
    assert output_size(28, 3, 1, 1) == 28
    assert output_size(7, 3, 2, 1) == 4
    assert output_size(6, 2, 2, 0) == 3


def test_kernel_larger_than_the_padded_input_names_the_numbers():
    with pytest.raises(ValueError, match=r"kernel size 6 is larger than the padded input 5"):
        output_size(3, 6, 1, 1)
    with pytest.raises(ValueError, match=r"kernel \(6, 2\).*4×4 padded by \(0, 0\)"):
        im2col(np.zeros((1, 1, 4, 4)), (6, 2))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kernel_size": 0}, "kernel_size to be a positive integer, got 0"),
        ({"kernel_size": (3, -1)}, "kernel_size to be a positive integer, got -1"),
        ({"kernel_size": (1, 2, 3)}, r"kernel_size as an int or a pair, got \(1, 2, 3\)"),
        ({"kernel_size": 2, "stride": 0}, "stride to be a positive integer, got 0"),
        ({"kernel_size": 2, "pad": -1}, "pad to be a non-negative integer, got -1"),
    ],
)
def test_bad_window_arguments_are_refused(kwargs, message):
    x = np.zeros((1, 1, 4, 4))
    with pytest.raises(ValueError, match=message):
        im2col(x, **kwargs)
    cols_kwargs = {"stride": 1, "pad": 0} | kwargs
    with pytest.raises(ValueError, match=message):
        col2im(np.zeros((4, 9)), (1, 1, 4, 4), **cols_kwargs)


def test_a_window_size_of_the_wrong_kind_is_a_type_error():
    with pytest.raises(TypeError, match=r"kernel_size to be a positive integer, got 2\.5"):
        im2col(np.zeros((1, 1, 4, 4)), 2.5)


def test_bad_images_are_refused():
    with pytest.raises(ValueError, match=r"im2col expected input \(N, C, H, W\), got \(4, 4\)"):
        im2col(np.zeros((4, 4)), 2)
    with pytest.raises(TypeError, match="float32 or float64, got int64"):
        im2col(np.zeros((1, 1, 4, 4), dtype=np.int64), 2)
    with pytest.raises(TypeError, match="numpy array, got list"):
        im2col([[[[1.0]]]], 1)


def test_bad_out_buffer_is_refused():
    x = np.zeros((1, 1, 4, 4), dtype=np.float32)
    with pytest.raises(ValueError, match=r"out as a C-contiguous float32 array of shape \(4, 9\)"):
        im2col(x, 2, out=np.zeros((4, 9)))
    with pytest.raises(ValueError, match=r"shape \(4, 9\), got float32 \(9, 4\)"):
        im2col(x, 2, out=np.zeros((9, 4), dtype=np.float32))
    with pytest.raises(ValueError, match=r"shape \(4, 9\), got list"):
        im2col(x, 2, out=[])


def test_col2im_refuses_columns_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"expected cols of shape \(4, 9\).*got \(4, 8\)"):
        col2im(np.zeros((4, 8)), (1, 1, 4, 4), 2, 1, 0)
    with pytest.raises(ValueError, match=r"input_shape \(N, C, H, W\), got \(4, 4\)"):
        col2im(np.zeros((4, 9)), (4, 4), 2, 1, 0)
