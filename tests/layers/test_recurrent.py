"""Tests for zeronn/layers/recurrent.py, rnn.py, lstm.py and gru.py."""

import re

import numpy as np
import pytest
from torch_fixtures import assert_close, torch_fixture

from zeronn.gradcheck import check_gradients
from zeronn.layers import GRU, LSTM, RNN
from zeronn.reference import gru_forward, lstm_forward, rnn_forward

LAYERS = [RNN, LSTM, GRU]


# --- the loop references (zeronn/reference/recurrent.py): one time step at a time -----------


def reference(layer, x, state=None):
    """The loop twin of ``layer`` from ``state`` (zeros by default), with the layer's weights."""
    N, H = x.shape[0], layer.hidden_size
    if state is None:
        state = (np.zeros((N, H)),) * layer.state_size
    weights = [p.data for _, p in layer.named_parameters()]  # in param_names order
    twin = {RNN: rnn_forward, LSTM: lstm_forward, GRU: gru_forward}[type(layer)]
    return twin(x, *weights, *state)


class CarriedState:
    """A stateful layer whose every forward starts from a given carried state (check_gradients
    itself starts every forward from the state it found: test_gradients_of_a_stateful_layer)."""

    def __init__(self, layer, state):
        self.layer, self.state = layer, state

    def forward(self, x):
        self.layer.state = self.state
        return self.layer.forward(x)

    def backward(self, dout):
        return self.layer.backward(dout)

    def named_parameters(self):
        return self.layer.named_parameters()


# --- gradients -------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", LAYERS)
@pytest.mark.parametrize(("N", "T", "D", "H"), [(3, 6, 4, 5), (1, 7, 1, 2), (2, 5, 3, 3)])
@pytest.mark.parametrize("return_sequences", [True, False])
def test_gradients_through_time(rng, cls, N, T, D, H, return_sequences):
    layer = cls(D, H, return_sequences=return_sequences, rng=rng)
    report = check_gradients(layer, rng.normal(size=(N, T, D)), rng=rng)
    assert report.max_error < 1e-7, str(report)


@pytest.mark.parametrize("cls", LAYERS)
def test_gradients_of_a_stateful_layer(rng, cls):
    layer = cls(3, 4, stateful=True, rng=rng)
    layer.forward(rng.normal(size=(2, 5, 3)))
    carried = layer.state
    report = check_gradients(layer, rng.normal(size=(2, 6, 3)), rng=rng)
    assert report.max_error < 1e-7, str(report)
    assert layer.state is carried  # left as found


@pytest.mark.parametrize("cls", LAYERS)
def test_gradients_from_a_carried_state(rng, cls):
    layer = cls(3, 4, stateful=True, rng=rng)
    layer.forward(rng.normal(size=(2, 5, 3)))  # the first chunk leaves a non-zero state
    carried = layer.state
    assert all(np.abs(s).min() > 0 for s in carried)
    report = check_gradients(CarriedState(layer, carried), rng.normal(size=(2, 6, 3)), rng=rng)
    assert report.max_error < 1e-7, str(report)


# --- forward against the loop references -----------------------------------------------------


@pytest.mark.parametrize("cls", LAYERS)
def test_forward_matches_the_loop_reference(rng, cls):
    layer = cls(4, 5, rng=rng)
    x = rng.normal(size=(3, 7, 4))
    np.testing.assert_allclose(layer.forward(x), reference(layer, x), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cls", LAYERS)
def test_last_step_only(rng, cls):
    sequences, last = cls(4, 5, rng=1), cls(4, 5, return_sequences=False, rng=1)
    x = rng.normal(size=(3, 7, 4))
    y = last.forward(x)
    assert y.shape == (3, 5)
    np.testing.assert_array_equal(y, sequences.forward(x)[:, -1])


# --- state -----------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", LAYERS)
def test_stateful_chunks_equal_one_long_sequence(rng, cls):
    whole, chunked = cls(3, 4, rng=5), cls(3, 4, stateful=True, rng=5)
    x = rng.normal(size=(2, 9, 3))
    expected = whole.forward(x)
    first, second = chunked.forward(x[:, :4]), chunked.forward(x[:, 4:])
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), expected, rtol=1e-12)
    np.testing.assert_allclose(chunked.state[0], expected[:, -1], rtol=1e-12)


