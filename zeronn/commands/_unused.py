"""Flags that would be ignored: refused, or where harmless warned about, before a run starts.

A flag given but not used misleads: the user believes it acted. Each command lists, beside its
flags, the conditions under which one of them would be ignored (its ``UNUSED`` rules), and
:func:`check_unused` applies them to the flags the command line gave (``given_flags``: a flag
left at its default is not checked) and the config built from them (``--hidden`` is ignored by
a convnet read from a ``--load`` file too). A refusal is the one-line error of a bad flag,
saying what to do; a warning is one line on stderr and the run goes on.

Some conditions are refused by the config itself (``by_config``: they concern the Python
options too, such as ``--hidden`` for a convnet); they are listed here so that each command's
table is whole. Every rule carries an ``example`` command line that triggers it, which the
tests run (tests/commands/test_unused_flags.py); :func:`table` renders the rules as a table.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from zeronn.commands._parser import given_flags, print_warning

Condition = Callable[[Any, frozenset[str]], bool]


@dataclass(frozen=True)
class Unused:
    """``flags`` (their dests) would be ignored ``when(config, given)`` holds, because of
    ``why``; ``fix`` says what to give instead. ``refuse`` False: a warning only."""

    flags: tuple[str, ...]
    when: Condition
    why: str
    fix: str = ""
    refuse: bool = True
    example: tuple[str, ...] = ()
    by_config: bool = False

    def message(self, dest: str) -> str:
        """The line that refuses or warns about the flag ``dest``."""
        verb = "would be ignored" if self.refuse else "is ignored"
        return f"{flag_of(dest)} {verb}: {self.why}" + (f"; {self.fix}" if self.fix else "")


def flag_of(dest: str) -> str:
    """``"batch_size"`` -> ``"--batch-size"``."""
    return "--" + dest.replace("_", "-")


def check_unused(
    command: str, rules: Iterable[Unused], config: Any, args: argparse.Namespace
) -> None:
    """Refuse (ValueError) the first given flag a refusing rule finds unused; warn about
    those of the warning rules (one line each on stderr)."""
    given = given_flags(args)
    warnings = []
    for rule in rules:
        if rule.by_config:
            continue
        hit = [dest for dest in rule.flags if dest in given]
        if not hit or not rule.when(config, given):
            continue
        if rule.refuse:
            raise ValueError(rule.message(hit[0]))
        warnings += [rule.message(dest) for dest in hit]
    for text in warnings:
        print_warning(command, text)


def overwrite_without_out(command: str) -> Unused:
    """``--overwrite`` without ``--out``: every run gets a new folder, nothing to overwrite."""
    return Unused(
        ("overwrite",),
        lambda config, given: "out" not in given,
        f"without --out every run writes a new runs/{command}/<date-time> folder, so there is "
        "nothing to overwrite",
        refuse=False,
        example=("--overwrite",),
    )


def table(rules_of: dict[str, Iterable[Unused]]) -> str:
    """The rules of each command as a Markdown table: command, flag, when ignored, verdict."""
    rows = ["| command | flag | ignored when | verdict |", "|---|---|---|---|"]
    for command, rules in rules_of.items():
        for rule in rules:
            flags = ", ".join(f"`{flag_of(dest)}`" for dest in rule.flags)
            verdict = "refused" if rule.refuse else "warned"
            if rule.by_config:
                verdict += " (by the config)"
            rows.append(f"| {command} | {flags} | {rule.why} | {verdict} |")
    return "\n".join(rows)
