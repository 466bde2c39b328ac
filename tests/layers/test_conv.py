"""Conv2D: against the loop reference, gradient checks, dtype, buffers, and every input error."""

import itertools

import numpy as np
import pytest

from zeronn import reference
from zeronn.gradcheck import check_gradients
from zeronn.layers import conv
from zeronn.layers.conv import Conv2D
from zeronn.threads import blas_threads

# (x shape, out_channels, kernel, stride, pad)
CASES = [
    ((1, 1, 5, 5), 2, 3, 1, 0),
    ((2, 3, 7, 6), 4, 3, 1, 1),
    ((1, 2, 9, 8), 3, (3, 2), 2, 2),
    ((3, 2, 6, 5), 5, (2, 3), (2, 1), (1, 2)),
    ((2, 3, 7, 7), 2, 5, 1, 2),
]
# Each case with dx by col2im, and the stride-1 cases also with dx as a transposed convolution.
DX_CASES = [(*case, False) for case in CASES] + [(*case, True) for case in CASES if case[3] == 1]
DX_NAMES = ("shape", "out_channels", "kernel", "stride", "pad", "transposed_dx")


def make_layer(shape, out_channels, kernel, stride, pad, rng, dtype=np.float64):
    layer = Conv2D(shape[1], out_channels, kernel, stride, pad, rng=rng, dtype=dtype)
    layer.b.data[...] = rng.standard_normal(out_channels)  # a zero bias would hide db bugs
    return layer


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(DX_NAMES, DX_CASES)
def test_matches_the_loop_reference(
    rng, shape, out_channels, kernel, stride, pad, dtype, transposed_dx
):
    layer = make_layer(shape, out_channels, kernel, stride, pad, rng, dtype)
    layer.transposed_dx = transposed_dx
    x = rng.standard_normal(shape).astype(dtype)
    saved = x.copy()
    y = layer.forward(x)
    dout = rng.standard_normal(y.shape).astype(dtype)
    dx = layer.backward(dout)

    W, b = layer.W.data, layer.b.data
    dx_ref, dW_ref, db_ref = reference.conv_backward(dout, x, W, stride, pad)
    tolerance = {"rtol": 1e-4, "atol": 1e-5} if dtype == np.float32 else {"rtol": 1e-11}
    np.testing.assert_allclose(y, reference.conv_forward(x, W, b, stride, pad), **tolerance)
    np.testing.assert_allclose(dx, dx_ref, **tolerance)
    np.testing.assert_allclose(layer.W.grad, dW_ref, **tolerance)
    np.testing.assert_allclose(layer.b.grad, db_ref, **tolerance)
    for array in (y, dx, layer.W.grad, layer.b.grad):
        assert array.dtype == dtype
    np.testing.assert_array_equal(x, saved)


@pytest.mark.parametrize(DX_NAMES, DX_CASES)
def test_gradients_match_central_differences(
    rng, shape, out_channels, kernel, stride, pad, transposed_dx
):
    layer = make_layer(shape, out_channels, kernel, stride, pad, rng)
    layer.transposed_dx = transposed_dx
    report = check_gradients(layer, rng.standard_normal(shape), rng=rng)
    assert set(report) == {"x", "W", "b"}
    assert report.max_error < 1e-6, str(report)


def test_layer_picks_the_transposed_dx_only_where_it_is_valid(rng):
    assert Conv2D(16, 16, 3, pad=1, rng=rng).transposed_dx
    assert not Conv2D(16, 16, 3, stride=2, pad=1, rng=rng).transposed_dx
    assert not Conv2D(8, 16, 3, rng=rng).transposed_dx  # widening: col2im is cheaper
    assert not Conv2D(4, 4, 3, pad=3, rng=rng).transposed_dx  # pad >= kernel


