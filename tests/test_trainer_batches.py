"""Trainer.fit on a dataset that yields its own batches (a BatchSource), one path with arrays.

Arrays are one more source (ArrayBatches): a hand-written source that serves arrays gives the
very same run as the arrays; an image folder streamed batch by batch trains a small convnet;
the guards still hold; the old *_batches methods are deprecated aliases of the one path.
"""

import numpy as np
import pytest
from image_folders import make_class_folders
from test_trainer import batchnorm_model, blobs, make_trainer, tiny_model

from zeronn.data import (
    ArrayBatches,
    ImageFolderDataset,
    image_folder_splits,
    iterate_batches,
    num_batches,
)
from zeronn.models import simple_convnet
from zeronn.optim import Adam
from zeronn.trainer import NonFiniteLossError, Trainer


class ArraySource:
    """Arrays served through the BatchSource protocol, batch by batch as iterate_batches."""

    def __init__(self, x, t):
        self.x, self.t = x, t

    def num_batches(self, batch_size):
        return num_batches(len(self.x), batch_size)

    def batches(self, batch_size, rng=None, shuffle=True, augment=None):
        return iterate_batches(self.x, self.t, batch_size, rng, shuffle=shuffle, augment=augment)


def test_a_source_of_arrays_trains_exactly_as_fit_on_the_arrays():
    x, t = blobs()
    x_val, t_val = blobs(30, seed=1)
    first = make_trainer(tiny_model(seed=3))
    from_arrays = first.fit(x, t, 3, validation=(x_val, t_val))
    second = make_trainer(tiny_model(seed=3))
    from_source = second.fit(ArraySource(x, t), epochs=3, validation=ArraySource(x_val, t_val))
    assert from_source is second.history
    assert from_source.step_loss == from_arrays.step_loss
    for key in ("loss", "accuracy", "val_loss", "val_accuracy", "lr"):
        assert getattr(from_source, key) == pytest.approx(getattr(from_arrays, key)), key
    for (name, p), (_, q) in zip(
        first.model.named_parameters(), second.model.named_parameters(), strict=True
    ):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)
    # validation may also be arrays; evaluate on a source agrees with evaluate on arrays
    third = make_trainer(tiny_model(seed=3))
    with_arrays = third.fit(ArraySource(x, t), epochs=3, validation=(x_val, t_val))
    assert with_arrays.val_loss == pytest.approx(from_arrays.val_loss)
    assert third.evaluate(ArraySource(x_val, t_val)) == pytest.approx(third.evaluate(x_val, t_val))


def test_arrays_are_array_batches_bit_for_bit():
    x, t = blobs()
    x_val, t_val = blobs(30, seed=1)
    first, second = make_trainer(tiny_model(seed=3)), make_trainer(tiny_model(seed=3))
    from_arrays = first.fit(x, t, 3, validation=(x_val, t_val))
    from_source = second.fit(ArrayBatches(x, t), epochs=3, validation=ArrayBatches(x_val, t_val))
    assert from_source.step_loss == from_arrays.step_loss
    assert from_source.val_loss == from_arrays.val_loss  # exactly: the same views, in order
    assert second.evaluate(ArrayBatches(x_val, t_val)) == first.evaluate(x_val, t_val)
    logits, targets = second.outputs(x_val, t_val)
    np.testing.assert_array_equal(logits, first.predict(x_val))
    np.testing.assert_array_equal(logits, second.predict(ArrayBatches(x_val, t_val)))
    np.testing.assert_array_equal(targets, t_val)


def test_the_old_batches_methods_are_deprecated_aliases_of_the_one_path():
    x, t = blobs()
    first, second = make_trainer(tiny_model(seed=3)), make_trainer(tiny_model(seed=3))
    with pytest.warns(DeprecationWarning, match=r"use Trainer\.fit\(source, epochs=epochs\)"):
        old = first.fit_batches(ArraySource(x, t), 2, validation=(x, t))
    assert old.step_loss == second.fit(x, t, 2, validation=(x, t)).step_loss
    with pytest.warns(DeprecationWarning, match=r"use Trainer\.evaluate\(source\)"):
        assert first.evaluate_batches(ArraySource(x, t)) == first.evaluate(x, t)
    with pytest.warns(DeprecationWarning, match=r"use Trainer\.outputs\(source\)"):
        logits, targets = first.predict_batches(ArraySource(x, t))
    np.testing.assert_array_equal(logits, first.predict(x))
    np.testing.assert_array_equal(targets, t)


