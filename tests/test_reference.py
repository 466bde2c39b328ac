"""The loop references themselves, checked against independent definitions (scipy, numerics,
PyTorch's recorded numbers)."""

import numpy as np
import pytest
from scipy import signal
from torch_fixtures import assert_close, torch_fixture

from zeronn import reference
from zeronn.gradcheck import numerical_gradient, relative_error


def test_conv_forward_matches_scipy_correlate(rng):
    x = rng.standard_normal((2, 3, 7, 6))
    W = rng.standard_normal((4, 3, 3, 2))
    b = rng.standard_normal(4)
    stride, pad = (2, 1), 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    y = reference.conv_forward(x, W, b, stride, pad)
    for n in range(2):
        for f in range(4):
            full = sum(signal.correlate(xp[n, c], W[f, c], mode="valid") for c in range(3))
            np.testing.assert_allclose(y[n, f], full[:: stride[0], :: stride[1]] + b[f])


def test_conv_backward_matches_numerical_gradients(rng):
    x = rng.standard_normal((2, 2, 5, 4))
    W = rng.standard_normal((3, 2, 2, 3))
    b = rng.standard_normal(3)
    stride, pad = (1, 2), (1, 0)
    dout = rng.standard_normal(reference.conv_forward(x, W, b, stride, pad).shape)
    dx, dW, db = reference.conv_backward(dout, x, W, stride, pad)

    def loss(x=x, W=W, b=b):
        return float(np.sum(reference.conv_forward(x, W, b, stride, pad) * dout))

    assert relative_error(dx, numerical_gradient(lambda v: loss(x=v), x.copy())) < 1e-7
    assert relative_error(dW, numerical_gradient(lambda v: loss(W=v), W.copy())) < 1e-7
    assert relative_error(db, numerical_gradient(lambda v: loss(b=v), b.copy())) < 1e-7


def test_max_pool_by_hand():
    x = np.array([[[[1.0, 4.0, 2.0], [4.0, 0.0, 2.0], [3.0, 3.0, 3.0]]]])
    y = reference.max_pool_forward(x, 2, 1)
    np.testing.assert_array_equal(y, [[[[4.0, 4.0], [4.0, 3.0]]]])
    dx = reference.max_pool_backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), x, 2, 1)
    # Windows (0, 0) and (0, 1) share their maximum x[0, 1]: 1 + 2 = 3 lands there.
    # Window (1, 1) = [[0, 2], [3, 3]] ties on its bottom row: the first 3, x[2, 1], gets 4.
    np.testing.assert_array_equal(dx, [[[[0, 3.0, 0], [3.0, 0, 0], [0, 4.0, 0]]]])


def test_max_pool_padding_is_minus_infinity():
    x = -np.ones((1, 1, 1, 1))
    assert reference.max_pool_forward(x, 2, 1, 1).max() == -1.0


def test_im2col_loops_by_hand():
    x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    cols = reference.im2col_loops(x, 2, 1, 0)
    # row = kernel offset (i, j), column = output position (oh, ow)
    expected = [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]]
    np.testing.assert_array_equal(cols, expected)


@pytest.mark.parametrize(("kernel", "stride", "pad"), [(2, 1, 0), ((3, 2), (2, 1), (1, 2))])
def test_col2im_loops_is_the_adjoint_of_im2col_loops(rng, kernel, stride, pad):
    x = rng.standard_normal((2, 2, 5, 4))
    patches = reference.im2col_loops(x, kernel, stride, pad)
    cols = rng.standard_normal(patches.shape)
    back = reference.col2im_loops(cols, x.shape, kernel, stride, pad)
    assert np.vdot(patches, cols) == pytest.approx(np.vdot(x, back), rel=1e-12)


@pytest.mark.parametrize("name", ["rnn", "lstm", "gru"])
def test_the_recurrent_loops_give_pytorch_s_numbers(name):
    # nn.RNN / LSTM / GRU(3, 5, batch_first=True): weight_ih_l0 is Wxᵀ, weight_hh_l0 is Whᵀ
    theirs = torch_fixture(f"torch_{name}")
    Wx, Wh = theirs["weight_ih_l0"].T, theirs["weight_hh_l0"].T
    bx, bh = theirs["bias_ih_l0"], theirs["bias_hh_l0"]
    h = np.zeros((len(theirs["x"]), Wh.shape[0]))
    if name == "rnn":
        y = reference.rnn_forward(theirs["x"], Wx, Wh, bx + bh, h)
    elif name == "lstm":
        y = reference.lstm_forward(theirs["x"], Wx, Wh, bx + bh, h, h)
    else:
        y = reference.gru_forward(theirs["x"], Wx, Wh, bx, bh, h)
    assert_close(y, theirs["y"], name)


@pytest.mark.parametrize("causal", [False, True])
def test_the_attention_loop_gives_pytorch_s_numbers(causal):
    # nn.MultiheadAttention(8, 2, batch_first=True): in_proj holds [Wqᵀ; Wkᵀ; Wvᵀ]
    theirs = torch_fixture("torch_attention_causal" if causal else "torch_attention")
    Wq, Wk, Wv = (W.T for W in np.split(theirs["in_proj_weight"], 3))
    bq, bk, bv = np.split(theirs["in_proj_bias"], 3)
    weights = (Wq, Wk, Wv, theirs["out_proj.weight"].T)
    biases = (bq, bk, bv, theirs["out_proj.bias"])
    y = reference.attention_forward(theirs["x"], weights, biases, num_heads=2, causal=causal)
    assert_close(y, theirs["y"], "attention")


def test_the_reference_sigmoid_is_the_definition_and_saturates_without_warnings():
    a = np.array([-1000.0, -2.0, 0.0, 2.0, 1000.0])
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(
            reference.recurrent.sigmoid(a),
            [0.0, 1 / (1 + np.exp(2.0)), 0.5, 1 / (1 + np.exp(-2.0)), 1.0],
        )
