"""Print the house: zeronn's modules, their lines, their import floors, circles, the largest rooms.

    python tools/house.py            # the whole report
    python tools/house.py --floors   # only the modules floor by floor

The import graph is read from the source with ``ast``, nothing is imported. An edge A → B means
module A imports module B at import time: at module level (inside ``if``/``try`` too) or under
``if TYPE_CHECKING:`` (a type-only import still ties the two modules together for a reader).
Imports inside a function body run when the function is called; they are counted apart
("deferred"), as the commands' lazy imports are meant to be, and reported when one would close
a circle (a circle hidden in a function).

``from zeronn.data import load_mnist`` is an edge to ``zeronn.data`` (its ``__init__``);
``from zeronn import data`` an edge to the subpackage ``zeronn.data``; a relative import is
resolved against the importing module's package. A package's implicit import of its parents
(importing ``zeronn.data.idx`` runs ``zeronn/__init__.py`` first) is not an edge: every module
would otherwise sit above the front door.

A module's floor is 0 when it imports nothing of zeronn, else one more than the highest floor
it imports: the house reads bottom-up, floor by floor. A circle (modules that import each
other, directly or round a loop) has no floor; its modules are listed under "circles" and
placed one floor above what the circle imports.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "zeronn"
ROOT = Path(__file__).resolve().parent.parent
LARGE = 300  # lines: a module past this is asking to be split (STYLE.md)


@dataclass
class Module:
    """One module of the package: its name, file, lines and the zeronn modules it imports."""

    name: str
    path: Path
    lines: int
    imports: set[str] = field(default_factory=set)  # at import time (and TYPE_CHECKING)
    deferred: set[str] = field(default_factory=set)  # inside function bodies


def module_name(path: Path, root: Path) -> str:
    """``zeronn/data/idx.py`` -> ``zeronn.data.idx``; a package's ``__init__`` is the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_package(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Module]:
    """Every module of ``package`` under ``root``, with its imports resolved to module names."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        name = module_name(path, root)
        source = path.read_text(encoding="utf-8")
        modules[name] = Module(name, path, len(source.splitlines()))
    for module in modules.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"), str(module.path))
        for node, deferred in _import_nodes(tree.body, deferred=False):
            targets = set(_targets(node, module, modules))
            targets.discard(module.name)
            (module.deferred if deferred else module.imports).update(targets)
    for module in modules.values():
        module.deferred -= module.imports
    return modules


def _import_nodes(body: Iterable[ast.stmt], deferred: bool) -> Iterable[tuple[ast.stmt, bool]]:
    """Every import statement in ``body``, with whether it sits inside a function body."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, deferred
        inner = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child_body in _bodies(node):
            yield from _import_nodes(child_body, deferred or inner)


def _bodies(node: ast.stmt) -> Iterable[list[ast.stmt]]:
    """The statement lists nested in ``node`` (if/else, try/except/finally, with, class, def)."""
    for name in ("body", "orelse", "finalbody"):
        value = getattr(node, name, None)
        if isinstance(value, list):
            yield [item for item in value if isinstance(item, ast.stmt)]
    for handler in getattr(node, "handlers", []):
        yield handler.body
    for case in getattr(node, "cases", []):
        yield case.body


def _targets(node: ast.stmt, module: Module, modules: dict[str, Module]) -> Iterable[str]:
    """The zeronn modules one import statement reaches."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield from _known(alias.name, modules)
        return
    assert isinstance(node, ast.ImportFrom)
    base = node.module or ""
    if node.level:  # relative: against the importing module's package
        package = module.name.split(".")
        if module.path.name != "__init__.py":
            package = package[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        if submodule in modules:  # `from zeronn import data`: the subpackage itself
            yield submodule
        else:
            yield from _known(base, modules)


def _known(name: str, modules: dict[str, Module]) -> Iterable[str]:
    """``name`` if it is a module of the package (``zeronn.x.y`` for ``import zeronn.x.y``)."""
    if name in modules:
        yield name


def circles(modules: dict[str, Module]) -> list[list[str]]:
    """The strongly connected groups of two or more modules (Tarjan's algorithm), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(name: str) -> None:  # recursion depth is bounded by the number of modules
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for target in sorted(modules[name].imports):
            if target not in index:
                visit(target)
                low[name] = min(low[name], low[target])
            elif target in on_stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == name:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(modules) + 100))
    try:
        for name in sorted(modules):
            if name not in index:
                visit(name)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(found)


