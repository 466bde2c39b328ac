"""One thread policy for the whole package: how many threads BLAS and zeronn's own loops use.

zeronn computes on two kinds of threads: the BLAS library behind NumPy's matrix products
(OpenBLAS, MKL or BLIS: threadpoolctl reaches all three on every OS) and the small pool in
which zeronn splits a batch (``worker_pool``): Conv2D's cache-sized parts (``map_parts``), the
element-wise layers' slices (ReLU, MaxPool2D, BatchNorm, Dropout: ``split_batch``), Affine's
products cut by rows (``split_product``), the rotation operator's rows. Both follow one
number, set here:

    with blas_threads(2):          # every matrix product and zeronn's own pool: 2 threads
        trainer.fit(...)
    with blas_threads(None):       # the default, default_thread_count()
        ...

``current_threads()`` is that number as zeronn's own loops read it: the block's count inside
``blas_threads``, else the BLAS's thread count right now, so a limit set outside zeronn
(``OPENBLAS_NUM_THREADS=1``, threadpoolctl) is obeyed too. Inside one part of a split the BLAS
must run on one thread (``serial_blas``), or each part would start its own BLAS threads and the
cores would be oversubscribed.

Once zeronn's pool has run inside a ``blas_threads(n)`` block, the BLAS stays on one thread
until the block ends: a model whose layers split their batch (Conv2D, MaxPool2D, ReLU, ...) then
gets every core from zeronn's pool, while a model that never splits (a small MLP, an LSTM)
keeps n BLAS threads. Why: after a product on n threads, OpenBLAS's idle threads spin for up to
~0.1 s waiting for the next one, taking a core from the pool's next parts. Measured on a DeepConvNet
step at 2 threads on 2 cores: 118 ms with the Affine products on two BLAS threads between the
split layers, 72 ms with the BLAS left on one thread (123 ms on one thread).

Why the environment variables are not enough: OpenBLAS reads ``OPENBLAS_NUM_THREADS`` once,
when NumPy loads, before a command has parsed its ``--threads``; threadpoolctl calls the
library's own ``set_num_threads`` at any time and reads the count back.
"""

from __future__ import annotations

import contextlib
import itertools
import numbers
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np  # imported first: it loads the BLAS that threadpoolctl looks for
from threadpoolctl import ThreadpoolController

T = TypeVar("T")
R = TypeVar("R")

# Below this many values an element-wise pass stays on one thread: handing a slice to another
# thread costs 20-50 µs, about what one pass over 2^17 float32 values takes.
SPLIT_MIN_ELEMENTS = 2**17

# Below this many multiply-adds a matrix product stays whole on one thread. Measured with
# zeronn.profile at 2 threads on 100 images: DeepConvNet's Affine 1024→50 (5 M per product)
# took 0.56 ms per step whole and 0.71 ms split; SimpleConvNet's 4320→100 (43 M) 3.48 → 2.49 ms.
SPLIT_MIN_MULTIPLY_ADDS = 2**24

_lock = threading.Lock()
_inside_part = threading.local()
_controller: ThreadpoolController | None = None
_pools: dict[int, ThreadPoolExecutor] = {}


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS tells, else all)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def default_thread_count() -> int:
    """The thread count zeronn uses when none is asked for: 1.

    Chosen by measurement (``benchmarks/bench_threads.py``, table in ``benchmarks/README.md``):
    on the 2-core machine, a SimpleConvNet epoch and the fewshot loop were fastest on one
    thread with nothing else running (two threads took 10% and 19% longer), and two threads
    took 1.5–26× longer as soon as one other process wanted a core (BLAS threads spin waiting
    for the core it holds). ``--threads 2`` is there for the layers that gain from it (the
    benchmarks say which).
    """
    return 1


def check_threads(threads: object, owner: str = "blas_threads") -> int:
    """Return ``threads`` as an int after checking it is a positive integer (not a bool)."""
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral) or threads < 1:
        raise ValueError(
            f"{owner} expected threads to be a positive integer or None, got {threads!r}"
        )
    return int(threads)


