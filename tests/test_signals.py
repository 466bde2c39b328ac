"""Tests for zeronn/signals.py: every signal that ends a run leaves a clean state.

The loop below stops real runs of ``zeronn train``, ``zeronn fewshot --jobs 2`` and ``zeronn
flip-balance`` with SIGINT, SIGTERM and SIGHUP at random (seeded) moments, as a terminal, ``kill``
or ``timeout`` would, and checks what each leaves: the old outputs or the complete new ones,
no temporary file or folder anywhere, no process of the run still alive. It runs
``SIGNAL_LOOP_RUNS`` stops per command (7, 21 in all, about 30 s on two cores); set
``ZERONN_SIGNAL_LOOP=N`` for N per command. The rarest failures it found (a stop swallowed by a
finalizer, or cutting a compiled module's start in half) came once in 100-150 runs: after a
change to signals.py, worker.py or parallel.py, run it with ``ZERONN_SIGNAL_LOOP=100``.
"""

import _imp
import importlib
import importlib.machinery
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path

import numpy as np
import pytest
from fake_datasets import write_bars

from zeronn.signals import Stopped, signals_held, stop_signal, stopping_on_signals

SIGNAL_LOOP_RUNS = int(os.environ.get("ZERONN_SIGNAL_LOOP", "7"))


