"""Tests for zeronn/model.py: the Sequential chain, names, modes, dtype policy, state."""

import numpy as np
import pytest

from zeronn.layers.activations import ReLU, Tanh
from zeronn.layers.affine import Affine
from zeronn.layers.batchnorm import BatchNorm
from zeronn.layers.conv import Conv2D
from zeronn.layers.dropout import Dropout
from zeronn.layers.embedding import Embedding
from zeronn.layers.flatten import Flatten
from zeronn.layers.linear import Linear
from zeronn.layers.lstm import LSTM
from zeronn.losses import SoftmaxCrossEntropy
from zeronn.model import Sequential


def small_model(rng, dtype=np.float64):
    layers = [
        Affine(4, 6, rng=rng, dtype=dtype),
        Tanh(),
        Dropout(0.3, rng=rng),
        BatchNorm(6, dtype=dtype),
        Affine(6, 3, rng=rng, dtype=dtype),
    ]
    return Sequential(layers)


def loss_and_backward(model, x, t, **backward_options):
    """One step of the protocol: forward, the loss outside the model, backward from its grad."""
    loss_fn = SoftmaxCrossEntropy()
    loss = loss_fn.forward(model.forward(x), t)
    return loss, model.backward(loss_fn.backward(), **backward_options)


def test_names_are_index_dot_name_and_stable(rng):
    model = small_model(rng)
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.W", "0.b", "3.gamma", "3.beta", "4.W", "4.b"]
    assert [name for name, _ in model.named_buffers()] == ["3.running_mean", "3.running_var"]
    assert names == [name for name, _ in small_model(np.random.default_rng(7)).named_parameters()]
    assert model.parameters()[0] is model[0].W
    assert model.named_buffers()[0][1] is model[3].running_mean


def test_forward_is_the_layers_in_order(rng):
    model = small_model(rng).eval()
    x = rng.standard_normal((5, 4))
    expected = x
    for layer in model:
        expected = layer.forward(expected)
    np.testing.assert_array_equal(model.forward(x), expected)
    np.testing.assert_array_equal(model(x), expected)


def numerical_gradient(f, array, eps=1e-6):
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + eps
        plus = f()
        array[index] = saved - eps
        minus = f()
        array[index] = saved
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def test_backward_with_explicit_dout_matches_numerical_gradient(rng):
    model = Sequential([Affine(3, 4, rng=rng), Tanh(), Affine(4, 2, rng=rng)])
    x = rng.standard_normal((5, 3))
    dout = rng.standard_normal((5, 2))  # random, so a transposed gradient cannot hide

    def objective():
        return float(np.sum(model.forward(x) * dout))

    model.forward(x)
    dx = model.backward(dout)
    analytic = [p.grad.copy() for p in model.parameters()]
    for param, grad in zip(model.parameters(), analytic, strict=True):
        np.testing.assert_allclose(grad, numerical_gradient(objective, param.data), atol=1e-8)
    np.testing.assert_allclose(dx, numerical_gradient(objective, x), atol=1e-8)


def test_loss_then_backward_matches_numerical_gradient(rng):
    model = Sequential([Affine(3, 5, rng=rng), Tanh(), Affine(5, 4, rng=rng)])
    x = rng.standard_normal((6, 3))
    t = rng.integers(0, 4, size=6)
    loss, _ = loss_and_backward(model, x, t)
    assert isinstance(loss, float)
    first_weight = model[0].W
    analytic = first_weight.grad.copy()

    def objective():
        return SoftmaxCrossEntropy().forward(model.forward(x), t)

    np.testing.assert_allclose(
        analytic, numerical_gradient(objective, first_weight.data), atol=1e-8
    )


def test_backward_needs_the_upstream_gradient_and_a_forward_first(rng):
    model = small_model(rng)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        model.backward(np.ones((4, 3)))
    model.forward(rng.standard_normal((4, 4)))
    with pytest.raises(TypeError, match="dout"):
        model.backward()
    with pytest.raises(ValueError, match=r"dout of shape \(4, 3\)"):
        model.backward(np.ones((4, 2)))


