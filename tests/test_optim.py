"""Tests for zeronn/optim.py: each update against a hand-written step, convergence, validation."""

import math

import numpy as np
import pytest

from zeronn.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, Optimizer, RMSprop
from zeronn.parameter import Parameter

ALL = [SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam]


def make_param(rng, dtype=np.float64):
    param = Parameter(rng.standard_normal((3, 2)).astype(dtype))
    param.grad[...] = rng.standard_normal((3, 2))
    return param


def reference_steps(name, w, grads, lr, wd, **h):
    """Plain loop versions of the update rules, written straight from the formulas."""
    w = w.copy()
    state1 = np.zeros_like(w)
    state2 = np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        g = g + wd * w
        if name == "SGD":
            w = w - lr * g
        elif name == "Momentum":
            state1 = h["momentum"] * state1 - lr * g
            w = w + state1
        elif name == "Nesterov":
            state1 = h["momentum"] * state1 - lr * g
            w = w + h["momentum"] * state1 - lr * g
        elif name == "AdaGrad":
            state1 = state1 + g * g
            w = w - lr * g / (np.sqrt(state1) + h["eps"])
        elif name == "RMSprop":
            state1 = h["decay_rate"] * state1 + (1 - h["decay_rate"]) * g * g
            w = w - lr * g / (np.sqrt(state1) + h["eps"])
        elif name == "Adam":
            b1, b2 = h["beta1"], h["beta2"]
            state1 = b1 * state1 + (1 - b1) * g
            state2 = b2 * state2 + (1 - b2) * g * g
            m_hat = state1 / (1 - b1**t)
            v_hat = state2 / (1 - b2**t)
            w = w - lr * m_hat / (np.sqrt(v_hat) + h["eps"])
    return w


HYPER = {
    SGD: {},
    Momentum: {"momentum": 0.8},
    Nesterov: {"momentum": 0.7},
    AdaGrad: {"eps": 1e-3},
    RMSprop: {"decay_rate": 0.9, "eps": 1e-3},
    Adam: {"beta1": 0.8, "beta2": 0.95, "eps": 1e-3},
}


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
@pytest.mark.parametrize("cls", ALL)
def test_three_steps_match_the_formula(cls, weight_decay, rng):
    param = make_param(rng)
    start = param.data.copy()
    data_id = id(param.data)
    grads = [rng.standard_normal((3, 2)) for _ in range(3)]
    optimizer = cls([param], lr=0.05, weight_decay=weight_decay, **HYPER[cls])
    for g in grads:
        param.grad[...] = g
        optimizer.step()
    expected = reference_steps(cls.__name__, start, grads, 0.05, weight_decay, **HYPER[cls])
    np.testing.assert_allclose(param.data, expected, rtol=1e-12, atol=1e-14)
    assert id(param.data) == data_id, "the update must be in place"
    np.testing.assert_array_equal(param.grad, grads[-1])  # weight decay leaves grad intact


def test_sgd_single_step_by_hand():
    param = Parameter(np.array([1.0, -2.0]))
    param.grad[...] = [0.5, 4.0]
    SGD([param], lr=0.1).step()
    np.testing.assert_allclose(param.data, [0.95, -2.4])


def test_adam_first_step_moves_each_weight_by_lr():
    # With bias correction m̂ = g and v̂ = g², so the first step is lr · sign(g) (eps aside).
    param = Parameter(np.array([1.0, 1.0, 1.0]))
    param.grad[...] = [3.0, -0.2, 50.0]
    Adam([param], lr=0.01, eps=1e-12).step()
    np.testing.assert_allclose(param.data, [0.99, 1.01, 0.99], rtol=1e-9)


@pytest.mark.parametrize("cls", ALL)
def test_float32_stays_float32(cls, rng):
    param = make_param(rng, np.float32)
    optimizer = cls([param], lr=0.01, weight_decay=0.01)
    optimizer.step()
    optimizer.step()
    assert param.data.dtype == np.float32
    assert all(state.dtype == np.float32 for state in optimizer._scratch)


