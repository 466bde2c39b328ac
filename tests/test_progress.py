"""The progress line: exact text, in-place redraw on a terminal, one line elsewhere."""

import io

import pytest

from zeronn.progress import ProgressLine, format_duration, format_progress


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class TerminalStream(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_finished_line_matches_keras_layout():
    line = format_progress(188, 188, 3.0, {"loss": 0.72131, "accuracy": 0.56634})
    assert line == (
        "188/188 [==============================] - 3s 16ms/step - loss: 0.7213 - accuracy: 0.5663"
    )


def test_running_line_shows_arrow_and_eta():
    line = format_progress(47, 188, 1.0, {"loss": 1.5})
    # 30 * 47 // 188 = 7 cells: six "=" and the ">" head; ETA = 1 s / 47 steps * 141 steps.
    assert line == " 47/188 [======>.......................] - ETA: 3s - loss: 1.5000"
    assert format_progress(0, 10, 0.0, {}).startswith(" 0/10 [>.............................]")


def test_format_duration_switches_to_minutes_and_hours():
    assert [format_duration(s) for s in (0.2, 59.4, 61, 7322)] == ["0s", "59s", "1:01", "2:02:02"]


def test_not_a_terminal_writes_one_line_per_epoch():
    stream, clock = io.StringIO(), FakeClock()
    progress = ProgressLine(4, stream=stream, clock=clock)
    for step in range(1, 4):
        clock.now += 1.0
        progress.update(step, {"loss": 1.0 / step})
    clock.now += 1.0
    progress.finish({"loss": 0.25, "val_loss": 0.5})
    assert stream.getvalue() == (
        "4/4 [==============================] - 4s 1s/step - loss: 0.2500 - val_loss: 0.5000\n"
    )


def test_terminal_redraws_in_place_and_pads_shorter_lines():
    stream, clock = TerminalStream(), FakeClock()
    progress = ProgressLine(3, stream=stream, clock=clock)
    clock.now += 1.0
    progress.update(1, {"loss": 2.0, "accuracy": 0.1})
    clock.now += 0.01  # too soon after the last draw: skipped
    progress.update(2, {"loss": 1.0, "accuracy": 0.2})
    clock.now += 1.0
    progress.finish({"loss": 1.0})
    parts = stream.getvalue().split("\r")
    assert parts[0] == ""
    assert len(parts) == 3
    assert parts[1].startswith("1/3 [=========>")
    assert "ETA: 2s" in parts[1]
    finished = parts[2].rstrip("\n")
    assert finished.startswith("3/3 [==============================] - 2s")
    # The finished line is shorter than the running one: trailing spaces cover the rest.
    assert len(finished) == len(parts[1])
    assert finished.endswith("loss: 1.0000             ")


def test_verbose_zero_is_silent():
    stream = TerminalStream()
    progress = ProgressLine(2, stream=stream, verbose=0)
    progress.update(1, {"loss": 1.0})
    line = progress.finish({"loss": 1.0})
    assert stream.getvalue() == ""
    assert line.startswith("2/2")


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="total_steps to be a positive integer, got 0"):
        ProgressLine(0)
    with pytest.raises(ValueError, match="verbose 0 or 1, got 2"):
        ProgressLine(3, verbose=2)


def test_a_pipe_gets_a_whole_line_every_interval_while_an_epoch_runs():
    stream, clock = io.StringIO(), FakeClock()
    progress = ProgressLine(100, stream=stream, clock=clock)
    for step in range(1, 100):
        clock.now += 0.25  # 25 s in all: lines at 10 s and 20 s
        progress.update(step, {"loss": 1.0})
    clock.now += 0.25
    progress.finish({"loss": 0.5})
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert [line.split(" [")[0] for line in lines] == [" 40/100", " 80/100", "100/100"]
    assert lines[0].endswith("] - ETA: 15s - loss: 1.0000")
    assert lines[2].startswith("100/100 [==============================] - 25s 250ms/step")


class NotebookStream(io.StringIO):
    """What a Jupyter kernel's stdout looks like here: not a terminal, an ipykernel class."""

    __module__ = "ipykernel.iostream"


def test_a_notebook_redraws_in_place_at_most_every_half_second():
    stream, clock = NotebookStream(), FakeClock()
    progress = ProgressLine(10, stream=stream, clock=clock)
    for step in range(1, 10):
        clock.now += 0.2  # redraws at 0.2 s, 0.8 s, 1.4 s
        progress.update(step, {"loss": 1.0})
    progress.finish({"loss": 1.0})
    parts = stream.getvalue().split("\r")
    assert [part.split(" [")[0] for part in parts[1:]] == [" 1/10", " 4/10", " 7/10", "10/10"]
    assert parts[-1].endswith("\n")