def test_sequential_has_no_hidden_loss(rng):
    with pytest.raises(TypeError, match="unexpected keyword argument 'loss'"):
        Sequential([Affine(4, 3, rng=rng)], loss=SoftmaxCrossEntropy())
    assert not hasattr(small_model(rng), "loss")
    with pytest.raises(TypeError, match=r"Sequential\(\[layer, \.\.\.\]\)"):
        Sequential(Affine(4, 3, rng=rng))


def test_float32_data_feeds_a_float64_model_without_mutation(rng):
    model = small_model(rng).eval()
    x32 = rng.standard_normal((3, 4)).astype(np.float32)
    before = x32.copy()
    out = model.forward(x32)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, model.forward(x32.astype(np.float64)))
    np.testing.assert_array_equal(x32, before)


def test_float32_model_end_to_end(rng):
    model = small_model(rng, dtype=np.float32)
    assert model.dtype == np.float32
    x = rng.standard_normal((5, 4))  # float64 data is cast to the model's float32
    _, dx = loss_and_backward(model, x, rng.integers(0, 3, size=5))
    assert dx.dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in model.parameters())
    assert model.predict(x).dtype == np.float32


def test_integer_input_is_refused(rng):
    model = small_model(rng)
    with pytest.raises(TypeError, match="normalize first"):
        model.forward(np.zeros((2, 4), dtype=np.uint8))
    with pytest.raises(TypeError, match="numpy array, got list"):
        model.forward([[0.0] * 4])


def language_model(rng, dtype=np.float64, vocab=7):
    """Embedding → LSTM → Linear: integer ids (N, T) in, logits (N, T, vocab) out."""
    return Sequential(
        [
            Embedding(vocab, 5, rng=rng, dtype=dtype),
            LSTM(5, 6, rng=rng, dtype=dtype),
            Linear(6, vocab, rng=rng, dtype=dtype),
        ]
    )


@pytest.mark.parametrize("id_dtype", [np.int64, np.int32, np.uint8])
def test_integer_ids_pass_through_when_the_first_layer_takes_ids(rng, id_dtype):
    model = language_model(rng, dtype=np.float32)
    ids = rng.integers(0, 7, size=(3, 4)).astype(id_dtype)
    logits = model.forward(ids)
    assert logits.shape == (3, 4, 7)
    assert logits.dtype == np.float32
    # The Embedding saw the ids themselves: row (n, t) of its output is W[ids[n, t]].
    np.testing.assert_array_equal(model[0].forward(ids), model[0].W.data[ids])
    loss_fn = SoftmaxCrossEntropy()
    loss_fn.forward(logits, ids.astype(np.int64))
    assert model.backward(loss_fn.backward()) is None  # ids have no gradient
    assert all(p.grad.dtype == np.float32 for p in model.parameters())
    assert np.abs(model[0].W.grad).sum() > 0
    assert model.predict(ids, batch_size=2).shape == (3, 4, 7)
    np.testing.assert_allclose(model.predict(ids), logits, rtol=1e-6)


def test_a_model_taking_ids_refuses_floats_and_others_still_refuse_integers(rng):
    model = language_model(rng)
    with pytest.raises(
        TypeError,
        match=r"integer ids for its first layer \(Embedding\), got "
        "dtype float64",
    ):
        model.forward(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="integer ids"):
        model.predict(np.zeros((2, 3), dtype=np.float32))
    # An Embedding later in the chain does not open the door to integer input.
    later = Sequential([Tanh(), Embedding(4, 2, rng=rng)])
    with pytest.raises(TypeError, match="normalize first"):
        later.forward(np.zeros((2, 3), dtype=np.int64))


def test_summary_of_a_model_taking_ids(rng):
    text = language_model(rng).summary((10,))
    assert "(N, 10, 5)" in text  # the Embedding's output
    assert "(N, 10, 7)" in text