@pytest.mark.parametrize("cls", LAYERS)
def test_reset_state_and_stateless_layers_start_from_zeros(rng, cls):
    stateful, stateless = cls(3, 4, stateful=True, rng=5), cls(3, 4, rng=5)
    x = rng.normal(size=(2, 4, 3))
    from_zeros = stateless.forward(x)
    np.testing.assert_array_equal(stateless.forward(x), from_zeros)
    assert stateless.state is None
    np.testing.assert_array_equal(stateful.forward(x), from_zeros)
    assert not np.allclose(stateful.forward(x), from_zeros)
    stateful.reset_state()
    assert stateful.state is None
    np.testing.assert_array_equal(stateful.forward(x), from_zeros)


@pytest.mark.parametrize("cls", LAYERS)
def test_carried_state_feeds_the_reference_and_is_a_copy(rng, cls):
    layer = cls(3, 4, stateful=True, rng=2)
    layer.forward(rng.normal(size=(2, 3, 3)))
    state = tuple(s.copy() for s in layer.state)
    x = rng.normal(size=(2, 5, 3))
    y = layer.forward(x)
    np.testing.assert_allclose(y, reference(layer, x, state), rtol=1e-12)
    y[...] = 0  # the output does not alias the state
    np.testing.assert_allclose(layer.state[0], reference(layer, x, state)[:, -1], rtol=1e-12)


def test_lstm_carries_both_h_and_c(rng):
    layer = LSTM(3, 4, stateful=True, rng=2)
    layer.forward(rng.normal(size=(2, 3, 3)))
    h, c = layer.state
    assert h.shape == c.shape == (2, 4)
    assert not np.allclose(h, c)


@pytest.mark.parametrize("cls", LAYERS)
def test_stateful_refuses_a_new_batch_size_until_reset(rng, cls):
    layer = cls(3, 4, stateful=True, rng=2)
    layer.forward(rng.normal(size=(2, 3, 3)))
    message = "carries the state of a batch of 2 sequences, got a batch of 1; call reset_state()"
    with pytest.raises(ValueError, match=re.escape(message)):
        layer.forward(rng.normal(size=(1, 3, 3)))
    layer.reset_state()
    assert layer.forward(rng.normal(size=(1, 3, 3))).shape == (1, 3, 4)


# --- the contract with PyTorch: gate order and layout ----------------------------------------


@pytest.mark.parametrize("cls", LAYERS)
def test_same_numbers_and_gradients_as_pytorch(cls):
    # nn.RNN / LSTM / GRU(3, 5, batch_first=True), recorded by tools/record_torch_fixtures.py:
    # weight_ih_l0 is Wxᵀ and weight_hh_l0 is Whᵀ, gates in the same order; the GRU keeps both
    # biases (bh sits inside r ⊙ (h Wh + bh)), the RNN and LSTM add them into one b
    theirs = torch_fixture(f"torch_{cls.__name__.lower()}")
    layer = cls(3, 5, rng=0)
    layer.Wx.data[...] = theirs["weight_ih_l0"].T
    layer.Wh.data[...] = theirs["weight_hh_l0"].T
    if cls is GRU:
        layer.bx.data[...] = theirs["bias_ih_l0"]
        layer.bh.data[...] = theirs["bias_hh_l0"]
    else:
        layer.b.data[...] = theirs["bias_ih_l0"] + theirs["bias_hh_l0"]

    assert_close(layer.forward(theirs["x"]), theirs["y"], "y")
    assert_close(layer.backward(theirs["dout"]), theirs["grad_x"], "dx")
    assert_close(layer.Wx.grad, theirs["grad_weight_ih_l0"].T, "Wx")
    assert_close(layer.Wh.grad, theirs["grad_weight_hh_l0"].T, "Wh")
    if cls is GRU:
        assert_close(layer.bx.grad, theirs["grad_bias_ih_l0"], "bx")
        assert_close(layer.bh.grad, theirs["grad_bias_hh_l0"], "bh")
    else:  # one bias, the gradient of each of PyTorch's two
        assert_close(layer.b.grad, theirs["grad_bias_ih_l0"], "b")
        assert_close(layer.b.grad, theirs["grad_bias_hh_l0"], "b")


