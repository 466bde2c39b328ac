"""single_threaded_blas: one OpenBLAS thread inside the block, the previous count after."""

import numpy as np
import pytest

from zeronn.experiments.fewshot.blas_threads import _thread_controls, single_threaded_blas


def test_limits_inside_and_restores_after():
    controls = _thread_controls()
    if not controls:
        pytest.skip("this NumPy does not use an OpenBLAS we can find")
    before = [getter() for _, getter in controls]
    with single_threaded_blas() as limited:
        assert limited is True
        assert [getter() for _, getter in controls] == [1] * len(controls)
        product = np.ones((64, 64)) @ np.ones((64, 64))
    assert [getter() for _, getter in controls] == before
    assert product[0, 0] == 64.0


def test_restores_after_an_error():
    controls = _thread_controls()
    before = [getter() for _, getter in controls]
    with pytest.raises(RuntimeError, match="boom"), single_threaded_blas():
        raise RuntimeError("boom")
    assert [getter() for _, getter in controls] == before
