"""Tests for zeronn/models.py: architectures, shape validation, gradients, and learning."""

import numpy as np
import pytest

from zeronn.gradcheck import check_gradients
from zeronn.layers import (
    Affine,
    BatchNorm,
    Conv2D,
    Dropout,
    Flatten,
    MaxPool2D,
    ReLU,
    Sigmoid,
    Tanh,
)
from zeronn.losses import SoftmaxCrossEntropy
from zeronn.models import (
    SMALLEST_IMAGE_SIDE,
    deep_convnet,
    mlp,
    recurrent_classifier,
    simple_convnet,
)
from zeronn.optim import SGD, Adam


def layer_types(model):
    return [type(layer) for layer in model]


def test_mlp_architecture_and_names():
    model = mlp([784, 200, 200, 10], rng=0)
    assert layer_types(model) == [Affine, ReLU, Affine, ReLU, Affine]
    assert not hasattr(model, "loss")  # the loss lives outside the model
    assert [name for name, _ in model.named_parameters()] == [
        "0.W",
        "0.b",
        "2.W",
        "2.b",
        "4.W",
        "4.b",
    ]
    assert model[0].W.shape == (784, 200)
    assert repr(model).splitlines()[-2].strip() == "total parameters: 199,210"


def test_mlp_options():
    model = mlp([5, 4, 4, 3], activation="tanh", init="xavier", rng=0, batchnorm=True, dropout=0.2)
    assert layer_types(model) == [Affine, BatchNorm, Tanh, Dropout] * 2 + [Affine]
    assert model[3].ratio == 0.2
    assert layer_types(mlp([2, 3, 2], activation="sigmoid", rng=0))[1] is Sigmoid


def test_mlp_same_seed_same_weights_and_float32():
    a, b = mlp([3, 4, 2], rng=5), mlp([3, 4, 2], rng=np.random.default_rng(5))
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)
    model32 = mlp([3, 4, 2], rng=5, dtype=np.float32, batchnorm=True)
    assert model32.dtype == np.float32
    assert all(p.dtype == np.float32 for p in model32.parameters())


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"sizes": [10]}, ValueError, "at least two widths"),
        ({"sizes": "784"}, TypeError, "at least two widths"),
        ({"sizes": [10, 0, 2]}, ValueError, "every size to be a positive integer, got 0"),
        ({"sizes": [10, 1]}, ValueError, "at least 2 classes"),
        ({"activation": "gelu"}, ValueError, "activation to be one of 'relu', 'sigmoid', 'tanh'"),
        ({"dropout": 1.0}, ValueError, r"dropout in \[0, 1\), got 1.0"),
        ({"dtype": np.int32}, TypeError, "float32 or float64"),
        ({"rng": 2.0}, TypeError, "numpy.random.Generator, an int seed or None"),
    ],
)
def test_mlp_validation(kwargs, error, message):
    arguments = {"sizes": [4, 3, 2], "rng": 0} | kwargs
    with pytest.raises(error, match=message):
        mlp(arguments.pop("sizes"), **arguments)


def test_simple_convnet_is_the_books():
    model = simple_convnet(rng=0)
    assert layer_types(model) == [Conv2D, ReLU, MaxPool2D, Flatten, Affine, ReLU, Affine]
    assert model[0].W.shape == (30, 1, 5, 5)
    assert model[4].W.shape == (30 * 12 * 12, 100)
    assert model[6].W.shape == (100, 10)
    x = np.random.default_rng(1).random((2, 1, 28, 28), dtype=np.float32)
    assert model.predict(x).shape == (2, 10)


