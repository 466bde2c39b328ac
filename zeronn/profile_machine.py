"""What a timing was measured on: the CPU's name, the BLAS and its kernels, the BLAS's peak.

A time means little without the machine, and a share of "the peak" only with a peak measured
on the same machine, in the same process, at the same thread count. ``blas_peak(dtype)`` times
one large square product ``a @ a`` (n = 2048: 2·n³ FLOPs, long enough for the BLAS to reach its
best kernel speed) and keeps the best of a few calls; it is measured once per process for each
dtype, size and thread count, and cached.
"""

from __future__ import annotations

import functools
import os
import platform
import time

import numpy as np
from numpy.typing import DTypeLike

from zeronn._checks import as_float_dtype, positive_int
from zeronn.threads import blas_info, blas_threads, current_threads

PEAK_SIZE = 2048


def cpu_model() -> str:
    """The CPU's model name (Linux's /proc/cpuinfo, else ``platform.processor()``), or "unknown"."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def describe_machine() -> str:
    """One line for a table's header: CPU, cores, the BLAS with its kernels, zeronn's thread
    count, and ``OPENBLAS_CORETYPE`` when the environment pins OpenBLAS's kernels with it.

    e.g. ``"AMD EPYC, 2 CPUs; openblas 0.3.31 (SkylakeX kernels); zeronn on 2 threads"``.
    """
    libraries = "; ".join(
        f"{info['internal_api']} {info['version']}"
        + (f" ({info['architecture']} kernels)" if info.get("architecture") else "")
        for info in blas_info()
    )
    pinned = os.environ.get("OPENBLAS_CORETYPE")
    pin = f"; OPENBLAS_CORETYPE={pinned}" if pinned else ""
    threads = current_threads()
    return (
        f"{cpu_model()}, {os.cpu_count()} CPUs; {libraries or 'no BLAS found'}{pin}; "
        f"zeronn on {threads} thread{'s' if threads > 1 else ''}"
    )


def blas_peak(dtype: DTypeLike = np.float32, size: int = PEAK_SIZE) -> float:
    """FLOP/s of this BLAS on a ``size × size`` product in ``dtype`` at the current thread count.

    The best of three calls after a warm-up call; measured once per process for each dtype,
    size and thread count (then cached), about 0.1–1 s for the default size.
    """
    dtype = as_float_dtype(dtype, "blas_peak")
    size = positive_int(size, "size", "blas_peak")
    return _measured_peak(dtype, size, current_threads())


@functools.cache
def _measured_peak(dtype: np.dtype, size: int, threads: int) -> float:
    a = np.random.default_rng(0).random((size, size)).astype(dtype)
    out = np.empty_like(a)
    times = []
    with blas_threads(threads):  # the BLAS may have been left on one thread by zeronn's pool
        np.matmul(a, a, out=out)
        for _ in range(3):
            start = time.perf_counter()
            np.matmul(a, a, out=out)
            times.append(time.perf_counter() - start)
    return 2 * size**3 / max(min(times), 1e-9)
