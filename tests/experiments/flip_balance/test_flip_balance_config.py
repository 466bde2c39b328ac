"""Options, command-line parsing and the training budget of the flip-balance experiment."""

import pytest

from zeronn import cli
from zeronn.commands.flip_balance import config_from_args
from zeronn.experiments.flip_balance.conditions import CONDITIONS
from zeronn.experiments.flip_balance.config import FlipBalanceConfig
from zeronn.experiments.flip_balance.run import visit_plan
from zeronn.run_folder import OutputFolderError


def test_command_line_reaches_the_config(tmp_path):
    args = cli.build_parser("flip-balance").parse_args(
        [
            "flip-balance",
            "--classes",
            "2,4",
            "--epochs",
            "3",
            "--seeds",
            "5,7",
            "--train-per-class",
            "50",
            "--conditions",
            "flip-both,none",
            "--out",
            str(tmp_path),
            "--dtype",
            "float64",
        ]
    )
    config = config_from_args(args)
    assert config.classes == (2, 4)
    assert config.class_names == ("Pullover", "Coat")
    assert config.seeds == (5, 7)
    assert config.train_per_class == 50
    assert config.conditions == ("none", "flip-both")  # baseline first, whatever the order given
    assert config.dtype == "float64"
    assert config.out == tmp_path


def test_defaults_cover_every_condition():
    config = FlipBalanceConfig()
    assert config.conditions == CONDITIONS
    assert config.classes == (0, 6)
    assert config.class_names == ("T-shirt/top", "Shirt")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"classes": (3, 3)},
            r"distinct classes, got 3 more than once in \(3, 3\); --classes "
            "takes two different Fashion-MNIST class indices",
        ),
        ({"classes": (0, 10)}, r"classes in \[0, 10\), got 10; --classes takes .* such as 0,6"),
        ({"classes": (0, 1, 2)}, r"expected two classes, got 3: \(0, 1, 2\)"),
        ({"model": "resnet"}, "model to be one of 'simple-convnet', 'deep-convnet', got 'resnet'"),
        ({"epochs": 0}, "epochs to be a positive integer, got 0"),
        ({"lr": -1.0}, "lr to be a positive number, got -1.0"),
        ({"seeds": (1, 1)}, r"distinct seeds, got 1 more than once in \(1, 1\)"),
        ({"conditions": ("flip-c",)}, "expected condition to be one of 'none', .* got 'flip-c'"),
        ({"conditions": ()}, r"expected at least one value in conditions, got \(\)"),
        ({"train_per_class": 0}, "train_per_class to be a positive integer, got 0"),
    ],
)
def test_bad_options_name_what_arrived(options, message):
    with pytest.raises(ValueError, match=message):
        FlipBalanceConfig(**options)


def test_bad_dtype_and_out_file(tmp_path):
    with pytest.raises(TypeError, match="float32 or float64, got int32"):
        FlipBalanceConfig(dtype="int32")
    with pytest.raises(TypeError, match=r"each of classes .* got 'Coat'.*names go with --data"):
        FlipBalanceConfig(classes=("Coat", "Shirt"))
    with pytest.raises(TypeError, match="figures to be True or False, got 'no'"):
        FlipBalanceConfig(figures="no")
    a_file = tmp_path / "results"
    a_file.write_text("")
    with pytest.raises(OutputFolderError, match="is a file"):
        FlipBalanceConfig(out=a_file).check_paths()


def test_cli_reports_a_bad_option_as_an_error(capsys):
    code = cli.main(["flip-balance", "--classes", "1,1", "--no-figures"])
    assert code == 2
    assert "two different Fashion-MNIST class indices" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["flip-balance", "--seeds", "a,b"])


@pytest.mark.parametrize(
    ("originals", "size", "epochs"),
    [(1000, 1000, 4), (1000, 1500, 4), (1000, 2000, 3), (12000, 18000, 4), (7, 20, 1)],
)
def test_visit_plan_gives_the_same_visits_to_every_set(originals, size, epochs):
    whole, extra = visit_plan(originals, size, epochs)
    assert whole * size + extra == epochs * originals
    assert 0 <= extra < size
