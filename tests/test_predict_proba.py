"""predict gives logits, predict_proba probabilities: on Sequential and on the Trainer."""

import numpy as np
import pytest

import zeronn


def small_model(rng):
    return zeronn.Sequential(
        [zeronn.Affine(6, 5, rng=rng), zeronn.ReLU(), zeronn.Dropout(0.5), zeronn.Affine(5, 3)]
    )


def test_sequential_predict_proba_is_the_softmax_of_predict(rng):
    model = small_model(rng)
    x = rng.normal(size=(7, 6))
    probabilities = model.predict_proba(x, batch_size=3)
    np.testing.assert_allclose(probabilities, zeronn.softmax(model.predict(x)))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert (probabilities >= 0).all()
    assert model.training  # eval mode only for the call, as predict


def test_predict_proba_keeps_the_models_dtype(rng):
    model = zeronn.Sequential([zeronn.Affine(4, 2, dtype="float32", rng=rng)])
    assert model.predict_proba(rng.random((3, 4), dtype=np.float32)).dtype == np.float32


def test_trainer_predict_proba_is_the_softmax_of_its_predict(rng):
    model = small_model(rng)
    trainer = zeronn.Trainer(model, zeronn.SGD(model.parameters(), lr=0.1), batch_size=2, verbose=0)
    x = rng.normal(size=(5, 6))
    np.testing.assert_allclose(trainer.predict_proba(x), zeronn.softmax(trainer.predict(x)))


def test_predict_proba_refuses_as_predict_does(rng):
    with pytest.raises(ValueError, match="batch_size"):
        small_model(rng).predict_proba(rng.normal(size=(2, 6)), batch_size=0)
