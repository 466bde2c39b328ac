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
later, outside. :func:`signals_held` holds the three back during a block that must not be cut
in half (the final renames of a run folder) and delivers them right after it.
:func:`signals_blocked` blocks them in one thread, so that a process it starts begins with
them blocked (a worker unblocks them once it is ready).
"""

from __future__ import annotations

import _thread
import contextlib
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
    # the exception the handler raised; whether Python swallowed it (see the module's
    # docstring) and it waits to be raised again, by the timer `again`; whether an unraisable
    # error is being reported
    raised: BaseException | None = None
    swallowed: bool = False
    reporting: bool = False
    again: threading.Timer | None = None


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
        elif not received.swallowed:  # already unwinding: let the cleanup finish
            return
        if received.reporting:  # raised inside the hook below, it would be lost as well
            received.swallowed = True
            received.again = _run_handler_again_soon(received.signum)
            return
        received.swallowed = False
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
                received.swallowed = True  # ours, swallowed: raised again, printed never
                received.again = _run_handler_again_soon(received.signum)
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


def _run_handler_again_soon(signum: int) -> threading.Timer:
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
