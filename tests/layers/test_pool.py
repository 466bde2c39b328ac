"""MaxPool2D: against the loop reference, gradient checks, ties, dtypes and input errors."""

import numpy as np
import pytest

from zeronn import reference
from zeronn.gradcheck import check_gradients
from zeronn.layers.pool import MaxPool2D

# (x shape, pool, stride, pad): tiling, overlapping (stride < pool), padding, non-square.
CASES = [
    ((2, 3, 6, 6), 2, None, 0),
    ((1, 2, 7, 5), 2, None, 0),  # odd sizes: the last row/column is in no window
    ((2, 2, 7, 7), 3, 1, 1),
    ((1, 3, 9, 8), 3, 2, 1),
    ((2, 2, 6, 7), (3, 2), (1, 2), (1, 1)),
    ((1, 1, 5, 5), 5, 1, 2),
]


def _stride(pool, stride):
    return pool if stride is None else stride


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("shape", "pool", "stride", "pad"), CASES)
@pytest.mark.parametrize("after_relu", [False, True])
def test_matches_the_loop_reference(rng, shape, pool, stride, pad, dtype, after_relu):
    x = rng.standard_normal(shape).astype(dtype)
    if after_relu:  # many windows of tied zeros
        x = np.maximum(x, 0)
    saved = x.copy()
    layer = MaxPool2D(pool, stride, pad)
    y = layer.forward(x)
    dout = rng.standard_normal(y.shape).astype(dtype)
    dx = layer.backward(dout)
    stride = _stride(pool, stride)
    np.testing.assert_array_equal(y, reference.max_pool_forward(x, pool, stride, pad))
    expected = reference.max_pool_backward(dout, x, pool, stride, pad)
    np.testing.assert_allclose(dx, expected, rtol=1e-6 if dtype == np.float32 else 1e-14)
    assert y.dtype == dtype
    assert dx.dtype == dtype
    assert dx.shape == shape
    np.testing.assert_array_equal(x, saved)


@pytest.mark.parametrize(("shape", "pool", "stride", "pad"), CASES)
def test_gradient_matches_central_differences(rng, shape, pool, stride, pad):
    # Distinct, well separated values: no ties, so max is differentiable at x.
    x = rng.permutation(np.prod(shape)).reshape(shape) / 10.0
    report = check_gradients(MaxPool2D(pool, stride, pad), x, rng=rng)
    assert report.max_error < 1e-6, str(report)


def test_ties_send_the_gradient_to_the_first_maximum_only():
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 2:, 2:] = [[1.0, 3.0], [3.0, 3.0]]  # tie among three in the last window
    layer = MaxPool2D(2)
    np.testing.assert_array_equal(layer.forward(x), [[[[0.0, 0.0], [0.0, 3.0]]]])
    dx = layer.backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))
    expected = np.zeros((1, 1, 4, 4))
    expected[0, 0, 0, 0], expected[0, 0, 0, 2], expected[0, 0, 2, 0] = 1.0, 2.0, 3.0
    expected[0, 0, 2, 3] = 4.0  # row-major order: (0, 1) comes before (1, 0)
    np.testing.assert_array_equal(dx, expected)


def test_overlapping_windows_accumulate():
    x = np.array([[[[0.0, 5.0, 1.0, 2.0]]]])
    layer = MaxPool2D((1, 3), stride=1)  # both windows pick the 5
    np.testing.assert_array_equal(layer.forward(x), [[[[5.0, 5.0]]]])
    np.testing.assert_array_equal(layer.backward(np.array([[[[1.5, 2.0]]]])), [[[[0, 3.5, 0, 0]]]])


def test_padding_never_wins():
    x = -np.ones((1, 1, 2, 2))
    y = MaxPool2D(2, stride=1, pad=1).forward(x)
    np.testing.assert_array_equal(y, -np.ones((1, 1, 3, 3)))


def test_defaults_and_no_parameters():
    layer = MaxPool2D(3)
    assert layer.stride == (3, 3)
    assert layer.pad == (0, 0)
    assert layer.param_names == ()
    assert layer.parameters() == []
    assert repr(layer) == "MaxPool2D(pool_size=(3, 3), stride=(3, 3), pad=(0, 0))"


def test_input_errors():
    layer = MaxPool2D(2)
    with pytest.raises(ValueError, match=r"MaxPool2D expected input \(N, C, H, W\), got \(3, 4\)"):
        layer.forward(np.zeros((3, 4)))
    with pytest.raises(TypeError, match="float32 or float64, got int64"):
        layer.forward(np.zeros((1, 1, 4, 4), dtype=np.int64))
    with pytest.raises(ValueError, match=r"pool \(3, 3\) with pad \(0, 0\).*2×5"):
        MaxPool2D(3).forward(np.zeros((1, 1, 2, 5)))


def test_backward_errors():
    layer = MaxPool2D(2)
    with pytest.raises(RuntimeError, match=r"MaxPool2D\.backward called before forward"):
        layer.backward(np.zeros((1, 1, 2, 2)))
    layer.forward(np.zeros((1, 1, 4, 4), dtype=np.float32))
    with pytest.raises(ValueError, match=r"dout of shape \(1, 1, 2, 2\).*got \(1, 1, 2, 3\)"):
        layer.backward(np.zeros((1, 1, 2, 3), dtype=np.float32))
    with pytest.raises(TypeError, match=r"dout of dtype float32.*got float64"):
        layer.backward(np.zeros((1, 1, 2, 2)))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pool_size": 0}, "pool_size to be a positive integer, got 0"),
        ({"pool_size": 2, "stride": 0}, "stride to be a positive integer, got 0"),
        ({"pool_size": 2, "pad": -1}, "pad to be a non-negative integer, got -1"),
        ({"pool_size": 2, "pad": 2}, r"pad at most half the pool size \(2, 2\), got pad \(2, 2\)"),
    ],
)
def test_bad_constructor_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MaxPool2D(**kwargs)
