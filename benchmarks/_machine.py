"""What every benchmark table names: the machine, the BLAS and its kernels, the peak measured in
the same run, and the same run again without a pinned OpenBLAS kernel.

    from _machine import header, rerun_unpinned
    print(header(np.float32))      # CPU, CPUs, BLAS (kernels), threads, peak in GFLOP/s
    ...
    rerun_unpinned()               # at the end of main()

``OPENBLAS_CORETYPE`` (e.g. ``Haswell``) makes OpenBLAS run another CPU's kernels than the ones
it would pick for this one (AVX2 kernels on an AVX-512 CPU, say). When the environment sets it,
:func:`rerun_unpinned` runs the same command once more in a subprocess without it and says so,
so that a table shows both; tests and CI keep the environment as it is.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from zeronn.profile_machine import blas_peak, describe_machine

UNPINNED = "ZERONN_BENCH_UNPINNED"


def header(dtype=np.float32) -> str:
    """One line: the machine (zeronn.profile_machine.describe_machine) and the BLAS's peak on a
    2048² product in ``dtype`` at the current thread count, measured now."""
    peak = blas_peak(dtype)
    return f"{describe_machine()}; BLAS peak {peak / 1e9:.1f} GFLOP/s ({np.dtype(dtype)})"


def rerun_unpinned() -> None:
    """If OPENBLAS_CORETYPE is set, run this script's command again without it (once)."""
    pinned = os.environ.get("OPENBLAS_CORETYPE")
    if not pinned or os.environ.get(UNPINNED):
        if os.environ.get(UNPINNED):
            print("(this run: OPENBLAS_CORETYPE unset by the benchmark itself)")
        return
    print(f"\n## The same command without OPENBLAS_CORETYPE={pinned} (unset for this subprocess)\n")
    sys.stdout.flush()
    env = {key: value for key, value in os.environ.items() if key != "OPENBLAS_CORETYPE"}
    env[UNPINNED] = "1"
    subprocess.run([sys.executable, *sys.argv], env=env, check=True)
