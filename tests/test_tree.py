"""Tests for zeronn/tree.py: walking a model, one object per place, Parameters listed."""

import numpy as np
import pytest

import zeronn
from zeronn.gradcheck import check_gradients
from zeronn.layers import Affine, BatchNorm, Layer, Linear, ReLU, Residual, Tanh
from zeronn.model import Sequential
from zeronn.parameter import Parameter
from zeronn.tree import check_tree, walk


class Scale(Layer):
    """The README's example: y = x ⊙ a."""

    param_names = ("a",)

    def __init__(self, features):
        self.a = Parameter(np.ones(features))

    def forward(self, x):
        self.x = x
        return x * self.a.data

    def backward(self, dout):
        self.a.grad[...] = (dout * self.x).sum(axis=0)
        return dout * self.a.data


class HiddenScale(Scale):
    """Scale with a second factor ``b`` that ``param_names`` forgets."""

    def __init__(self, features):
        super().__init__(features)
        self.b = Parameter(np.full(features, 2.0))

    def forward(self, x):
        self.x = x
        return x * self.a.data * self.b.data

    def backward(self, dout):
        self.a.grad[...] = (dout * self.x * self.b.data).sum(axis=0)
        return dout * self.a.data * self.b.data


class Block(Layer):
    """A layer of yours holding others in attributes; ``listed`` says whether it names them."""

    def __init__(self, body, *, listed=True):
        self.body = body
        self.listed = listed

    def named_parameters(self):
        return [(f"body.{n}", p) for n, p in self.body.named_parameters()] if self.listed else []

    def forward(self, x):
        return self.body.forward(x)

    def backward(self, dout):
        return self.body.backward(dout)


def test_the_same_layer_twice_is_refused_naming_both_positions():
    relu = ReLU()
    with pytest.raises(ValueError, match=r"same ReLU object at positions 1 and 3: .*one ReLU per"):
        Sequential([Affine(3, 4, rng=0), relu, Affine(4, 4, rng=1), relu, Affine(4, 2, rng=2)])
    shared = Affine(3, 3, rng=0)
    with pytest.raises(ValueError, match=r"same Affine object at positions 0 and 1"):
        Sequential([shared, shared])


def test_a_layer_shared_with_a_nested_branch_is_refused():
    tanh = Tanh()
    with pytest.raises(ValueError, match=r"positions 1 and 2\.1\b"):
        Sequential([Linear(3, 3, rng=0), tanh, Residual(Linear(3, 3, rng=1), tanh)])
    with pytest.raises(ValueError, match=r"Residual got the same Tanh object at positions 0 and 1"):
        Residual(tanh, tanh)
    inner = Residual(Linear(3, 3, rng=2))
    with pytest.raises(ValueError, match=r"same Residual object at positions 0 and 1"):
        Sequential([inner, inner])
    linear = Linear(3, 3, rng=3)
    with pytest.raises(ValueError, match=r"positions 0\.body\.0 and 1"):
        Sequential([Block(Sequential([linear])), linear])


def test_positions_sort_as_numbers():
    relu = ReLU()
    layers = [relu] + [Tanh() for _ in range(9)] + [relu]
    with pytest.raises(ValueError, match="positions 0 and 10"):
        Sequential(layers)


def test_an_unlisted_parameter_is_refused_naming_the_attribute():
    with pytest.raises(ValueError, match=r"layer 1 \(HiddenScale\) holds the Parameter 'b' \(3,\)"):
        Sequential([Affine(2, 3, rng=0), HiddenScale(3)])
    with pytest.raises(ValueError, match=r"add 'b' to its param_names \('a',\)"):
        Sequential([HiddenScale(3)])
    with pytest.raises(ValueError, match=r"check_gradients: HiddenScale holds the Parameter 'b'"):
        check_gradients(HiddenScale(3), np.ones((2, 3)))


def test_parameters_a_container_forgets_to_list_are_refused():
    with pytest.raises(ValueError, match=r"layer 0\.body\.0 \(Affine\) holds the Parameter 'W'"):
        Sequential([Block(Sequential([Affine(2, 2, rng=0)]), listed=False)])


def test_parameters_in_a_list_attribute_are_found():
    class Listed(Scale):
        def __init__(self):
            super().__init__(2)
            self.extra = [Parameter(np.ones(2))]

    with pytest.raises(ValueError, match=r"holds the Parameter 'extra\[0\]'"):
        Sequential([Listed()])


def test_well_built_models_pass_and_walk_every_node_once():
    model = Sequential(
        [Scale(3), Residual(Linear(3, 3, rng=0), BatchNorm(3)), Block(Sequential([Tanh()]))]
    )
    paths = [path for path, _ in walk(model)]
    assert paths == ["", "0", "1", "1.0", "1.1", "2", "2.body", "2.body.0"]
    check_tree(model, "test")  # nothing to refuse
    assert [name for name, _ in model.named_parameters()][:2] == ["0.a", "1.0.W"]


def test_the_readme_layer_still_checks():
    layer = Scale(5)
    layer.a.data[...] = np.random.default_rng(1).normal(size=5)
    report = zeronn.check_gradients(layer, np.random.default_rng(0).normal(size=(4, 5)))
    assert report.max_error < 1e-6


def test_a_wrapper_without_named_children_is_walked_through_its_attributes():
    class Wrapper:
        def __init__(self, layer):
            self.layer = layer

    relu = ReLU()
    wrapper = Wrapper(relu)
    assert [node for _, node in walk(wrapper)] == [wrapper, relu]