@pytest.fixture(autouse=True)
def hangup_at_its_default():
    """These tests send SIGHUP to a process whose SIGHUP does what it does by default. Under
    ``nohup`` (or any parent that ignores it) the test process inherits SIGHUP ignored, and
    zeronn rightly leaves an ignored signal alone (the last test here); so each test, and the
    processes it starts, get the default disposition back, and the parent's after."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    yield
    signal.signal(signal.SIGHUP, previous)


STOPS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# how long the processes of a stopped run may take to be gone: a deadline, not a measurement
GONE_WITHIN_SECONDS = 20.0


def signal_then(number: int, after=None) -> None:
    """Send ourselves ``number`` inside :func:`stopping_on_signals`; ``after()`` as the stack
    unwinds."""
    with stopping_on_signals():
        try:
            os.kill(os.getpid(), number)
            time.sleep(1)  # the handler runs at the next bytecode: this sleep is cut short
        finally:
            if after is not None:
                after()


def test_term_and_hup_raise_stopped_and_the_old_handlers_come_back():
    before = {number: signal.getsignal(number) for number in STOPS}
    for number in (signal.SIGTERM, signal.SIGHUP):
        with pytest.raises(Stopped) as info:
            signal_then(number)
        assert info.value.signum == number
        assert isinstance(info.value, KeyboardInterrupt)  # it unwinds as Ctrl-C does
    with pytest.raises(KeyboardInterrupt) as info:
        signal_then(signal.SIGINT)
    assert not isinstance(info.value, Stopped)
    assert {number: signal.getsignal(number) for number in STOPS} == before


def test_a_second_signal_does_not_cut_the_cleanup_short():
    cleaned = []

    def cleanup():
        os.kill(os.getpid(), signal.SIGHUP)  # while unwinding: ignored
        time.sleep(0.05)
        cleaned.append("done")

    with pytest.raises(Stopped):
        signal_then(signal.SIGTERM, after=cleanup)
    assert cleaned == ["done"]


@pytest.mark.parametrize("number", STOPS)
def test_a_signal_after_the_work_is_over_is_let_go(number):
    """Once a command has its exit code (``closing``), a stop signal would only turn a
    finished run into a traceback: it is let go."""
    with stopping_on_signals() as received:
        received.closing = True
        os.kill(os.getpid(), number)
        time.sleep(0.05)  # the handler runs here, and returns
    assert received.signum is None


def a_compiled_module() -> str:
    """The name of a compiled module of the standard library (any will do)."""
    for name in ("xxlimited", "_testbuffer", "_bz2", "_lzma", "_csv"):
        spec = importlib.util.find_spec(name)
        if spec is not None and isinstance(spec.loader, importlib.machinery.ExtensionFileLoader):
            return name
    pytest.skip("no compiled module of the standard library found")


@pytest.mark.parametrize("number", STOPS)
def test_a_stop_during_a_compiled_modules_start_waits_for_its_end(number, monkeypatch):
    """Some compiled modules (pybind11's) crash the interpreter at exit when an exception cut
    their init function, which may call Python, in half: the stop is raised after it."""
    name = a_compiled_module()
    monkeypatch.delitem(sys.modules, name, raising=False)  # imported afresh, put back after
    create_dynamic = _imp.create_dynamic
    reached = []

    def init_that_calls_python(spec, *args):
        os.kill(os.getpid(), number)
        time.sleep(0.05)  # the handler runs in here, in the middle of the module's start
        reached.append("module started")
        return create_dynamic(spec, *args)

    monkeypatch.setattr(_imp, "create_dynamic", init_that_calls_python)

    def run():
        with stopping_on_signals():
            importlib.import_module(name)
            reached.append("imported")
            time.sleep(1)  # raised here
            reached.append("after the sleep")

    with pytest.raises(KeyboardInterrupt) as info:
        run()
    assert stop_signal(info.value) == number
    assert reached == ["module started", "imported"]


def test_a_worker_raises_its_stop_after_a_compiled_modules_start_too(monkeypatch):
    from zeronn import worker

    name = a_compiled_module()
    monkeypatch.delitem(sys.modules, name, raising=False)
    create_dynamic = _imp.create_dynamic
    frames = []

    def init_that_calls_python(spec, *args):
        frames.append(sys._getframe())
        return create_dynamic(spec, *args)

    monkeypatch.setattr(_imp, "create_dynamic", init_that_calls_python)
    importlib.import_module(name)
    again = []
    monkeypatch.setattr(worker, "run_handler_again_soon", again.append)
    monkeypatch.setattr(worker, "_TASK_RUNNING", True)  # as in a worker, on a run
    monkeypatch.setattr(worker, "_STOPPING", None)
    monkeypatch.setattr(worker, "_STOP_PENDING", False)
    worker._stop_worker(signal.SIGTERM, frames[0])  # in the module's start: not yet
    assert again == [signal.SIGTERM]
    with pytest.raises(Stopped):
        worker._stop_worker(signal.SIGTERM, sys._getframe())  # a moment later
    worker._stop_worker(signal.SIGHUP, sys._getframe())  # unwinding: let go


def test_a_program_lets_signals_go_from_its_end_until_it_exits():
    """``until_exit`` (the ``zeronn`` program): after a finished block its handlers stay and
    let every stop signal go, so the interpreter's exit cannot turn one into a traceback; after
    a stopped block the previous handlers come back as always."""
    before = {number: signal.getsignal(number) for number in STOPS}
    try:
        with stopping_on_signals(until_exit=True) as received:
            received.closing = True
        for number in STOPS:
            os.kill(os.getpid(), number)
            time.sleep(0.01)  # the handler runs here, and returns
        assert received.signum is None
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)

    def stopped_program():
        with stopping_on_signals(until_exit=True):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)

    with pytest.raises(Stopped):
        stopped_program()
    assert {number: signal.getsignal(number) for number in STOPS} == before


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_term_and_hup_are_held_back_and_delivered_after_the_block(number):
    reached = []

    def held_block():
        with stopping_on_signals():
            with signals_held():
                os.kill(os.getpid(), number)
                time.sleep(0.05)
                reached.append("end of block")
            reached.append("after the block")  # not reached: the held signal raised first

    with pytest.raises(Stopped):
        held_block()
    assert reached == ["end of block"]


class Collected:
    """An object whose finalizer runs Python code, as weakref callbacks and ``__del__``
    methods in NumPy, matplotlib and multiprocessing do."""


def signal_in_a_finalizer(number: int, kind: str) -> None:
    """Collect an object whose weakref callback or ``__del__`` receives ``number``; Python
    swallows an exception raised there and only prints it."""

    def finalize(*_):
        os.kill(os.getpid(), number)  # the handler runs here, inside the finalizer
        time.sleep(0.01)

    thing = Collected()
    if kind == "__del__":
        Collected.__del__ = finalize
        try:
            del thing
        finally:
            del Collected.__del__
    else:
        keep = weakref.ref(thing, finalize)  # noqa: F841 (the callback needs a live ref)
        del thing


@pytest.mark.parametrize("kind", ["weakref callback", "__del__"])
@pytest.mark.parametrize("number", STOPS)
def test_a_stop_swallowed_by_a_finalizer_is_raised_right_after_it_and_never_printed(
    number, kind, capfd
):
    hook = sys.unraisablehook
    reached = []

    def run():
        with stopping_on_signals() as received:
            reached.append(received)
            signal_in_a_finalizer(number, kind)
            reached.append("after the finalizer")  # Python went on: the stop was swallowed
            time.sleep(1)  # raised again here
            reached.append("after the sleep")

    with pytest.raises(KeyboardInterrupt) as info:
        run()
    received = reached.pop(0)
    assert reached == ["after the finalizer"]
    assert received.signum == number
    assert stop_signal(info.value) == number
    assert capfd.readouterr().err == ""  # no "Exception ignored in ..."
    assert sys.unraisablehook is hook


def test_other_unraisable_errors_still_reach_the_hook_that_was_in_place(monkeypatch):
    reports = []
    monkeypatch.setattr(sys, "unraisablehook", reports.append)

    def finalize(_):
        raise ValueError("a finalizer's own error")

    with stopping_on_signals():
        thing = Collected()
        keep = weakref.ref(thing, finalize)  # noqa: F841
        del thing
    assert [str(report.exc_value) for report in reports] == ["a finalizer's own error"]
    assert sys.unraisablehook == reports.append


# ---- real runs, stopped at random moments ---------------------------------------------------


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    """IDX files of 120 training and 40 test images, 10 classes (MNIST's and Fashion-MNIST's
    file names are the same)."""
    root = tmp_path_factory.mktemp("data")
    write_bars(root, 120, 40)
    return root


def command(name: str, root: Path, out: Path, seed: int) -> list[str]:
    common = ["--root", str(root), "--no-download", "--no-verify", "--out", str(out)]
    flags = {
        "train": ["--epochs", "2", "--hidden", "16", "--quiet", "--seed", str(seed)],
        "fewshot": ["--steps", "150", "--jobs", "2", "--repeats", "2", "--seed", str(seed)],
        "flip-balance": ["--epochs", "1", "--seeds", str(seed), "--conditions", "none,flip-a"],
    }[name]
    return [sys.executable, "-m", "zeronn", name, *common, "--overwrite", *flags]


def files_in(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def debris(folder: Path) -> list[str]:
    """Temporary files and folders anywhere below ``folder``."""
    marks = (".partial-", ".old-", ".zeronn-probe-")
    return [
        str(path)
        for path in folder.rglob("*")
        if any(mark in path.name for mark in marks) or path.name.endswith(".tmp")
    ]


def complete(name: str, out: Path, names: set[str], seed: int) -> bool:
    """Whether ``out`` holds every output of the run with ``seed``, and nothing else: the
    first run's file names (flip-balance: its results.json and figures, which depend on the
    predictions), from that run alone."""
    found = set(files_in(out))
    if name == "train":
        metrics = json.loads((out / "metrics.json").read_text())
        return found == names and "test" in metrics and metrics["config"]["seed"] == seed
    results = json.loads((out / "results.json").read_text())
    if name == "fewshot":
        return found == set(results["files"]) == names and results["config"]["seed"] == seed
    figures = found - {"results.json"}
    return (
        "flip_balance_recall.png" in figures
        and all(figure.endswith(".png") for figure in figures)
        and results["config"]["seeds"] == [seed]
    )


def command_line(pid: int) -> str:
    """What process ``pid`` runs, for a failure's message ("" once it has ended)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return ""