def test_deep_convnet_is_the_books():
    model = deep_convnet(rng=0)
    convs = [layer for layer in model if isinstance(layer, Conv2D)]
    assert [c.W.shape[0] for c in convs] == [16, 16, 32, 32, 64, 64]
    assert [c.pad for c in convs] == [(1, 1)] * 3 + [(2, 2)] + [(1, 1)] * 2
    assert sum(isinstance(layer, ReLU) for layer in model) == 7
    assert layer_types(model)[-6:] == [Flatten, Affine, ReLU, Dropout, Affine, Dropout]
    assert model[16].W.shape == (64 * 4 * 4, 50)
    assert repr(model).splitlines()[-2].strip() == "total parameters: 123,552"
    x = np.random.default_rng(1).random((2, 1, 28, 28))
    assert model.predict(x).shape == (2, 10)
    assert Dropout not in layer_types(deep_convnet(rng=0, dropout=0.0))


@pytest.mark.parametrize(
    ("factory", "input_shape", "message"),
    [
        (simple_convnet, (1, 4, 4), r"layer 0 \(Conv2D 5×5 with pad 0\) would get 4×4 images"),
        (simple_convnet, (1, 5, 28), r"layer 2 \(MaxPool2D 2×2\) would get 1×24 images"),
        (deep_convnet, (3, 2, 2), r"layer 14 \(MaxPool2D 2×2\) would get 1×1 images"),
    ],
)
def test_too_small_inputs_name_the_layer_and_size(factory, input_shape, message):
    with pytest.raises(ValueError, match=message):
        factory(input_shape, rng=0)


@pytest.mark.parametrize("input_shape", [(28, 28), (1, 0, 28), "1x28x28"])
def test_bad_input_shape(input_shape):
    with pytest.raises(ValueError, match="input_shape"):
        simple_convnet(input_shape, rng=0)


def test_whole_simple_convnet_passes_gradient_check():
    # Odd sizes on purpose: 7×7 → conv 3×3 → 5×5 → pool 2 → 2×2 drops a row and a column.
    rng = np.random.default_rng(3)
    model = simple_convnet((2, 7, 7), filters=3, kernel_size=3, hidden=6, classes=4, rng=rng)
    x = rng.standard_normal((3, 2, 7, 7))
    report = check_gradients(model, x, t=np.array([0, 3, 1]), rng=rng)
    assert set(report) == {"x", "0.W", "0.b", "4.W", "4.b", "6.W", "6.b"}
    assert report.max_error < 1e-6, str(report)


def test_mlp_with_batchnorm_passes_gradient_check():
    rng = np.random.default_rng(4)
    model = mlp([5, 7, 6, 3], activation="tanh", batchnorm=True, rng=rng)
    x = rng.standard_normal((4, 5))
    report = check_gradients(model, x, t=np.array([2, 0, 1, 1]), rng=rng)
    # BatchNorm subtracts the batch mean, so the bias of the Affine before it has a true
    # gradient of exactly 0, where a relative error compares rounding noise with rounding noise.
    parameters = dict(model.named_parameters())
    for name in ("0.b", "3.b"):
        assert np.abs(parameters[name].grad).max() < 1e-12
    errors = {name: error for name, error in report.items() if name not in ("0.b", "3.b")}
    assert "4.gamma" in errors
    assert max(errors.values()) < 1e-6, str(report)


def test_tiny_mlp_learns_a_separable_problem():
    # Two classes split by a circle (separable, but not by a line): needs the hidden layer.
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(200, 2))
    radius = np.hypot(x[:, 0], x[:, 1])
    keep = np.abs(radius - 0.6) > 0.1  # a margin around the boundary
    x, labels = x[keep], (radius[keep] > 0.6).astype(np.int64)
    model = mlp([2, 16, 2], rng=rng)
    optimizer = SGD(model.parameters(), lr=0.5)
    loss_fn = SoftmaxCrossEntropy()
    first_loss = loss_fn(model.forward(x), labels)
    for _ in range(400):
        loss_fn.forward(model.forward(x), labels)
        model.backward(loss_fn.backward())
        optimizer.step()
    accuracy = np.mean(model.predict(x).argmax(axis=1) == labels)
    assert loss_fn(model.forward(x), labels) < 0.2 * first_loss
    assert accuracy >= 0.99