@pytest.mark.parametrize(("n", "batch_size"), [(7, 3), (6, 3), (1, 5), (10, 10)])
def test_predict_in_batches_equals_one_eval_forward(n, batch_size, rng):
    model = small_model(rng)
    model.forward(rng.standard_normal((8, 4)))  # move the BatchNorm statistics
    x = rng.standard_normal((n, 4))
    outputs = model.predict(x, batch_size=batch_size)
    assert model.training  # restored
    assert all(layer.training for layer in model)
    expected = model.eval().forward(x)
    np.testing.assert_allclose(outputs, expected, rtol=1e-12)
    assert outputs.shape == (n, 3)


def test_predict_restores_each_layers_own_mode(rng):
    model = small_model(rng)
    model[2].eval()  # e.g. dropout switched off by hand
    model.predict(rng.standard_normal((3, 4)), batch_size=2)
    assert [layer.training for layer in model] == [True, True, False, True, True]


def test_predict_validation(rng):
    model = small_model(rng)
    with pytest.raises(ValueError, match="batch_size to be a positive integer, got 0"):
        model.predict(rng.standard_normal((3, 4)), batch_size=0)
    with pytest.raises(ValueError, match=r"at least one input .*got shape \(0, 4\)"):
        model.predict(np.zeros((0, 4)))


def test_mode_switching_reaches_dropout_and_batchnorm(rng):
    model = small_model(rng)
    x = rng.standard_normal((8, 4))
    assert model.eval() is model
    assert not model.training
    assert not any(layer.training for layer in model)
    np.testing.assert_array_equal(model.forward(x), model.forward(x))  # deterministic
    running_mean = model[3].running_mean.copy()
    model.forward(x)
    np.testing.assert_array_equal(model[3].running_mean, running_mean)  # BN frozen in eval
    model.train()
    assert all(layer.training for layer in model)
    model.forward(x)
    assert not np.array_equal(model[3].running_mean, running_mean)  # BN learns in training
    assert not np.array_equal(model.forward(x), model.forward(x))  # dropout masks differ


def test_state_dict_holds_copies(rng):
    model = small_model(rng)
    state = model.state_dict()
    assert list(state) == [
        "0.W", "0.b", "3.gamma", "3.beta", "4.W", "4.b", "3.running_mean", "3.running_var"
    ]  # fmt: skip
    state["0.W"][...] = 0
    assert model[0].W.data.any()


def test_load_state_dict_round_trip_in_place_with_cast(rng):
    source = small_model(rng)
    source.forward(rng.standard_normal((5, 4)))  # running statistics away from 0 and 1
    target = small_model(np.random.default_rng(99), dtype=np.float32)
    weight_array = target[0].W.data
    target.load_state_dict(source.state_dict())
    assert target[0].W.data is weight_array  # written in place: optimizers keep working
    for (name, value), (_, loaded) in zip(
        source.state_dict().items(), target.state_dict().items(), strict=True
    ):
        assert loaded.dtype == np.float32, name
        np.testing.assert_allclose(loaded, value, rtol=1e-6, err_msg=name)


def same_shaped_model(rng):
    """Twelve arrays of shape (4,): only their names tell them apart (a mix-up loads silently)."""
    return Sequential([BatchNorm(4), Tanh(), BatchNorm(4), BatchNorm(4)])


def shuffled_state(model, rng):
    """A state with a distinct value under every name, its keys in a shuffled order."""
    names = list(model.state_dict())
    order = rng.permutation(len(names))
    assert [names[i] for i in order] != names
    return {names[i]: rng.uniform(1, 2, model.state_dict()[names[i]].shape) for i in order}


def test_load_state_dict_matches_by_name_not_by_position(rng):
    model = same_shaped_model(rng)
    state = shuffled_state(model, rng)
    model.load_state_dict(state)
    loaded = model.state_dict()
    assert list(loaded) != list(state)
    for name, value in state.items():
        np.testing.assert_array_equal(loaded[name], value, err_msg=name)
    np.testing.assert_array_equal(model[0].running_var, state["0.running_var"])
    np.testing.assert_array_equal(model[3].gamma.data, state["3.gamma"])


