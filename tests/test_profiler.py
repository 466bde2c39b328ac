"""zeronn.profile: its parts add up to the step, it counts the right work, it changes nothing."""

import math

import numpy as np
import pytest

import zeronn
from zeronn import optim
from zeronn.layers import (
    LSTM,
    Affine,
    BatchNorm,
    Conv2D,
    Dropout,
    Flatten,
    MaxPool2D,
    MultiHeadAttention,
    ReLU,
)
from zeronn.model import Sequential
from zeronn.profile_machine import blas_peak, cpu_model, describe_machine
from zeronn.profile_work import ELEMENTS, PRODUCTS, layer_work
from zeronn.profiler import Profile, profile


def small_convnet(dtype=np.float64) -> Sequential:
    return Sequential(
        [
            Conv2D(2, 4, 3, pad=1, rng=0, dtype=dtype),
            BatchNorm(4, dtype=dtype),
            ReLU(),
            MaxPool2D(2),
            Flatten(),
            Affine(4 * 3 * 3, 8, rng=1, dtype=dtype),
            Dropout(0.5, rng=2),
            Affine(8, 3, rng=3, dtype=dtype),
        ]
    )


def batch(rng, n=5, dtype=np.float64):
    return rng.standard_normal((n, 2, 7, 7)).astype(dtype), rng.integers(0, 3, n)


def state_of(model, optimizer, dropout):
    """Every number a training step could change, as plain copies."""
    return {
        "params": [p.data.copy() for p in model.parameters()],
        "grads": [p.grad.copy() for p in model.parameters()],
        "buffers": [b.copy() for _, b in model.named_buffers()],
        "modes": [layer.training for layer in model] + [model.training],
        "rng": dropout.rng.bit_generator.state,
        "moments": [m.copy() for m in optimizer._m + optimizer._v],
        "count": optimizer.step_count,
    }


def assert_same_state(before, after):
    assert before.keys() == after.keys()
    for key in before:
        if isinstance(before[key], list) and before[key] and isinstance(before[key][0], np.ndarray):
            for old, new in zip(before[key], after[key], strict=True):
                np.testing.assert_array_equal(old, new)
        else:
            assert before[key] == after[key], key


def test_the_front_door_exports_profile():
    assert zeronn.profile is profile


def test_parts_add_up_to_the_measured_step(rng):
    model = small_convnet()
    x, t = batch(rng)
    optimizer = optim.Adam(model.parameters(), lr=0.001)
    result = profile(model, x, t, optimizer=optimizer, repeats=2, peak=1e9)
    assert isinstance(result, Profile)
    parts = sum(row.seconds for row in result.parts)
    # by construction: the step runs from the first part's start to the last part's end, and
    # the time between parts is the gaps row
    assert parts == pytest.approx(result.step, rel=1e-9, abs=1e-12)
    assert all(row.forward >= 0 and row.backward >= 0 for row in result.parts)
    assert result.gaps >= 0
    assert [row.name.split()[1] for row in result.layers] == [
        type(layer).__name__ for layer in model
    ]


def test_the_table_names_the_machine_and_every_part(rng):
    model = small_convnet(np.float32)
    x, t = batch(rng, dtype=np.float32)
    result = profile(model, x, t, optimizer=optim.SGD(model.parameters(), lr=0.1), peak=2e9)
    text = str(result)
    assert cpu_model() in text
    assert "GFLOP/s" in text
    assert "0 Conv2D 2→4 3×3" in text
    assert "| 5 Affine 36→8 |" in text
    assert "loss SoftmaxCrossEntropy" in text
    assert "optimizer SGD" in text
    assert "profiler gaps" in text
    assert result.dtype == "float32"
    assert result.batch == 5
    assert len(text.splitlines()) == 6 + len(model) + 4


def test_without_an_optimizer_there_is_no_update_row(rng):
    model = small_convnet()
    x, t = batch(rng)
    before = [p.data.copy() for p in model.parameters()]
    result = profile(model, x, t, peak=1e9, repeats=1)
    assert result.optimizer is None
    assert "optimizer" not in str(result)
    for old, param in zip(before, model.parameters(), strict=True):
        np.testing.assert_array_equal(old, param.data)


def test_the_model_and_the_optimizer_are_restored(rng):
    model = small_convnet()
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    x, t = batch(rng)
    # one real step first, so moments, grads and running statistics are not at their defaults
    loss = zeronn.SoftmaxCrossEntropy()
    loss.forward(model.forward(x), t)
    model.backward(loss.backward())
    optimizer.step()
    model.eval()
    model[2].train()  # a mixed mode must come back as it was
    dropout = model[6]
    before = state_of(model, optimizer, dropout)
    profile(model, x, t, optimizer=optimizer, repeats=2, peak=1e9)
    assert_same_state(before, state_of(model, optimizer, dropout))


