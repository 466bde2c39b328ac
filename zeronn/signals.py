"""How a run stops: every signal that ends it unwinds it, so every cleanup runs.

Python turns SIGINT (Ctrl-C) into ``KeyboardInterrupt``, which unwinds the stack through every
``with`` and ``finally``: a run's temporary folder is removed, its worker processes are ended.
SIGTERM (what ``kill`` and ``timeout`` send) and SIGHUP (a closed terminal) would end the
process on the spot instead, leaving temporary files, hidden folders and orphaned workers.
Inside :func:`stopping_on_signals` (the whole of a ``zeronn`` command) they raise
:class:`Stopped`, a ``KeyboardInterrupt``, so they unwind a run exactly as Ctrl-C does. A
process that stops because of signal ``n`` exits with ``128 + n``, as the shell reports it:
130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP.

Only the first signal raises: one arriving while the run is already unwinding is ignored, so
it cannot cut the cleanup (short and bounded) in half. Python runs a handler between any two
bytecodes, also inside a weakref callback or a ``__del__``, where an exception is only printed
("Exception ignored in ...") and the code goes on: the stop would be lost. So the block also
takes Python's reports of its own exception, prints nothing, and raises it again a moment
later, outside; and a signal that comes while a compiled module starts (its init function
calls Python too) is raised a moment after that start.

:func:`signals_held` holds the three back during a block that must not be cut in half (the
final renames of a run folder) and delivers them right after it. :func:`signals_blocked`
blocks them in one thread, so that a process it starts begins with them blocked (a worker
unblocks them once it is ready).
"""

from __future__ import annotations

import _thread
import contextlib
import importlib.machinery
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType

# SIGHUP does not exist on Windows
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)

Handler = Callable[[int, FrameType | None], object] | int | None


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised as Ctrl-C raises ``KeyboardInterrupt``; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal_name(signum))
        self.signum = signum


def signal_name(signum: int) -> str:
    """``"SIGTERM"`` for ``signal.SIGTERM``."""
    return signal.Signals(signum).name


def stop_signal(error: KeyboardInterrupt) -> int:
    """The signal behind a ``KeyboardInterrupt``: its ``signum`` if it is :class:`Stopped`,
    else SIGINT."""
    return getattr(error, "signum", signal.SIGINT)


def _heeded() -> list[int]:
    """The stop signals this process does not ignore (``nohup`` ignores SIGHUP, a shell
    ignores SIGINT for a job it starts in the background: they stay ignored)."""
    return [number for number in STOP_SIGNALS if signal.getsignal(number) != signal.SIG_IGN]


def _in_main_thread() -> bool:
    # Python runs signal handlers in the main thread only, and only it may install them
    return threading.current_thread() is threading.main_thread()


class Received:
    """The stop signal received inside :func:`stopping_on_signals`: ``signum``, or None.

    ``closing`` is set by the block's owner once its work is over (a command has returned its
    exit code): a signal that comes after that is let go, as if it had come after the exit.
    """

    signum: int | None = None
    closing: bool = False
    # The exception the handler raised. `pending`: the stop still waits to be raised, because
    # raising it where the handler ran would lose it (a finalizer swallowed it, or it came
    # while an unraisable error was reported) or cut a compiled module's start in half; the
    # timer `again` runs the handler a moment later.
    raised: BaseException | None = None
    pending: bool = False
    reporting: bool = False
    again: threading.Timer | None = None

    def defer(self) -> None:
        """Raise the stop a moment from now instead."""
        assert self.signum is not None
        self.pending = True
        self.again = run_handler_again_soon(self.signum)


