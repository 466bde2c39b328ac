"""Tests for zeronn/gradcheck.py: the numerical gradient, the relative error and the report."""

import numpy as np
import pytest

from zeronn.gradcheck import GradientReport, check_gradients, numerical_gradient, relative_error
from zeronn.layers import (
    LSTM,
    RNN,
    Dropout,
    Linear,
    MultiHeadAttention,
    ReLU,
    Residual,
    Tanh,
)
from zeronn.layers.affine import Affine
from zeronn.layers.base import Layer
from zeronn.layers.batchnorm import BatchNorm
from zeronn.model import Sequential
from zeronn.parameter import Parameter
from zeronn.state import Snapshot


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


# --- the error measure: correct layers pass, planted bugs fail by orders of magnitude --------


class PlantedAffine(Layer):
    """y = x W + b with one planted bug in backward (or none)."""

    param_names = ("W", "b")

    def __init__(self, rng, bug=None):
        self.W = Parameter(rng.normal(size=(4, 3)))
        self.b = Parameter(rng.normal(size=3))
        self.bug = bug

    def forward(self, x):
        self._x = x
        return x @ self.W.data + self.b.data

    def backward(self, dout):
        x = self._x
        self.W.grad[...] = x.T @ dout
        # the sum over the batch, left out: only the first sample's gradient
        self.b.grad[...] = dout[0] if self.bug == "no batch sum" else dout.sum(axis=0)
        dx = dout @ self.W.data.T
        return 2 * dx if self.bug == "factor 2" else dx


class PlantedBatchNorm(BatchNorm):
    """BatchNorm whose training dx leaves out the x̂·dγ/m term of the mean subtraction.

    With an all-ones upstream gradient dγ = Σ x̂ = 0, so the missing term is 0 and the bug is
    invisible; a random upstream gradient shows it.
    """

    def backward(self, dout):
        x_hat = self._x_hat
        np.sum(dout, axis=0, out=self.beta.grad)
        np.sum(dout * x_hat, axis=0, out=self.gamma.grad)
        scale = self.gamma.data * self._inv_std
        return scale * (dout - self.beta.grad / len(dout))


class SumLoss:
    """ℓ(y) = Σ y, whose upstream gradient is all ones (the targets are ignored)."""

    def forward(self, y, t):
        self._shape = y.shape
        return float(np.sum(y))

    def backward(self):
        return np.ones(self._shape)


@pytest.mark.parametrize(("bug", "array"), [("no batch sum", "b"), ("factor 2", "x")])
def test_planted_bugs_fail_by_orders_of_magnitude(rng, bug, array):
    x = rng.normal(size=(5, 4))
    assert check_gradients(PlantedAffine(np.random.default_rng(3)), x, rng=0).max_error < 1e-9
    report = check_gradients(PlantedAffine(np.random.default_rng(3), bug), x, rng=0)
    assert report[array] > 1e-2, str(report)
    assert max(error for name, error in report.items() if name != array) < 1e-9


def test_a_transposed_weight_fails_by_orders_of_magnitude(rng):
    x = rng.normal(size=(3, 4))
    report = check_gradients(SquareMatmul(4, rng, transposed_bug=True), x, rng=1)
    assert report["x"] > 1e-2
    assert report["W"] < 1e-9


def test_a_bug_invisible_to_an_all_ones_upstream_gradient_is_caught(rng):
    x = rng.normal(size=(6, 3))
    planted, right = PlantedBatchNorm(3), BatchNorm(3)
    for layer in (planted, right):
        layer.gamma.data[...] = [0.5, 1.5, -2.0]
    ones = check_gradients(planted, x, t=np.zeros(6), loss=SumLoss())
    assert ones.max_error < 1e-9  # the bug hides from dout = 1
    assert check_gradients(right, x, rng=0).max_error < 1e-9
    assert check_gradients(planted, x, rng=0)["x"] > 1e-2


