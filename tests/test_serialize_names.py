"""zeronn.load matches the arrays of a file by name, never by their order in the file."""

import numpy as np

from zeronn.layers.activations import ReLU
from zeronn.layers.batchnorm import BatchNorm
from zeronn.model import Sequential
from zeronn.serialize import load


def test_a_file_with_its_names_in_another_order_loads_each_array_under_its_name(tmp_path, rng):
    def same_shaped_model():  # 8 arrays of shape (5,): only their names tell them apart
        return Sequential([BatchNorm(5), ReLU(), BatchNorm(5)])

    source = same_shaped_model()
    arrays = [p.data for p in source.parameters()] + [b for _, b in source.named_buffers()]
    for array in arrays:  # a distinct value in every entry
        array[...] = rng.uniform(1, 2, array.shape)
    state = source.state_dict()
    names = list(state)
    shuffled = [names[i] for i in rng.permutation(len(names))]
    assert shuffled != names
    path = tmp_path / "shuffled.npz"
    np.savez(path, **{name: state[name] for name in shuffled})
    with np.load(path, allow_pickle=False) as archive:
        assert archive.files == shuffled  # the file really holds them in the other order
    loaded = load(same_shaped_model(), path).state_dict()
    assert list(loaded) == names
    for name in names:
        np.testing.assert_array_equal(loaded[name], state[name], err_msg=name)
