"""``zeronn experiment NAME [options]``: run one of the reproduced experiments by name.

Each experiment is a module (or package) that defines ``add_arguments(parser)`` and
``run(args) -> int``, like a top-level command; adding one is a line in ``EXPERIMENTS``.
"""

from __future__ import annotations

import argparse
import importlib
from types import ModuleType

# experiment name -> (module, one-line help)
EXPERIMENTS: dict[str, tuple[str, str]] = {
    "flip-balance": (
        "zeronn.experiments.flip_balance",
        "flip augmentation and class balance: the cats-and-dogs lesson on Fashion-MNIST",
    ),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add one sub-command per experiment, each with that experiment's own options."""
    subparsers = parser.add_subparsers(dest="experiment", metavar="NAME", required=True)
    for name, (module_name, help_text) in EXPERIMENTS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(_experiment_module=module_name)
        _import(module_name).add_arguments(sub)


def run(args: argparse.Namespace) -> int:
    """Run the experiment named on the command line with its parsed options."""
    return int(_import(args._experiment_module).run(args) or 0)


def _import(module_name: str) -> ModuleType:
    return importlib.import_module(module_name)
