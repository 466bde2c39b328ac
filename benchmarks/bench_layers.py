"""Forward + backward time of Conv2D and MaxPool2D against three baselines.

    python benchmarks/bench_layers.py                   # 1 and 2 threads, float32, ~1 min
    python benchmarks/bench_layers.py --threads 2 --dtype float64
    python benchmarks/bench_layers.py --reference       # also the loops (slow: +1 min)
    git show REV:zeronn/layers/conv.py > conv_rev.py
    python benchmarks/bench_layers.py --previous conv_rev.py   # also that Conv2D

Each thread count applies to both libraries: zeronn through ``zeronn.threads.blas_threads``
(BLAS and zeronn's own pool), PyTorch through ``torch.set_num_threads``. The implementations
are timed in turns (``_timing.interleaved``), so the ratios come from the same minutes.

Implementations compared, each computing y, dW, db and dx (dx only for pooling):

- zeronn:     zeronn.layers.Conv2D / MaxPool2D (channel-first im2col, reused buffers).
- book:       the textbook im2col: a Python loop over kernel offsets copying strided slices into
              a (N·OH·OW, C·kh·kw) row layout, one matmul, col2im by the same loop; pooling by
              im2col + argmax. Written below, the way a first implementation would be.
- reference:  zeronn.reference's loops (with --reference), too slow for N=100: timed on N=2
              and scaled ×50 (the loops are linear in N).
- torch:      PyTorch CPU (torch.nn.functional), if importable; x.requires_grad so it computes dx.
- previous:   with --previous FILE, the Conv2D class of FILE (another revision's conv.py), to
              show a change's effect in the same run.
"""

from __future__ import annotations

import argparse
import importlib.util
import os

import numpy as np
from _machine import header, rerun_unpinned
from _timing import format_table, interleaved, measure

from zeronn import reference
from zeronn.im2col import output_size
from zeronn.layers.conv import Conv2D
from zeronn.layers.pool import MaxPool2D
from zeronn.threads import blas_threads, describe_blas

try:
    import torch
    import torch.nn.functional as torch_functional
except ImportError:  # optional: benchmark-only dependency
    torch = None

N = 100
REFERENCE_N = 2
CONV_CASES = {
    # name: (C, H, W, F, kernel, pad)
    "conv (a) 1x28x28, 30 5x5": (1, 28, 28, 30, 5, 0),
    "conv (b) 16x28x28, 16 3x3 pad 1": (16, 28, 28, 16, 3, 1),
    "conv (c) 32x14x14, 64 3x3 pad 1": (32, 14, 14, 64, 3, 1),
}
POOL_SHAPE = (N, 30, 24, 24)


# --- book-style baseline --------------------------------------------------------------------


def book_im2col(x, k, stride, pad):
    """Rows = output positions (N·OH·OW), columns = (C, kh, kw); a loop over kernel offsets."""
    n, c, h, w = x.shape
    oh, ow = output_size(h, k, stride, pad), output_size(w, k, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    col = np.zeros((n, c, k, k, oh, ow), dtype=x.dtype)
    for i in range(k):
        for j in range(k):
            col[:, :, i, j] = xp[:, :, i : i + stride * oh : stride, j : j + stride * ow : stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1)


def book_col2im(col, x_shape, k, stride, pad):
    n, c, h, w = x_shape
    oh, ow = output_size(h, k, stride, pad), output_size(w, k, stride, pad)
    col = col.reshape(n, oh, ow, c, k, k).transpose(0, 3, 4, 5, 1, 2)
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=col.dtype)
    for i in range(k):
        for j in range(k):
            xp[:, :, i : i + stride * oh : stride, j : j + stride * ow : stride] += col[:, :, i, j]
    return xp[:, :, pad : pad + h, pad : pad + w]


