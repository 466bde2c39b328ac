"""Tests for zeronn/serialize.py: .npz round trips and all-or-nothing, clearly failing loads."""

import itertools
import zipfile

import numpy as np
import pytest

from zeronn.layers.activations import ReLU
from zeronn.layers.affine import Affine
from zeronn.layers.batchnorm import BatchNorm
from zeronn.model import Sequential
from zeronn.serialize import load, save


def make_model(seed, sizes=(4, 6, 3), dtype=np.float64):
    rng = np.random.default_rng(seed)
    layers = []
    for in_features, out_features in itertools.pairwise(sizes):
        layers += [
            Affine(in_features, out_features, rng=rng, dtype=dtype),
            BatchNorm(out_features, dtype=dtype),
            ReLU(),
        ]
    return Sequential(layers[:-2])


def trained(model, rng):
    """Give every parameter and running statistic a value that differs from its initial one."""
    for param in model.parameters():
        param.data += rng.standard_normal(param.shape)
    model.train().forward(rng.standard_normal((8, 4)))
    return model


def assert_same_state(a, b):
    state_a, state_b = a.state_dict(), b.state_dict()
    assert list(state_a) == list(state_b)
    for name in state_a:
        np.testing.assert_array_equal(state_a[name], state_b[name], err_msg=name)


def test_round_trip_restores_parameters_and_batchnorm_buffers(tmp_path, rng):
    source = trained(make_model(0), rng)
    path = save(source, tmp_path / "weights.npz")
    assert path == tmp_path / "weights.npz"
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(source.state_dict())
    target = make_model(1)
    assert load(target, path) is target
    assert_same_state(source, target)
    x = rng.standard_normal((5, 4))
    np.testing.assert_array_equal(source.predict(x), target.predict(x))


def test_load_casts_to_the_models_dtype(tmp_path, rng):
    source = trained(make_model(0), rng)
    save(source, tmp_path / "w.npz")
    target = load(make_model(1, dtype=np.float32), tmp_path / "w.npz")
    for name, value in target.state_dict().items():
        assert value.dtype == np.float32, name
        np.testing.assert_allclose(value, source.state_dict()[name], rtol=1e-6)


def test_save_overwrites_atomically_and_leaves_no_temporary(tmp_path, rng):
    path = tmp_path / "w.npz"
    save(make_model(0), path)
    save(trained(make_model(0), rng), path)
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]


def test_different_architecture_names_first_mismatch_and_both_shapes(tmp_path, rng):
    save(make_model(0, sizes=(4, 6, 3)), tmp_path / "w.npz")
    target = make_model(1, sizes=(4, 7, 3))
    before = target.state_dict()
    with pytest.raises(
        ValueError, match=r"w\.npz.*'0\.W' has shape \(4, 7\) in the model but \(4, 6\)"
    ):
        load(target, tmp_path / "w.npz")
    assert_same_state(target, make_model(1, sizes=(4, 7, 3)))
    assert all(np.array_equal(v, before[k]) for k, v in target.state_dict().items())


def test_missing_and_unexpected_keys(tmp_path):
    save(make_model(0, sizes=(4, 6, 3)), tmp_path / "w.npz")
    deeper = make_model(1, sizes=(4, 6, 6, 3))
    with pytest.raises(
        ValueError,
        match=r"'3\.W' has shape \(6, 6\) .* \(6, 3\) in the state; missing 4\.gamma",
    ):
        load(deeper, tmp_path / "w.npz")
    np.savez(tmp_path / "extra.npz", **make_model(0).state_dict(), bogus=np.zeros(1))
    with pytest.raises(ValueError, match="unexpected bogus"):
        load(make_model(0), tmp_path / "extra.npz")


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nothing\.npz: no such file"):
        load(make_model(0), tmp_path / "nothing.npz")
    with pytest.raises(FileNotFoundError, match="it is a folder"):
        load(make_model(0), tmp_path)


def test_not_an_npz_file(tmp_path, rng):
    text = tmp_path / "notes.npz"
    text.write_text("not weights at all\n")
    with pytest.raises(ValueError, match=r"notes\.npz: not a \.npz archive"):
        load(make_model(0), text)
    single = tmp_path / "array.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(ValueError, match=r"single \.npy array"):
        load(make_model(0), single)
    full = tmp_path / "full.npz"
    save(trained(make_model(0), rng), full)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    with pytest.raises(ValueError, match=r"not a \.npz archive"):
        load(make_model(0), truncated)


def test_pickled_object_arrays_are_refused(tmp_path):
    path = tmp_path / "objects.npz"
    state = make_model(0).state_dict()
    state["0.W"] = np.array([object()] * 3, dtype=object)
    np.savez(path, **state)  # np.savez pickles object arrays; load must not unpickle them
    assert zipfile.is_zipfile(path)
    with pytest.raises(ValueError, match=r"objects\.npz"):
        load(make_model(0), path)


def test_only_models_are_accepted(tmp_path):
    with pytest.raises(TypeError, match="Sequential model, got dict"):
        save({}, tmp_path / "w.npz")
    with pytest.raises(TypeError, match="Sequential model, got list"):
        load([], tmp_path / "w.npz")


def test_a_crash_while_saving_keeps_the_old_file(tmp_path, rng, monkeypatch):
    path = tmp_path / "w.npz"
    save(make_model(0), path)
    old_bytes = path.read_bytes()

    def crash(handle, **arrays):
        handle.write(b"half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        save(trained(make_model(0), rng), path)
    assert path.read_bytes() == old_bytes
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]