def test_an_affine_in_front_of_batchnorm_passes_though_its_bias_gradient_is_zero(rng):
    model = Sequential([Affine(3, 4, rng=rng), BatchNorm(4)])
    model[0].b.data[...] = rng.normal(size=4)
    report = check_gradients(model, rng.normal(size=(5, 3)), rng=0)
    assert np.abs(model[0].b.grad).max() < 1e-12  # the bias cannot move a normalized output
    assert report.max_error < 1e-9, str(report)
    # and a bug in that bias's gradient is still caught
    report = check_gradients(
        Sequential([PlantedAffine(rng, "no batch sum"), BatchNorm(3)]),
        rng.normal(size=(5, 4)),
        rng=0,
    )
    assert report["0.b"] > 1e-2, str(report)


def test_attention_passes_though_its_key_bias_gradient_is_zero(rng):
    layer = MultiHeadAttention(4, 2, rng=0)
    for name in ("bq", "bk", "bv", "bo"):
        getattr(layer, name).data[...] = rng.normal(size=4)
    report = check_gradients(layer, rng.normal(size=(2, 3, 4)), rng=0)
    assert report.max_error < 1e-9, str(report)


def test_a_sample_on_a_relu_kink_passes_and_is_counted(rng):
    x = rng.normal(size=(3, 4))
    x[1, 2] = 0.0  # ReLU's derivative there is one-sided: 0 analytically, ½ numerically
    report = check_gradients(ReLU(), x, rng=0)
    assert report.max_error < 1e-9
    assert report.non_smooth == {"x": 1}
    assert "(1 entry within a step of a kink, excused)" in str(report)
    # a model in which one hidden unit's pre-activation sits on the kink for one sample
    model = Sequential([Affine(2, 3, rng=rng), ReLU(), Affine(3, 2, rng=rng)])
    model[0].W.data[0, 1] = 0.0
    x = np.array([[1.0, 0.0], [1.0, -1.0]])  # sample 0: z₁ = 1·0 + 0·W₁₁ + b₁ = 0
    report = check_gradients(model, x, t=np.array([0, 1]), rng=0)
    assert report.max_error < 1e-9, str(report)
    assert report.non_smooth["0.b"] == 1


def test_a_stateful_rnn_checks_from_its_carried_state_and_keeps_it(rng):
    layer = RNN(3, 4, stateful=True, rng=0)
    layer.forward(rng.normal(size=(2, 5, 3)))
    carried = layer.state
    saved = [s.copy() for s in carried]
    report = check_gradients(layer, rng.normal(size=(2, 4, 3)), rng=0)
    assert report.max_error < 1e-9, str(report)
    assert layer.state is carried
    np.testing.assert_array_equal(layer.state[0], saved[0])


def test_dropout_checks_without_reseeding_and_its_generator_is_left_as_found(rng):
    layer = Dropout(0.5, rng=7)
    before = layer.rng.bit_generator.state
    report = check_gradients(layer, rng.normal(size=(4, 6)), rng=0)
    assert report.max_error < 1e-9, str(report)
    assert layer.rng.bit_generator.state == before
    model = Sequential([Affine(6, 5, rng=rng), Dropout(0.3, rng=2), Tanh(), Affine(5, 3, rng=rng)])
    assert (
        check_gradients(model, rng.normal(size=(4, 6)), t=np.array([0, 1, 2, 0])).max_error < 1e-9
    )


def test_the_module_is_left_as_found(rng):
    model = Sequential(
        [Linear(3, 4, rng=rng), Residual(Dropout(0.5, rng=1), Tanh()), LSTM(4, 3, stateful=True)]
    )
    model[1].layers[1].eval()  # a nested mode of its own
    model.forward(rng.normal(size=(2, 5, 3)))
    found = Snapshot(model)
    check_gradients(model, rng.normal(size=(2, 5, 3)), rng=0)
    # everything but the gradients, which hold the analytic ones
    assert [name for name in found.changes() if not name.endswith(".grad")] == []


def test_the_report_keeps_its_mapping_interface():
    report = GradientReport({"x": 1e-12, "W": 0.5}, {"x": (2,), "W": (2, 2)})
    assert report.max_error == 0.5
    assert dict(report) == {"x": 1e-12, "W": 0.5}
    assert report.non_smooth == {"x": 0, "W": 0}