def floors(modules: dict[str, Module]) -> dict[str, int]:
    """Each module's floor: 0 imports nothing of zeronn, else 1 + the highest floor it imports.

    The modules of one circle share a floor (one above everything the circle imports).
    """
    group_of = {name: (name,) for name in modules}
    for group in circles(modules):
        for name in group:
            group_of[name] = tuple(group)
    floor: dict[tuple[str, ...], int] = {}

    def level(group: tuple[str, ...]) -> int:
        if group not in floor:
            floor[group] = -1  # being computed; circles are merged, so never met again
            below = {
                group_of[target]
                for name in group
                for target in modules[name].imports
                if group_of[target] != group
            }
            floor[group] = 1 + max((level(other) for other in below), default=-1)
        return floor[group]

    return {name: level(group_of[name]) for name in modules}


def hidden_circles(modules: dict[str, Module]) -> list[tuple[str, str]]:
    """Deferred imports ``A -> B`` that would close a circle if they were made at import time
    (B already reaches A): a circle hidden inside a function. The lazy imports that keep
    ``zeronn --help`` light go up the house and close none."""
    found = []
    for name, module in modules.items():
        for target in module.deferred:
            if name in _reachable(modules, target):
                found.append((name, target))
    return sorted(found)


def _reachable(modules: dict[str, Module], start: str) -> set[str]:
    """Every module ``start`` imports at import time, directly or through others."""
    seen, todo = {start}, [start]
    while todo:
        for target in modules[todo.pop()].imports:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def report(modules: dict[str, Module], only_floors: bool = False) -> str:
    """The house as text: totals, floor by floor, circles, the largest modules."""
    floor = floors(modules)
    lines = []
    if not only_floors:
        total = sum(module.lines for module in modules.values())
        edges = sum(len(module.imports) for module in modules.values())
        lines.append(
            f"{PACKAGE}: {len(modules)} modules, {total} lines, {edges} import edges, "
            f"{max(floor.values()) + 1} floors"
        )
        lines.append("")
    lines.append("floors (0 imports nothing of zeronn; each floor imports only floors below it)")
    for level in range(max(floor.values()) + 1):
        names = sorted(name for name in modules if floor[name] == level)
        entries = ", ".join(f"{_short(name)} {modules[name].lines}" for name in names)
        lines.append(f"  {level:2d}: {entries}")
    if only_floors:
        return "\n".join(lines)
    found = circles(modules)
    lines.append("")
    lines.append(f"circles: {len(found) or 'none'}")
    for group in found:
        lines.append("  " + " <-> ".join(_short(name) for name in group))
    deferred = sum(len(module.deferred) for module in modules.values())
    hidden = hidden_circles(modules)
    closing = len(hidden) or "none"
    lines.append("")
    lines.append(f"deferred imports (inside functions): {deferred}, closing a circle: {closing}")
    for name, target in hidden:
        lines.append(f"  {_short(name)} -> {_short(target)}")
    lines.append("")
    large = sorted(modules.values(), key=lambda module: (-module.lines, module.name))
    over = [module for module in large if module.lines > LARGE]
    lines.append(f"largest modules ({len(over)} over {LARGE} lines)")
    for module in large[:12]:
        mark = "  *" if module.lines > LARGE else ""
        lines.append(f"  {module.lines:5d}  {module.path.relative_to(ROOT)}{mark}")
    return "\n".join(lines)


def _short(name: str) -> str:
    """``zeronn.data.idx`` -> ``data.idx``; the front door stays ``zeronn``."""
    return name.removeprefix(f"{PACKAGE}.") if name != PACKAGE else name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--floors", action="store_true", help="only the floors")
    args = parser.parse_args(argv)
    print(report(read_package(), only_floors=args.floors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
