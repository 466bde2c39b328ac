"""zeronn.threads: the BLAS limit holds inside the block, is restored after; bad counts refused."""

import time

import numpy as np
import pytest

from zeronn import threads
from zeronn.threads import (
    blas_threads,
    current_threads,
    default_thread_count,
    map_parts,
    serial_blas,
    worker_pool,
)


def blas_counts() -> list[int]:
    return [library["num_threads"] for library in threads.blas_info()]


@pytest.fixture
def blas():
    if not threads.blas_info():
        pytest.skip("threadpoolctl finds no BLAS library in this NumPy")
    return blas_counts()


@pytest.mark.parametrize("count", [1, 3])
def test_limit_applies_inside_and_is_restored_after(blas, count):
    with blas_threads(count) as applied:
        assert applied == count
        assert blas_counts() == [count] * len(blas)
        assert current_threads() == count
        product = np.ones((64, 64)) @ np.ones((64, 64))
    assert blas_counts() == blas
    assert product[0, 0] == 64.0


def test_none_means_the_default_count(blas):
    with blas_threads(None) as applied:
        assert applied == default_thread_count()
        assert current_threads() == applied
    assert blas_counts() == blas


def test_limits_nest_and_restore_after_an_error(blas):
    def nested():
        with blas_threads(2):
            with blas_threads(1):
                assert current_threads() == 1
            assert current_threads() == 2
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        nested()
    assert blas_counts() == blas


def test_serial_blas_is_one_thread_and_restores(blas):
    with blas_threads(2), serial_blas():
        assert blas_counts() == [1] * len(blas)
    assert blas_counts() == blas


def test_the_default_is_one_thread_as_measured():
    assert default_thread_count() == 1


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_bad_thread_counts_are_refused(bad):
    message = rf"blas_threads expected threads to be a positive integer or None, got {bad!r}"
    with pytest.raises(ValueError, match=message):
        blas_threads(bad).__enter__()
    with pytest.raises(ValueError, match="map_parts expected threads"):
        map_parts(abs, [1], threads=bad)


@pytest.mark.parametrize("count", [1, 2, 3])
def test_map_parts_keeps_order_and_reraises(count):
    assert map_parts(lambda k: k * k, range(7), threads=count) == [k * k for k in range(7)]

    def fail(k):
        if k == 3:
            raise KeyError("part 3")
        return k

    with pytest.raises(KeyError, match="part 3"):
        map_parts(fail, range(5), threads=count)


def test_parts_run_with_a_one_thread_blas(blas):
    with blas_threads(2):
        seen = map_parts(lambda _: blas_counts(), range(4))
    assert seen == [[1] * len(blas)] * 4
    assert blas_counts() == blas


def test_worker_pool_is_made_once_per_size():
    assert worker_pool(2) is worker_pool(2)
    assert worker_pool(2) is not worker_pool(3)


def test_split_batch_keeps_small_arrays_on_one_call(monkeypatch):
    seen = []
    small = np.zeros((4, threads.SPLIT_MIN_ELEMENTS // 8))
    with blas_threads(2):
        threads.split_batch(seen.append, small)
    assert seen == [slice(0, 4)]


def test_split_batch_gives_one_slice_per_thread(monkeypatch):
    monkeypatch.setattr(threads, "SPLIT_MIN_ELEMENTS", 1)
    seen = []
    threads.split_batch(seen.append, np.zeros((7, 3)), threads=3)
    assert sorted(seen, key=lambda part: part.start) == [slice(0, 2), slice(2, 4), slice(4, 7)]
    seen.clear()
    threads.split_batch(seen.append, np.zeros(()), threads=3)
    assert seen == [Ellipsis]
    with pytest.raises(ValueError, match="split_batch expected threads"):
        threads.split_batch(seen.append, np.zeros(3), threads=0)


def test_split_product_cuts_large_products_by_rows_one_part_per_thread(monkeypatch):
    seen = []
    threads.split_product(seen.append, 100, threads.SPLIT_MIN_MULTIPLY_ADDS - 1, threads=2)
    assert seen == [slice(0, 100)]  # too small to hand half to another thread
    seen.clear()
    threads.split_product(seen.append, 100, 10 * threads.SPLIT_MIN_MULTIPLY_ADDS, threads=2)
    assert sorted(seen, key=lambda part: part.start) == [slice(0, 50), slice(50, 100)]
    seen.clear()
    threads.split_product(seen.append, 1, 10 * threads.SPLIT_MIN_MULTIPLY_ADDS, threads=2)
    assert seen == [slice(0, 1)]
    with pytest.raises(ValueError, match="split_product expected threads"):
        threads.split_product(seen.append, 4, 1, threads=0)


def test_batch_slices_cover_the_axis_in_order():
    assert threads.batch_slices(5, 2) == [slice(0, 2), slice(2, 5)]
    assert threads.batch_slices(2, 4) == [slice(0, 1), slice(1, 2)]
    assert threads.batch_slices(0, 3) == [slice(0, 0)]


def test_map_parts_inside_a_part_runs_in_order_instead_of_waiting_for_its_pool():
    def outer(k):
        return map_parts(lambda j: (k, j), range(3), threads=2)

    assert map_parts(outer, range(4), threads=2) == [[(k, j) for j in range(3)] for k in range(4)]


def test_map_parts_raises_once_the_running_parts_have_ended():
    finished = []

    def part(k):
        if k == 1:
            raise KeyError("second")
        time.sleep(0.05 if k == 0 else 0)
        finished.append(k)
        return k

    with pytest.raises(KeyError, match="second"):
        map_parts(part, range(40), threads=2)
    assert 0 in finished  # part 0 was running when part 1 failed: it was waited for
    assert len(finished) < 39  # and no part started after the failure was seen
