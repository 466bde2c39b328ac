"""``zeronn <command>``: the one registry of commands.

Each command lives in its own module under ``zeronn.commands``, which defines
``add_arguments(parser)`` and ``run(args) -> int`` (and may define ``DESCRIPTION``). Only the
module of the command being run is imported, so ``zeronn --help`` loads neither matplotlib
nor scipy, and a broken command breaks only itself.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from zeronn import __version__
from zeronn.commands._options import HelpFormatter

# command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "train": ("zeronn.commands.train", "train and evaluate a network on MNIST or Fashion-MNIST"),
    "fewshot": (
        "zeronn.commands.fewshot",
        "few-sample MNIST: does rotating ten digits help? (a blog experiment, reproduced)",
    ),
    "flip-balance": (
        "zeronn.commands.flip_balance",
        "flip augmentation and class balance: the cats-and-dogs lesson on Fashion-MNIST",
    ),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``zeronn``; only ``command``'s own flags are loaded (its module imported)."""
    parser = argparse.ArgumentParser(
        prog="zeronn",
        description="zeronn: a from-scratch NumPy neural-network framework. One command per task.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"zeronn {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, formatter_class=HelpFormatter)
        if name == command:
            module = importlib.import_module(module_name)
            sub.description = getattr(module, "DESCRIPTION", help_text)
            module.add_arguments(sub)
            sub.set_defaults(_run=module.run)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The first argument that names a command (options of ``zeronn`` itself come before it)."""
    return next((word for word in argv if word in COMMANDS), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_in(argv))
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except (ValueError, TypeError, FileNotFoundError, NotADirectoryError, FileExistsError) as exc:
        print(f"zeronn {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
