"""FewshotConfig and the command-line options: every bad option is refused with a clear message."""

from dataclasses import replace
from pathlib import Path

import pytest

from zeronn.cli import build_parser
from zeronn.commands.fewshot import config_from_args
from zeronn.experiments.fewshot.config import FewshotConfig
from zeronn.run_folder import OutputFolderError


def parse(argv):
    return build_parser("fewshot").parse_args(argv)


def test_defaults_are_the_blogs_setup():
    config = FewshotConfig()
    assert (config.seed, config.steps, config.lr, config.samples) == (8, 4000, 0.001, 10)
    assert config.angles == (15.0, -15.0)
    assert config.order == 3  # scipy.ndimage.rotate's default, which the blog's call used
    assert config.init == 0.01
    assert config.dtype == "float64"
    assert config.out.parent == Path("runs/fewshot")  # a new folder for every run


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"steps": 0}, ValueError, "steps to be a positive integer, got 0"),
        ({"steps": 2.5}, TypeError, "steps to be a positive integer, got 2.5"),
        ({"lr": 0.0}, ValueError, "lr to be a positive number, got 0.0"),
        ({"lr": -0.1}, ValueError, "lr to be a positive number"),
        ({"lr": float("nan")}, ValueError, "lr to be a finite number, got nan"),
        ({"lr": True}, TypeError, "lr to be a number, got True"),
        ({"lr": "fast"}, TypeError, "lr to be a number, got 'fast'"),
        ({"samples": 0}, ValueError, "samples to be a positive integer, got 0"),
        ({"dataset": "cifar10"}, ValueError, "dataset to be one of 'mnist', 'fashion-mnist'"),
        ({"sampling": "stratified"}, ValueError, "sampling to be one of 'random', 'per-class'"),
        ({"init": "lecun"}, ValueError, "'he' or 'xavier', got 'lecun'"),
        ({"init": -0.01}, ValueError, "init (a std) to be a positive number"),
        ({"dtype": "float16"}, TypeError, "float32 or float64, got float16"),
        ({"angles": ()}, ValueError, "at least one value in angles, got ()"),
        ({"angles": "15"}, TypeError, "angles as a list or tuple, got '15'"),
        ({"order": 6}, ValueError, "order to be an integer in 0..5, got 6"),
        ({"order": -1}, ValueError, "order to be an integer in 0..5, got -1"),
        ({"angles": (15, float("inf"))}, ValueError, "each angle to be a finite number, got inf"),
        ({"log_scale": "yes"}, TypeError, "log_scale to be True or False, got 'yes'"),
        ({"repeats": 0}, ValueError, "repeats to be a positive integer, got 0"),
        ({"sweep": ()}, ValueError, "at least one value in sweep, got ()"),
        ({"sweep": (10, 0)}, ValueError, "each --sweep size to be a positive integer, got 0"),
        ({"sweep": (10, 15)}, ValueError, "multiple of 10, got 15"),
        ({"sampling": "per-class", "samples": 25}, ValueError, "multiple of 10, got 25"),
        ({"literal": True, "init": "he"}, ValueError, "--init must be a std"),
        ({"literal": True, "sampling": "per-class"}, ValueError, "no literal reading"),
        ({"literal": True, "repeats": 3}, ValueError, "cannot be combined with --repeats"),
        ({"literal": True, "init_study": True}, ValueError, "with --init-study"),
    ],
)
def test_bad_options_are_refused_with_what_was_expected(options, error, message):
    with pytest.raises(error) as excinfo:
        FewshotConfig(**options)
    assert message in str(excinfo.value)


def test_an_output_folder_that_is_a_file_is_refused(tmp_path):
    blocker = tmp_path / "results"
    blocker.write_text("not a folder")
    config = FewshotConfig(out=blocker)  # a value: building it does not look at the disk
    with pytest.raises(OutputFolderError, match="is a file"):
        config.check_paths()
    assert blocker.read_text() == "not a folder"


def test_sweep_sizes_are_sorted_and_deduplicated():
    assert FewshotConfig(sweep=(100, 10, 100)).sweep == (10, 100)


def test_command_line_options_reach_the_config(tmp_path):
    args = parse(
        [
            "fewshot",
            "--angles=-10,10,20",
            "--init",
            "he",
            "--lr",
            "0.1",
            "--sweep",
            "--dtype",
            "float32",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    config = config_from_args(args)
    assert config.angles == (-10.0, 10.0, 20.0)
    assert config.init == "he"
    assert config.lr == 0.1
    assert config.sweep == (10, 30, 100, 300, 1000)
    assert config.dtype == "float32"
    assert config.as_dict()["out"] == str(tmp_path / "out")


def test_command_line_numbers_for_init_and_custom_sweep():
    args = parse(["fewshot", "--init", "0.05", "--sweep", "20,40"])
    config = config_from_args(args)
    assert config.init == 0.05
    assert config.sweep == (20, 40)


def test_unparseable_angles_exit_with_a_usage_error(capsys):
    with pytest.raises(SystemExit) as excinfo:
        parse(["fewshot", "--angles", "fifteen"])
    assert excinfo.value.code == 2
    assert "comma-separated numbers" in capsys.readouterr().err


@pytest.mark.parametrize(
    "config",
    [
        FewshotConfig(),
        FewshotConfig(lr=0.1, repeats=20, out=Path("runs/r")),
        FewshotConfig(
            sweep=(10, 30), init="he", dtype="float32", angles=(-10.0, 10.0), log_scale=True
        ),
        FewshotConfig(literal=True, init=0.05, order=1, download=False),
    ],
)
def test_the_recorded_command_line_rebuilds_the_config(config):
    words = config.command_line().split()
    assert words[:2] == ["zeronn", "fewshot"]
    assert config_from_args(parse(words[1:])) == config


def test_building_or_replacing_a_config_does_not_look_at_the_disk(tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "results.json").write_text("{}")
    config = FewshotConfig(out=taken, overwrite=True).check_paths()
    (taken / "results.json").unlink()
    taken.rmdir()
    taken.write_text("now a file")  # a cell of a study must not be refused for this mid-run
    cell = replace(config, samples=20, sampling="per-class")
    assert cell.out == taken
    assert config.command_line() == f"zeronn fewshot --out {taken}"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["taken"]  # no probe left
