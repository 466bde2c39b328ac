"""Independent runs of a study, in this process, in worker processes, or on a Dask cluster.

A study (fewshot's repeats, sweep and init study; flip-balance's seeds × conditions) is a list
of runs that do not depend on each other. :func:`run_all` maps a run function over their
arguments through the standard ``concurrent.futures.Executor`` interface and returns the results
in the order of the arguments:

- ``jobs=1`` (the default): in this process, one after another;
- ``jobs=N``: ``N`` worker processes on this machine (``ProcessPoolExecutor``);
- ``scheduler="tcp://host:8786"``: the workers of a Dask cluster, through
  ``distributed.Client(address).get_executor()`` (the optional extra ``zeronn[dask]``).

Every run computes with one BLAS thread wherever it runs, so a run gives the same numbers,
bit for bit, in any of the three: where it ran is not part of its result. The run function
must be importable (defined at module level) and its arguments small: a worker loads the data
itself, once per process (see :func:`cached`).
"""

from __future__ import annotations

import importlib.util
import multiprocessing
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from zeronn._checks import positive_int

R = TypeVar("R")
_CACHE: dict[Hashable, Any] = {}


def check_parallel(jobs: object, scheduler: object, owner: str) -> tuple[int, str | None]:
    """Validate ``jobs`` and ``scheduler`` before any run starts; return them normalized."""
    jobs = positive_int(jobs, "jobs", owner)
    if scheduler is None:
        return jobs, None
    if not isinstance(scheduler, str) or not scheduler:
        raise TypeError(
            f"{owner} expected scheduler as an address such as tcp://host:8786, got {scheduler!r}"
        )
    if jobs != 1:
        raise ValueError(
            f"{owner} got both --jobs {jobs} and --scheduler {scheduler}: the cluster's workers "
            "decide how many runs go at once; give one of the two"
        )
    if importlib.util.find_spec("distributed") is None:
        raise ValueError(
            f"{owner} --scheduler needs Dask's distributed package: "
            'python -m pip install -e ".[dask]"'
        )
    return jobs, scheduler


def run_all(
    function: Callable[..., R],
    arguments: Iterable[tuple],
    *,
    jobs: int = 1,
    scheduler: str | None = None,
) -> Iterator[R]:
    """Yield ``function(*args)`` for every ``args`` in ``arguments``, in that order.

    Results arrive as soon as they and all earlier ones are done, so a caller can report
    progress in order.
    """
    arguments = list(arguments)
    if scheduler is None and (jobs == 1 or len(arguments) <= 1):
        for args in arguments:  # in this process, one after another
            yield _one_thread(function, *args)
        return
    with _executor(jobs, scheduler, len(arguments)) as executor:
        futures: list[Future] = [
            executor.submit(_one_thread, function, *args) for args in arguments
        ]
        for future in futures:
            yield future.result()


def cached(key: Hashable, make: Callable[[], R]) -> R:
    """``make()`` once per process for ``key``: a worker loads a dataset once for all its runs."""
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


def remember(key: Hashable, value: Any) -> None:
    """Put a value this process already has (e.g. the loaded data) where :func:`cached` finds it."""
    _CACHE[key] = value


def _one_thread(function: Callable[..., R], *args: Any) -> R:
    from zeronn.threads import blas_threads  # BLAS and zeronn's own pool

    with blas_threads(1):
        return function(*args)


@contextmanager
def _executor(jobs: int, scheduler: str | None, tasks: int) -> Iterator[Executor]:
    if scheduler is not None:
        from distributed import Client

        with Client(scheduler) as client:
            yield client.get_executor()
    else:
        # "spawn": a fresh interpreter per worker, never a fork of a process whose BLAS threads
        # are running
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(jobs, tasks), mp_context=context) as pool:
            yield pool
