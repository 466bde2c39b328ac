"""Tests for zeronn/clip.py."""

import numpy as np
import pytest
from torch_fixtures import torch_fixture

from zeronn.clip import clip_grad_norm
from zeronn.optim import SGD, Adam
from zeronn.parameter import Parameter


def parameters_with_grads(rng, shapes, dtype=np.float64):
    params = [Parameter(np.zeros(shape, dtype=dtype)) for shape in shapes]
    for param in params:
        param.grad[...] = rng.normal(size=param.shape)
    return params


def test_clips_to_max_norm_keeping_the_direction(rng):
    params = parameters_with_grads(rng, [(3, 4), (4,), (2, 2, 2)])
    before = np.concatenate([p.grad.ravel() for p in params])
    total = clip_grad_norm(params, max_norm=0.5)
    after = np.concatenate([p.grad.ravel() for p in params])
    assert total == pytest.approx(np.linalg.norm(before), rel=1e-12)
    assert np.linalg.norm(after) == pytest.approx(0.5, rel=1e-5)
    assert np.linalg.norm(after) <= 0.5
    np.testing.assert_allclose(after / np.linalg.norm(after), before / np.linalg.norm(before))


def test_small_gradients_are_left_alone(rng):
    params = parameters_with_grads(rng, [(3,), (2,)])
    before = [p.grad.copy() for p in params]
    total = clip_grad_norm(params, max_norm=100.0)
    assert total == pytest.approx(np.sqrt(sum((g**2).sum() for g in before)))
    for param, grad in zip(params, before, strict=True):
        np.testing.assert_array_equal(param.grad, grad)


def test_same_as_pytorch():
    # torch.nn.utils.clip_grad_norm_, recorded by tools/record_torch_fixtures.py
    theirs = torch_fixture("torch_clip_grad_norm")
    params = [Parameter(np.zeros_like(theirs[f"grad_{k}"])) for k in (0, 1)]
    for k, param in enumerate(params):
        param.grad[...] = theirs[f"grad_{k}"]
    total = clip_grad_norm(params, max_norm=float(theirs["max_norm"]))
    assert total == pytest.approx(float(theirs["total_norm"]), rel=1e-12)
    assert total > float(theirs["max_norm"])  # the case clips
    for k, param in enumerate(params):
        np.testing.assert_allclose(param.grad, theirs[f"clipped_{k}"], rtol=1e-12)


@pytest.mark.parametrize("optimizer", [SGD, Adam])
def test_works_with_any_optimizer_and_keeps_float32(rng, optimizer):
    params = parameters_with_grads(rng, [(4, 3), (3,)], dtype=np.float32)
    opt = optimizer(params, lr=0.1)
    clip_grad_norm(opt.params, max_norm=0.1)
    assert all(p.grad.dtype == np.float32 for p in params)
    opt.step()
    assert all(p.data.dtype == np.float32 for p in params)
    assert np.abs(np.concatenate([p.data.ravel() for p in params])).max() > 0


def test_a_single_parameter_and_an_empty_list(rng):
    (param,) = parameters_with_grads(rng, [(3,)])
    norm = np.linalg.norm(param.grad)
    assert clip_grad_norm(param, 1e-3) == pytest.approx(norm, rel=1e-12)
    assert np.linalg.norm(param.grad) <= 1e-3
    assert clip_grad_norm([], 1.0) == 0.0


def test_errors(rng):
    params = parameters_with_grads(rng, [(2,)])
    with pytest.raises(ValueError, match="max_norm > 0, got 0"):
        clip_grad_norm(params, 0)
    with pytest.raises(ValueError, match="max_norm > 0, got nan"):
        clip_grad_norm(params, float("nan"))
    with pytest.raises(TypeError, match="Parameter instances, got ndarray at index 0"):
        clip_grad_norm([np.zeros(2)], 1.0)
    with pytest.raises(TypeError, match=r"iterable of Parameters, .* got int"):
        clip_grad_norm(3, 1.0)
    params[0].grad[0] = np.inf
    with pytest.raises(ValueError, match="non-finite gradient norm"):
        clip_grad_norm(params, 1.0)


def test_doctest():
    import doctest

    import zeronn.clip

    failures, attempted = doctest.testmod(zeronn.clip)
    assert attempted > 0
    assert failures == 0