def _blas():
    """The BLAS libraries loaded in this process (threadpoolctl's controllers), found once."""
    global _controller
    with _lock:
        if _controller is None:
            _controller = ThreadpoolController()
    return _controller.select(user_api="blas").lib_controllers


def blas_info() -> list[dict[str, object]]:
    """What threadpoolctl sees: one dict per BLAS library (name, version, num_threads, path)."""
    return [library.info() for library in _blas()]


def describe_blas() -> str:
    """One line naming each BLAS library, its version, kernels and threads (for reports).

    e.g. ``"openblas 0.3.31 (Haswell kernels), 2 threads"``.
    """
    parts = []
    for info in blas_info():
        kernels = f" ({info['architecture']} kernels)" if info.get("architecture") else ""
        parts.append(
            f"{info['internal_api']} {info['version']}{kernels}, {info['num_threads']} threads"
        )
    return "; ".join(parts) or "no BLAS found by threadpoolctl"


def current_threads() -> int:
    """The number of threads zeronn computes on now: the count of the innermost
    :func:`blas_threads` block, else the BLAS's current thread count.

    With several BLAS libraries loaded, the largest count; with none found, the available
    cores (zeronn's pool is then the only thing to limit, and ``blas_threads`` cannot).
    """
    if _block_threads is not None:
        return _block_threads
    counts = [library.get_num_threads() for library in _blas()]
    counts = [count for count in counts if count is not None]
    return max(counts) if counts else _fallback_threads


_fallback_threads = available_cores()
# The count of the innermost blas_threads block (None outside any), and whether zeronn's pool
# has left the BLAS on one thread in it (see the module docstring).
_block_threads: int | None = None
_blas_parked = False


def _set(threads: int) -> list[int | None]:
    """Set every BLAS library to ``threads``; return the previous counts."""
    libraries = _blas()
    previous = [library.get_num_threads() for library in libraries]
    for library in libraries:
        library.set_num_threads(threads)
    return previous


def _restore(previous: list[int | None]) -> None:
    for library, count in zip(_blas(), previous, strict=True):
        if count is not None:
            library.set_num_threads(count)


@contextlib.contextmanager
def blas_threads(threads: int | None) -> Iterator[int]:
    """Limit BLAS and zeronn's own pool to ``threads`` threads inside the block; restore after.

    ``threads``: a positive int, or None for :func:`default_thread_count`. Yields the count
    applied. Restores the previous counts on exit, also after an error. What a command with a
    ``--threads N`` option (default None) wraps its run in.
    """
    global _fallback_threads, _block_threads, _blas_parked
    count = default_thread_count() if threads is None else check_threads(threads)
    previous, saved = _set(count), (_fallback_threads, _block_threads, _blas_parked)
    _fallback_threads, _block_threads, _blas_parked = count, count, False
    try:
        yield count
    finally:
        _fallback_threads, _block_threads, _blas_parked = saved
        _restore(previous)


@contextlib.contextmanager
def serial_blas() -> Iterator[None]:
    """BLAS on one thread inside the block (for code that splits work over its own threads)."""
    previous = _set(1)
    try:
        yield
    finally:
        _restore(previous)


@contextlib.contextmanager
def _blas_for_parts() -> Iterator[None]:
    """The BLAS on one thread while zeronn's pool runs parts: restored after the parts outside
    a ``blas_threads`` block, left so until the block ends inside one (module docstring)."""
    global _blas_parked
    if _block_threads is None:
        with serial_blas():
            yield
        return
    if not _blas_parked:
        _set(1)
        _blas_parked = True
    yield


def worker_pool(threads: int) -> ThreadPoolExecutor:
    """A process-wide pool of ``threads`` worker threads, made once per size and kept.

    NumPy releases the GIL in matrix products and large copies, so work split over this pool
    runs in parallel. Reused because starting threads costs ~0.1 ms per call.
    """
    threads = check_threads(threads, "worker_pool")
    with _lock:
        if threads not in _pools:
            _pools[threads] = ThreadPoolExecutor(threads, thread_name_prefix="zeronn")
        return _pools[threads]


