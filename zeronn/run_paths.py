"""Where a run's outputs may go: the rules for ``--out``, checked once, before any compute.

A run writes its outputs into a hidden folder beside ``--out`` and, when it has finished,
renames that folder onto ``--out``, replacing whatever was there (:mod:`zeronn.run_folder`).
So ``--out`` is refused, with one line naming it and the reason, when

- it would destroy or hide something the run reads: it may not be, hold, or sit inside
  ``--data``, ``--root``, ``$ZERONN_DATA`` or the download cache
  (:func:`zeronn.data.locate.cache_folder`), nor be or hold the folder of the ``--load`` file
  (an ``--out`` beside that file never touches it). Paths are compared as real paths:
  symlinks followed, ``..`` resolved, so an ``--out`` that is a symlink into an input counts;
  ``$ZERONN_DATA`` and the cache are guarded for every command: they hold the datasets every
  run may read;
- the final rename could not replace it: a file, a mount point, the current folder or a folder
  holding it (``--out .``), or a folder already holding files without ``overwrite``;
- it cannot be written, or its name leaves no room for the longest name a run gives a folder
  beside it (``NAME.kept-YYYYmmdd-HHMMSS-NN``, :data:`SIBLING_EXTRA` bytes more than NAME).
  Both are tried, not guessed: the folders a run would create are made, under the real names'
  lengths, in a probe folder that is removed at once.

A symlink ``--out`` is followed: the outputs replace its target's contents and the link stays a
link. Nothing here reads a dataset; the configs call :func:`check_run_paths` from their
``check_paths()``, which the commands call when they build a config and the run functions
call first, never from ``__post_init__``: building or ``dataclasses.replace``-ing a config
never touches the file system's output side.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from zeronn.signals import signals_held

# (what the path is, e.g. "--data"; the path, or None when the option is not given)
Named = tuple[str, str | os.PathLike | None]

# the folders a run puts beside NAME: .NAME.partial-XXXXXXXX (its outputs while it runs),
# .NAME.old-XXXXXXXX (the replaced outputs, for an instant), NAME.kept-STAMP[-N] (finished
# outputs --out could not take); the last is the longest, by SIBLING_EXTRA bytes
PARTIAL_INFIX, OLD_INFIX, KEPT_INFIX = ".partial-", ".old-", ".kept-"
STAMP_FORMAT = "%Y%m%d-%H%M%S"
MAX_KEPT_NUMBER = 99
SIBLING_EXTRA = len(KEPT_INFIX) + len("YYYYmmdd-HHMMSS") + len(f"-{MAX_KEPT_NUMBER}")


class OutputFolderError(OSError):
    """The output folder cannot be used: it is a file, not empty, not writable, an input..."""


def kept_name(name: str, stamp: str, number: int = 1) -> str:
    """``NAME.kept-STAMP`` (``-N`` from the second on): where finished outputs are kept when
    ``--out`` could not take them."""
    return f"{name}{KEPT_INFIX}{stamp}" + (f"-{number}" if number > 1 else "")


def real_path(path: str | os.PathLike) -> Path:
    """``path`` with symlinks followed and ``..`` resolved (missing parts kept as they are)."""
    return Path(os.path.realpath(path))


def _shown(path: str | os.PathLike) -> str:
    """``path``, and the real path it leads to when a symlink or ``..`` makes them differ."""
    real = real_path(path)
    return str(path) if Path(os.path.abspath(path)) == real else f"{path} (→ {real})"


def data_stores() -> list[Named]:
    """``$ZERONN_DATA`` (when set) and the download cache: the folders any run may read."""
    from zeronn.data.locate import cache_folder  # not at import: --help stays light

    stores: list[Named] = []
    if os.environ.get("ZERONN_DATA"):
        stores.append(("$ZERONN_DATA", os.environ["ZERONN_DATA"]))
    stores.append(("the data cache", cache_folder()))
    return stores


def check_run_paths(
    out: str | os.PathLike,
    *,
    overwrite: bool,
    folders: Iterable[Named] = (),
    files: Iterable[Named] = (),
    flag: str = "--out",
) -> Path:
    """Refuse, before any compute, an ``out`` that would touch an input or that a run could not
    replace whole (the module docstring lists the rules). ``folders``: the input folders,
    ``files``: the input files, each as ``(what, path)``; the data stores are added here.
    """
    target = real_path(out)
    for what, path in [*folders, *data_stores()]:
        if path is None:
            continue
        real = real_path(path)
        if target == real:
            why = f"is {what} {_shown(path)}: replacing it would delete that input"
        elif real.is_relative_to(target):
            why = f"holds {what} {_shown(path)}: replacing it would delete that input"
        elif target.is_relative_to(real):
            why = f"is inside {what} {_shown(path)}: a run never writes into what it reads"
        else:
            continue
        raise OutputFolderError(f"{flag} {_shown(out)} {why}; choose a folder outside it")
    for what, path in files:
        if path is not None and real_path(path).is_relative_to(target):
            relation = "is" if real_path(path) == target else "holds"
            raise OutputFolderError(
                f"{flag} {_shown(out)} {relation} the {what} file {_shown(path)}: replacing it "
                "would delete that input; choose a folder that does not hold it"
            )
    return check_output_folder(out, overwrite=overwrite, flag=flag)


def check_output_folder(out: str | os.PathLike, *, overwrite: bool, flag: str = "--out") -> Path:
    """Refuse, before any compute, an output folder this run could not write as one unit.

    ``out`` may be missing (it is created at the end), an empty folder, or, with ``overwrite``,
    a folder whose contents will be replaced; not a file, a mount point, or the current folder
    or one holding it. Writability and name lengths are tried, not guessed (:func:`_probe`).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"{flag} expected a folder, but {out} is a file")
    target = real_path(out)
    here = real_path(Path.cwd())
    if here.is_relative_to(target):
        what = "is the current folder" if here == target else f"holds the current folder {here}"
        raise OutputFolderError(
            f"{flag} {_shown(out)} {what}: a run replaces {flag} whole when it ends, which would "
            f"pull away the folder it runs in; choose a folder below it, e.g. {flag} runs/NAME"
        )
    if target.is_dir() and os.path.ismount(target):
        raise OutputFolderError(
            f"{flag} {_shown(out)} is a mount point: a run replaces {flag} by renaming its "
            f"finished folder onto it, which a mount point refuses; choose a folder inside it, "
            f"e.g. {flag} {out / 'run'}"
        )
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise OutputFolderError(
            f"{flag} {out} already holds files (an earlier run's?); choose a new folder, or "
            "pass --overwrite to replace them with this run's outputs"
        )
    _probe(out, target, flag)
    return out