def processes_with(token: str) -> list[int]:
    """The live processes whose environment holds ``token`` (a run and every child of it)."""
    mark = token.encode()
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                environ = Path(entry.path, "environ").read_bytes()  # empty for a zombie
            except OSError:  # ended meanwhile
                continue
            if mark in environ.split(b"\0"):
                found.append(int(entry.name))
    return found


def wait_until_gone(token: str) -> list[int]:
    deadline = time.monotonic() + GONE_WITHIN_SECONDS
    while (alive := processes_with(token)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def exit_codes_of_a_stop(number: int) -> tuple[int, ...]:
    """A stopped command exits with 128 + the signal's number. After Ctrl-C, ``python -m``
    (as these tests run it; the ``zeronn`` script does not) may end the process by SIGINT
    instead (exit code -2, which a shell reports as 130 too): once a KeyboardInterrupt has
    left any ``exec`` or ``eval`` of source text, Python 3.11 remembers it and ends itself by
    SIGINT at exit, though zeronn caught the interrupt and returned its exit code."""
    if number == signal.SIGINT:
        return (128 + number, -number)
    return (128 + number,)


def before_zeronn_ran(returncode: int, number: int, error: str) -> bool:
    """Whether the signal came while Python was starting or importing zeronn, before zeronn's
    handlers were in place, or in the last moments of the exit, after Python put its default
    handlers back: Python's own reaction, death by the signal with nothing said, or (SIGINT
    during start-up) a KeyboardInterrupt traceback, exit code 1 or -2 (see
    :func:`exit_codes_of_a_stop`)."""
    if number == signal.SIGINT and error.rstrip().endswith("KeyboardInterrupt"):
        return returncode in (1, -number)
    return returncode == -number and error.strip() == ""


def stop(child: subprocess.Popen, number: int) -> None:
    """A terminal sends SIGINT (Ctrl-C) and SIGHUP to the whole process group; ``kill`` and
    ``timeout`` send SIGTERM to the process alone."""
    try:
        if number == signal.SIGTERM:
            child.send_signal(number)
        else:
            os.killpg(child.pid, number)
    except ProcessLookupError:  # it has ended already
        pass


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux's /proc")
@pytest.mark.parametrize("name", ["train", "fewshot", "flip-balance"])
def test_a_run_stopped_by_any_signal_leaves_old_or_complete_new_outputs_and_no_trace(
    name, tiny_data, tmp_path
):
    out = tmp_path / "out"
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1")
    env.pop("ZERONN_DATA", None)
    data_before = files_in(tiny_data)
    start = time.perf_counter()
    subprocess.run(command(name, tiny_data, out, seed=0), env=env, check=True, capture_output=True)
    duration = time.perf_counter() - start
    old = files_in(out)
    names = set(old)
    rng = np.random.default_rng(sorted(["train", "fewshot", "flip-balance"]).index(name))
    outcomes = []
    for attempt in range(1, SIGNAL_LOOP_RUNS + 1):
        number = STOPS[attempt % len(STOPS)]
        token = f"ZERONN_SIGNAL_TEST={name}-{attempt}-{os.getpid()}"
        child = subprocess.Popen(
            command(name, tiny_data, out, seed=attempt),
            env={**env, "ZERONN_SIGNAL_TEST": token.partition("=")[2]},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, as a command in a terminal
        )
        moment = rng.uniform(0.0, 1.3 * duration)  # past the end too: complete new runs
        time.sleep(moment)
        stop(child, number)
        _, error = child.communicate(timeout=120)
        where = f"attempt {attempt}: {signal.Signals(number).name} at {moment:.2f} s"
        assert wait_until_gone(token) == [], f"{where}: processes left alive"
        assert debris(tmp_path) == [], where
        lines = error.strip().splitlines()
        if child.returncode == 0:  # it had finished before the signal came
            assert lines == [], f"{where}: {error}"
        elif not any(line.startswith(f"zeronn {name}: ") for line in lines):
            # Python's own reaction: the checks of the outputs below still hold
            assert before_zeronn_ran(child.returncode, number, error), f"{where}: {error}"
        else:
            assert child.returncode in exit_codes_of_a_stop(number), f"{where}: {error}"
            assert len(lines) == 1, f"{where}: {error}"
            said = (
                "holds what it held before",
                "its outputs were complete",
                "written nothing",
                "its run had ended",
            )
            assert any(words in lines[0] for words in said), f"{where}: {error}"
        now = files_in(out)
        if now == old:
            outcomes.append("old")
        else:
            whole = complete(name, out, names, seed=attempt)
            assert whole, f"{where}: a mixed or partial folder {sorted(now)}"
            outcomes.append("new")
            old = now
    assert files_in(tiny_data) == data_before  # what a run reads is never touched
    print(name, outcomes)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux's /proc")
def test_the_workers_of_a_study_end_when_their_parent_is_killed(tiny_data, tmp_path):
    """SIGKILL leaves the parent no time to end its workers: their watchdogs do."""
    value = f"{os.getpid()}-kill"
    study = ["--steps", "4000", "--jobs", "2", "--repeats", "4", "--out", str(tmp_path / "out")]
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "zeronn",
            "fewshot",
            "--root",
            str(tiny_data),
            "--no-verify",
            *study,
        ],
        env=dict(os.environ, MPLBACKEND="Agg", ZERONN_SIGNAL_TEST=value),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    token = f"ZERONN_SIGNAL_TEST={value}"
    deadline = time.monotonic() + GONE_WITHIN_SECONDS
    while len(processes_with(token)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)  # the run, its resource tracker and its worker
    found = processes_with(token)
    assert len(found) >= 3, [command_line(pid) for pid in found]
    child.kill()
    child.wait()
    assert wait_until_gone(token) == []


