"""``zeronn <command>``: the one registry of commands, and how their errors reach the user.

Each command lives in its own module under ``zeronn.commands``, which defines
``add_arguments(parser)``, ``config_from_args(args)`` (the frozen, validated config) and
``run(config) -> int`` (and may define ``DESCRIPTION``). Only the module of the command being
run is imported, so ``zeronn --help`` loads neither matplotlib nor scipy.

User errors and bugs are told apart. A user error gets one line naming the flag or the path
(a config's message names its options as Python does, ``lr``; the line names them as flags,
``--lr``: :func:`zeronn.commands._parser.in_flag_words`) and exit code 2: a bad flag
(argparse), a config the user's values make invalid (its
``ValueError``/``TypeError``, raised before anything is read or computed), a file or folder
problem (``OSError``: missing, unwritable, full disk) or data that is not what was asked for
(:class:`zeronn.data.errors.DataError`, a model file of another architecture too), or a run that
diverged (:class:`zeronn.divergence.NonFiniteLossError`: the line names the flags to change).
Anything else raised while the command runs is a bug in zeronn and keeps its traceback (exit
code 1). A signal that ends a run (Ctrl-C's SIGINT, SIGTERM from ``kill`` or ``timeout``,
SIGHUP) unwinds it like Ctrl-C (:mod:`zeronn.signals`) and exits with 128 + its number (130,
143, 129) and one line; the outputs of a run are written as one unit, so that line says the
previous ones are as they were (or, when the signal came after the last move, that the new
ones are complete).
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from zeronn import __version__
from zeronn.commands._options import CommandParser, HelpFormatter
from zeronn.commands._parser import flag_names, in_flag_words
from zeronn.run_folder import finished_outputs
from zeronn.signals import Received, signal_name, stop_signal, stopping_on_signals

# command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "train": (
        "zeronn.commands.train",
        "train and evaluate a network on MNIST, Fashion-MNIST or a folder of your images",
    ),
    "fewshot": (
        "zeronn.commands.fewshot",
        "few-sample MNIST: does rotating ten digits help? (a blog experiment, reproduced)",
    ),
    "flip-balance": (
        "zeronn.commands.flip_balance",
        "flip augmentation and class balance: the cats-and-dogs lesson on Fashion-MNIST or "
        "two folders of your images",
    ),
    "charlm": ("zeronn.commands.charlm", "a character-level language model on Python's help text"),
    "exercise": ("zeronn.commands.exercise", "write a layer's stub for you to fill in"),
    "check": ("zeronn.commands.check", "grade your layer: zeronn's forward, numerical gradients"),
}


# what a command stopped before its run began leaves behind
NOTHING_WRITTEN = "it had written nothing yet"


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``zeronn``; only ``command``'s own flags are loaded (its module imported)."""
    parser = CommandParser(
        prog="zeronn",
        description="zeronn: a from-scratch NumPy neural-network framework. One command per task.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"zeronn {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(
            name, help=help_text, formatter_class=HelpFormatter, command=True
        )
        if name == command:
            module = importlib.import_module(module_name)
            sub.description = getattr(module, "DESCRIPTION", help_text)
            module.add_arguments(sub)
            # the config's option names -> their flags, for its errors (OPTION_FLAGS: renamed)
            flags = {**flag_names(sub), **getattr(module, "OPTION_FLAGS", {})}
            sub.set_defaults(_command=module, _flags=flags)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The first argument that names a command (options of ``zeronn`` itself come before it)."""
    return next((word for word in argv if word in COMMANDS), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``zeronn ARGV...`` and return its exit code. With ``argv`` None this is the program
    itself (the console script, ``python -m zeronn``), on ``sys.argv``, and the process exits
    after it: a stop signal that comes once its run is over is let go until then."""
    program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    # SIGTERM and SIGHUP unwind the run as Ctrl-C does: every temporary file, folder and
    # worker process goes (zeronn.signals)
    code: int | None = None
    try:
        with stopping_on_signals(until_exit=program) as received:
            try:
                parser = build_parser(_command_in(argv))  # imports the command's module
                args = parser.parse_args(argv)  # a bad flag: two lines and exit code 2
            except KeyboardInterrupt as stop:
                return _stopped(_command_in(argv), stop_signal(stop), NOTHING_WRITTEN)
            except Exception:
                if received.signum is not None:  # a stop inside an import, turned into ImportError
                    return _stopped(_command_in(argv), received.signum, NOTHING_WRITTEN)
                raise
            code = _run(args, received)
            received.closing = True  # a signal from here on comes after the end: let it go
            return code
    except KeyboardInterrupt as stop:
        # the few bytecodes in which the handlers go in, or the run has returned but
        # `closing` is not yet set
        said = NOTHING_WRITTEN if code is None else "its run had ended"
        return _stopped(_command_in(argv), stop_signal(stop), said)


def _run(args: argparse.Namespace, received: Received) -> int:
    """Build the command's config, run it, and tell its errors and stops in one line."""
    command = args._command
    try:
        # Only the user's values are examined here: an error is theirs to fix.
        config = command.config_from_args(args)
    except (ValueError, TypeError, OSError) as error:
        if received.signum is not None:  # a stop signal's exception, turned into another
            return _stopped(args.command, received.signum, NOTHING_WRITTEN)
        return _user_error(args.command, in_flag_words(str(error), args._flags))
    except KeyboardInterrupt as stop:
        return _stopped(args.command, stop_signal(stop), NOTHING_WRITTEN)
    from zeronn.data.errors import DataError  # not at import: --help stays light
    from zeronn.divergence import NonFiniteLossError

    try:
        return int(command.run(config) or 0)
    except KeyboardInterrupt as stop:
        return _stopped(args.command, stop_signal(stop), _where_outputs_are(config.out))
    except Exception as error:
        if received.signum is not None:  # a stop signal's exception, turned into another
            return _stopped(args.command, received.signum, _where_outputs_are(config.out))
        if isinstance(error, OSError | DataError):
            return _user_error(args.command, in_flag_words(str(error), args._flags))
        if isinstance(error, NonFiniteLossError):
            return _user_error(args.command, _diverged(error, config))
        raise


def _where_outputs_are(out: Path) -> str:
    """What a stopped run left in ``out``: the previous outputs, or its own finished ones."""
    finished = finished_outputs(out)
    if finished is None:
        return f"{out} holds what it held before"
    if finished == out:
        return f"its outputs were complete in {out} already"
    return f"its finished outputs are kept in {finished}"


def _stopped(command: str | None, signum: int, what: str) -> int:
    """The one line of a run stopped by a signal; its exit code is 128 + the signal number."""
    how = "interrupted" if signum == signal.SIGINT else f"stopped by {signal_name(signum)}"
    name = "zeronn" if command is None else f"zeronn {command}"
    print(f"{name}: {how}; {what}", file=sys.stderr)
    return 128 + signum


def _user_error(command: str, error: BaseException | str) -> int:
    print(f"zeronn {command}: error: {error}", file=sys.stderr)
    return 2


def _diverged(error: BaseException, config: object) -> str:
    """A diverged run's one line: where it broke, and which of the command's flags to change."""
    lr = getattr(config, "learning_rate", getattr(config, "lr", None))
    advice = [] if lr is None else [f"lower --lr (now {lr:g})"]
    if hasattr(config, "clip_grad_norm"):
        clip = config.clip_grad_norm
        advice.append(
            "add --clip-grad-norm 5" if clip is None else f"lower --clip-grad-norm (now {clip:g})"
        )
    if getattr(config, "dtype", "float64") != "float64":
        advice.append("use --dtype float64")
    where = " ".join(str(error).split(". Try ")[0].split())  # the library's advice is Python's
    if len(advice) > 1:
        advice = [", ".join(advice[:-1]) + " or " + advice[-1]]
    return "; ".join([where, *advice])


if __name__ == "__main__":
    sys.exit(main())
