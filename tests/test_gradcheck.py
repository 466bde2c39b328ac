"""Tests for zeronn/gradcheck.py: the numerical gradient, the relative error and the report."""

import numpy as np
import pytest

from zeronn.gradcheck import GradientReport, check_gradients, numerical_gradient, relative_error
from zeronn.layers.affine import Affine
from zeronn.layers.base import Layer
from zeronn.layers.batchnorm import BatchNorm
from zeronn.parameter import Parameter


class SquareMatmul(Layer):
    """y = x W with a square W; ``transposed_bug`` uses W instead of Wᵀ in dx."""

    param_names = ("W",)

    def __init__(self, size: int, rng: np.random.Generator, *, transposed_bug: bool) -> None:
        self.W = Parameter(rng.normal(size=(size, size)))
        self.transposed_bug = transposed_bug
        self._x = None

    def forward(self, x):
        self._x = x
        return x @ self.W.data

    def backward(self, dout):
        self.W.grad[...] = self._x.T @ dout
        return dout @ (self.W.data if self.transposed_bug else self.W.data.T)


class SquaredError:
    """``ℓ(y, t) = ½‖y − t‖²`` with ``dℓ/dy = y − t``: a loss outside the module."""

    def forward(self, y, t):
        self._residual = y - t
        return 0.5 * float(np.sum(self._residual**2))

    def backward(self):
        return self._residual


def test_numerical_gradient_of_a_known_function_and_restores_x(rng):
    x = rng.normal(size=(3, 4))
    before = x.copy()
    gradient = numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    np.testing.assert_allclose(gradient, np.cos(x), rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_restores_x_when_f_raises(rng):
    x = rng.normal(size=4)
    before = x.copy()

    def failing(_):
        raise ArithmeticError("boom")

    with pytest.raises(ArithmeticError):
        numerical_gradient(failing, x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_refuses_float32_and_bad_eps(rng):
    with pytest.raises(TypeError, match="float64, got float32"):
        numerical_gradient(np.sum, rng.normal(size=3).astype(np.float32))
    with pytest.raises(ValueError, match="eps > 0"):
        numerical_gradient(np.sum, rng.normal(size=3), eps=0.0)


def test_relative_error_definition():
    a = np.array([3.0, 4.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert relative_error(a, np.zeros(2)) == pytest.approx(1.0)
    assert relative_error(a, a + np.array([0.0, 1e-3])) == pytest.approx(
        1e-3 / (5.0 + np.hypot(3.0, 4.001))
    )
    with pytest.raises(ValueError, match=r"same shape, got \(2,\) and \(3,\)"):
        relative_error(a, np.zeros(3))


def test_check_gradients_passes_a_correct_layer_and_reports(rng):
    layer = Affine(5, 3, rng=rng)
    x = rng.normal(size=(4, 5))
    x_before = x.copy()
    W_before = layer.W.data.copy()
    report = check_gradients(layer, x, rng=0)
    assert isinstance(report, GradientReport)
    assert list(report) == ["x", "W", "b"]
    assert report.max_error < 1e-7
    assert report.max_error == max(report.values())
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(layer.W.data, W_before)
    # The parameters keep their analytic gradients for the random upstream gradient.
    assert np.abs(layer.W.grad).sum() > 0
    text = str(report)
    assert text.splitlines()[0].split() == ["array", "shape", "relative", "error"]
    assert "(5, 3)" in text
    assert "b      (3,)" in text
    assert "max_error" in repr(report)


def test_check_gradients_catches_a_transposed_backward(rng):
    x = rng.normal(size=(3, 4))
    good = check_gradients(SquareMatmul(4, rng, transposed_bug=False), x, rng=1)
    bad = check_gradients(SquareMatmul(4, rng, transposed_bug=True), x, rng=1)
    assert good.max_error < 1e-7
    assert bad["x"] > 1e-2
    assert bad["W"] < 1e-7


def test_check_gradients_through_a_loss_when_targets_are_given(rng):
    x = rng.normal(size=(3, 4))
    t = rng.normal(size=(3, 4))
    right, wrong = (SquareMatmul(4, rng, transposed_bug=bug) for bug in (False, True))
    assert check_gradients(right, x, t=t, loss=SquaredError()).max_error < 1e-7
    assert check_gradients(wrong, x, t=t, loss=SquaredError())["x"] > 1e-2


def test_check_gradients_defaults_to_softmax_cross_entropy_with_targets(rng):
    model = Affine(4, 3, rng=0)
    report = check_gradients(model, rng.normal(size=(5, 4)), t=np.array([0, 2, 1, 1, 0]))
    assert report.max_error < 1e-7


def test_check_gradients_refuses_a_bad_loss_or_a_loss_without_targets(rng):
    x = rng.normal(size=(1, 2))
    with pytest.raises(TypeError, match=r"loss with forward\(logits, t\) and backward"):
        check_gradients(Affine(2, 2, rng=0), x, t=np.zeros(1, np.int64), loss=np.mean)
    with pytest.raises(ValueError, match="a loss but no targets"):
        check_gradients(Affine(2, 2, rng=0), x, loss=SquaredError())


def test_check_gradients_refuses_float32(rng):
    x64 = rng.normal(size=(2, 3))
    with pytest.raises(TypeError, match="parameter 'W' in float64, got float32"):
        check_gradients(Affine(3, 2, rng=0, dtype=np.float32), x64, rng=0)
    with pytest.raises(TypeError, match="input x in float64, got float32"):
        check_gradients(Affine(3, 2, rng=0), x64.astype(np.float32), rng=0)


def test_check_gradients_refuses_a_bad_rng(rng):
    with pytest.raises(TypeError, match=r"int seed or None .*got 0\.5"):
        check_gradients(Affine(3, 2, rng=0), rng.normal(size=(2, 3)), rng=0.5)


def test_check_gradients_restores_buffers(rng):
    layer = BatchNorm(3)
    layer.running_mean[...] = [1.0, 2.0, 3.0]
    check_gradients(layer, rng.normal(size=(5, 3)), rng=0)
    np.testing.assert_array_equal(layer.running_mean, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(layer.running_var, np.ones(3))
