"""The house reads bottom-up: zeronn's import graph has no circle (tools/house.py builds it).

Module-level and ``TYPE_CHECKING`` imports alike are edges (a type-only import still ties two
modules together for a reader); an import inside a function is deferred, and must not close a
circle either.
"""

import house  # tools/house.py

PACKAGE = house.read_package()


def test_the_import_graph_of_zeronn_has_no_circle():
    assert house.circles(PACKAGE) == []


def test_no_import_inside_a_function_hides_a_circle():
    assert house.hidden_circles(PACKAGE) == []


def test_every_module_imports_only_modules_on_lower_floors():
    floor = house.floors(PACKAGE)
    for name, module in PACKAGE.items():
        for target in module.imports:
            assert floor[target] < floor[name], (name, target)
    assert floor["zeronn.parameter"] == 0
    assert floor["zeronn.data.catalog"] == 0  # the dataset table stands alone


def write(root, path, text):
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)


def test_type_only_and_relative_imports_are_edges_and_function_imports_are_deferred(tmp_path):
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/low.py", "import os\n")
    write(
        tmp_path,
        "pkg/a.py",
        "from typing import TYPE_CHECKING\nfrom pkg import low\n"
        "if TYPE_CHECKING:\n    from pkg.b import B\n",
    )
    write(tmp_path, "pkg/sub/__init__.py", "")
    write(tmp_path, "pkg/sub/c.py", "from .. import low\nfrom . import d\n")
    write(tmp_path, "pkg/sub/d.py", "def f():\n    from pkg.sub import c\n")
    write(tmp_path, "pkg/b.py", "class B:\n    from pkg.a import low as seen_at_import\n")
    modules = house.read_package(tmp_path, "pkg")
    assert modules["pkg.a"].imports == {"pkg.low", "pkg.b"}
    assert modules["pkg.b"].imports == {"pkg.a"}  # a class body runs at import
    assert modules["pkg.sub.c"].imports == {"pkg.low", "pkg.sub.d"}
    assert modules["pkg.sub.d"].deferred == {"pkg.sub.c"}
    assert house.circles(modules) == [["pkg.a", "pkg.b"]]
    assert house.hidden_circles(modules) == [("pkg.sub.d", "pkg.sub.c")]
    floor = house.floors(modules)
    assert floor["pkg.low"] == 0
    assert floor["pkg.a"] == floor["pkg.b"] == 1  # a circle shares one floor


def test_the_script_prints_the_house(capsys):
    assert house.main([]) == 0
    printed = capsys.readouterr().out
    assert "circles: none" in printed
    assert "closing a circle: none" in printed
    assert " 0: zeronn " in printed
    assert "largest modules" in printed
