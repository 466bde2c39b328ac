"""Record PyTorch's outputs and gradients for zeronn's parity tests, as small .npz fixtures.

How to rerun (only when a parity case changes, or to check the files against another torch):

    python -m pip install torch==2.13.0          # in your own venv; torch is no zeronn dependency
    python tools/record_torch_fixtures.py          # rewrites tests/fixtures/torch_*.npz
    python tools/record_torch_fixtures.py --check  # compares instead; exit status 1 on a difference

Each fixture holds float64 arrays: the input ``x``, the weights under PyTorch's own names and in
its layout (``weight_ih_l0``, ``in_proj_weight``, ...), the upstream gradient ``dout``, the
output ``y`` and every gradient (``grad_x``, ``grad_<weight name>``); and ``torch_version``.
Inputs, weights and upstream gradients come from ``numpy.random.default_rng(seed)`` of each
case, never from torch's generator, and the archives are written with fixed zip timestamps, so
a rerun with the same torch writes the same bytes. The tests (``tests/torch_fixtures.py`` and
the ``test_*_matches_pytorch`` tests) map these weights into zeronn's layers themselves: the
layout contract (gate order, transposes, split biases) is what they check, without torch.

torch is imported here only.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from zeronn._io import atomic_write_with

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
# A zip entry's timestamp; a fixed one keeps reruns byte for byte identical.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

Arrays = dict[str, np.ndarray]


def tensors(arrays: Arrays) -> dict[str, torch.Tensor]:
    return {name: torch.tensor(array, dtype=torch.float64) for name, array in arrays.items()}


def run_module(
    module: torch.nn.Module,
    weights: Arrays,
    x: np.ndarray,
    dout: np.ndarray,
    call: Callable[[torch.nn.Module, torch.Tensor], torch.Tensor],
) -> Arrays:
    """Load ``weights``, run ``call(module, x)``, backpropagate ``dout``; every array recorded."""
    module = module.double()
    module.load_state_dict(tensors(weights))
    tx = torch.tensor(x, requires_grad=True)
    y = call(module, tx)
    y.backward(torch.tensor(dout))
    grads = {f"grad_{name}": p.grad.numpy() for name, p in module.named_parameters()}
    return {
        "x": x,
        **weights,
        "dout": dout,
        "y": y.detach().numpy(),
        "grad_x": tx.grad.numpy(),
        **grads,
    }


def attention(causal: bool) -> Arrays:
    """nn.MultiheadAttention(8, 2, batch_first=True), self-attention on x (3, 5, 8)."""
    rng = np.random.default_rng(11 if causal else 10)
    E, T = 8, 5
    weights = {
        "in_proj_weight": rng.normal(0, 0.4, (3 * E, E)),
        "in_proj_bias": rng.normal(0, 0.5, 3 * E),
        "out_proj.weight": rng.normal(0, 0.4, (E, E)),
        "out_proj.bias": rng.normal(0, 0.5, E),
    }
    x, dout = rng.normal(size=(3, T, E)), rng.normal(size=(3, T, E))
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), 1) if causal else None

    def call(module, tx):
        return module(tx, tx, tx, attn_mask=mask, need_weights=False)[0]

    module = torch.nn.MultiheadAttention(E, 2, batch_first=True)
    return run_module(module, weights, x, dout, call)


def layer_norm() -> Arrays:
    """nn.LayerNorm(6) on x (2, 4, 6)."""
    rng = np.random.default_rng(20)
    weights = {"weight": rng.uniform(0.5, 2.0, 6), "bias": rng.normal(size=6)}
    x, dout = rng.normal(1.0, 2.0, (2, 4, 6)), rng.normal(size=(2, 4, 6))
    return run_module(torch.nn.LayerNorm(6), weights, x, dout, lambda m, tx: m(tx))


def recurrent(kind: str) -> Arrays:
    """nn.RNN / nn.LSTM / nn.GRU(3, 5, batch_first=True) on x (2, 6, 3), every step's output."""
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    rng = np.random.default_rng({"rnn": 30, "lstm": 31, "gru": 32}[kind])
    D, H = 3, 5
    weights = {
        "weight_ih_l0": rng.uniform(-0.5, 0.5, (gates * H, D)),
        "weight_hh_l0": rng.uniform(-0.5, 0.5, (gates * H, H)),
        "bias_ih_l0": rng.uniform(-0.5, 0.5, gates * H),
        "bias_hh_l0": rng.uniform(-0.5, 0.5, gates * H),
    }
    x, dout = rng.normal(size=(2, 6, D)), rng.normal(size=(2, 6, H))
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
    return run_module(module(D, H, batch_first=True), weights, x, dout, lambda m, tx: m(tx)[0])


def clip_grad_norm() -> Arrays:
    """torch.nn.utils.clip_grad_norm_ on two gradients (5, 3) and (3,), max_norm 1."""
    rng = np.random.default_rng(40)
    grads = [rng.normal(size=(5, 3)), rng.normal(size=3)]
    params = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for param, grad in zip(params, grads, strict=True):
        param.grad = torch.tensor(grad)
    total = torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)
    return {
        "grad_0": grads[0],
        "grad_1": grads[1],
        "max_norm": np.array(1.0),
        "total_norm": np.array(float(total)),
        "clipped_0": params[0].grad.numpy(),
        "clipped_1": params[1].grad.numpy(),
    }


CASES: dict[str, Callable[[], Arrays]] = {
    "torch_attention": lambda: attention(causal=False),
    "torch_attention_causal": lambda: attention(causal=True),
    "torch_layer_norm": layer_norm,
    "torch_rnn": lambda: recurrent("rnn"),
    "torch_lstm": lambda: recurrent("lstm"),
    "torch_gru": lambda: recurrent("gru"),
    "torch_clip_grad_norm": clip_grad_norm,
}


def npz_bytes(arrays: Arrays) -> bytes:
    """The arrays as an .npz archive (what np.load reads), with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def record() -> dict[str, Arrays]:
    torch.manual_seed(0)  # nothing here draws from it; set in case a module's init ever did
    torch.set_num_threads(1)  # one summation order
    version = np.array(torch.__version__)
    recorded = {}
    for name, case in CASES.items():
        arrays = {key: np.asarray(value, dtype=np.float64) for key, value in case().items()}
        recorded[name] = {**arrays, "torch_version": version}
    return recorded


def differences(name: str, fresh: Arrays, path: Path) -> list[str]:
    if not path.exists():
        return [f"{path} is missing"]
    with np.load(path, allow_pickle=False) as stored:
        if set(stored.files) != set(fresh):
            return [f"{path.name}: arrays {sorted(stored.files)}, expected {sorted(fresh)}"]
        return [
            f"{path.name}: {key} differs (largest difference "
            f"{np.abs(stored[key] - fresh[key]).max():.3g})"
            for key in fresh
            if key != "torch_version"
            and not np.allclose(stored[key], fresh[key], rtol=1e-12, atol=1e-14)
        ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the stored files")
    args = parser.parse_args(argv)
    recorded = record()
    if args.check:
        problems = [
            problem
            for name, arrays in recorded.items()
            for problem in differences(name, arrays, FIXTURES / f"{name}.npz")
        ]
        print("\n".join(problems) or f"{len(recorded)} fixtures match torch {torch.__version__}")
        return 1 if problems else 0
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, arrays in recorded.items():
        path = FIXTURES / f"{name}.npz"
        data = npz_bytes(arrays)
        atomic_write_with(path, lambda handle, data=data: handle.write(data))
        print(f"{path.relative_to(FIXTURES.parent.parent)}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