def test_a_streamed_image_folder_trains_a_color_convnet(tmp_path):
    root = make_class_folders(tmp_path / "shapes", 40, size=(24, 24))
    train, validation = image_folder_splits(root, 16, "rgb", validation_fraction=0.25, rng=0)
    model = simple_convnet(
        train.image_shape, filters=8, kernel_size=3, hidden=32, classes=3, rng=0, dtype="float32"
    )
    trainer = Trainer(model, Adam(model.parameters(), lr=0.003), batch_size=8, rng=1, verbose=0)
    history = trainer.fit(train, epochs=10, validation=validation)
    assert history.epochs == 10  # one History for the whole run
    assert len(history.step_loss) == 10 * train.num_batches(8) == 10 * 12
    assert history.val_accuracy[-1] >= 0.7  # chance is 1/3; 0.8 to 0.87 over seeds 0 to 3
    logits, t = trainer.outputs(validation)
    np.testing.assert_array_equal(t, validation.labels)  # unshuffled: the dataset's order
    np.testing.assert_array_equal(trainer.predict(validation), logits)
    assert trainer.evaluate(validation)[1] == pytest.approx(np.mean(logits.argmax(axis=1) == t))


def test_a_nan_batch_from_a_source_leaves_the_running_statistics_untouched():
    x, t = blobs(40)
    model = batchnorm_model()
    trainer = Trainer(model, Adam(model.parameters()), batch_size=40, rng=0, verbose=0)
    trainer.fit(ArraySource(x, t), epochs=2)
    before = model.state_dict()
    x_bad = x.copy()
    x_bad[3, 0] = np.inf
    with pytest.raises(NonFiniteLossError, match=r"epoch 1, step 1/1.*input batch itself"):
        trainer.fit(ArraySource(x_bad, t), epochs=1)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)


def test_what_is_not_a_source_is_refused_before_training(tmp_path):
    trainer = make_trainer(tiny_model())
    x, t = blobs(20)
    with pytest.raises(TypeError, match=r"fit expected data inputs as a numpy array, got tuple"):
        trainer.fit((x, t), epochs=1)
    with pytest.raises(TypeError, match=r"fit takes targets t with arrays only.*epochs=n"):
        trainer.fit(ArraySource(x, t), 1)  # epochs in the place of the targets
    with pytest.raises(TypeError, match=r"expected validation=\(x_val, t_val\) or a dataset"):
        trainer.fit(ArraySource(x, t), epochs=1, validation="val")
    with pytest.raises(ValueError, match="expected a source with batches"):
        trainer.fit(ArraySource(x[:0], t[:0]), epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        trainer.fit(ArraySource(x, t), epochs=0)
    with pytest.raises(TypeError, match="expected epochs to be a positive integer, got None"):
        trainer.fit(ArraySource(x, t))
    with pytest.raises(TypeError, match=r"evaluate expected data targets as a numpy array"):
        trainer.evaluate(x)
    assert trainer.history.epochs == 0  # nothing ran


def test_a_source_whose_epoch_yields_nothing_is_an_error():
    class Empty(ArraySource):
        def batches(self, batch_size, rng=None, shuffle=True, augment=None):
            return iter(())

    x, t = blobs(20)
    with pytest.raises(ValueError, match="got no training batches from its source"):
        make_trainer(tiny_model()).fit(Empty(x, t), epochs=1)


def test_an_image_folder_dataset_is_a_batch_source(tmp_path):
    dataset = ImageFolderDataset(make_class_folders(tmp_path / "s", 2, size=(12, 12)), 12)
    model = simple_convnet((3, 12, 12), filters=2, kernel_size=3, hidden=4, classes=3, rng=0)
    trainer = Trainer(model, Adam(model.parameters()), batch_size=4, rng=0, verbose=0)
    assert trainer.fit(dataset, epochs=1).epochs == 1