@pytest.mark.parametrize("cls", ALL)
def test_decreases_a_convex_quadratic(cls, rng):
    # f(w) = ½ (w − c)ᵀ A (w − c) with A symmetric positive definite; grad = A (w − c).
    q = rng.standard_normal((4, 4))
    a = q @ q.T + 0.5 * np.eye(4)
    c = rng.standard_normal(4)
    param = Parameter(np.zeros(4))

    def f(w):
        return 0.5 * (w - c) @ a @ (w - c)

    lr = {SGD: 0.02, Momentum: 0.01, Nesterov: 0.01, AdaGrad: 0.5, RMSprop: 0.01, Adam: 0.05}[cls]
    optimizer = cls([param], lr=lr)
    start = f(param.data)
    for _ in range(300):
        param.grad[...] = a @ (param.data - c)
        optimizer.step()
    assert f(param.data) < 0.05 * start


def test_lr_is_settable_and_used(rng):
    param = Parameter(np.zeros(2))
    optimizer = SGD([param], lr=1.0)
    optimizer.lr = 0.5
    param.grad[...] = 1.0
    optimizer.step()
    np.testing.assert_allclose(param.data, [-0.5, -0.5])
    with pytest.raises(ValueError, match="lr to be a positive number"):
        optimizer.lr = 0.0


def test_zero_grad(rng):
    params = [make_param(rng), make_param(rng)]
    SGD(params, lr=0.1).zero_grad()
    assert all(not p.grad.any() for p in params)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: SGD([], lr=0.1), "at least one Parameter"),
        (lambda p: SGD(p[0], lr=0.1), "single Parameter"),
        (lambda p: SGD([p[0].data], lr=0.1), "Parameter instances, got ndarray at index 0"),
        (lambda p: SGD(5, lr=0.1), "iterable of Parameters, got int"),
        (lambda p: SGD([p[0], p[0]], lr=0.1), "same Parameter twice"),
        (lambda p: SGD(p, lr=0), "lr to be a positive number, got 0"),
        (lambda p: SGD(p, lr=-1.0), "lr to be a positive number"),
        (lambda p: SGD(p, lr=math.nan), "lr to be a finite number"),
        (lambda p: SGD(p, lr="0.1"), "lr to be a number, got '0.1'"),
        (lambda p: SGD(p, lr=0.1, weight_decay=-1e-4), "weight_decay to be a number >= 0"),
        (lambda p: Momentum(p, lr=0.1, momentum=1.0), r"momentum in \[0, 1\), got 1.0"),
        (lambda p: RMSprop(p, lr=0.1, decay_rate=-0.1), "decay_rate in"),
        (lambda p: AdaGrad(p, lr=0.1, eps=0.0), "eps to be a positive number"),
        (lambda p: Adam(p, beta2=1.5), "beta2 in"),
        (lambda p: Adam(p, beta1=True), "beta1 to be a number, got True"),
        (lambda p: Adam(p, beta1=np.float32(0.95)), None),
    ],
)
def test_validation(make, message, rng):
    params = [make_param(rng)]
    if message is None:  # a NumPy scalar is the number it holds
        assert make(params).beta1 == pytest.approx(0.95)
        return
    with pytest.raises((ValueError, TypeError), match=message):
        make(params)


def test_base_class_has_no_update(rng):
    with pytest.raises(NotImplementedError):
        Optimizer([make_param(rng)], lr=0.1).step()


def test_repr_shows_hyperparameters(rng):
    text = repr(Adam([make_param(rng)], lr=0.002))
    assert text == "Adam(lr=0.002, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.0, params=1)"


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_non_finite_gradient_is_refused_before_anything_changes(bad):
    from zeronn.optim import Adam, NonFiniteGradientError

    first, second = Parameter(np.ones(3)), Parameter(np.ones((2, 2)))
    optimizer = Adam([first, second], lr=0.1)
    first.grad[...] = 1.0
    second.grad[...] = 1.0
    optimizer.step()
    state = [p.data.copy() for p in (first, second)], [m.copy() for m in optimizer._m]
    second.grad[1, 0] = bad
    with pytest.raises(NonFiniteGradientError, match=r"parameter 1 \(shape \(2, 2\)\)") as info:
        optimizer.step()
    assert info.value.index == 1
    for array, saved in zip(
        [first.data, second.data, *optimizer._m], [*state[0], *state[1]], strict=True
    ):
        np.testing.assert_array_equal(array, saved)


