"""Tests for zeronn/handout.py: tasks shared by the caller and an executor's workers."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from zeronn.handout import TaskList, share


def test_the_task_list_hands_each_index_out_once_until_closed():
    tasks = TaskList(3)
    assert [tasks.take(), tasks.take()] == [0, 1]
    tasks.close()
    assert tasks.take() is None


def nap_then_name(index: int, seconds: float) -> tuple[int, str]:
    time.sleep(seconds)
    return index, threading.current_thread().name


def test_results_come_back_in_order_and_the_caller_takes_part():
    # later tasks finish first, so the order must be restored
    tasks = [(nap_then_name, (index, 0.02 * (6 - index))) for index in range(6)]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="worker") as executor:
        results = list(share(tasks, executor, workers=1))
    assert [index for index, _ in results] == list(range(6))
    where = {name for _, name in results}
    assert threading.current_thread().name in where
    assert any(name.startswith("worker") for name in where)


def fail_on(index: int, bad: int, ran: list[int]) -> int:
    ran.append(index)
    time.sleep(0.02)
    if index == bad:
        raise ValueError(f"task {index} failed")
    return index


def collect(results, into: list) -> None:
    """Append results one by one until one raises."""
    for result in results:
        into.append(result)


@pytest.mark.parametrize("bad", [0, 1, 3])
def test_an_error_is_raised_at_its_place_and_stops_the_handout(bad):
    ran: list[int] = []
    tasks = [(fail_on, (index, bad, ran)) for index in range(12)]
    yielded: list[int] = []
    failed = pytest.raises(ValueError, match=f"task {bad} failed")
    with ThreadPoolExecutor(max_workers=1) as executor, failed:
        collect(share(tasks, executor, workers=1), yielded)
    assert yielded == list(range(bad))  # the results before it, then its own error
    assert len(ran) < len(tasks)  # nothing new was handed out once the error was seen


def test_leaving_early_waits_for_the_workers_and_hands_out_nothing_more():
    ran: list[int] = []
    tasks = [(fail_on, (index, -1, ran)) for index in range(12)]
    with ThreadPoolExecutor(max_workers=1) as executor:
        results = share(tasks, executor, workers=1)
        assert next(results) == 0
        results.close()
        count = len(ran)
    time.sleep(0.05)
    assert len(ran) == count < len(tasks)


def test_no_tasks_no_results():
    with ThreadPoolExecutor(max_workers=1) as executor:
        assert list(share([], executor, workers=1)) == []