TRICKLE = """
import sys, time
from functools import partial

from zeronn.cli import main
from zeronn.data import download


class Trickle:  # a mirror that sends a kilobyte every 20 ms, forever
    headers = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def read(self, size):
        time.sleep(0.02)
        return b"x" * 1024


download.download = partial(download.download, opener=lambda url, timeout: Trickle())
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("number", STOPS)
def test_a_download_stopped_by_a_signal_leaves_nothing_in_the_cache(number, tmp_path):
    cache = tmp_path / "cache"
    root = tmp_path / "empty"
    root.mkdir()
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    env.pop("ZERONN_DATA", None)
    child = subprocess.Popen(
        [sys.executable, "-c", TRICKLE, "train", "--root", str(root), "--out", str(tmp_path / "o")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + GONE_WITHIN_SECONDS
    while not list(cache.rglob("*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(cache.rglob("*.tmp")), "the download never started"
    child.send_signal(number)
    _, error = child.communicate(timeout=60)
    assert child.returncode in exit_codes_of_a_stop(number), error
    assert error.strip().splitlines()[-1].endswith("holds what it held before"), error
    assert [path for path in (cache / "zeronn").rglob("*") if path.is_file()] == []
    assert not (tmp_path / "o").exists()


def test_a_signal_the_process_ignores_stays_ignored():
    """Under ``nohup`` SIGHUP is ignored; a run must not start heeding it."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with stopping_on_signals():
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(0.05)  # nothing happens
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