def book_conv(x, W, b, dout, pad):
    f, _, k, _ = W.shape
    n, _, oh, ow = dout.shape
    col = book_im2col(x, k, 1, pad)
    col_W = W.reshape(f, -1).T
    y = (col @ col_W + b).reshape(n, oh, ow, f).transpose(0, 3, 1, 2)
    d = dout.transpose(0, 2, 3, 1).reshape(-1, f)
    db = d.sum(axis=0)
    dW = (col.T @ d).T.reshape(W.shape)
    dx = book_col2im(d @ col_W.T, x.shape, k, 1, pad)
    return y, dW, db, dx


def book_pool(x, dout, k):
    n, c, h, w = x.shape
    oh, ow = h // k, w // k
    col = book_im2col(x, k, k, 0).reshape(-1, k * k)
    argmax = col.argmax(axis=1)
    y = col[np.arange(col.shape[0]), argmax].reshape(n, oh, ow, c).transpose(0, 3, 1, 2)
    dmax = np.zeros((dout.size, k * k), dtype=dout.dtype)
    dmax[np.arange(dout.size), argmax] = dout.transpose(0, 2, 3, 1).ravel()
    dx = book_col2im(dmax.reshape(n * oh * ow, -1), x.shape, k, k, 0)
    return y, dx


def _check_same(ours, theirs):
    """Timings of different answers mean nothing: compare every output once before timing."""
    for mine, other in zip(ours, theirs, strict=True):
        tolerance = 1e-3 if mine.dtype == np.float32 else 1e-9
        np.testing.assert_allclose(mine, other, rtol=tolerance, atol=tolerance)


# --- cases -----------------------------------------------------------------------------------


