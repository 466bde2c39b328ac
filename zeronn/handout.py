"""Hand a list of tasks to this process and to an executor's workers, whoever is free first.

:func:`share` is how ``zeronn.parallel`` runs a study with ``--jobs N``: this process and
``N - 1`` worker processes each take the next task not yet taken, one at a time, until none is
left. Nothing is handed out ahead, so a worker that starts late (a fresh interpreter, its
imports and its data take about half a second) simply takes fewer tasks, and the study ends
when the last task does. The results come back in the order of the tasks, each as soon as it
and all earlier ones are done.

How: one thread per worker process takes a task, submits it and waits for its result; this
process's own thread (the caller's) takes tasks in between handing back results. A task that
raises raises at its place in the order, as it would have one after another; after it, no new
task is handed out.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from zeronn.signals import signals_blocked

Task = tuple[Callable[..., Any], tuple]


@dataclass(frozen=True)
class Outcome:
    """What one task gave: its value, or the error it raised."""

    value: Any = None
    error: BaseException | None = None

    def result(self) -> Any:
        """The value, or raise the error."""
        if self.error is not None:
            raise self.error
        return self.value


class TaskList:
    """The indices ``0, 1, ..., count - 1``, each taken once by whoever asks first."""

    def __init__(self, count: int) -> None:
        self._next, self._count = 0, count
        self._lock = threading.Lock()

    def take(self) -> int | None:
        """The next index not yet taken, or None when none is left (or the list was closed)."""
        with self._lock:
            if self._next >= self._count:
                return None
            self._next += 1
            return self._next - 1

    def close(self) -> None:
        """Hand out nothing more."""
        with self._lock:
            self._count = 0


def share(tasks: Sequence[Task], executor: Executor, workers: int) -> Iterator[Any]:
    """Yield ``function(*args)`` of every ``(function, args)`` in ``tasks``, in that order.

    The tasks run in this process and on ``workers`` workers of ``executor``, one task per
    worker at a time. Leaving early (an error, or the caller stops iterating) hands out nothing
    more and waits for the tasks the workers are running; a stop signal (``KeyboardInterrupt``
    and :class:`zeronn.signals.Stopped`, not an ``Exception``) does not wait: the executor's
    owner ends the workers (:class:`zeronn.parallel.Runner` does).
    """
    handout = TaskList(len(tasks))
    finished: queue.SimpleQueue[tuple[int, Outcome]] = queue.SimpleQueue()
    # daemon threads: one waiting on a worker that is being ended never holds the process up
    feeders = [
        threading.Thread(target=_feed, args=(tasks, handout, executor, finished), daemon=True)
        for _ in range(workers)
    ]
    done: dict[int, Outcome] = {}

    def record(index: int, outcome: Outcome) -> None:
        done[index] = outcome
        if outcome.error is not None:  # every earlier task is taken already: wait for those
            handout.close()

    try:
        for feeder in feeders:
            feeder.start()
        for index in range(len(tasks)):
            while index not in done:
                if not finished.empty():  # a worker's result: hand it on first
                    record(*finished.get())
                elif (mine := handout.take()) is not None:  # else take a task ourselves
                    record(mine, _run_here(tasks[mine]))
                else:  # none left to take: wait for the workers
                    record(*finished.get())
            yield done.pop(index).result()
    except (Exception, GeneratorExit):  # a task's error, or the caller stopped iterating
        _stop(handout, feeders)
        raise
    except BaseException:  # a stop signal: nothing is waited for
        handout.close()
        raise
    _stop(handout, feeders)


def _stop(handout: TaskList, feeders: list[threading.Thread]) -> None:
    """Hand out nothing more, and wait for the tasks the workers are running."""
    handout.close()
    for feeder in feeders:
        if feeder.is_alive():
            feeder.join()


def _run_here(task: Task) -> Outcome:
    function, args = task
    try:
        return Outcome(value=function(*args))
    except Exception as error:  # raised at its place in the order; Ctrl-C stops us at once
        return Outcome(error=error)


def _feed(
    tasks: Sequence[Task],
    handout: TaskList,
    executor: Executor,
    finished: queue.SimpleQueue[tuple[int, Outcome]],
) -> None:
    """One worker's share: submit the next task not yet taken, wait for it, and again.

    With the stop signals blocked: they are the caller's thread's to handle, and a worker
    process this submit starts inherits them blocked until it is ready for them.
    """
    with signals_blocked():
        while (index := handout.take()) is not None:
            function, args = tasks[index]
            try:
                outcome = Outcome(value=executor.submit(function, *args).result())
            except BaseException as error:  # reported in order by the caller's thread
                outcome = Outcome(error=error)
            finished.put((index, outcome))
