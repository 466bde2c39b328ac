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

Stopping: leaving the runner with an error (a run's, or a stop signal's: Ctrl-C, SIGTERM,
SIGHUP, see :mod:`zeronn.signals`) ends its worker processes at once instead of waiting for
their runs. A worker (:mod:`zeronn.worker`) ignores Ctrl-C (the terminal sends it to every
process; the parent decides), unwinds its run on SIGTERM or SIGHUP and then exits, and ends
itself the same way when its parent dies without ending it (a watchdog thread notices the
parent's pid change). So no worker, and no ``multiprocessing`` resource tracker (which lives
as long as a worker holds its pipe), outlives the run.
"""

from __future__ import annotations

import contextlib
import importlib.util
import multiprocessing
import multiprocessing.connection
import os
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack
from typing import Any, TypeVar

from zeronn._checks import positive_int
from zeronn.handout import share
from zeronn.signals import signals_blocked
from zeronn.worker import STOP_GRACE_SECONDS, start_worker, task

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
        try:
            self._start()
        except BaseException as error:  # a signal while the workers start: end those started
            self.__exit__(type(error), error, error.__traceback__)
            raise
        return self

    def _start(self) -> None:
        assert self._stack is not None
        if self.scheduler is not None:
            from distributed import Client

            client = self._stack.enter_context(Client(self.scheduler))
            self._executor = client.get_executor()
        elif self.jobs > 1:
            # "spawn": a fresh interpreter per worker, never a fork of a process whose BLAS
            # threads are running. Made with the stop signals blocked: a worker starts with them
            # blocked until it is ready for them (worker.start_worker), and so does the resource
            # tracker the executor starts, which makes itself deaf to SIGINT and SIGTERM but not
            # to SIGHUP: a closed terminal would kill it, and this process, unwinding, would
            # start another that complains about every semaphore it never saw
            with signals_blocked():
                self._executor = ProcessPoolExecutor(
                    max_workers=self.jobs - 1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=start_worker,
                    initargs=(os.getpid(),),
                )
                # Blocked again: starting the tracker (above, for the executor's queues)
                # unblocked SIGINT and SIGTERM in this thread, and a worker started so would
                # die of a Ctrl-C in the middle of its interpreter's start, printing a fatal
                # error. A process starts at each submit while none is idle: every worker
                # starts now, from this thread, with its first task (loading the data, when
                # there is a `prepare`). Left to the feeder threads of `share`, a start would
                # wait for the GIL while this process computes its own first run.
                with signals_blocked():
                    for _ in range(self.jobs - 1):
                        self._executor.submit(_prepare, self.prepare)
            # read now: shutting down forgets it
            manager = getattr(self._executor, "_executor_manager_thread", None)
            self._stack.callback(_shut_down, self._executor, manager)

    def __exit__(self, kind: type[BaseException] | None, *exc_info: object) -> None:
        stack, executor = self._stack, self._executor
        self._stack, self._executor = None, None
        if kind is not None and isinstance(executor, ProcessPoolExecutor):
            _end_workers(executor)  # the runs they are on are not wanted now
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


def _prepare(prepare: Callable[[], object] | None) -> None:
    """A worker's first task: ``prepare()``, its result left in the worker (data stays there);
    with none, only the start."""
    with task():
        if prepare is not None:
            prepare()


def _one_thread(function: Callable[..., R], *args: Any) -> R:
    from zeronn.threads import blas_threads  # BLAS and zeronn's own pool

    with task(), blas_threads(1):
        return function(*args)


def _shut_down(executor: ProcessPoolExecutor, manager: threading.Thread | None) -> None:
    """Shut the executor down and wait until its manager thread (the executor's private
    ``_executor_manager_thread``) has ended, its workers gone. Python 3.11 would otherwise, at
    exit, wake that thread through a pipe the thread may be closing at the same moment: a rare
    "OSError: [Errno 9] Bad file descriptor" traceback after a finished or stopped study."""
    executor.shutdown(wait=False, cancel_futures=True)
    if manager is not None:
        manager.join(timeout=STOP_GRACE_SECONDS)


def _end_workers(executor: ProcessPoolExecutor) -> None:
    """End the worker processes now, without waiting for the runs they are on.

    Python 3.11's ``ProcessPoolExecutor`` has no method for this (3.14 adds
    ``terminate_workers``); its processes are in its private ``_processes`` dict (pid ->
    ``multiprocessing.Process``), read before ``shutdown`` empties it. Each is sent SIGTERM
    (``Process.terminate``): its run unwinds and it exits (:mod:`zeronn.worker`); one still
    alive after ``STOP_GRACE_SECONDS`` is killed. The executor sees them go and fails their
    futures; it reaps them.
    """
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError):  # gone already, or closed
            process.terminate()
    # wait on the sentinels, not join(): the executor's own thread reaps the processes
    pending = {process.sentinel: process for process in processes}
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    while pending and (left := deadline - time.monotonic()) > 0:
        for ended in multiprocessing.connection.wait(list(pending), timeout=left):
            del pending[ended]
    for process in pending.values():
        with contextlib.suppress(OSError, ValueError):
            process.kill()
