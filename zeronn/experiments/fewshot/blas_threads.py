"""Run NumPy's OpenBLAS on one thread for the duration of a block.

Why: the fewshot network multiplies (30, 784) by (784, 200) — tiny products that one core
finishes in a fraction of a millisecond. OpenBLAS still splits them over all cores, and when
the cores are shared (other processes, a CI box, a laptop with a browser open) its threads
spin waiting for each other: measured here, a training step went from 2 ms to 20 ms. One
thread is never slower at these sizes and is immune to that.

The standard way is the OPENBLAS_NUM_THREADS environment variable, but it is read only when
NumPy loads, before any command runs. So, like threadpoolctl (not a dependency here), we find
the OpenBLAS library this process has loaded and call its ``set_num_threads`` through ctypes.
Where that is not possible (another BLAS, another OS), the block runs unchanged.
"""

from __future__ import annotations

import contextlib
import ctypes
from collections.abc import Iterator
from pathlib import Path

# Symbol prefixes: NumPy's wheels ship OpenBLAS with a "scipy_" prefix and a "64_" suffix
# (64-bit integer interface); a system OpenBLAS uses the plain names.
_SYMBOLS = (
    ("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
    ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
    ("openblas_set_num_threads", "openblas_get_num_threads"),
)


def _loaded_openblas() -> list[str]:
    """Paths of the OpenBLAS libraries mapped into this process (Linux; else none)."""
    maps = Path("/proc/self/maps")
    if not maps.exists():
        return []
    paths = []
    for line in maps.read_text().splitlines():
        path = line.split(maxsplit=5)[-1] if line.count(" ") >= 5 else ""
        if "openblas" in Path(path).name.lower() and path not in paths:
            paths.append(path)
    return paths


def _thread_controls() -> list[tuple[ctypes._CFuncPtr, ctypes._CFuncPtr]]:
    controls = []
    for path in _loaded_openblas():
        try:
            library = ctypes.CDLL(path)  # already loaded: this only returns its handle
        except OSError:
            continue
        for set_name, get_name in _SYMBOLS:
            setter = getattr(library, set_name, None)
            getter = getattr(library, get_name, None)
            if setter is not None and getter is not None:
                setter.argtypes = [ctypes.c_int]
                controls.append((setter, getter))
                break
    return controls


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[bool]:
    """Limit OpenBLAS to one thread inside the block and restore it after.

    Yields whether a limit was applied (False: no OpenBLAS found, nothing changed).
    """
    controls = _thread_controls()
    previous = [getter() for _, getter in controls]
    for setter, _ in controls:
        setter(1)
    try:
        yield bool(controls)
    finally:
        for (setter, _), threads in zip(controls, previous, strict=True):
            setter(threads)