def map_parts(
    function: Callable[[T], R], parts: Sequence[T], threads: int | None = None
) -> list[R]:
    """``[function(part) for part in parts]``, spread over ``threads`` threads.

    ``threads`` defaults to :func:`current_threads`. With more than one thread the BLAS runs on
    one thread inside every part (and after them, inside a ``blas_threads`` block: see the
    module docstring), and this thread and ``threads − 1`` workers
    of :func:`worker_pool` each take the next part not yet taken until none is left (the
    caller works too: one hand-over fewer per call). With one thread, one part, or when called
    from inside a part (a worker must not wait for its own pool), the parts run here in order.
    The results keep the parts' order. After an error no further part starts, and the error is
    raised once the parts already running have ended.
    """
    threads = current_threads() if threads is None else check_threads(threads, "map_parts")
    threads = min(threads, len(parts))
    if threads <= 1 or getattr(_inside_part, "active", False):
        return [function(part) for part in parts]
    results: list = [None] * len(parts)
    taken = itertools.count()  # next() on a count is atomic: each index is handed out once
    failed: list[int] = []

    def run_parts() -> None:
        _inside_part.active = True
        try:
            while not failed and (index := next(taken)) < len(parts):
                try:
                    results[index] = function(parts[index])
                except BaseException:
                    failed.append(index)
                    raise
        finally:
            _inside_part.active = False

    with _blas_for_parts():
        helpers = [worker_pool(threads - 1).submit(run_parts) for _ in range(threads - 1)]
        errors = []
        try:
            run_parts()
        except BaseException as error:  # wait for the helpers before leaving serial_blas
            errors.append(error)
        for helper in helpers:
            error = helper.exception()
            if error is not None:
                errors.append(error)
    if errors:
        raise errors[0]
    return results


def batch_slices(count: int, parts: int) -> list[slice]:
    """``count`` items cut into ``parts`` consecutive slices as equal as possible (fewer
    slices when there are fewer items).

    >>> batch_slices(5, 2)
    [slice(0, 2, None), slice(2, 5, None)]
    """
    parts = max(1, min(parts, count))
    bounds = [count * k // parts for k in range(parts + 1)]
    return [slice(start, stop) for start, stop in itertools.pairwise(bounds)]


def split_batch(
    function: Callable[[slice], object], x: np.ndarray, threads: int | None = None
) -> None:
    """Run ``function(part)`` over slices of ``x``'s first axis (the batch), one per thread.

    For element-wise passes: ``function`` reads and writes ``array[part]`` of the arrays
    involved. With fewer than :data:`SPLIT_MIN_ELEMENTS` values in ``x`` (handing a slice to
    another thread would cost about what the pass does) or one thread, ``function`` gets one
    slice covering the whole axis, here (``...`` for a 0-d ``x``). ``threads`` defaults to
    :func:`current_threads`. NumPy releases the GIL in its ufuncs and copies, so the slices
    run at the same time.
    """
    if x.ndim == 0:
        function(Ellipsis)
        return
    threads = current_threads() if threads is None else check_threads(threads, "split_batch")
    count = x.shape[0]
    parts = min(threads, count, max(1, x.size // SPLIT_MIN_ELEMENTS))
    if parts <= 1:
        function(slice(0, count))
        return
    map_parts(function, batch_slices(count, parts), parts)


def split_product(
    function: Callable[[slice], object], rows: int, multiply_adds: int, threads: int | None = None
) -> None:
    """Run ``function(part)`` over slices of ``range(rows)``, one per thread, for a matrix
    product cut by the rows of its result.

    ``function`` computes ``out[part]`` from the operands' matching rows (each part a product
    on a one-thread BLAS); ``multiply_adds`` is the whole product's count, ``rows × inner ×
    columns``. With fewer than :data:`SPLIT_MIN_MULTIPLY_ADDS` of them, or one thread,
    ``function`` gets one slice covering all rows, here. What ``Affine`` uses, so that its
    products take every core while the BLAS stays on one thread between the split layers (the
    module docstring says why it does).
    """
    threads = current_threads() if threads is None else check_threads(threads, "split_product")
    parts = min(threads, rows, max(1, multiply_adds // SPLIT_MIN_MULTIPLY_ADDS))
    if parts <= 1:
        function(slice(0, rows))
        return
    map_parts(function, batch_slices(rows, parts), parts)
