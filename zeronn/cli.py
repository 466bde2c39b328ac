"""``zeronn <command>``: one command per experiment or task.

Each command lives in its own module, which defines ``add_arguments(parser)`` and
``run(args) -> int``; the module is imported only when its command runs, so ``zeronn --help``
stays fast and a missing optional piece breaks only its own command.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

# command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "fewshot": ("zeronn.experiments.fewshot", "few-sample MNIST with and without rotation"),
    "train": ("zeronn.experiments.train", "train and evaluate a model on MNIST or Fashion-MNIST"),
    "experiment": ("zeronn.experiments.registry", "run a named experiment (e.g. flip-balance)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zeronn", description="zeronn: one command per experiment or task."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(_module=module_name)
        module = _import_command(module_name)
        if module is not None:
            module.add_arguments(sub)
    return parser


def _import_command(module_name: str) -> ModuleType | None:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    module = _import_command(args._module)
    if module is None:
        parser.error(f"command {args.command!r} is not available in this build")
    try:
        return int(module.run(args) or 0)
    except (ValueError, TypeError, FileNotFoundError, NotADirectoryError, FileExistsError) as exc:
        print(f"zeronn {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
