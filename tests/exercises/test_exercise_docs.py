"""docs/exercises.md shows what zeronn check prints today, for its correct and its buggy file."""

import re
from pathlib import Path

from zeronn.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "exercises.md"
BLOCK = re.compile(r"<!-- (.+?) -->\n```\w+\n(.*?)^```", re.DOTALL | re.MULTILINE)


def test_the_documented_outputs_are_what_zeronn_check_prints(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert [label for label, _ in blocks] == [
        "my_affine.py",
        "zeronn check my_affine.py",
        "planted in my_affine.py",
        "zeronn check my_affine.py",
    ]
    (_, source), (_, correct), (_, diff), (_, buggy) = blocks
    Path("my_affine.py").write_text(source)
    assert main(["check", "my_affine.py"]) == 0
    assert capsys.readouterr().out == correct
    removed = [line[1:] for line in diff.splitlines() if line.startswith("-")]
    added = [line[1:] for line in diff.splitlines() if line.startswith("+")]
    for old, new in zip(removed, added, strict=True):
        assert source.count(old) == 1
        source = source.replace(old, new)
    Path("my_affine.py").write_text(source)
    assert main(["check", "my_affine.py"]) == 1
    assert capsys.readouterr().out == buggy