def _probe(out: Path, target: Path, flag: str) -> None:
    """Make, and remove at once, the folders a run will make: the missing parents of ``out``
    and, beside it, a folder named as long as the longest name a run gives one there."""
    parent = _nearest_existing(target.parent)
    missing = target.parent.relative_to(parent).parts
    longest = kept_name(target.name, "YYYYmmdd-HHMMSS", MAX_KEPT_NUMBER)
    with signals_held():  # the probe never outlives this block
        try:
            probe = Path(tempfile.mkdtemp(prefix=".zeronn-probe-", dir=parent))
        except OSError as error:
            raise OutputFolderError(
                f"{flag} {out} cannot be written: creating a folder in {parent} failed "
                f"({error.strerror or error})"
            ) from None
        try:
            beside = probe.joinpath(*missing)
            beside.mkdir(parents=True, exist_ok=True)
            (beside / longest).mkdir()
        except OSError as error:
            if error.errno != errno.ENAMETOOLONG:
                raise OutputFolderError(
                    f"{flag} {out} cannot be written: creating folders in {parent} failed "
                    f"({error.strerror or error})"
                ) from None
            too_long = Path(error.filename or "").name
            if too_long != longest:  # the name of a parent that does not exist yet
                raise OutputFolderError(
                    f"{flag} {out}: the name {too_long!r} ({len(os.fsencode(too_long))} bytes) "
                    "is too long for the file system; choose a shorter one"
                ) from None
            raise OutputFolderError(
                f"{flag} {out}: its name is {len(os.fsencode(target.name))} bytes long, and with "
                f"the {SIBLING_EXTRA} bytes a run adds to it for the folders it makes beside it "
                f"(such as {kept_name('NAME', 'YYYYmmdd-HHMMSS')}) it is too long for the file "
                "system; choose a shorter name"
            ) from None
        finally:
            shutil.rmtree(probe, ignore_errors=True)


def _nearest_existing(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path