def test_grads_are_overwritten_and_buffers_do_not_leak_between_calls(rng):
    layer = make_layer((2, 3, 6, 6), 4, 3, 1, 1, rng)
    x_big, x_small = rng.standard_normal((3, 3, 6, 6)), rng.standard_normal((1, 3, 5, 7))
    y_big = layer.forward(x_big)
    y_big_copy = y_big.copy()
    dout_big = rng.standard_normal(y_big.shape)
    dx_big = layer.backward(dout_big)
    dx_big_copy = dx_big.copy()

    y_small = layer.forward(x_small)
    layer.backward(rng.standard_normal(y_small.shape))
    np.testing.assert_array_equal(y_big, y_big_copy)
    np.testing.assert_array_equal(dx_big, dx_big_copy)

    layer.forward(x_big)
    layer.backward(dout_big)  # the same again: grads must not accumulate
    _, dW_ref, db_ref = reference.conv_backward(dout_big, x_big, layer.W.data, 1, 1)
    np.testing.assert_allclose(layer.W.grad, dW_ref, rtol=1e-11)
    np.testing.assert_allclose(layer.b.grad, db_ref, rtol=1e-11)


def test_float32_end_to_end(rng):
    layer = Conv2D(3, 4, 3, pad=1, rng=rng, dtype=np.float32)
    assert layer.W.dtype == np.float32
    assert layer.b.dtype == np.float32
    y = layer.forward(rng.standard_normal((2, 3, 5, 5)).astype(np.float32))
    dx = layer.backward(np.ones_like(y))
    assert (y.dtype, dx.dtype, layer.W.grad.dtype, layer.b.grad.dtype) == (np.float32,) * 4


def test_parameters_shapes_and_init(rng):
    layer = Conv2D(3, 8, (5, 3), rng=rng)
    assert [name for name, _ in layer.named_parameters()] == ["W", "b"]
    assert layer.W.shape == (8, 3, 5, 3)
    assert layer.b.shape == (8,)
    assert np.all(layer.b.data == 0)
    assert layer.W.data.std() == pytest.approx(np.sqrt(2 / 45), rel=0.2)
    assert repr(layer) == (
        "Conv2D(3, 8, kernel_size=(5, 3), stride=(1, 1), pad=(0, 0), dtype=float64)"
    )


def test_same_seed_same_weights():
    a, b = Conv2D(2, 3, 3, rng=7), Conv2D(2, 3, 3, rng=7)
    np.testing.assert_array_equal(a.W.data, b.W.data)


def test_wrong_input_shape_names_expected_and_received(rng):
    layer = Conv2D(3, 4, 3, rng=rng)
    with pytest.raises(
        ValueError, match=r"Conv2D expected input \(N, 3, H, W\), got \(32, 28, 28\)"
    ):
        layer.forward(np.zeros((32, 28, 28)))
    with pytest.raises(ValueError, match=r"expected input \(N, 3, H, W\), got \(2, 1, 28, 28\)"):
        layer.forward(np.zeros((2, 1, 28, 28)))


def test_input_smaller_than_the_kernel_is_refused(rng):
    layer = Conv2D(1, 1, 5, pad=1, rng=rng)
    with pytest.raises(ValueError, match=r"kernel \(5, 5\) with pad \(1, 1\).*2×6"):
        layer.forward(np.zeros((1, 1, 2, 6)))


def test_wrong_dtypes_are_refused(rng):
    layer = Conv2D(1, 2, 3, rng=rng, dtype=np.float32)
    with pytest.raises(TypeError, match="float32 parameters but got input of dtype float64"):
        layer.forward(np.zeros((1, 1, 4, 4)))
    with pytest.raises(TypeError, match="float32 or float64, got int64"):
        layer.forward(np.zeros((1, 1, 4, 4), dtype=np.int64))
    y = layer.forward(np.zeros((1, 1, 4, 4), dtype=np.float32))
    with pytest.raises(TypeError, match="dout of dtype float32"):
        layer.backward(np.zeros(y.shape))