def run_stopped(when: str):
    """A command's run() that writes a RunFolder and is stopped by SIGTERM ``when``."""
    from zeronn.run_folder import OutputFolderError, RunFolder

    def run(config):
        try:
            with RunFolder(config.out) as folder:
                (folder / "results.json").write_text("{}")
                if when == "during the run":
                    raise Stopped(signal.SIGTERM)
                if when == "after a kept move":  # another run takes --out meanwhile
                    config.out.mkdir()
                    (config.out / "theirs.json").write_text("{}")
        except OutputFolderError:
            pass  # the signal comes right after the last move's own error
        raise Stopped(signal.SIGTERM)

    return run


@pytest.mark.parametrize("when", ["during the run", "after the last move", "after a kept move"])
def test_the_line_of_a_stopped_command_says_where_the_outputs_are(
    when, tmp_path, monkeypatch, capsys
):
    from zeronn.cli import main
    from zeronn.commands import charlm as charlm_command

    out = tmp_path / "out"
    monkeypatch.setattr(charlm_command, "run", run_stopped(when))
    assert main(["charlm", "--out", str(out)]) == 128 + signal.SIGTERM
    error = capsys.readouterr().err
    said = {
        "during the run": f"{out} holds what it held before",
        "after the last move": f"its outputs were complete in {out} already",
        "after a kept move": f"its finished outputs are kept in {tmp_path}/out.kept-",
    }[when]
    assert error.startswith(f"zeronn charlm: stopped by SIGTERM; {said}"), error
    assert len(error.splitlines()) == 1


def test_a_stop_that_c_code_turned_into_another_error_is_still_a_stop(
    tmp_path, monkeypatch, capsys
):
    """matplotlib's drawing, for one, reports an exception raised in a callback as its own
    ValueError: the command was stopped all the same, and says so."""
    from zeronn.cli import main
    from zeronn.commands import charlm as charlm_command

    def run(config):
        try:  # as if the handler had fired inside C code
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(1)
        except Stopped:
            raise ValueError("Invalid affine transformation matrix") from None

    monkeypatch.setattr(charlm_command, "run", run)
    out = tmp_path / "out"
    assert main(["charlm", "--out", str(out)]) == 128 + signal.SIGHUP
    assert capsys.readouterr().err == (
        f"zeronn charlm: stopped by SIGHUP; {out} holds what it held before\n"
    )


def test_a_stop_that_an_import_turned_into_an_import_error_is_still_a_stop(monkeypatch, capsys):
    """A signal that comes while the command's module is imported (NumPy's C code, say) can
    reach the user as an ImportError: the command was stopped before it began, and says so."""
    from zeronn import cli

    def build_parser(command):
        try:  # as if the handler had fired inside an extension module's import
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
        except Stopped:
            raise ImportError('PyCapsule_Import could not import module "datetime"') from None

    monkeypatch.setattr(cli, "build_parser", build_parser)
    assert cli.main(["charlm", "--steps", "1"]) == 128 + signal.SIGTERM
    assert (
        capsys.readouterr().err == "zeronn charlm: stopped by SIGTERM; it had written nothing yet\n"
    )