# --- initialization, dtypes, errors ----------------------------------------------------------


@pytest.mark.parametrize(("cls", "gates"), [(RNN, 1), (LSTM, 4), (GRU, 3)])
def test_pytorch_initialization_and_shapes(cls, gates):
    layer = cls(30, 400, rng=0)
    bound = 1 / np.sqrt(400)
    for name, param in layer.named_parameters():
        expected_shape = {"Wx": (30, gates * 400), "Wh": (400, gates * 400)}.get(
            name, (gates * 400,)
        )
        assert param.shape == expected_shape, name
        assert np.abs(param.data).max() <= bound
        assert param.data.std() == pytest.approx(bound / np.sqrt(3), rel=0.05)


@pytest.mark.parametrize("cls", LAYERS)
def test_init_spec_draws_weights_and_zero_biases(cls):
    layer = cls(300, 200, init="xavier", rng=0)
    assert layer.Wx.data.std() == pytest.approx(np.sqrt(1 / 300), rel=0.02)
    assert layer.Wh.data.std() == pytest.approx(np.sqrt(1 / 200), rel=0.02)
    for name, param in layer.named_parameters():
        if name.startswith("b"):
            np.testing.assert_array_equal(param.data, 0)


@pytest.mark.parametrize("cls", LAYERS)
@pytest.mark.parametrize("stateful", [False, True])
def test_float32_stays_float32(rng, cls, stateful):
    layer = cls(3, 4, stateful=stateful, rng=rng, dtype=np.float32)
    x = rng.normal(size=(2, 5, 3)).astype(np.float32)
    for _ in range(2):
        y = layer.forward(x)
        dx = layer.backward(np.ones_like(y))
    arrays = [y, dx, *(p.grad for p in layer.parameters()), *(layer.state or ())]
    assert {a.dtype for a in arrays} == {np.dtype(np.float32)}
    reference_output = reference(cls(3, 4, rng=1), x.astype(np.float64))
    float32_output = cls(3, 4, rng=1, dtype=np.float32).forward(x)
    np.testing.assert_allclose(float32_output, reference_output, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("cls", LAYERS)
def test_inputs_not_mutated_and_grads_overwritten(rng, cls):
    layer = cls(3, 4, rng=rng)
    x, dout = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 4))
    x_copy, dout_copy = x.copy(), dout.copy()
    layer.forward(x)
    layer.backward(dout)
    first = [p.grad.copy() for p in layer.parameters()]
    layer.backward(dout)
    for before, param in zip(first, layer.parameters(), strict=True):
        np.testing.assert_array_equal(param.grad, before)
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(dout, dout_copy)


def test_repr():
    assert repr(LSTM(28, 128, rng=0)) == (
        "LSTM(28 -> 128, return_sequences=True, stateful=False, init=None, dtype=float64)"
    )
    assert repr(GRU(3, 4, return_sequences=False, stateful=True, init="xavier", rng=0)) == (
        "GRU(3 -> 4, return_sequences=False, stateful=True, init='xavier', dtype=float64)"
    )


