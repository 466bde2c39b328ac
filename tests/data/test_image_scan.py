"""Scanning class folders: order, hidden files, nesting, symlink loops and refusals."""

import os
from pathlib import Path

import numpy as np
import pytest

from zeronn.data.image_scan import has_split_folders, scan_image_folder


def touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def names(files):
    return [Path(path).relative_to(files.root).as_posix() for path in files.paths]


def test_classes_are_sorted_folder_names_and_files_sorted_within(tmp_path):
    for name in ["dog/b.jpg", "dog/a.png", "cat/z.PNG", "cat/deeper/y.jpeg", "Ant/x.gif"]:
        touch(tmp_path / name)
    touch(tmp_path / "stray.png")  # a file directly in root belongs to no class
    files = scan_image_folder(tmp_path)
    assert files.class_names == ("Ant", "cat", "dog")
    assert names(files) == ["Ant/x.gif", "cat/deeper/y.jpeg", "cat/z.PNG", "dog/a.png", "dog/b.jpg"]
    np.testing.assert_array_equal(files.labels, [0, 1, 1, 2, 2])
    assert files.labels.dtype == np.int64
    assert files.bad == ()
    assert (
        repr(files)
        == f"ImageFiles({str(tmp_path)!r}, 5 files, classes=['Ant', 'cat', 'dog'], bad=0)"
    )


def test_classes_argument_picks_and_orders_the_classes(tmp_path):
    for name in ["cat/a.png", "dog/a.png", "eel/a.png"]:
        touch(tmp_path / name)
    files = scan_image_folder(tmp_path, classes=["dog", "cat"])
    assert files.class_names == ("dog", "cat")
    assert names(files) == ["dog/a.png", "cat/a.png"]
    np.testing.assert_array_equal(files.labels, [0, 1])


def test_hidden_files_and_folders_are_ignored(tmp_path):
    touch(tmp_path / "cat" / "a.png")
    touch(tmp_path / "cat" / ".DS_Store")
    touch(tmp_path / "cat" / ".ipynb_checkpoints" / "a-checkpoint.png")
    touch(tmp_path / ".hidden_class" / "a.png")
    files = scan_image_folder(tmp_path)
    assert files.class_names == ("cat",)
    assert names(files) == ["cat/a.png"]


def test_files_without_an_image_extension_are_reported_as_bad(tmp_path):
    touch(tmp_path / "cat" / "a.png")
    touch(tmp_path / "cat" / "notes.txt")
    files = scan_image_folder(tmp_path)
    assert names(files) == ["cat/a.png"]
    [(path, reason)] = files.bad
    assert Path(path).name == "notes.txt"
    assert "not an image file by its name" in reason
    assert ".png" in reason


def test_symlink_loops_are_walked_once(tmp_path):
    touch(tmp_path / "cat" / "a.png")
    touch(tmp_path / "dog" / "b.png")
    os.symlink(tmp_path / "cat", tmp_path / "cat" / "again")  # a folder linking to its parent
    os.symlink(tmp_path, tmp_path / "dog" / "root")  # a link to the root
    os.symlink(tmp_path / "dog" / "self.png", tmp_path / "dog" / "self.png")  # to itself
    files = scan_image_folder(tmp_path)
    # the file link to itself is listed and fails when opened (ELOOP): a bad file then
    assert names(files) == ["cat/a.png", "dog/b.png", "dog/self.png"]


def test_a_linked_folder_outside_the_tree_is_followed(tmp_path):
    touch(tmp_path / "elsewhere" / "c.png")
    touch(tmp_path / "root" / "cat" / "a.png")
    os.symlink(tmp_path / "elsewhere", tmp_path / "root" / "cat" / "more")
    files = scan_image_folder(tmp_path / "root")
    assert names(files) == ["cat/a.png", "cat/more/c.png"]


def test_empty_class_folders_are_named_in_the_error(tmp_path):
    touch(tmp_path / "cat" / "a.png")
    (tmp_path / "dog").mkdir()
    touch(tmp_path / "eel" / ".DS_Store")  # only hidden files: empty too
    with pytest.raises(ValueError, match=r"class folders \['dog', 'eel'\] .* hold no files"):
        scan_image_folder(tmp_path)
    assert scan_image_folder(tmp_path, classes=["cat"]).class_names == ("cat",)


def test_a_root_without_class_folders_says_what_it_holds(tmp_path):
    with pytest.raises(ValueError, match=r"one subfolder per class .* but it is empty"):
        scan_image_folder(tmp_path)
    touch(tmp_path / "a.png")
    with pytest.raises(ValueError, match=r"but it holds only a\.png"):
        scan_image_folder(tmp_path)


def test_train_and_test_subfolders_are_not_taken_for_classes(tmp_path):
    touch(tmp_path / "train" / "cat" / "a.png")
    touch(tmp_path / "test" / "cat" / "b.png")
    assert has_split_folders(tmp_path)
    assert not has_split_folders(tmp_path / "train")
    with pytest.raises(ValueError, match="holds train/ and test/, not class folders"):
        scan_image_folder(tmp_path)


@pytest.mark.parametrize(
    ("classes", "message"),
    [
        ("cat", "expected classes as a non-empty list of folder names"),
        ([], "expected classes as a non-empty list of folder names"),
        (["cat", "cat"], "expected distinct class names"),
        (["../cat"], "expected class names to be folder names"),
        (["cow"], r"classes \['cow'\] are not folders of .*; it has \['cat', 'dog'\]"),
    ],
)
def test_bad_classes_are_refused(tmp_path, classes, message):
    touch(tmp_path / "cat" / "a.png")
    touch(tmp_path / "dog" / "a.png")
    with pytest.raises(ValueError, match=message):
        scan_image_folder(tmp_path, classes=classes)
