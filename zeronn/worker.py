"""A worker process of a :class:`zeronn.parallel.Runner`: how it starts, stops and runs a task.

Ctrl-C is the parent's to act on (the terminal sends it to every process): a worker ignores
it. SIGTERM and SIGHUP end it: a run it is on unwinds first (its temporary files go), then it
exits with ``128 + n``; between runs it exits at once. A watchdog thread ends it the same way
when its parent dies without ending it. A stop is raised only where it can unwind the run:
not in the middle of a compiled module's start, and one a finalizer swallowed still ends the
worker after its task (see :mod:`zeronn.signals`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType

from zeronn.signals import (
    STOP_SIGNALS,
    Stopped,
    in_compiled_module_start,
    run_handler_again_soon,
)

# seconds a worker's run has to unwind once told to stop, before it is killed
STOP_GRACE_SECONDS = 5.0
# how often a worker's watchdog looks whether its parent is alive, in seconds
WATCH_SECONDS = 0.25

_PARENT: int | None = None  # the parent's pid, in a worker process; None in the parent
_TASK_RUNNING = False
_STOPPING: int | None = None  # the stop signal a worker received
_STOP_PENDING = False  # whether it waits to be raised


def start_worker(parent: int) -> None:
    """A worker's initializer: Ctrl-C is the parent's to act on, SIGTERM and SIGHUP end the
    worker (a run it is on unwinds first), and a watchdog ends it if the parent dies.

    The worker started with the three blocked (it was started from a thread blocking them:
    :func:`zeronn.signals.signals_blocked`), so none could strike during its imports; they are
    unblocked once handled here.
    """
    global _PARENT
    _PARENT = parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for number in STOP_SIGNALS:
        # one the parent ignores (SIGHUP under nohup) this process inherited ignored: it stays so
        if number != signal.SIGINT and signal.getsignal(number) != signal.SIG_IGN:
            signal.signal(number, _stop_worker)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    threading.Thread(target=_watch_parent, args=(parent,), name="watchdog", daemon=True).start()


def _stop_worker(signum: int, frame: FrameType | None) -> None:
    global _STOPPING, _STOP_PENDING
    if _STOPPING is not None and not _STOP_PENDING:  # already unwinding: let the cleanup finish
        return
    if _STOPPING is None:
        _STOPPING = signum
    if not _TASK_RUNNING:
        os._exit(128 + _STOPPING)  # between runs: nothing to clean up
    # raised while a compiled module starts, it could crash this process at exit (see
    # zeronn.signals): a moment later
    _STOP_PENDING = in_compiled_module_start(frame)
    if _STOP_PENDING:
        run_handler_again_soon(_STOPPING)
        return
    raise Stopped(_STOPPING)  # the run unwinds (its temporary files go); task() ends us


def _watch_parent(parent: int) -> None:
    """End this worker once its parent has died (it is then adopted: its parent pid changes)."""
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)  # as if the parent had ended us
    time.sleep(STOP_GRACE_SECONDS)  # a run that takes longer to unwind is cut short
    os._exit(128 + signal.SIGTERM)


@contextlib.contextmanager
def task() -> Iterator[None]:
    """Around every task. In a worker, a stop signal during it unwinds it, then ends the worker
    (``ProcessPoolExecutor`` would report the ``Stopped`` and wait for the next task)."""
    global _TASK_RUNNING
    if _PARENT is None:  # in the parent: a stop signal is the caller's to handle
        yield
        return
    try:
        _TASK_RUNNING = True
        yield
    except BaseException:
        # the Stopped, or what C code it passed through made of it
        if _STOPPING is not None:
            os._exit(128 + _STOPPING)
        raise
    finally:
        _TASK_RUNNING = False
    if _STOPPING is not None:  # raised in a finalizer, the Stopped was swallowed: end here
        os._exit(128 + _STOPPING)
