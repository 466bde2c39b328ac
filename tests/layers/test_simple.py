"""Tests for zeronn/layers/simple.py: the book-length conv and pool equal the fast layers."""

import numpy as np
import pytest

from zeronn.gradcheck import check_gradients
from zeronn.layers import Conv2D, MaxPool2D, SimpleConv2D, SimpleMaxPool2D
from zeronn.layers.simple import col2im, im2col

CONV_CASES = [
    # (N, C, H, W), F, kernel, stride, pad
    ((2, 3, 7, 6), 4, 3, 1, 1),
    ((1, 1, 5, 5), 2, 5, 1, 0),
    ((3, 2, 9, 8), 3, (3, 2), 2, (1, 0)),
    ((2, 4, 6, 6), 8, 1, 1, 0),
]


@pytest.mark.parametrize(("shape", "filters", "kernel", "stride", "pad"), CONV_CASES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_simple_conv_equals_conv2d(shape, filters, kernel, stride, pad, dtype):
    rng = np.random.default_rng(0)
    fast = Conv2D(shape[1], filters, kernel, stride, pad, rng=1, dtype=dtype)
    simple = SimpleConv2D(shape[1], filters, kernel, stride, pad, rng=1, dtype=dtype)
    np.testing.assert_array_equal(simple.W.data, fast.W.data)  # same rng, same weights
    fast.b.data[...] = simple.b.data[...] = rng.standard_normal(filters)
    x = rng.standard_normal(shape).astype(dtype)
    y = simple.forward(x)
    tolerance = 1e-4 if dtype == np.float32 else 1e-12
    assert y.dtype == dtype
    np.testing.assert_allclose(y, fast.forward(x), rtol=tolerance, atol=tolerance)
    dout = rng.standard_normal(y.shape).astype(dtype)
    np.testing.assert_allclose(
        simple.backward(dout), fast.backward(dout), rtol=tolerance, atol=tolerance
    )
    for name in ("W", "b"):
        grad_simple, grad_fast = getattr(simple, name).grad, getattr(fast, name).grad
        assert grad_simple.dtype == dtype
        np.testing.assert_allclose(grad_simple, grad_fast, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize(("pool", "stride", "pad"), [(2, None, 0), (3, 2, 1), ((2, 3), 1, 0)])
def test_simple_max_pool_equals_max_pool(pool, stride, pad):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 7, 8))
    x[0, 0, :2, :2] = 0.0  # a tied window: both send the gradient to the first maximum
    fast, simple = MaxPool2D(pool, stride, pad), SimpleMaxPool2D(pool, stride, pad)
    y = simple.forward(x)
    np.testing.assert_array_equal(y, fast.forward(x))
    dout = rng.standard_normal(y.shape)
    np.testing.assert_array_equal(simple.backward(dout), fast.backward(dout))


def test_simple_layers_pass_the_gradient_check():
    rng = np.random.default_rng(3)
    conv = SimpleConv2D(2, 3, 3, stride=2, pad=1, rng=rng)
    assert check_gradients(conv, rng.standard_normal((2, 2, 7, 6)), rng=rng).max_error < 1e-7
    x = rng.permutation(2 * 2 * 6 * 6).reshape(2, 2, 6, 6).astype(np.float64)  # no ties
    assert check_gradients(SimpleMaxPool2D(2), x, rng=rng).max_error < 1e-7


def test_col2im_is_the_adjoint_of_im2col():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 6, 5))
    args = ((3, 2), (2, 1), (1, 1))
    cols = im2col(x, *args)
    other = rng.standard_normal(cols.shape)
    assert np.sum(cols * other) == pytest.approx(np.sum(x * col2im(other, x.shape, *args)))


def test_simple_layers_check_their_inputs():
    conv = SimpleConv2D(3, 2, 3)
    with pytest.raises(
        ValueError, match=r"SimpleConv2D expected input \(N, 3, H, W\), got \(2, 5, 5\)"
    ):
        conv.forward(np.zeros((2, 5, 5)))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        SimpleMaxPool2D(2).backward(np.zeros((1, 1, 2, 2)))
    conv.forward(np.zeros((1, 3, 5, 5)))
    with pytest.raises(ValueError, match=r"dout of shape \(1, 2, 3, 3\)"):
        conv.backward(np.zeros((1, 2, 4, 4)))
    with pytest.raises(ValueError, match="does not fit an input of 2×2"):
        SimpleMaxPool2D(3).forward(np.zeros((1, 1, 2, 2)))
