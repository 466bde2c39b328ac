"""What was tried to bring the 3×3 convolutions closer to the BLAS's limit, timed against Conv2D.

    python benchmarks/bench_conv_attempts.py             # one thread, float32, ~1 min
    python benchmarks/bench_conv_attempts.py --threads 2

Cases (b) 16×28×28 → 16 and (c) 32×14×14 → 64 filters 3×3, pad 1, N = 100 (those of
bench_layers.py), each attempt timed in turns with the kept code (``_timing.interleaved``) and
checked against it first (float32 within 1e-5 of Conv2D's output):

- **winograd forward**: F(2×2, 3×3) (Lavin & Gray 2016): y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A for
  every 4×4 input tile d and 2×2 output tile, the transforms as products with the Kronecker
  matrices (16×16 and 4×16) and the 16 channel products as one batched ``matmul``, on the same
  batch parts as Conv2D. 2.25× fewer multiply-adds than the im2col product.
- **whole-row columns**: Conv2D's forward with each kernel offset's columns copied as whole
  padded rows (OH·Wp values from the flattened padded image, one contiguous run per channel and
  image instead of OH runs of OW), the product computing the Wp − OW border columns too, which
  are dropped in the output pass. Faster on (b) (0.85× the forward's CPU time at one thread),
  not on (c) (1.00×), and not kept: with the product's wider N, OpenBLAS takes other kernel
  paths, and in float64 its outputs differ from Conv2D's in the last bits (up to 4e-15 on
  (c)), which would move every documented float64 number.
- **column buffers**: Conv2D's forward with one preallocated column buffer per part size
  (``im2col(..., out=buffer)``), reused across calls, against fresh arrays.
- **dW as dY colsᵀ**: the previous orientation of the dW product (Conv2D now computes cols dYᵀ).
- **layout bounds**: what an NHWC layout or a fused bias + ReLU could save at most: the
  layer's reorder passes (channels_first of dout, the forward's reorder with the bias) and a
  ReLU forward on the layer's output, against the layer's forward + backward.
"""

from __future__ import annotations

import argparse
import threading

import numpy as np
from _machine import header, rerun_unpinned
from _timing import interleaved

from zeronn.im2col import im2col
from zeronn.layers.activations import ReLU
from zeronn.layers.conv import Conv2D, channels_first, image_parts
from zeronn.threads import blas_threads, current_threads, map_parts

N = 100
CASES = {"(b) 16x28x28, 16 3x3 pad 1": (16, 28, 16), "(c) 32x14x14, 64 3x3 pad 1": (32, 14, 64)}
BT = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], dtype=np.float64)
G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]], dtype=np.float64)
AT = np.array([[1, 1, 1, 0], [0, 1, -1, -1]], dtype=np.float64)


