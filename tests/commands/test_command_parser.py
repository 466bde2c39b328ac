"""The parser every command shares: a mistyped flag, command or choice is two lines under the
command's own usage with the fix suggested; flags are never abbreviated; the flags given are
recorded (zeronn/commands/_parser.py)."""

import argparse

import pytest

from zeronn.cli import build_parser, main
from zeronn.commands._options import CommandParser, given_flags


def two_lines(capsys, argv: list[str]) -> list[str]:
    """Run ``zeronn ARGV``, expect the usage error (exit code 2), return its lines."""
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 2, captured.err
    return lines


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (
            ["train", "--epcohs", "3"],
            "zeronn train: error: unknown flag --epcohs; did you mean --epochs?",
        ),
        (["train", "--epochs=3", "--lrr=0.1"], "unknown flag --lrr; did you mean --lr?"),
        (
            ["fewshot", "--stpes", "10"],
            "zeronn fewshot: error: unknown flag --stpes; did you mean --steps?",
        ),
        (["charlm", "--temprature", "1"], "did you mean --temperature?"),
        (["flip-balance", "--epoch", "1"], "unknown flag --epoch; did you mean --epochs?"),
        (
            ["check", "f.py", "--jsn"],
            "zeronn check: error: unknown flag --jsn; did you mean --json?",
        ),
        (["train", "--frobnicate"], "unknown flag --frobnicate (see zeronn train --help)"),
    ],
)
def test_a_mistyped_flag_is_two_lines_under_the_commands_usage(capsys, argv, error):
    usage, message = two_lines(capsys, argv)
    command = argv[0]
    assert usage == f"usage: zeronn {command} [options]   (zeronn {command} --help lists them)"
    assert message.startswith(f"zeronn {command}: error: ")
    assert message.endswith(error)


def test_flags_are_never_abbreviated_the_full_names_are_suggested(capsys):
    _, message = two_lines(capsys, ["train", "--no-v", "--epochs", "1"])
    assert message.endswith("unknown flag --no-v; did you mean --no-verify?")
    _, message = two_lines(capsys, ["train", "--val", "0"])
    assert message.endswith("did you mean --val-split?")


def test_a_mistyped_command_or_choice_gets_the_closest_one(capsys):
    usage, message = two_lines(capsys, ["trian", "--epochs", "1"])
    assert usage.startswith("usage: zeronn COMMAND [options]")
    assert "invalid choice: 'trian'" in message
    assert message.endswith("did you mean 'train'?")
    _, message = two_lines(capsys, ["train", "--model", "mpl"])
    assert message.endswith(
        "invalid choice: 'mpl' (choose from 'mlp', 'simple-convnet', "
        "'deep-convnet', 'lstm', 'gru', 'rnn'); did you mean 'mlp'?"
    )
    _, message = two_lines(capsys, ["train", "--optimizer", "zzz"])
    assert message.endswith(
        "(choose from 'sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam')"
    )


def test_a_stray_word_is_named(capsys):
    _, message = two_lines(capsys, ["train", "5"])
    assert message.endswith("unexpected argument '5': it takes flags only")
    _, message = two_lines(capsys, ["check", "a.py", "b.py"])
    assert message.endswith("unexpected argument 'b.py'")


def test_a_bad_value_keeps_its_own_message_in_two_lines(capsys):
    _, message = two_lines(capsys, ["train", "--epochs", "0"])
    assert message == "zeronn train: error: argument --epochs: expected a positive integer, got '0'"


def parse(*argv: str) -> argparse.Namespace:
    return build_parser(argv[0]).parse_args(list(argv))


def test_the_flags_given_are_recorded_even_at_their_default_value():
    assert given_flags(parse("train")) == frozenset()
    args = parse("train", "--epochs", "5", "--lr=0.01", "--quiet")
    assert args.epochs == 5  # the default, given all the same
    assert given_flags(args) == {"epochs", "lr", "quiet"}
    assert given_flags(parse("check", "x.py", "--json")) == {"json"}
    assert given_flags(argparse.Namespace(epochs=3)) == frozenset()  # built by hand: none


def test_a_parser_of_ones_own_gets_the_same_errors(capsys):
    parser = CommandParser(prog="zeronn demo", command=True)
    parser.add_argument("--steps", type=int, default=1)
    with pytest.raises(SystemExit):
        parser.parse_args(["--stesp", "2"])
    assert capsys.readouterr().err.splitlines()[1] == (
        "zeronn demo: error: unknown flag --stesp; did you mean --steps?"
    )
