"""Tied weights: zeronn/layers/tied.py (TiedAffine) and zeronn/layers/chain.py (a Parameter two
layers share gets the sum of its uses' gradients, and is listed once)."""

import numpy as np
import pytest

from zeronn import serialize
from zeronn.gradcheck import check_gradients
from zeronn.layers import Affine, Linear, ReLU, Residual, Tanh, TiedAffine
from zeronn.model import Sequential
from zeronn.optim import SGD


def autoencoder(rng, D=6, M=4):
    """Encoder Affine(D, M), tanh, decoder TiedAffine: the decoder's weight is the encoder's ᵀ."""
    encoder = Affine(D, M, rng=rng)
    decoder = TiedAffine(encoder)
    decoder.b.data[...] = rng.normal(size=D)  # non-zero, so a forgotten db would show
    encoder.b.data[...] = rng.normal(size=M)
    return Sequential([encoder, Tanh(), decoder])


def test_the_layer_follows_its_formulas(rng):
    encoder = Affine(5, 3, rng=rng)
    layer = TiedAffine(encoder)
    assert layer.W is encoder.W
    assert (layer.in_features, layer.out_features) == (3, 5)
    x, dout = rng.normal(size=(4, 3)), rng.normal(size=(4, 5))
    np.testing.assert_allclose(layer.forward(x), x @ encoder.W.data.T + layer.b.data)
    np.testing.assert_allclose(layer.backward(dout), dout @ encoder.W.data)
    np.testing.assert_allclose(layer.W.grad, dout.T @ x)  # this use's gradient only
    np.testing.assert_allclose(layer.b.grad, dout.sum(axis=0))


@pytest.mark.parametrize("N", [1, 3])
def test_a_tied_autoencoder_passes_the_gradient_check(rng, N):
    model = autoencoder(rng)
    report = check_gradients(model, rng.normal(size=(N, 6)), rng=rng)
    assert report.max_error < 1e-7, str(report)
    assert [name for name, _ in model.named_parameters()] == ["0.W", "0.b", "2.b"]


def test_the_shared_gradient_is_the_sum_of_both_uses(rng):
    tied = autoencoder(rng)
    encoder, _, decoder = tied
    # the same network untied: the decoder's weight a copy of the encoder's, transposed
    twin_decoder = Affine(4, 6, rng=rng)
    twin_decoder.W.data[...] = encoder.W.data.T
    twin_decoder.b.data[...] = decoder.b.data
    twin_encoder = Affine(6, 4, rng=rng)
    twin_encoder.W.data[...] = encoder.W.data
    twin_encoder.b.data[...] = encoder.b.data
    untied = Sequential([twin_encoder, Tanh(), twin_decoder])
    x, dout = rng.normal(size=(3, 6)), rng.normal(size=(3, 6))
    np.testing.assert_allclose(tied.forward(x), untied.forward(x), rtol=1e-14)
    np.testing.assert_allclose(tied.backward(dout), untied.backward(dout), rtol=1e-12)
    expected = twin_encoder.W.grad + twin_decoder.W.grad.T
    np.testing.assert_allclose(encoder.W.grad, expected, rtol=1e-12)
    grad_array = encoder.W.grad
    tied.forward(x)
    assert tied.backward(dout, input_grad=False) is None  # the first layer's grads only
    assert encoder.W.grad is grad_array  # summed in place: the optimizer's array
    np.testing.assert_allclose(encoder.W.grad, expected, rtol=1e-12)


def test_an_optimizer_updates_the_shared_weight_once_and_both_uses_see_it(rng):
    model = autoencoder(rng)
    encoder, _, decoder = model
    optimizer = SGD(model.parameters(), lr=0.1)  # a Parameter listed twice would be refused
    assert len(optimizer.params) == 3
    x = rng.normal(size=(3, 6))
    model.forward(x)
    model.backward(rng.normal(size=(3, 6)))
    before, grad = encoder.W.data.copy(), encoder.W.grad.copy()
    optimizer.step()
    np.testing.assert_allclose(encoder.W.data, before - 0.1 * grad)
    assert decoder.W is encoder.W


def test_a_tied_model_saves_its_weight_once_and_loads_it_into_both_uses(rng, tmp_path):
    model = autoencoder(rng)
    path = serialize.save(model, tmp_path / "tied.npz")
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(set(archive.files) - {serialize.ARCHITECTURE_KEY}) == [
            "0.W",
            "0.b",
            "2.b",
        ]
    twin = autoencoder(np.random.default_rng(99))
    serialize.load(twin, path)
    x = rng.normal(size=(2, 6))
    np.testing.assert_array_equal(twin.forward(x), model.forward(x))
    assert twin[2].W is twin[0].W


def test_a_weight_shared_inside_a_residual_branch_sums_there_too(rng):
    first = Linear(4, 4, rng=rng)
    second = Linear(4, 4, rng=rng)
    second.W = first.W  # the same matrix twice, same orientation
    block = Residual(first, ReLU(), second)
    assert [name for name, _ in block.named_parameters()] == ["0.W", "0.b", "2.b"]
    x = rng.normal(size=(2, 3, 4)) + 0.1
    report = check_gradients(block, x, rng=rng)
    assert report.max_error < 1e-7, str(report)


def test_a_tie_to_something_that_is_not_an_affine_is_refused(rng):
    with pytest.raises(TypeError, match="TiedAffine expected the Affine whose weight it uses"):
        TiedAffine(ReLU())
    layer = TiedAffine(Affine(5, 3, rng=rng))
    with pytest.raises(ValueError, match=r"TiedAffine\(3 -> 5\) expected input \(N, 3\)"):
        layer.forward(np.zeros((2, 5)))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(np.zeros((2, 5)))
