"""Tests for zeronn/serialize.py: .npz round trips and all-or-nothing, clearly failing loads."""

import itertools
import json
import zipfile

import numpy as np
import pytest

from zeronn import models
from zeronn.data.errors import ModelFileError
from zeronn.layers import Dropout, Layer, Tanh
from zeronn.layers.activations import ReLU
from zeronn.layers.affine import Affine
from zeronn.layers.batchnorm import BatchNorm
from zeronn.model import Sequential
from zeronn.parameter import Parameter
from zeronn.serialize import ARCHITECTURE_KEY, architecture, load, read_architecture, save


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
        assert sorted(archive.files) == sorted([*source.state_dict(), ARCHITECTURE_KEY])
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


def save_without_architecture(model, path):
    """A file as zeronn.save wrote it before the architecture was stored: the state alone."""
    np.savez(path, **model.state_dict())


def test_different_architecture_names_first_mismatch_and_both_shapes(tmp_path, rng):
    save(make_model(0, sizes=(4, 6, 3)), tmp_path / "w.npz")
    target = make_model(1, sizes=(4, 7, 3))
    before = target.state_dict()
    with pytest.raises(
        ModelFileError,
        match=r"w\.npz: layer 0 is Affine\(4 -> 6\) in the file but Affine\(4 -> 7\) in this",
    ):
        load(target, tmp_path / "w.npz")
    assert_same_state(target, make_model(1, sizes=(4, 7, 3)))
    assert all(np.array_equal(v, before[k]) for k, v in target.state_dict().items())
    # a file without the architecture: the names and shapes say it
    save_without_architecture(make_model(0, sizes=(4, 6, 3)), tmp_path / "old.npz")
    with pytest.raises(
        ModelFileError, match=r"old\.npz.*'0\.W' has shape \(4, 7\) in the model but \(4, 6\)"
    ):
        load(target, tmp_path / "old.npz")
    assert_same_state(target, make_model(1, sizes=(4, 7, 3)))


def test_missing_and_unexpected_keys(tmp_path):
    save_without_architecture(make_model(0, sizes=(4, 6, 3)), tmp_path / "w.npz")
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


def test_the_architecture_is_stored_as_json_text_and_ignores_dtype_and_init(tmp_path):
    model = models.mlp([4, 5, 3], dtype=np.float32, rng=0)
    path = save(model, tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as archive:
        stored = archive[ARCHITECTURE_KEY]
    assert stored.dtype.kind == "U"  # text, never an object array
    assert stored.shape == ()
    described = json.loads(str(stored))
    assert described == read_architecture(path) == architecture(model)
    assert described["layers"] == ["Affine(4 -> 5)", "ReLU()", "Affine(5 -> 3)"]
    assert described["built_by"] == {
        "factory": "mlp",
        "arguments": {"sizes": [4, 5, 3], "activation": "relu", "batchnorm": False, "dropout": 0.0},
    }
    # the README's twin: another dtype and init, no factory, the same layers
    twin = Sequential([Affine(4, 5, init="xavier"), ReLU(), Affine(5, 3)])
    load(twin, path)
    np.testing.assert_allclose(twin[0].W.data, model[0].W.data)


@pytest.mark.parametrize(
    ("saved", "target", "message"),
    [
        (
            lambda: models.mlp([784, 10], rng=0),
            lambda: models.simple_convnet(rng=0),
            r"the file holds a model built by mlp\(sizes=\[784, 10\], activation='relu', "
            r"batchnorm=False, dropout=0.0\); this model was built by simple_convnet\(input_shape",
        ),
        (
            lambda: models.mlp([4, 6, 3], rng=0),
            lambda: models.mlp([4, 6, 3], activation="tanh", rng=0),
            r"the file's mlp has activation='relu'; this model's has activation='tanh'",
        ),
        (
            lambda: Sequential([Affine(4, 6), ReLU(), Affine(6, 3)]),
            lambda: Sequential([Affine(4, 6), Tanh(), Affine(6, 3)]),
            r"layer 1 is ReLU\(\) in the file but Tanh\(\) in this model",
        ),
        (
            lambda: models.recurrent_classifier("lstm", (8,), rng=0),
            lambda: models.recurrent_classifier("gru", (8,), rng=0),
            r"the file's recurrent_classifier has kind='lstm'; this model's has kind='gru'",
        ),
        (
            lambda: Sequential([Affine(4, 6), ReLU()]),
            lambda: Sequential([Affine(4, 6), ReLU(), Dropout(0.5)]),
            r"the file holds 2 layers; this model has 3",
        ),
    ],
)
def test_another_architecture_is_refused_naming_what_differs(tmp_path, saved, target, message):
    """Same parameter names and shapes or not: the layers decide, before anything is written."""
    path = save(saved(), tmp_path / "model.npz")
    model = target()
    before = model.state_dict()
    with pytest.raises(ModelFileError, match=r"cannot load weights from .*model\.npz: " + message):
        load(model, path)
    assert all(np.array_equal(v, before[k]) for k, v in model.state_dict().items())


def test_a_layer_without_its_own_repr_is_described_by_its_class(tmp_path):
    class Scale(Layer):
        param_names = ("a",)

        def __init__(self, features):
            self.a = Parameter(np.arange(features, dtype=float))

    path = save(Sequential([Scale(3)]), tmp_path / "s.npz")
    assert read_architecture(path)["layers"] == ["Scale"]
    loaded = load(Sequential([Scale(3)]), path)
    np.testing.assert_array_equal(loaded[0].a.data, [0, 1, 2])


def test_a_damaged_architecture_entry_is_a_model_file_error(tmp_path):
    path = tmp_path / "m.npz"
    np.savez(path, **make_model(0).state_dict(), **{ARCHITECTURE_KEY: np.array("{not json")})
    with pytest.raises(ModelFileError, match=r"zeronn.architecture entry is not what zeronn.save"):
        load(make_model(0), path)
    with pytest.raises(ModelFileError, match="entry is not what"):
        read_architecture(path)
    save_without_architecture(make_model(0), tmp_path / "old.npz")
    assert read_architecture(tmp_path / "old.npz") is None