def load_conv2d(path: str | None):
    """The Conv2D class defined in the file ``path`` (None: no previous version to time)."""
    if path is None:
        return None
    spec = importlib.util.spec_from_file_location("previous_conv", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Conv2D


def conv_timings(C, H, W_, F, k, pad, dtype, rng, with_reference, previous=None):
    x = rng.standard_normal((N, C, H, W_)).astype(dtype)
    layer = Conv2D(C, F, k, pad=pad, rng=rng, dtype=dtype)
    dout = rng.standard_normal(layer.forward(x).shape).astype(dtype)
    W, b = layer.W.data, layer.b.data

    def zeronn_step():
        y = layer.forward(x)
        dx = layer.backward(dout)
        return y, layer.W.grad, layer.b.grad, dx

    _check_same(zeronn_step(), book_conv(x, W, b, dout, pad))
    steps = {"zeronn": zeronn_step, "book": lambda: book_conv(x, W, b, dout, pad)}
    if previous is not None:
        old = previous(C, F, k, pad=pad, rng=0, dtype=dtype)
        old.W.data[...], old.b.data[...] = W, b
        steps["previous"] = lambda: (old.forward(x), old.backward(dout))
    small_x, small_dout = x[:REFERENCE_N], dout[:REFERENCE_N]

    def reference_step():
        reference.conv_forward(small_x, W, b, 1, pad)
        reference.conv_backward(small_dout, small_x, W, 1, pad)

    if torch is not None:
        tx = torch.from_numpy(x).requires_grad_()
        tW = torch.from_numpy(W.copy()).requires_grad_()
        tb = torch.from_numpy(b.copy()).requires_grad_()
        tdout = torch.from_numpy(dout)

        def torch_step():
            tx.grad = tW.grad = tb.grad = None
            torch_functional.conv2d(tx, tW, tb, padding=pad).backward(tdout)

        steps["torch"] = torch_step
    return with_loops(interleaved(steps), reference_step if with_reference else None)


def with_loops(timings: dict[str, float], reference_step) -> dict[str, float | None]:
    """The timings with the reference loops' (timed once on N = 2, scaled) after zeronn's."""
    if reference_step is None:
        return timings
    loops = measure(reference_step, repeats=1, warmup=0) * N / REFERENCE_N
    return {"zeronn": timings.pop("zeronn"), "reference": loops, **timings}


def pool_timings(dtype, rng, with_reference):
    # A random permutation: distinct values, so every implementation routes gradients alike.
    x = rng.permutation(np.prod(POOL_SHAPE)).reshape(POOL_SHAPE).astype(dtype)
    layer = MaxPool2D(2)
    dout = rng.standard_normal(layer.forward(x).shape).astype(dtype)

    def zeronn_step():
        y = layer.forward(x)
        return y, layer.backward(dout)

    _check_same(zeronn_step(), book_pool(x, dout, 2))
    steps = {"zeronn": zeronn_step, "book": lambda: book_pool(x, dout, 2)}
    small_x, small_dout = x[:REFERENCE_N], dout[:REFERENCE_N]

    def reference_step():
        reference.max_pool_forward(small_x, 2, 2)
        reference.max_pool_backward(small_dout, small_x, 2, 2)

    if torch is not None:
        tx = torch.from_numpy(x).requires_grad_()
        tdout = torch.from_numpy(dout)

        def torch_step():
            tx.grad = None
            torch_functional.max_pool2d(tx, 2).backward(tdout)

        steps["torch"] = torch_step
    return with_loops(interleaved(steps), reference_step if with_reference else None)


def product_peak(dtype: np.dtype) -> float:
    """FLOP/s of this BLAS on a 2048×2048 product at the current thread count (best of 5)."""
    a = np.random.default_rng(0).random((2048, 2048)).astype(dtype)
    a @ a
    best = min(measure(lambda: a @ a, repeats=1, pause=0.0) for _ in range(5))
    return 2 * 2048**3 / best


def peak_table(results: dict[str, dict[str, float | None]], peak: float) -> str:
    """Markdown: each convolution's three products (forward, dW, dx as F·C·kh·kw·N·OH·OW
    multiply-adds each) at the BLAS's peak, and the share of that peak each library reached."""
    lines = [
        "| case | products at peak ms | zeronn share of peak | torch share of peak |",
        "|---|---|---|---|",
    ]
    for name, (C, H, W_, F, k, pad) in CONV_CASES.items():
        oh, ow = output_size(H, k, 1, pad), output_size(W_, k, 1, pad)
        at_peak = 3 * 2 * F * C * k * k * N * oh * ow / peak
        shares = [
            f"{at_peak / results[name][who]:.0%}" if results[name].get(who) else "—"
            for who in ("zeronn", "torch")
        ]
        lines.append(f"| {name} | {at_peak * 1e3:.2f} | {shares[0]} | {shares[1]} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--dtype", choices=["float32", "float64"], nargs="+", default=["float32"])
    parser.add_argument("--reference", action="store_true", help="also time the loops")
    parser.add_argument("--previous", metavar="FILE", help="a conv.py whose Conv2D to time too")
    args = parser.parse_args()
    previous = load_conv2d(args.previous)
    rng = np.random.default_rng(0)
    versions = f"numpy {np.__version__}, {describe_blas()} before limits"
    if torch is not None:
        versions += f", torch {torch.__version__}"
    print(f"N = {N}; {os.cpu_count()} CPUs; {versions}\n")
    for threads in args.threads:
        if torch is not None:
            torch.set_num_threads(threads)
        for dtype in args.dtype:
            with blas_threads(threads):
                results = {
                    name: conv_timings(*config, np.dtype(dtype), rng, args.reference, previous)
                    for name, config in CONV_CASES.items()
                }
                results["maxpool 2x2/2 on 30x24x24"] = pool_timings(dtype, rng, args.reference)
            with blas_threads(threads):
                print(header(np.dtype(dtype)) + "\n")
            print(f"{dtype}, forward + backward, {threads} thread(s) for both libraries:\n")
            print(format_table(results, subject="zeronn"))
            with blas_threads(threads):
                peak = product_peak(np.dtype(dtype))
            print(f"\nthis BLAS's peak on a 2048×2048 product: {peak / 1e9:.0f} GFLOP/s\n")
            print(peak_table(results, peak))
            print()
    rerun_unpinned()


if __name__ == "__main__":
    main()