def test_load_state_dict_names_first_mismatch_and_changes_nothing(rng):
    model = small_model(rng)
    before = model.state_dict()
    state = model.state_dict()
    state["0.b"] = np.zeros(7)
    state["4.W"] = np.zeros((2, 2))
    state["0.W"] = state["0.W"] + 1  # a valid value that must not be written either
    with pytest.raises(ValueError, match=r"'0.b' has shape \(6,\) in the model but \(7,\) in the"):
        model.load_state_dict(state)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


def test_load_state_dict_missing_and_unexpected_keys(rng):
    model = small_model(rng)
    state = model.state_dict()
    del state["3.running_var"]
    state["9.W"] = np.zeros(2)
    with pytest.raises(ValueError, match=r"missing 3.running_var; unexpected 9.W"):
        model.load_state_dict(state)
    with pytest.raises(TypeError, match="mapping of names to arrays, got list"):
        model.load_state_dict([])
    state = model.state_dict()
    state["0.b"] = np.array(["a"] * 6)
    with pytest.raises(TypeError, match=r"'0\.b' as numbers"):
        model.load_state_dict(state)


def test_construction_validation(rng):
    with pytest.raises(ValueError, match="at least one layer"):
        Sequential([])
    with pytest.raises(TypeError, match="Layer instances, got ufunc at index 1"):
        Sequential([ReLU(), np.tanh])
    with pytest.raises(TypeError, match=r"layer 1 \(Affine\) has float32 after float64"):
        Sequential([Affine(2, 2, rng=rng), Affine(2, 2, rng=rng, dtype=np.float32)])


def test_parameterless_model_keeps_input_dtype(rng):
    model = Sequential([ReLU()])
    assert model.dtype is None
    x = rng.standard_normal((2, 3)).astype(np.float32)
    assert model.forward(x).dtype == np.float32


def test_container_protocol(rng):
    model = small_model(rng)
    assert len(model) == 5
    assert isinstance(model[1], Tanh)
    assert list(model)[4] is model[4]
    head = model[:2]
    assert isinstance(head, Sequential)
    assert len(head) == 2
    assert head[0] is model[0]


def test_repr_lists_layers_counts_and_total(rng):
    text = repr(small_model(rng))
    lines = text.splitlines()
    assert lines[0] == "Sequential("
    assert lines[1].strip().startswith("(0) Affine")
    assert lines[1].endswith("30")  # 4·6 + 6
    assert lines[4].endswith("12")  # γ and β of 6 features
    assert lines[-2].strip() == "total parameters: 63"  # 30 + 12 + 6·3 + 3


@pytest.mark.parametrize("first", ["affine", "conv", "relu"])
def test_backward_without_input_grad_writes_the_same_parameter_grads(first):
    rng = np.random.default_rng(5)
    if first == "conv":
        layers = [Conv2D(2, 3, 3, pad=1, rng=rng), ReLU(), Flatten(), Affine(3 * 5 * 5, 4, rng=rng)]
        x = rng.standard_normal((3, 2, 5, 5))
    elif first == "affine":
        layers = [Affine(6, 5, rng=rng), ReLU(), Affine(5, 4, rng=rng)]
        x = rng.standard_normal((3, 6))
    else:
        layers = [ReLU(), Affine(6, 4, rng=rng)]
        x = rng.standard_normal((3, 6))
    model = Sequential(layers)
    t = np.array([0, 3, 1])
    _, dx = loss_and_backward(model, x, t)
    expected = {name: p.grad.copy() for name, p in model.named_parameters()}
    assert loss_and_backward(model, x, t, input_grad=False)[1] is None
    assert dx.shape == x.shape
    for name, p in model.named_parameters():
        np.testing.assert_array_equal(p.grad, expected[name], err_msg=name)


