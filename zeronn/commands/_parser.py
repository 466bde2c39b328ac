"""The argument parser of ``zeronn`` and of every command: short errors that suggest the fix.

A mistyped flag is told in two lines under the command's own usage, never ten::

    usage: zeronn train [options]   (zeronn train --help lists them)
    zeronn train: error: unknown flag --epcohs; did you mean --epochs?

The suggestion is the closest of the command's own flags (:func:`difflib.get_close_matches`);
a mistyped command (``zeronn trian``) or choice (``--model mpl``) gets one the same way. Flags
are never abbreviated (``--epoch`` is not ``--epochs``): an abbreviation that works today
would break the day a second flag starts with it, so it is refused with the full name as the
suggestion.

The parser also records which flags the command line gave (``namespace.given_flags``, their
``dest`` names, defaults left out): a flag given with the value of its default is still given,
which is what the checks of flags that would be ignored (:mod:`._unused`) and ``--resume``
need to know.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from typing import Any, NoReturn

# where the parsed namespace keeps the dests of the flags the command line gave
GIVEN = "given_flags"
_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)$")


class CommandParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are two lines with a suggestion, that never
    abbreviates flags, and that records the flags given (``namespace.given_flags``)."""

    def __init__(self, *args: Any, command: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self.command = command  # a command's parser (zeronn train), not zeronn's own
        self._given: set[str] = set()

    def parse_known_args(self, args=None, namespace=None):
        """argparse's, but a command's parser refuses what it does not know itself (so the
        error is under its own usage, with its own flags to suggest), and the dests of the
        flags given are kept in ``namespace.given_flags``."""
        self._given = set()
        namespace, extras = super().parse_known_args(args, namespace)
        if extras and self.command:
            self.error(self._unknown(extras))
        setattr(namespace, GIVEN, frozenset(self._given | getattr(namespace, GIVEN, set())))
        return namespace, extras

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        # argparse calls this for every flag it meets on the command line, and only for those
        if action.option_strings:
            self._given.add(action.dest)
        return super()._get_values(action, arg_strings)

    def error(self, message: str) -> NoReturn:
        """Two lines on stderr, the short usage and the error with a suggestion; exit code 2."""
        usage = f"usage: {self.prog} [options]   ({self.prog} --help lists them)"
        if not self.command:
            usage = f"usage: {self.prog} COMMAND [options]   ({self.prog} --help lists them)"
        self.exit(2, f"{usage}\n{self.prog}: error: {self._suggest(message)}\n")

    def _unknown(self, extras: list[str]) -> str:
        """The error for arguments the command does not take: the first flag among them."""
        flags = [word for word in extras if word.startswith("-") and len(word) > 1]
        if not flags:
            takes = any(not action.option_strings for action in self._actions)
            return f"unexpected argument {extras[0]!r}" + ("" if takes else ": it takes flags only")
        word = flags[0].split("=", 1)[0]
        text = f"unknown flag {word}"
        known = [flag for flag in self._option_string_actions if flag.startswith("--")]
        # an abbreviation: every flag it starts (a few); else the one closest in spelling
        starting = sorted(flag for flag in known if flag.startswith(word) and word.startswith("--"))
        close = starting[:3] or difflib.get_close_matches(word, known, n=1, cutoff=0.6)
        if close:
            return f"{text}; did you mean {' or '.join(close)}?"
        return f"{text} (see {self.prog} --help)"

    def _suggest(self, message: str) -> str:
        """``message`` with "did you mean ...?" after an invalid choice that is close to one."""
        found = _CHOICE.search(message)
        if found is None:
            return message
        choices = re.findall(r"'([^']*)'", found.group(2))
        close = difflib.get_close_matches(found.group(1), choices, n=1, cutoff=0.5)
        return f"{message}; did you mean {close[0]!r}?" if close else message


def flag_names(parser: argparse.ArgumentParser) -> dict[str, str]:
    """``{"batch_size": "--batch-size", ...}``: each flag's dest and its (first long) flag."""
    names: dict[str, str] = {}
    for action in parser._actions:  # the first flag of a dest: --seeds, not its alias --seed
        long = [option for option in action.option_strings if option.startswith("--")]
        if long and action.dest not in ("help", "version"):
            names.setdefault(action.dest, long[0])
    return names


# where an option's Python name stands in a config's message: "expected lr to be", "lr=0.1"
_NAME_AFTER = ("expected ", "expected distinct ", "each of ", "value in ", "divisible by ")


def in_flag_words(message: str, flags: dict[str, str]) -> str:
    """``message`` (a config's, written for Python) with each option named as its flag:
    ``train expected lr representable ...`` -> ``train expected --lr representable ...``,
    ``lr=0.1`` -> ``--lr 0.1``, ``verify=False (on the command line: --no-verify)`` ->
    ``--no-verify``; ``flags`` maps the options' names to their flags.

    >>> in_flag_words("expected batch_size to be 1 or more", {"batch_size": "--batch-size"})
    'expected --batch-size to be 1 or more'
    """
    # a library message that gives both spellings: the command line's alone
    message = re.sub(r"\b\w+=\S* \(on the command line: (--[\w-]+)\)", r"\1", message)
    message = re.sub(r"\b\w+= \(or (--[\w-]+)\)", r"\1", message)
    for name, flag in sorted(flags.items(), key=lambda item: -len(item[0])):
        word = re.escape(name)
        message = re.sub(rf"(?<![\w.\-'\"]){word}=(?=\S)", f"{flag} ", message)
        for before in _NAME_AFTER:
            message = re.sub(rf"(?<={before}){word}(?![\w\-])", flag, message)
    return message


def given_flags(args: argparse.Namespace) -> frozenset[str]:
    """The dests of the flags the command line gave (none for a namespace built by hand)."""
    return getattr(args, GIVEN, frozenset())


def print_warning(command: str, text: str) -> None:
    """One line on stderr: ``zeronn COMMAND: warning: TEXT``."""
    print(f"zeronn {command}: warning: {text}", file=sys.stderr)
