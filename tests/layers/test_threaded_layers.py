"""Layers split over zeronn's threads give the one-thread numbers bit for bit.

(Conv2D's parts depend on the thread count for small batches, so its dW sums may round
differently: tests/test_conv.py compares it with the reference on 1-3 threads instead. Affine's
parts are products on other shapes, which the BLAS may sum in another order: they are compared
to rounding below.)

``split_batch`` leaves arrays under ``SPLIT_MIN_ELEMENTS`` values on one thread, and
``split_product`` products under ``SPLIT_MIN_MULTIPLY_ADDS``; the tests lower both limits to 1
so that their small arrays take the split path, on 2 and 3 threads.
"""

import numpy as np
import pytest

from zeronn import threads
from zeronn.gradcheck import check_gradients
from zeronn.layers import Affine, BatchNorm, Conv2D, Dropout, Flatten, MaxPool2D, ReLU
from zeronn.model import Sequential
from zeronn.threads import blas_threads


@pytest.fixture
def split_everything(monkeypatch):
    monkeypatch.setattr(threads, "SPLIT_MIN_ELEMENTS", 1)
    monkeypatch.setattr(threads, "SPLIT_MIN_MULTIPLY_ADDS", 1)


def run(make_layer, x, dout, thread_count, *, train=True):
    """Forward and backward of a fresh layer on ``thread_count`` threads: outputs and grads."""
    layer = make_layer().train(train)
    with blas_threads(thread_count):
        y = layer.forward(x)
        dx = layer.backward(dout)
    return [y, dx, *(p.grad for p in layer.parameters()), *(b for _, b in layer.named_buffers())]


LAYERS = {
    "relu": (lambda: ReLU(), (5, 3, 4, 4), (5, 3, 4, 4)),
    "relu 2-d": (lambda: ReLU(), (7, 3), (7, 3)),
    "pool 2x2": (lambda: MaxPool2D(2), (5, 3, 6, 6), (5, 3, 3, 3)),
    "pool odd": (lambda: MaxPool2D(2), (3, 2, 7, 5), (3, 2, 3, 2)),
    "pool overlapping padded": (lambda: MaxPool2D(3, 2, 1), (4, 2, 7, 7), (4, 2, 4, 4)),
    "batchnorm 4-d": (lambda: BatchNorm(3), (5, 3, 4, 4), (5, 3, 4, 4)),
    "batchnorm 2-d": (lambda: BatchNorm(6), (5, 6), (5, 6)),
    "dropout": (lambda: Dropout(0.3, rng=4), (5, 3, 4, 4), (5, 3, 4, 4)),
}


@pytest.mark.usefixtures("split_everything")
@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("thread_count", [2, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("train", [True, False])
def test_split_layers_equal_one_thread(rng, name, thread_count, dtype, train):
    make, x_shape, y_shape = LAYERS[name]
    if "batchnorm" in name:
        make = (lambda n: lambda: BatchNorm(n, dtype=dtype))(x_shape[1])
    x = rng.standard_normal(x_shape).astype(dtype)
    dout = rng.standard_normal(y_shape).astype(dtype)
    x_before, dout_before = x.copy(), dout.copy()
    one = run(make, x, dout, 1, train=train)
    many = run(make, x, dout, thread_count, train=train)
    for single, split in zip(one, many, strict=True):
        assert split.dtype == dtype
        np.testing.assert_array_equal(split, single)
    np.testing.assert_array_equal(x, x_before)  # inputs never mutated
    np.testing.assert_array_equal(dout, dout_before)


@pytest.mark.usefixtures("split_everything")
@pytest.mark.parametrize(
    ("make", "x_shape", "y_shape"),
    [
        (lambda: Affine(6, 4, rng=1), (7, 6), (7, 4)),
        (lambda: Affine(18, 5, rng=1), (5, 2, 3, 3), (5, 5)),
    ],
    ids=["2-d", "4-d"],
)
@pytest.mark.parametrize("thread_count", [2, 3])
def test_split_affine_equals_one_thread_to_rounding(rng, make, x_shape, y_shape, thread_count):
    x, dout = rng.standard_normal(x_shape), rng.standard_normal(y_shape)
    one, many = run(make, x, dout, 1), run(make, x, dout, thread_count)
    for single, split in zip(one, many, strict=True):
        np.testing.assert_allclose(split, single, rtol=1e-13, atol=1e-13)
    x2d = x.reshape(len(x), -1)
    W = make().W.data  # the same seed: the same weights
    np.testing.assert_allclose(many[0], x2d @ W, rtol=1e-13)
    np.testing.assert_allclose(many[1], (dout @ W.T).reshape(x_shape), rtol=1e-13)
    np.testing.assert_allclose(many[2], x2d.T @ dout, rtol=1e-13)


@pytest.mark.usefixtures("split_everything")
def test_split_relu_keeps_a_zero_d_input():
    layer = ReLU()
    with blas_threads(2):
        y = layer.forward(np.array(-2.0))
        dx = layer.backward(np.array(3.0))
    assert (y.shape, float(y), float(dx)) == ((), 0.0, 0.0)


@pytest.mark.usefixtures("split_everything")
def test_split_network_passes_the_gradient_check_on_two_threads(rng):
    model = Sequential(
        [
            Conv2D(2, 3, 3, stride=2, pad=1, rng=0),
            ReLU(),
            BatchNorm(3),  # after the ReLU: before it, BatchNorm would cancel the conv's bias
            MaxPool2D(2, 1),
            Flatten(),
            Affine(3 * 2 * 2, 4, rng=1),
        ]
    )
    # spread values keep ReLU away from its kink and the pools away from ties
    x = rng.permutation(3 * 2 * 5 * 5).reshape(3, 2, 5, 5) / 7.0 - 2.0
    with blas_threads(2):
        report = check_gradients(model, x, rng=rng)
    assert report.max_error < 1e-6, str(report)


@pytest.mark.usefixtures("split_everything")
@pytest.mark.parametrize("make", [ReLU, lambda: MaxPool2D(2), lambda: BatchNorm(2)])
def test_a_single_image_is_not_split(make, rng):
    x = rng.standard_normal((1, 2, 4, 4))
    one = run(make, x, rng.standard_normal(make().forward(x).shape), 1)
    many = run(make, x, rng.standard_normal(one[0].shape), 2)
    np.testing.assert_array_equal(one[0], many[0])
