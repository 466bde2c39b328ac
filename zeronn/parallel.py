"""Independent runs of a study, in this process, in worker processes, or on a Dask cluster.

A study (fewshot's repeats, sweep and init study; flip-balance's seeds × conditions) is a list
of runs that do not depend on each other. A :class:`Runner` maps a run function over their
arguments and yields the results in the order of the arguments:

- ``jobs=1`` (the default): in this process, one after another;
- ``jobs=N``: in this process and ``N - 1`` worker processes (``ProcessPoolExecutor``, "spawn").
  Whoever is free takes the next run (:mod:`zeronn.handout`), so this process, which has its
  modules imported and its data loaded already, computes its share instead of waiting;
- ``scheduler="tcp://host:8786"``: the workers of a Dask cluster, through
  ``distributed.Client(address).get_executor()`` (the optional extra ``zeronn[dask]``).

Every run computes with one BLAS thread wherever it runs, so a run gives the same numbers,
bit for bit, in any of the three: where it ran is not part of its result. The run function
must be importable (defined at module level) and its arguments small: a worker loads the data
itself, once per process (see :func:`cached`). A worker process takes about half a second to
start (a fresh interpreter, the imports, the data), so a study enters its runner before its
own set-up and gives it ``prepare``, which each worker runs as soon as it starts::

    with Runner(jobs=2, prepare=partial(load_data, config)) as runner:  # the worker starts
        data = load_data(config)                                        # ... while we load
        outcomes = list(runner.map(paired_task, [(config, seed) for seed in seeds]))

:func:`run_all` is the shortcut for a single study.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack
from typing import Any, TypeVar

from zeronn._checks import positive_int
from zeronn.handout import share

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


class Runner:
    """Where a study's runs go: this process, plus ``jobs - 1`` worker processes, or a cluster.

    A context manager: entering it starts the worker processes (each runs ``prepare()``, a
    picklable callable such as ``functools.partial(load_data, config)``, at once); leaving it
    stops them. One runner can serve several studies (:meth:`map` calls) in a row.
    """

    def __init__(
        self,
        jobs: int = 1,
        scheduler: str | None = None,
        *,
        prepare: Callable[[], object] | None = None,
    ) -> None:
        self.jobs, self.scheduler = check_parallel(jobs, scheduler, "Runner")
        self.prepare = prepare
        self._stack: ExitStack | None = None
        self._executor: Executor | None = None

    def __enter__(self) -> Runner:
        self._stack = ExitStack()
        if self.scheduler is not None:
            from distributed import Client

            client = self._stack.enter_context(Client(self.scheduler))
            self._executor = client.get_executor()
        elif self.jobs > 1:
            # "spawn": a fresh interpreter per worker, never a fork of a process whose BLAS
            # threads are running
            self._executor = ProcessPoolExecutor(
                max_workers=self.jobs - 1, mp_context=multiprocessing.get_context("spawn")
            )
            # not waiting: the workers exit while this process goes on (writing the results)
            self._stack.callback(self._executor.shutdown, wait=False, cancel_futures=True)
            if self.prepare is not None:
                # a process starts at each submit while none is idle: one per worker, now
                for _ in range(self.jobs - 1):
                    self._executor.submit(_prepare, self.prepare)
        return self

    def __exit__(self, *exc_info: object) -> None:
        stack, self._stack, self._executor = self._stack, None, None
        if stack is not None:
            stack.close()

    def map(self, function: Callable[..., R], arguments: Iterable[tuple]) -> Iterator[R]:
        """Yield ``function(*args)`` for every ``args`` in ``arguments``, in that order.

        Results arrive as soon as they and all earlier ones are done, so a caller can report
        progress in order. A run that raises raises here, at its place in the order.
        """
        if self._stack is None:
            raise RuntimeError("Runner.map runs inside `with Runner(...) as runner:`")
        arguments = list(arguments)
        if self._executor is None:  # in this process, one after another
            for args in arguments:
                yield _one_thread(function, *args)
        elif self.scheduler is not None:  # the cluster decides who runs what
            futures = [self._executor.submit(_one_thread, function, *a) for a in arguments]
            for future in futures:
                yield future.result()
        else:
            tasks = [(_one_thread, (function, *args)) for args in arguments]
            yield from share(tasks, self._executor, workers=self.jobs - 1)


def run_all(
    function: Callable[..., R],
    arguments: Iterable[tuple],
    *,
    jobs: int = 1,
    scheduler: str | None = None,
) -> Iterator[R]:
    """Yield ``function(*args)`` for every ``args`` in ``arguments``, in that order, through a
    runner of their own (see :class:`Runner`)."""
    with Runner(jobs, scheduler) as runner:
        yield from runner.map(function, arguments)


def cached(key: Hashable, make: Callable[[], R]) -> R:
    """``make()`` once per process for ``key``: a worker loads a dataset once for all its runs."""
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


def remember(key: Hashable, value: Any) -> None:
    """Put a value this process already has (e.g. the loaded data) where :func:`cached` finds it."""
    _CACHE[key] = value


def _prepare(prepare: Callable[[], object]) -> None:
    """A worker's first task: ``prepare()``, its result left in the worker (data stays there)."""
    prepare()


def _one_thread(function: Callable[..., R], *args: Any) -> R:
    from zeronn.threads import blas_threads  # BLAS and zeronn's own pool

    with blas_threads(1):
        return function(*args)
