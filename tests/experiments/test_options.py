"""Tests for zeronn/experiments/options.py: the options every job's config shares, checked once."""

from dataclasses import FrozenInstanceError, fields
from pathlib import Path

import pytest
from image_folders import make_class_folders

from zeronn.experiments.charlm.config import CharLMConfig
from zeronn.experiments.fewshot.config import FewshotConfig
from zeronn.experiments.flip_balance.config import FlipBalanceConfig
from zeronn.experiments.options import DatasetOptions, ImageFolderOptions, RunOptions
from zeronn.experiments.train.config import TrainConfig
from zeronn.run_paths import OutputFolderError

CONFIGS = [TrainConfig, FewshotConfig, FlipBalanceConfig, CharLMConfig]


def names(cls) -> set[str]:
    return {field.name for field in fields(cls)}


@pytest.mark.parametrize("cls", CONFIGS)
def test_every_config_is_built_on_the_shared_parts_it_needs(cls):
    assert issubclass(cls, RunOptions)
    assert names(RunOptions) <= names(cls)
    reads_datasets = cls is not CharLMConfig
    assert issubclass(cls, DatasetOptions) is reads_datasets
    assert issubclass(cls, ImageFolderOptions) is (cls in (TrainConfig, FlipBalanceConfig))


@pytest.mark.parametrize("cls", CONFIGS)
def test_the_shared_options_are_normalised_the_same_everywhere(cls):
    config = cls(out="runs/x", threads=2, overwrite=True)
    assert config.out == Path("runs/x")
    assert isinstance(config.out, Path)
    assert (config.threads, config.overwrite) == (2, True)
    with pytest.raises(FrozenInstanceError):
        config.out = Path("elsewhere")
    owner = {FewshotConfig: "fewshot", FlipBalanceConfig: "flip-balance", CharLMConfig: "charlm"}
    with pytest.raises(TypeError, match=f"{owner.get(cls, 'train')} expected overwrite"):
        cls(out="o", overwrite="yes")
    if issubclass(cls, DatasetOptions):
        assert cls(out="o", root="data").root == Path("data")
        with pytest.raises(TypeError, match="expected verify to be True or False"):
            cls(out="o", verify=1)


@pytest.mark.parametrize("cls", [TrainConfig, FlipBalanceConfig])
def test_image_folder_options_are_checked_by_one_helper(cls, tmp_path):
    folder = make_class_folders(tmp_path / "shapes", 1, shapes=("disk", "square"))
    config = cls(out=tmp_path / "out", data=str(folder), image_size=32, color="grayscale")
    assert config.data == folder
    assert config.image_shape == (1, 32, 32)
    assert cls(out=tmp_path / "out", data=folder).image_shape == (3, 64, 64)  # the defaults
    with pytest.raises(ValueError, match="--root and --data exclude each other"):
        cls(out=tmp_path / "out", data=folder, root=tmp_path)
    with pytest.raises(ValueError, match="--image-size 4 is too small for simple-convnet"):
        cls(out=tmp_path / "out", data=folder, image_size=4, model="simple-convnet")
    with pytest.raises(ValueError, match="--image-size and --color go with --data"):
        cls(out=tmp_path / "out", color="rgb")


def test_check_paths_keeps_every_input_of_a_config_clear_of_out(tmp_path):
    folder = make_class_folders(tmp_path / "shapes", 1, shapes=("disk", "square"))
    with pytest.raises(OutputFolderError, match="is inside --data"):
        TrainConfig(out=folder / "disk" / "runs", data=folder).check_paths()
    with pytest.raises(OutputFolderError, match="is inside --root"):
        FewshotConfig(out=tmp_path / "root" / "out", root=tmp_path / "root").check_paths()
    config = CharLMConfig(out=tmp_path / "out")
    assert config.check_paths() is config