def test_backward_errors(rng):
    layer = Conv2D(1, 2, 3, rng=rng)
    with pytest.raises(RuntimeError, match=r"Conv2D\.backward called before forward"):
        layer.backward(np.zeros((1, 2, 2, 2)))
    layer.forward(np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match=r"dout of shape \(1, 2, 2, 2\).*got \(1, 2, 2, 3\)"):
        layer.backward(np.zeros((1, 2, 2, 3)))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"in_channels": 0}, ValueError, "in_channels to be a positive integer, got 0"),
        ({"out_channels": -2}, ValueError, "out_channels to be a positive integer, got -2"),
        ({"kernel_size": 0}, ValueError, "kernel_size to be a positive integer, got 0"),
        ({"stride": (1, 0)}, ValueError, "stride to be a positive integer, got 0"),
        ({"pad": -1}, ValueError, "pad to be a non-negative integer, got -1"),
        ({"rng": 1.5}, TypeError, "rng to be a numpy.random.Generator, an int seed or None"),
        ({"dtype": np.int32}, TypeError, "dtype float32 or float64, got int32"),
        ({"init": "uniform"}, ValueError, "init must be a positive std"),
    ],
)
def test_bad_constructor_arguments(kwargs, error, message):
    arguments = {"in_channels": 1, "out_channels": 2, "kernel_size": 3, "rng": 0} | kwargs
    with pytest.raises(error, match=message):
        Conv2D(**arguments)


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("part_bytes", [1, 2**21])
def test_batch_parts_and_threads_give_the_reference(rng, monkeypatch, threads, part_bytes):
    """The batch cut into parts (one image each with part_bytes=1) on 1-3 threads."""
    monkeypatch.setattr(conv, "PART_BYTES", part_bytes)
    layer = make_layer((7, 3, 6, 5), 4, 3, 1, 1, rng)
    x = rng.standard_normal((7, 3, 6, 5))
    with blas_threads(threads):
        y = layer.forward(x)
        dout = rng.standard_normal(y.shape)
        dx = layer.backward(dout)
    dx_ref, dW_ref, db_ref = reference.conv_backward(dout, x, layer.W.data, 1, 1)
    np.testing.assert_allclose(y, reference.conv_forward(x, layer.W.data, layer.b.data, 1, 1))
    np.testing.assert_allclose(dx, dx_ref, rtol=1e-11)
    np.testing.assert_allclose(layer.W.grad, dW_ref, rtol=1e-11)
    np.testing.assert_allclose(layer.b.grad, db_ref, rtol=1e-11)


@pytest.mark.parametrize(
    ("count", "bytes_per_image", "threads", "sizes"),
    [
        (10, 2**20, 1, [2, 2, 2, 2, 2]),  # 2 MiB parts
        (10, 2**20, 2, [1, 2, 2, 1, 2, 2]),  # ... as many on each of 2 threads
        (10, 10, 2, [5, 5]),  # tiny images: one part per thread
        (1, 2**20, 2, [1]),  # never an empty part
        (7, 2**22, 1, [1] * 7),  # an image larger than a part: one image each
    ],
)
def test_image_parts_cover_the_batch_in_order(count, bytes_per_image, threads, sizes):
    parts = conv.image_parts(count, bytes_per_image, threads)
    assert [part.stop - part.start for part in parts] == sizes
    assert parts[0].start == 0
    assert parts[-1].stop == count
    assert all(a.stop == b.start for a, b in itertools.pairwise(parts))


def test_backward_params_writes_the_same_grads_as_backward(rng):
    layer = make_layer((3, 2, 7, 6), 3, 3, 2, 1, rng)
    x = rng.standard_normal((3, 2, 7, 6))
    dout = rng.standard_normal(layer.forward(x).shape)
    layer.backward(dout)
    W_grad, b_grad = layer.W.grad.copy(), layer.b.grad.copy()
    layer.W.grad[...] = layer.b.grad[...] = 0
    assert layer.backward_params(dout) is None
    np.testing.assert_array_equal(layer.W.grad, W_grad)
    np.testing.assert_array_equal(layer.b.grad, b_grad)