def test_simple_convnet_float32_end_to_end():
    rng = np.random.default_rng(6)
    model = simple_convnet((1, 8, 8), filters=2, kernel_size=3, hidden=5, rng=rng, dtype=np.float32)
    x = rng.random((3, 1, 8, 8), dtype=np.float32)
    loss_fn = SoftmaxCrossEntropy()
    loss_fn.forward(model.forward(x), np.array([1, 2, 3]))
    dx = model.backward(loss_fn.backward())
    assert dx.dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in model.parameters())


@pytest.mark.parametrize("factory", [simple_convnet, deep_convnet])
def test_convnets_take_color_input_and_learn_what_only_color_tells(factory):
    # Class 1 images are redder than blue, class 0 bluer than red; brightness is the same,
    # so a network that merged the channels could not tell them apart.
    rng = np.random.default_rng(4)
    n = 32
    labels = np.arange(n) % 2
    x = rng.uniform(0.2, 0.8, size=(n, 3, 8, 8)).astype(np.float32)
    x[:, 0] += np.where(labels == 1, 0.15, -0.15)[:, None, None]
    x[:, 2] -= np.where(labels == 1, 0.15, -0.15)[:, None, None]
    options = {"dropout": 0.0} if factory is deep_convnet else {"filters": 4, "hidden": 16}
    model = factory((3, 8, 8), classes=2, rng=0, dtype=np.float32, **options)
    assert model[0].W.data.shape[1] == 3  # the first convolution sees 3 channels
    optimizer = Adam(model.parameters(), lr=0.003)
    loss_fn = SoftmaxCrossEntropy()
    first_loss = loss_fn(model.forward(x), labels)
    for _ in range(30):
        loss_fn.forward(model.forward(x), labels)
        model.backward(loss_fn.backward())
        optimizer.step()
    assert loss_fn(model.forward(x), labels) < 0.5 * first_loss
    assert np.mean(model.predict(x).argmax(axis=1) == labels) >= 0.9


@pytest.mark.parametrize("factory", [simple_convnet, deep_convnet])
def test_smallest_image_side_is_where_the_factory_starts_to_build(factory):
    side = SMALLEST_IMAGE_SIDE[factory.__name__]
    factory((3, side, side), rng=0)
    with pytest.raises(ValueError, match="is too small"):
        factory((3, side - 1, side - 1), rng=0)


@pytest.mark.parametrize(("kind", "gates"), [("rnn", 1), ("lstm", 4), ("gru", 3)])
def test_recurrent_classifier_stacks_layers_and_reads_the_last_state(kind, gates):
    model = recurrent_classifier(kind, (6, 5), input_size=4, classes=3, rng=0, dtype=np.float64)
    assert [type(layer).__name__ for layer in model] == [kind.upper(), kind.upper(), "Affine"]
    assert model[0].return_sequences
    assert not model[1].return_sequences
    assert model[0].Wx.shape == (4, gates * 6)
    assert model[1].Wx.shape == (6, gates * 5)
    x = np.random.default_rng(1).normal(size=(2, 5, 4))
    assert model.forward(x).shape == (2, 3)
    t = np.array([0, 2])
    report = check_gradients(model, x, t=t, loss=SoftmaxCrossEntropy())
    assert report.max_error < 1e-6


def test_recurrent_classifier_defaults_and_errors():
    model = recurrent_classifier("lstm", (8,), rng=0)
    x = np.zeros((3, 28, 28), dtype=np.float32)
    assert model.forward(x).shape == (3, 10)
    assert model.forward(x).dtype == np.float32
    with pytest.raises(ValueError, match="kind to be one of 'rnn', 'lstm', 'gru'"):
        recurrent_classifier("transformer", (8,))
    with pytest.raises(ValueError, match="at least one hidden width"):
        recurrent_classifier("rnn", ())
