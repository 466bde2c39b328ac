"""Forward + backward time of LSTM and MultiHeadAttention against PyTorch, float32.

    python benchmarks/bench_sequence.py                          # ~20 s
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_sequence.py   # both libraries on one thread

PyTorch is given as many threads as numpy's OpenBLAS (OPENBLAS_NUM_THREADS, if set), so the
ratios compare like with like. Targets (issue 12): LSTM ≤ 2.0×, attention ≤ 1.5× PyTorch.

Cases, each computing the output, every parameter's gradient and dx for a random dout:

- LSTM, N = 64, T = 28, D = 28, H = 128 (MNIST read row by row): zeronn.layers.LSTM against
  torch.nn.LSTM(batch_first=True) with the same weights. Also GRU and RNN, for scale.
- attention, N = 32, T = 64, E = 128, 4 heads, causal and not: zeronn.layers.MultiHeadAttention
  against torch.nn.MultiheadAttention(batch_first=True) with the same weights.

Before timing, each pair is run once and compared: timings of different answers mean nothing.
The two are timed in alternating rounds (zeronn, torch, zeronn, torch, …) and each reports the
median of its round medians, so that a burst of load from other processes hits both.

Both libraries spend most of this time in matrix products: numpy's in OpenBLAS, PyTorch's in
MKL. The header prints OpenBLAS' kernel; where it picks Haswell (AVX2) on a CPU with AVX-512,
``OPENBLAS_CORETYPE=SkylakeX`` lets numpy use AVX-512 as MKL does.
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
from collections.abc import Callable

import numpy as np
from _timing import format_table, measure

from zeronn.layers import GRU, LSTM, RNN, MultiHeadAttention

try:
    import torch
except ImportError:  # optional: benchmark-only dependency
    torch = None
else:
    if "OPENBLAS_NUM_THREADS" in os.environ:
        torch.set_num_threads(int(os.environ["OPENBLAS_NUM_THREADS"]))

DTYPE = np.float32
RECURRENT = {"LSTM": LSTM, "GRU": GRU, "RNN": RNN}
N, T, D, H = 64, 28, 28, 128
ATTENTION_N, ATTENTION_T, E, HEADS = 32, 64, 128, 4


def measure_rounds(steps: dict[str, Callable[[], object]], rounds: int = 3) -> dict[str, float]:
    """Median over ``rounds`` of each step's ``measure`` median, the steps taking turns."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            times[name].append(measure(step))
    return {name: statistics.median(values) for name, values in times.items()}


def openblas_kernel() -> str:
    """The CPU kernel numpy's OpenBLAS runs (e.g. 'Haswell'), or '?' if it does not say."""
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        np.show_runtime()
    for line in text.getvalue().splitlines():
        if "'architecture'" in line:
            return line.split(":")[-1].strip(" ',{}")
    return "?"


def _check_same(ours, theirs):
    for mine, other in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(mine, other, rtol=1e-3, atol=1e-4)


def recurrent_timings(name, rng):
    layer = RECURRENT[name](D, H, rng=rng, dtype=DTYPE)
    x = rng.standard_normal((N, T, D)).astype(DTYPE)
    dout = rng.standard_normal((N, T, H)).astype(DTYPE)

    def zeronn_step():
        y = layer.forward(x)
        return y, layer.backward(dout), layer.Wh.grad

    if torch is None:
        return {"zeronn": measure(zeronn_step)}
    module = getattr(torch.nn, name)(D, H, batch_first=True)
    bias_ih = layer.bx.data if name == "GRU" else layer.b.data
    bias_hh = layer.bh.data if name == "GRU" else np.zeros_like(bias_ih)
    weights = {
        "weight_ih_l0": layer.Wx.data.T,
        "weight_hh_l0": layer.Wh.data.T,
        "bias_ih_l0": bias_ih,
        "bias_hh_l0": bias_hh,
    }
    module.load_state_dict({key: torch.tensor(value) for key, value in weights.items()})
    tx, tdout = torch.from_numpy(x).requires_grad_(), torch.from_numpy(dout)

    def torch_step():
        tx.grad = None
        module.zero_grad()
        y, _ = module(tx)
        y.backward(tdout)
        return y.detach().numpy(), tx.grad.numpy(), module.weight_hh_l0.grad.numpy().T

    _check_same(zeronn_step(), torch_step())
    return measure_rounds({"zeronn": zeronn_step, "torch": torch_step})


def attention_timings(causal, rng):
    layer = MultiHeadAttention(E, HEADS, causal, rng=rng, dtype=DTYPE)
    x = rng.standard_normal((ATTENTION_N, ATTENTION_T, E)).astype(DTYPE)
    dout = rng.standard_normal(x.shape).astype(DTYPE)

    def zeronn_step():
        y = layer.forward(x)
        return y, layer.backward(dout), layer.Wq.grad

    if torch is None:
        return {"zeronn": measure(zeronn_step)}
    module = torch.nn.MultiheadAttention(E, HEADS, batch_first=True)
    weights = {
        "in_proj_weight": np.concatenate([layer.Wq.data.T, layer.Wk.data.T, layer.Wv.data.T]),
        "in_proj_bias": np.concatenate([layer.bq.data, layer.bk.data, layer.bv.data]),
        "out_proj.weight": layer.Wo.data.T,
        "out_proj.bias": layer.bo.data,
    }
    module.load_state_dict({key: torch.tensor(value) for key, value in weights.items()})
    tx, tdout = torch.from_numpy(x).requires_grad_(), torch.from_numpy(dout)
    mask = torch.triu(torch.ones(ATTENTION_T, ATTENTION_T, dtype=torch.bool), 1)

    def torch_step():
        tx.grad = None
        module.zero_grad()
        y, _ = module(tx, tx, tx, need_weights=False, attn_mask=mask if causal else None)
        y.backward(tdout)
        dWq = module.in_proj_weight.grad[:E].numpy().T
        return y.detach().numpy(), tx.grad.numpy(), dWq

    _check_same(zeronn_step(), torch_step())
    return measure_rounds({"zeronn": zeronn_step, "torch": torch_step})


def main() -> None:
    rng = np.random.default_rng(0)
    threads = f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'default')}"
    threads += f" (OpenBLAS kernel {openblas_kernel()})"
    if torch is not None:
        threads += f", torch {torch.__version__} threads {torch.get_num_threads()}"
    print(f"float32, forward + backward (y, dx and every grad); {threads}\n")
    results = {
        f"{name} N={N} T={T} D={D} H={H}": recurrent_timings(name, rng) for name in RECURRENT
    }
    for causal in (False, True):
        case = f"attention N={ATTENTION_N} T={ATTENTION_T} E={E} heads={HEADS}"
        results[case + (" causal" if causal else "")] = attention_timings(causal, rng)
    print(format_table(results, subject="zeronn"))


if __name__ == "__main__":
    main()
