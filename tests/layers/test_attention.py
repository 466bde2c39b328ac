"""Tests for zeronn/layers/attention.py."""

import re

import numpy as np
import pytest
from torch_fixtures import assert_close, torch_fixture

from zeronn.gradcheck import check_gradients
from zeronn.layers import MultiHeadAttention
from zeronn.reference import attention_forward


def randomized(layer, rng):
    """Non-zero biases, so that a gradient that forgets one would show."""
    for name in ("bq", "bk", "bv", "bo"):
        getattr(layer, name).data[...] = rng.normal(size=layer.embed_dim)
    return layer


def reference_attention(layer, x):
    """The loop twin (zeronn/reference/attention.py) with the layer's weights."""
    weights = tuple(getattr(layer, name).data for name in ("Wq", "Wk", "Wv", "Wo"))
    biases = tuple(getattr(layer, name).data for name in ("bq", "bk", "bv", "bo"))
    return attention_forward(x, weights, biases, layer.num_heads, layer.causal)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize(("N", "T", "E", "heads"), [(2, 5, 6, 2), (1, 7, 4, 1), (3, 6, 6, 3)])
def test_gradients(rng, causal, N, T, E, heads):
    layer = randomized(MultiHeadAttention(E, heads, causal, rng=rng), rng)
    report = check_gradients(layer, rng.normal(size=(N, T, E)), rng=rng)
    # bk's gradient is exactly zero (the module docstring says why); its numerical one is
    # rounding noise, which check_gradients measures on the other arrays' scale.
    assert report.max_error < 1e-7, str(report)
    assert np.abs(layer.bk.grad).max() < 1e-12


@pytest.mark.parametrize("causal", [False, True])
def test_forward_matches_the_loop_reference(rng, causal):
    layer = randomized(MultiHeadAttention(8, 4, causal, rng=rng), rng)
    x = rng.normal(size=(2, 6, 8))
    np.testing.assert_allclose(layer.forward(x), reference_attention(layer, x), rtol=1e-10)


def test_causal_mask_hides_the_future(rng):
    layer = randomized(MultiHeadAttention(6, 2, causal=True, rng=rng), rng)
    x = rng.normal(size=(2, 7, 6))
    y = layer.forward(x)
    changed = x.copy()
    changed[:, 4] = rng.normal(size=(2, 6))  # a different token at position 4
    y_changed = layer.forward(changed)
    np.testing.assert_array_equal(y_changed[:, :4], y[:, :4])
    assert np.abs(y_changed[:, 4:] - y[:, 4:]).min() > 0
    # And backward: a loss on position 2 sends no gradient to positions 3 and later.
    dout = np.zeros_like(y)
    dout[:, 2] = rng.normal(size=(2, 6))
    dx = layer.backward(dout)
    np.testing.assert_array_equal(dx[:, 3:], 0)
    assert np.abs(dx[:, :3]).min() > 0


def test_without_the_mask_every_position_sees_the_future(rng):
    layer = randomized(MultiHeadAttention(6, 2, rng=rng), rng)
    x = rng.normal(size=(2, 7, 6))
    changed = x.copy()
    changed[:, 4] += 1.0
    assert np.abs(layer.forward(changed)[:, :4] - layer.forward(x)[:, :4]).min() > 0


def test_huge_scores_stay_finite(rng):
    layer = MultiHeadAttention(4, 2, causal=True, rng=rng)
    x = 1e3 * rng.normal(size=(2, 5, 4))
    with np.errstate(over="raise", invalid="raise"):
        y = layer.forward(x)
        dx = layer.backward(np.ones_like(y))
    assert np.isfinite(y).all()
    assert np.isfinite(dx).all()


@pytest.mark.parametrize("causal", [False, True])
def test_same_numbers_and_gradients_as_pytorch(causal):
    # nn.MultiheadAttention(8, 2, batch_first=True) recorded by tools/record_torch_fixtures.py:
    # its in_proj holds [Wqᵀ; Wkᵀ; Wvᵀ], its out_proj.weight is Woᵀ
    theirs = torch_fixture("torch_attention_causal" if causal else "torch_attention")
    layer = MultiHeadAttention(8, 2, causal, rng=0)
    in_weights = np.split(theirs["in_proj_weight"], 3)
    in_biases = np.split(theirs["in_proj_bias"], 3)
    in_weight_grads = np.split(theirs["grad_in_proj_weight"], 3)
    in_bias_grads = np.split(theirs["grad_in_proj_bias"], 3)
    for k, (W, b) in enumerate((("Wq", "bq"), ("Wk", "bk"), ("Wv", "bv"))):
        getattr(layer, W).data[...] = in_weights[k].T
        getattr(layer, b).data[...] = in_biases[k]
    layer.Wo.data[...] = theirs["out_proj.weight"].T
    layer.bo.data[...] = theirs["out_proj.bias"]

    assert_close(layer.forward(theirs["x"]), theirs["y"], "y")
    assert_close(layer.backward(theirs["dout"]), theirs["grad_x"], "dx")
    for k, (W, b) in enumerate((("Wq", "bq"), ("Wk", "bk"), ("Wv", "bv"))):
        assert_close(getattr(layer, W).grad, in_weight_grads[k].T, W)
        assert_close(getattr(layer, b).grad, in_bias_grads[k], b)
    assert_close(layer.Wo.grad, theirs["grad_out_proj.weight"].T, "Wo")
    assert_close(layer.bo.grad, theirs["grad_out_proj.bias"], "bo")