def test_the_step_runs_in_training_mode(rng):
    model = small_convnet().eval()
    x, t = batch(rng)
    seen = []
    original = model[1].forward

    def spy(z):
        seen.append(model[1].training)
        return original(z)

    model[1].forward = spy
    profile(model, x, t, peak=1e9, repeats=1)
    assert seen
    assert all(seen)
    assert not model[1].training


def test_share_of_peak_is_the_layers_flops_over_its_time(rng):
    model = small_convnet()
    x, t = batch(rng)
    result = profile(model, x, t, peak=1e9)
    conv = result.layers[0]
    assert conv.work.kind == PRODUCTS
    flops = conv.work.forward + conv.work.backward
    assert result.peak_share(conv) == pytest.approx(flops / conv.seconds / 1e9)
    assert result.peak_share(result.layers[2]) is None  # ReLU: elements, not products
    assert result.peak_share(result.loss) is None


def test_refused_arguments_name_what_was_expected(rng):
    model = small_convnet()
    x, t = batch(rng)
    with pytest.raises(TypeError, match="profile expected a Sequential model, got Conv2D"):
        profile(model[0], x, t)
    with pytest.raises(ValueError, match="profile expected repeats to be a positive integer"):
        profile(model, x, t, repeats=0)
    with pytest.raises(ValueError, match=r"profile expected a batch x of shape \(N, ...\)"):
        profile(model, x[:0], t[:0])
    with pytest.raises(TypeError, match="profile expected an optimizer with step"):
        profile(model, x, t, optimizer=object(), peak=1e9)
    with pytest.raises(ValueError, match="profile expected peak"):
        profile(model, x, t, peak=-1.0)


def test_an_error_inside_the_step_still_restores_the_model(rng):
    model = small_convnet()
    x, t = batch(rng)
    before = [b.copy() for _, b in model.named_buffers()]
    with pytest.raises(ValueError, match="SoftmaxCrossEntropy"):
        profile(model, x, t + 7, peak=1e9)  # labels past the 3 classes: the loss refuses
    for old, (_, new) in zip(before, model.named_buffers(), strict=True):
        np.testing.assert_array_equal(old, new)


# -- what the work column counts -------------------------------------------------------------


def test_conv_work_is_two_flops_per_multiply_add():
    layer = Conv2D(3, 5, (3, 2), pad=1, rng=0)
    x_shape, y_shape = (4, 3, 6, 7), (4, 5, 6, 8)
    macs = math.prod(y_shape) * 3 * 3 * 2
    work = layer_work(layer, x_shape, y_shape)
    assert (work.forward, work.backward, work.kind) == (2 * macs, 4 * macs, PRODUCTS)
    first = layer_work(layer, x_shape, y_shape, input_grad=False)
    assert first.backward == 2 * macs  # dW only


def test_recurrent_and_attention_work():
    lstm = LSTM(6, 4, rng=0)
    work = layer_work(lstm, (2, 3, 6), (2, 3, 4))
    assert work.forward == 2 * 2 * 3 * (6 + 4) * 4 * 4
    attention = MultiHeadAttention(8, 2, rng=0)
    work = layer_work(attention, (2, 5, 8), (2, 5, 8))
    assert work.forward == 2 * (4 * 2 * 5 * 8 * 8 + 2 * 2 * 5 * 5 * 8)
    assert work.backward == 2 * work.forward


def test_element_wise_layers_count_elements():
    work = layer_work(MaxPool2D(2), (2, 3, 4, 4), (2, 3, 2, 2))
    assert (work.forward, work.backward, work.kind) == (96, 24, ELEMENTS)


def test_blas_peak_is_measured_once_per_process():
    first = blas_peak(np.float32, size=64)
    assert first > 0
    assert blas_peak(np.float32, size=64) == first  # cached
    with pytest.raises(ValueError, match="blas_peak expected size"):
        blas_peak(np.float32, size=0)
    assert "CPUs" in describe_machine()


def test_a_recurrent_model_is_profiled_with_its_products(rng):
    model = Sequential([LSTM(5, 4, return_sequences=False, rng=0), Affine(4, 3, rng=1)])
    x, t = rng.standard_normal((6, 7, 5)), rng.integers(0, 3, 6)
    result = profile(model, x, t, peak=1e9, repeats=1)
    assert [row.name for row in result.layers] == ["0 LSTM 5→4", "1 Affine 4→3"]
    assert result.layers[0].work == layer_work(model[0], (6, 7, 5), (6, 4), input_grad=False)
    assert "BLAS peak 1.0 GFLOP/s (as given)" in str(result)
    assert "mean of 1 step after" in str(result)
