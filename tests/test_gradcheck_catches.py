"""The gradient checker catches backward bugs that an all-ones upstream gradient cannot see.

With ``dout = 1`` the checked scalar is ``sum(forward(x))``, so a backward pass that is right
only in its sums passes: a permutation left out of ``dx`` (the column sums agree), a softmax
or batch-norm backward that drops a term whose contribution sums to zero. Each planted layer
below has a correct twin; the tests show that the two give the same backward for ``dout = 1``
(so only a non-constant upstream gradient can tell them apart), that the checker passes the
twin, and that it fails the planted bug by a wide margin. The checker is used through its
public face only: ``check_gradients(...).max_error`` and ``report[name]``.
"""

import numpy as np
import pytest

from zeronn.gradcheck import check_gradients
from zeronn.layers.base import Layer
from zeronn.parameter import Parameter

CAUGHT = 1e-2  # a bug's relative error is of order 1; a right backward's is ~1e-10


class ReversedScale(Layer):
    """y = (x ⊙ a) with its features in reverse order: y[:, j] = x[:, D−1−j] · a[D−1−j].

    g = dout reversed; da = Σₙ x ⊙ g; dx = g ⊙ a. The bug forgets to reverse ``dout``.
    """

    param_names = ("a",)

    def __init__(self, features, rng, *, bug=False):
        self.a = Parameter(rng.uniform(0.5, 2.0, features))
        self.bug = bug

    def forward(self, x):
        self.x = x
        return (x * self.a.data)[:, ::-1]

    def backward(self, dout):
        g = dout if self.bug else dout[:, ::-1]
        self.a.grad[...] = (self.x * g).sum(axis=0)
        return g * self.a.data


class Softmax(Layer):
    """y = softmax(x) over features; dx = y ⊙ (dout − Σⱼ doutⱼ yⱼ).

    The bug subtracts the plain mean of ``dout`` instead of its y-weighted sum: for a constant
    ``dout`` both terms cancel ``dout`` and dx = 0 either way.
    """

    def __init__(self, *, bug=False):
        self.bug = bug

    def forward(self, x):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        return self.y

    def backward(self, dout):
        y = self.y
        if self.bug:
            return y * (dout - dout.mean(axis=1, keepdims=True))
        return y * (dout - (dout * y).sum(axis=1, keepdims=True))


class BatchStandardize(Layer):
    """x̂ = (x − μ) / σ over the batch axis, no parameters;
    dx = (dout − mean(dout) − x̂ · mean(dout ⊙ x̂)) / σ.

    The bug drops the x̂ term, whose value is 0 for a constant ``dout`` (mean(x̂) = 0).
    """

    def __init__(self, *, bug=False):
        self.bug = bug

    def forward(self, x):
        self.sigma = np.sqrt(x.var(axis=0) + 1e-5)
        self.x_hat = (x - x.mean(axis=0)) / self.sigma
        return self.x_hat

    def backward(self, dout):
        centred = dout - dout.mean(axis=0)
        if not self.bug:
            centred = centred - self.x_hat * (dout * self.x_hat).mean(axis=0)
        return centred / self.sigma


PLANTED = {
    "reversed scale": lambda bug: ReversedScale(5, np.random.default_rng(3), bug=bug),
    "softmax": lambda bug: Softmax(bug=bug),
    "batch standardize": lambda bug: BatchStandardize(bug=bug),
}
KINDS = list(PLANTED)


def pair(kind):
    """The planted bug and its correct twin, with the same parameters."""
    return PLANTED[kind](True), PLANTED[kind](False)


@pytest.mark.parametrize("kind", KINDS)
def test_the_planted_bug_is_invisible_to_an_all_ones_upstream_gradient(kind, rng):
    buggy, right = pair(kind)
    x = rng.normal(size=(4, 5))
    ones = np.ones_like(right.forward(x))
    buggy.forward(x)
    np.testing.assert_allclose(buggy.backward(ones), right.backward(ones), atol=1e-12)
    for (name, p), (_, q) in zip(buggy.named_parameters(), right.named_parameters(), strict=True):
        np.testing.assert_allclose(p.grad, q.grad, atol=1e-12, err_msg=name)
    # ...and visible to a random one, which is what the checker must use
    dout = rng.normal(size=ones.shape)
    buggy.forward(x)
    right.forward(x)
    assert np.abs(buggy.backward(dout) - right.backward(dout)).max() > 1e-2


@pytest.mark.parametrize("kind", KINDS)
def test_the_checker_catches_the_planted_bug_and_passes_its_twin(kind, rng):
    buggy, right = pair(kind)
    x = rng.normal(size=(4, 5))
    assert check_gradients(right, x.copy(), rng=0).max_error < 1e-7
    report = check_gradients(buggy, x.copy(), rng=0)
    assert report.max_error > CAUGHT, str(report)
    assert report["x"] > CAUGHT, str(report)
    if kind == "reversed scale":
        assert report["a"] > CAUGHT, str(report)


class Recorder(Layer):
    """y = x ⊙ a; keeps every upstream gradient ``backward`` is given."""

    param_names = ("a",)

    def __init__(self, features):
        self.a = Parameter(np.linspace(0.5, 1.5, features))
        self.received = []

    def forward(self, x):
        self.x = x
        return x * self.a.data

    def backward(self, dout):
        self.received.append(dout.copy())
        self.a.grad[...] = (dout * self.x).sum(axis=0)
        return dout * self.a.data


def received_upstream(seed, shape=(6, 7)):
    layer = Recorder(shape[1])
    check_gradients(layer, np.random.default_rng(9).normal(size=shape), rng=seed)
    assert layer.received, "the checker never called backward"
    return layer.received


def test_the_upstream_gradient_it_draws_is_not_constant():
    for dout in received_upstream(seed=0):
        assert dout.shape == (6, 7)
        # every entry its own value: not ones, not one number per row or per column
        assert len(np.unique(dout)) == dout.size
        assert dout.std() > 0.1


def test_the_upstream_gradient_comes_from_the_rng_given():
    first, again, other = received_upstream(0), received_upstream(0), received_upstream(1)
    np.testing.assert_array_equal(first[0], again[0])
    assert not np.allclose(first[0], other[0])