@pytest.mark.parametrize("cls", LAYERS)
def test_bad_inputs(cls):
    layer = cls(28, 16, rng=0)
    name = f"{cls.__name__}(28 -> 16)"
    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(np.zeros((2, 3, 16)))
    message = f"{name} expected input (N, T, 28) with N, T >= 1, got (64, 28)"
    with pytest.raises(ValueError, match=re.escape(message)):
        layer.forward(np.zeros((64, 28)))
    with pytest.raises(ValueError, match=re.escape("got (64, 28, 27)")):
        layer.forward(np.zeros((64, 28, 27)))
    with pytest.raises(ValueError, match=re.escape("got (2, 0, 28)")):
        layer.forward(np.zeros((2, 0, 28)))
    with pytest.raises(TypeError, match="dtype float32 or float64, got int64"):
        layer.forward(np.zeros((2, 3, 28), dtype=np.int64))
    with pytest.raises(TypeError, match="float64 parameters but got input of dtype float32"):
        layer.forward(np.zeros((2, 3, 28), dtype=np.float32))
    layer.forward(np.zeros((2, 3, 28)))
    with pytest.raises(ValueError, match=re.escape("dout of shape (2, 3, 16)")):
        layer.backward(np.zeros((2, 16)))
    last_only = cls(28, 16, return_sequences=False, rng=0)
    last_only.forward(np.zeros((2, 3, 28)))
    with pytest.raises(ValueError, match=re.escape("dout of shape (2, 16)")):
        last_only.backward(np.zeros((2, 3, 16)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="input_size to be a positive integer, got 0"):
        LSTM(0, 3)
    with pytest.raises(TypeError, match=r"hidden_size to be a positive integer, got 2\.5"):
        GRU(3, 2.5)
    with pytest.raises(TypeError, match="stateful to be True or False, got 1"):
        RNN(3, 2, stateful=1)
    with pytest.raises(TypeError, match="return_sequences to be True or False, got 'last'"):
        RNN(3, 2, return_sequences="last")
    with pytest.raises(ValueError, match="init must be"):
        LSTM(3, 2, init="orthogonal")
    with pytest.raises(TypeError, match="dtype float32 or float64, got int32"):
        LSTM(3, 2, dtype=np.int32)


def test_a_hand_set_state_of_the_wrong_shape_is_refused(rng):
    layer = LSTM(3, 4, stateful=True, rng=0)
    layer.state = (np.zeros((2, 4)),)
    with pytest.raises(ValueError, match=re.escape("state as 2 array(s) of shape (N, 4)")):
        layer.forward(rng.normal(size=(2, 5, 3)))
    layer.state = (np.zeros((2, 4)), np.zeros((2, 5)))
    with pytest.raises(ValueError, match=re.escape("got shapes ['(2, 4)', '(2, 5)']")):
        layer.forward(rng.normal(size=(2, 5, 3)))


def test_a_stateless_layer_refuses_a_hand_set_state(rng):
    layer = GRU(3, 4, rng=0)
    layer.state = (np.zeros((2, 4)),)
    with pytest.raises(ValueError, match="is not stateful, so it would ignore the state"):
        layer.forward(rng.normal(size=(2, 5, 3)))


def test_an_lstm_in_a_sequential_learns_the_sign_of_a_sum(rng):
    from zeronn.layers import Affine
    from zeronn.losses import SoftmaxCrossEntropy
    from zeronn.model import Sequential
    from zeronn.optim import Adam

    model = Sequential([LSTM(1, 16, return_sequences=False, rng=rng), Affine(16, 2, rng=rng)])
    loss_fn = SoftmaxCrossEntropy()
    optimizer = Adam(model.parameters(), lr=0.02)

    def batch(size):
        x = rng.normal(size=(size, 12, 1))
        return x, (x.sum(axis=(1, 2)) > 0).astype(int)  # needs every step, read one by one

    for _ in range(200):
        x, t = batch(32)
        loss_fn.forward(model.forward(x), t)
        model.backward(loss_fn.backward())
        optimizer.step()
    x, t = batch(500)
    accuracy = np.mean(model.predict(x).argmax(axis=1) == t)
    assert accuracy > 0.9