@contextlib.contextmanager
def stopping_on_signals(*, until_exit: bool = False) -> Iterator[Received]:
    """Within the block, SIGINT raises ``KeyboardInterrupt`` and SIGTERM and SIGHUP raise
    :class:`Stopped`, the first of them only, unless ignored; the previous handlers come back
    after it. With ``until_exit``, for a program's entry point, a block left ``closing`` keeps
    its handlers, which let every signal go, until the process exits: the interpreter's exit
    (joining a finished pool's threads, say) is not interrupted into a traceback.

    Yields a :class:`Received` that records the signal: C code that calls back into Python
    (matplotlib drawing, say) can turn the exception raised there into another one on its way
    up, and the run is still one a signal stopped.
    """
    received = Received()
    if not _in_main_thread():
        yield received
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        if received.closing:  # the work is over: nothing to stop
            return
        if received.signum is None:
            received.signum = signum
        elif not received.pending:  # already unwinding: let the cleanup finish
            return
        if received.reporting or in_compiled_module_start(frame):
            received.defer()
            return
        received.pending = False
        if received.signum == signal.SIGINT:
            received.raised = KeyboardInterrupt()
        else:
            received.raised = Stopped(received.signum)
        raise received.raised

    report_unraisable = sys.unraisablehook

    def report_unless_ours(report: sys.UnraisableHookArgs) -> None:
        received.reporting = True
        try:
            if report.exc_value is not None and report.exc_value is received.raised:
                received.defer()  # ours, swallowed by a finalizer: raised again, never printed
            else:
                report_unraisable(report)  # not our stop: reported as Python would
        finally:
            received.reporting = False

    previous = {number: signal.signal(number, stop) for number in _heeded()}
    sys.unraisablehook = report_unless_ours
    try:
        yield received
    finally:
        if received.again is not None:  # the block is over: no stop to deliver any more
            received.again.cancel()
        sys.unraisablehook = report_unraisable
        if until_exit and received.closing:
            previous = {}
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


# What imports a compiled module (its file, then its init function, which may call Python)
_COMPILED_MODULE_START = (
    importlib.machinery.ExtensionFileLoader.create_module.__code__,
    importlib.machinery.ExtensionFileLoader.exec_module.__code__,
)


def in_compiled_module_start(frame: FrameType | None) -> bool:
    """Whether ``frame`` runs inside the start of a compiled module: an exception raised there
    leaves the module half made, and some (pybind11's: matplotlib's ``_backend_agg``) then
    crash the interpreter at exit ("PyThreadState_Get: ... the GIL is released")."""
    while frame is not None:
        if frame.f_code in _COMPILED_MODULE_START:
            return True
        frame = frame.f_back
    return False


def run_handler_again_soon(signum: int) -> threading.Timer:
    """Have the main thread run the handler of ``signum`` at its next bytecode from now on
    plus a millisecond: ``interrupt_main`` from the main thread itself would run it on the
    spot, in the middle of what has to finish first."""
    timer = threading.Timer(0.001, _thread.interrupt_main, args=(signum,))
    timer.daemon = True
    timer.start()
    return timer


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold back SIGINT, SIGTERM and SIGHUP during the block; deliver them right after it.

    Python runs signal handlers in the main thread between bytecodes, so swapping in a handler
    that only records the signal makes the block uninterruptible by them. A signal held back
    reaches the handler that was in place before (which may raise); under the default action
    the process then ends as it would have.
    """
    if not _in_main_thread():  # no handler can interrupt another thread
        yield
        return
    received: list[int] = []
    previous = {
        number: signal.signal(number, lambda n, _: received.append(n)) for number in STOP_SIGNALS
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        for number in received:
            _deliver(number, previous[number])


def _deliver(number: int, handler: Handler) -> None:
    if callable(handler):
        handler(number, None)  # SIGINT's default handler raises KeyboardInterrupt
    elif handler in (signal.SIG_DFL, None):
        os.kill(os.getpid(), number)


@contextlib.contextmanager
def signals_blocked() -> Iterator[None]:
    """Block SIGINT, SIGTERM and SIGHUP in this thread during the block (POSIX; elsewhere a
    no-op). A process started here inherits the mask, so they wait until it unblocks them; in
    this process they go to another thread (Python runs the handlers in the main thread), or,
    from the main thread, arrive when the block ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