def test_a_huge_but_finite_gradient_is_not_refused():
    param = Parameter(np.zeros(4, dtype=np.float32))
    param.grad[...] = 3e38  # the sum overflows float32; the values are finite
    SGD([param], lr=1e-39).step()
    assert np.isfinite(param.data).all()


# --- hyperparameters set later, and in the parameters' dtype ---------------------------------


@pytest.mark.parametrize(
    ("cls", "name", "bad", "message"),
    [
        (Momentum, "momentum", 1.0, r"momentum in \[0, 1\), got 1.0"),
        (Nesterov, "momentum", "0.9", "momentum to be a number"),
        (AdaGrad, "eps", 0.0, "eps to be a positive number"),
        (RMSprop, "decay_rate", -0.1, "decay_rate in"),
        (RMSprop, "eps", math.inf, "eps to be a finite number"),
        (Adam, "beta1", True, "beta1 to be a number, got True"),
        (Adam, "beta2", 1.5, "beta2 in"),
        (Adam, "eps", -1e-8, "eps to be a positive number"),
        (SGD, "weight_decay", -1.0, "weight_decay to be a number >= 0"),
        (SGD, "lr", math.nan, "lr to be a finite number"),
    ],
)
def test_every_hyperparameter_set_later_is_checked_as_at_construction(rng, cls, name, bad, message):
    optimizer = cls([make_param(rng)], lr=0.1)
    before = getattr(optimizer, name)
    with pytest.raises((ValueError, TypeError), match=message):
        setattr(optimizer, name, bad)
    assert getattr(optimizer, name) == before
    setattr(optimizer, name, 0.5)  # a good value is taken
    assert getattr(optimizer, name) == 0.5


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: Adam(p, eps=1e-50), r"eps .*got 1e-50, which is 0 in float32 \(float32 holds"),
        (lambda p: SGD(p, lr=1e39), "lr .*got 1e[+]39, which is inf in float32"),
        (lambda p: SGD(p, lr=0.1, weight_decay=1e-46), "which is 0 in float32"),
        (lambda p: Momentum(p, lr=0.1, momentum=1 - 1e-9), "which rounds to 1 in float32"),
        (lambda p: Adam(p, beta2=0.999999999), "beta2 .*rounds to 1 in float32"),
    ],
)
def test_hyperparameters_that_vanish_or_overflow_in_float32_are_refused(make, message, rng):
    params = [make_param(rng, np.float32)]
    with pytest.raises(ValueError, match=message):
        make(params)
    make([make_param(rng)])  # fine in float64


def test_a_hyperparameter_set_later_is_checked_against_the_dtype(rng):
    optimizer = Adam([make_param(rng, np.float32)])
    with pytest.raises(ValueError, match=r"expected lr representable .* inf in float32"):
        optimizer.lr = 1e39
    with pytest.raises(ValueError, match=r"eps .*0 in float32"):
        optimizer.eps = 1e-50
    assert (optimizer.lr, optimizer.eps) == (0.001, 1e-8)
    optimizer.lr = 1e-39  # subnormal in float32, but not 0: kept
    assert optimizer.lr == 1e-39


# --- a refused step changes nothing ----------------------------------------------------------


def test_a_refused_adam_step_does_not_count(rng):
    param = make_param(rng)
    optimizer = Adam([param])
    optimizer.step()
    param.grad[0, 0] = np.nan
    with pytest.raises(ValueError, match="1 NaN"):
        optimizer.step()
    assert optimizer.step_count == 1
    param.grad[0, 0] = 0.5
    optimizer.step()
    assert optimizer.step_count == 2


@pytest.mark.parametrize("cls", ALL)
def test_a_gradient_of_the_wrong_shape_or_kind_is_refused_before_any_update(rng, cls):
    first, second = make_param(rng), make_param(rng)
    optimizer = cls([first, second], lr=0.1, **HYPER[cls])
    saved = first.data.copy()
    second.grad = np.zeros(4)
    with pytest.raises(ValueError, match=r"parameter 1 .*shape \(3, 2\) .*got \(3, 2\) and \(4,\)"):
        optimizer.step()
    second.grad = np.zeros((3, 2), dtype=np.int64)
    with pytest.raises(TypeError, match="parameter 1 as a floating array, got int64"):
        optimizer.step()
    np.testing.assert_array_equal(first.data, saved)
    assert getattr(optimizer, "step_count", 0) == 0