def test_summary_gives_each_layers_output_shape_and_parameters():
    from zeronn.models import simple_convnet

    model = simple_convnet((1, 28, 28), rng=0)
    model[5].training = True  # any mode: the summary runs in eval mode and restores it
    text = model.summary((1, 28, 28))
    rows = text.splitlines()
    assert rows[0].split() == ["layer", "output", "shape", "parameters"]
    assert rows[2].split() == ["input", "(N,", "1,", "28,", "28)"]
    assert "(N, 30, 24, 24)" in rows[3]
    assert rows[3].endswith(" 780")
    assert "(N, 4320)" in rows[6]  # after Flatten: what goes into the Affine
    assert rows[7].startswith("(4) Affine(4320 -> 100")
    assert rows[7].endswith("432,100")
    assert rows[-1].startswith("total parameters: 433,890")
    assert all(layer.training for layer in model)


def test_summary_names_the_layer_that_cannot_take_the_shape(rng):
    model = Sequential([Flatten(), Affine(784, 10, rng=rng)])
    assert "(N, 10)" in model.summary((1, 28, 28))
    with pytest.raises(ValueError, match=r"layer 1 \(Affine\) cannot take .* \(N, 900\)"):
        model.summary((1, 30, 30))
    with pytest.raises(ValueError, match="one sample's shape"):
        model.summary(())
    with pytest.raises(ValueError, match="positive integer, got 0"):
        model.summary((0, 28))


# --- a failed call leaves the model as it found it -------------------------------------------


def nested_model(rng):
    """A Residual holding a layer in eval mode of its own, and a stateful LSTM."""
    from zeronn.layers import LayerNorm, Residual

    model = Sequential(
        [
            Linear(3, 4, rng=rng),
            Residual(LayerNorm(4), Dropout(0.5, rng=1)),
            LSTM(4, 4, stateful=True, rng=rng),
            Linear(4, 2, rng=rng),
        ]
    )
    model[1].layers[1].eval()
    model.forward(np.random.default_rng(4).standard_normal((2, 5, 3)))  # a carried state
    return model


def test_predict_and_summary_leave_nested_modes_and_carried_state_as_found(rng):
    from zeronn.state import Snapshot

    model = nested_model(rng)
    data = np.random.default_rng(5)  # not the LSTM's own generator, which is state
    found = Snapshot(model)
    model.predict(data.standard_normal((2, 5, 3)), batch_size=2)
    assert found.changes() == []
    model[2].reset_state()  # summary's one sample does not fit a carried batch of 2
    found = Snapshot(model)
    model.summary((5, 3))
    assert found.changes() == []


def test_a_forward_refused_half_way_puts_back_what_earlier_layers_moved(rng):
    from zeronn.state import Snapshot

    model = Sequential([Affine(4, 6, rng=rng), BatchNorm(6), Dropout(0.5, rng=3), Affine(5, 2)])
    found = Snapshot(model)
    with pytest.raises(ValueError, match=r"Affine\(5 -> 2\) expected input \(N, 5\)"):
        model.forward(rng.standard_normal((8, 4)))
    assert found.changes() == []  # running statistics and Dropout's generator as they were


def test_load_state_dict_refuses_nan_and_inf_naming_the_array_and_count(rng):
    model = small_model(rng)
    before = model.state_dict()
    state = model.state_dict()
    state["0.W"][0, :2] = np.nan
    state["3.running_var"][1] = np.inf
    state["4.b"] = state["4.b"] + 1  # a good array that must not be written either
    with pytest.raises(
        ValueError,
        match=r"'0.W' holds 2 NaN and 0 inf values; '3.running_var' holds 0 NaN and 1 inf "
        r"values; nothing was loaded",
    ):
        model.load_state_dict(state)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


def test_load_state_dict_refuses_values_beyond_the_models_dtype(rng):
    model = small_model(rng, dtype=np.float32)
    state = {name: value.astype(np.float64) for name, value in model.state_dict().items()}
    state["4.b"][0] = 1e39
    with pytest.raises(ValueError, match=r"1 of them finite in the state but beyond float32"):
        model.load_state_dict(state)


def test_modes_are_true_or_false(rng):
    model = small_model(rng)
    with pytest.raises(TypeError, match=r"Sequential\.train expected mode to be True or False"):
        model.train("no")
    with pytest.raises(TypeError, match=r"Dropout\.train expected mode to be True or False, got 0"):
        model[2].train(0)
    assert model.training
    assert all(layer.training for layer in model)