def winograd_forward(layer: Conv2D, x: np.ndarray) -> np.ndarray:
    """y of a 3×3, stride 1, pad 1 Conv2D by Winograd F(2×2, 3×3), batch part by batch part."""
    n, c, h, w = x.shape
    f, dtype = layer.out_channels, x.dtype
    th, tw = -(-h // 2), -(-w // 2)  # output tiles per axis
    U = np.einsum("au,fcuv,bv->abfc", G, layer.W.data.astype(np.float64), G)
    U = U.reshape(16, f, c).astype(dtype)  # the 16 transformed kernels, (16, F, C)
    input_transform, output_transform = np.kron(BT, BT).astype(dtype), np.kron(AT, AT).astype(dtype)
    y = np.empty((n, f, 2 * th, 2 * tw), dtype=dtype)

    def part(images: slice) -> None:
        xs = x[images]
        m = xs.shape[0]
        xp = np.zeros((m, c, 2 * th + 2, 2 * tw + 2), dtype=dtype)
        xp[:, :, 1 : h + 1, 1 : w + 1] = xs
        sn, sc, sy, sx = xp.strides
        tiles = np.lib.stride_tricks.as_strided(
            xp, (4, 4, c, m, th, tw), (sy, sx, sc, sn, 2 * sy, 2 * sx), writeable=False
        )
        V = (input_transform @ np.ascontiguousarray(tiles).reshape(16, -1)).reshape(16, c, -1)
        M = np.matmul(U, V)  # (16, F, m·th·tw)
        Y = (output_transform @ M.reshape(16, -1)).reshape(2, 2, f, m, th, tw)
        y[images].reshape(m, f, th, 2, tw, 2)[...] = Y.transpose(3, 2, 4, 0, 5, 1)

    bytes_per_image = layer.W.size // f * h * w * x.itemsize
    map_parts(part, image_parts(n, bytes_per_image, current_threads()))
    return y[:, :, :h, :w] + layer.b.data[:, None, None]


def whole_row_forward(layer: Conv2D, x: np.ndarray) -> np.ndarray:
    """y of a stride-1 Conv2D from columns copied as whole padded rows, part by part."""
    n, c, h, w = x.shape
    f, (kh, kw), (ph, pw) = layer.out_channels, layer.kernel_size, layer.pad
    hp, wp = h + 2 * ph, w + 2 * pw
    oh, ow = hp - kh + 1, wp - kw + 1
    y = np.empty((n, f, oh, ow), dtype=x.dtype)
    W2, bias = layer.W.data.reshape(f, -1), layer.b.data[:, None, None]

    def part(images: slice) -> None:
        m = images.stop - images.start
        xp = np.zeros((m, c, hp + 1, wp), dtype=x.dtype)  # a spare row: the last run's tail
        xp[:, :, ph : ph + h, pw : pw + w] = x[images]
        step = x.itemsize
        runs = np.lib.stride_tricks.as_strided(
            xp,
            (c, kh, kw, m, oh * wp),
            (xp.strides[1], wp * step, step, xp.strides[0], step),
            writeable=False,
        )
        cols = np.empty((c * kh * kw, m * oh * wp), dtype=x.dtype)
        np.copyto(cols.reshape(runs.shape), runs)
        Y = (W2 @ cols).reshape(f, m, oh, wp)[..., :ow]
        np.add(Y.swapaxes(0, 1), bias, out=y[images])

    bytes_per_image = layer.W.size // f * oh * ow * x.itemsize
    map_parts(part, image_parts(n, bytes_per_image, current_threads()))
    return y


def buffered_forward(layer: Conv2D, buffers: dict):
    """Conv2D's forward with each part's columns written into a buffer kept between calls."""

    def forward(x: np.ndarray) -> np.ndarray:
        n, _, h, w = x.shape
        f = layer.out_channels
        y = np.empty((n, f, h, w), dtype=x.dtype)
        W2, bias = layer.W.data.reshape(f, -1), layer.b.data[:, None, None]

        def part(images: slice) -> None:
            size = images.stop - images.start
            key = (size, threading.get_ident())  # a buffer per size and thread
            if key not in buffers:
                buffers[key] = np.empty((W2.shape[1], size * h * w), dtype=x.dtype)
            Y = W2 @ im2col(x[images], 3, 1, 1, out=buffers[key])
            np.add(Y.reshape(f, -1, h, w).swapaxes(0, 1), bias, out=y[images])

        bytes_per_image = layer.W.size // f * h * w * x.itemsize
        map_parts(part, image_parts(n, bytes_per_image, current_threads()))
        return y

    return forward


def old_dW(layer: Conv2D, x: np.ndarray, dout: np.ndarray):
    """The dW products of Conv2D's backward in the previous orientation, dY colsᵀ."""
    bytes_per_image = layer.W.size // layer.out_channels * x.shape[2] * x.shape[3] * x.itemsize
    parts = image_parts(len(x), bytes_per_image, current_threads())
    return lambda: map_parts(lambda p: channels_first(dout[p]) @ im2col(x[p], 3, 1, 1).T, parts)


def new_dW(layer: Conv2D, x: np.ndarray, dout: np.ndarray):
    bytes_per_image = layer.W.size // layer.out_channels * x.shape[2] * x.shape[3] * x.itemsize
    parts = image_parts(len(x), bytes_per_image, current_threads())
    return lambda: map_parts(lambda p: im2col(x[p], 3, 1, 1) @ channels_first(dout[p]).T, parts)


def case_rows(C: int, H: int, F: int, dtype, rng) -> list[str]:
    x = rng.standard_normal((N, C, H, H)).astype(dtype)
    layer = Conv2D(C, F, 3, pad=1, rng=rng, dtype=dtype)
    y = layer.forward(x)
    dout = rng.standard_normal(y.shape).astype(dtype)
    tolerance = 1e-5 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(winograd_forward(layer, x), y, atol=tolerance, rtol=tolerance)
    buffered = buffered_forward(layer, {})
    np.testing.assert_array_equal(buffered(x), y)
    np.testing.assert_allclose(whole_row_forward(layer, x), y, atol=tolerance, rtol=tolerance)
    relu = ReLU()
    times = interleaved(
        {
            "Conv2D forward": lambda: layer.forward(x),
            "winograd forward": lambda: winograd_forward(layer, x),
            "whole-row columns forward": lambda: whole_row_forward(layer, x),
            "buffered forward": lambda: buffered(x),
            "Conv2D forward + backward": lambda: (layer.forward(x), layer.backward(dout)),
            "dW cols dYᵀ (kept)": new_dW(layer, x, dout),
            "dW dY colsᵀ (before)": old_dW(layer, x, dout),
            "reorders (NHWC bound)": lambda: (channels_first(dout), channels_first(y)),
            "ReLU forward (fusion bound)": lambda: relu.forward(y),
        }
    )
    base, step = times["Conv2D forward"], times["Conv2D forward + backward"]
    shares = {
        "winograd forward": base,
        "whole-row columns forward": base,
        "buffered forward": base,
        "dW dY colsᵀ (before)": times["dW cols dYᵀ (kept)"],
        "reorders (NHWC bound)": step,
        "ReLU forward (fusion bound)": step,
    }
    rows = []
    for name, seconds in times.items():
        against = shares.get(name)
        ratio = f"{seconds / against:.2f}" if against else ""
        rows.append(f"| {name} | {seconds * 1e3:.2f} | {ratio} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    args = parser.parse_args()
    dtype = np.dtype(args.dtype)
    rng = np.random.default_rng(0)
    with blas_threads(args.threads):
        print(f"{header(dtype)}; N = {N}\n")
        for name, (C, H, F) in CASES.items():
            print(f"{name}, {dtype}, {args.threads} thread(s); ratio: the attempt's time over")
            print("the kept code's (forward, the kept dW, the layer's step for the bounds)")
            print("\n| attempt | ms | ratio |\n|---|---|---|")
            print("\n".join(case_rows(C, H, F, dtype, rng)) + "\n")
    rerun_unpinned()


if __name__ == "__main__":
    main()