def test_pytorch_initialization():
    layer = MultiHeadAttention(256, 4, rng=0)
    bound_in, bound_out = np.sqrt(6 / (4 * 256)), 1 / np.sqrt(256)
    for name in ("Wq", "Wk", "Wv"):
        weight = getattr(layer, name).data
        assert np.abs(weight).max() <= bound_in
        assert weight.std() == pytest.approx(bound_in / np.sqrt(3), rel=0.02)
    assert np.abs(layer.Wo.data).max() <= bound_out
    assert layer.Wo.data.std() == pytest.approx(bound_out / np.sqrt(3), rel=0.02)
    for name in ("bq", "bk", "bv", "bo"):
        np.testing.assert_array_equal(getattr(layer, name).data, 0)
    assert [name for name, _ in layer.named_parameters()] == [
        "Wq", "Wk", "Wv", "Wo", "bq", "bk", "bv", "bo"
    ]  # fmt: skip


def test_float32_stays_float32(rng):
    layer = MultiHeadAttention(8, 2, causal=True, rng=rng, dtype=np.float32)
    x = rng.normal(size=(2, 5, 8)).astype(np.float32)
    y = layer.forward(x)
    dx = layer.backward(np.ones_like(y))
    assert {a.dtype for a in [y, dx, *(p.grad for p in layer.parameters())]} == {
        np.dtype(np.float32)
    }
    reference = MultiHeadAttention(8, 2, causal=True, rng=1)
    float32 = MultiHeadAttention(8, 2, causal=True, rng=1, dtype=np.float32)
    np.testing.assert_allclose(
        float32.forward(x), reference.forward(x.astype(np.float64)), atol=1e-5
    )


def test_inputs_not_mutated(rng):
    layer = MultiHeadAttention(6, 3, causal=True, rng=rng)
    x, dout = rng.normal(size=(2, 5, 6)), rng.normal(size=(2, 5, 6))
    x_copy, dout_copy = x.copy(), dout.copy()
    layer.forward(x)
    layer.backward(dout)
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(dout, dout_copy)


def test_repr():
    assert repr(MultiHeadAttention(128, 4, causal=True, rng=0)) == (
        "MultiHeadAttention(128, num_heads=4, causal=True, dtype=float64)"
    )


def test_bad_inputs():
    layer = MultiHeadAttention(8, 2, rng=0)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(np.zeros((2, 3, 8)))
    message = "MultiHeadAttention(8, heads=2) expected input (N, T, 8) with N, T >= 1, got (2, 8)"
    with pytest.raises(ValueError, match=re.escape(message)):
        layer.forward(np.zeros((2, 8)))
    with pytest.raises(ValueError, match=re.escape("got (2, 3, 6)")):
        layer.forward(np.zeros((2, 3, 6)))
    with pytest.raises(TypeError, match="float64 parameters but got input of dtype float32"):
        layer.forward(np.zeros((2, 3, 8), dtype=np.float32))
    with pytest.raises(TypeError, match="dtype float32 or float64, got int64"):
        layer.forward(np.zeros((2, 3, 8), dtype=np.int64))
    layer.forward(np.zeros((2, 3, 8)))
    with pytest.raises(ValueError, match=re.escape("dout of shape (2, 3, 8)")):
        layer.backward(np.zeros((2, 4, 8)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="embed_dim divisible by num_heads, got 10 and 4"):
        MultiHeadAttention(10, 4)
    with pytest.raises(ValueError, match="num_heads to be a positive integer, got 0"):
        MultiHeadAttention(8, 0)
    with pytest.raises(TypeError, match="causal to be True or False, got 'yes'"):
        MultiHeadAttention(8, 2, causal="yes")
