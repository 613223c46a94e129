import hashlib
from importlib import resources

import keras
import numpy as np
import pytest
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import scale

from viz import optimizers
from viz.problems.logreg import PARAM_NAMES, lesson_data, load_banknotes, loss_and_accuracy


def test_shipped_data_is_the_course_file():
    data = resources.files("viz").joinpath("data/banknotes.csv").read_bytes()
    assert hashlib.sha256(data).hexdigest() == "efd403db8c91b250e16ed31ef4224f9b388703786539f7b461f91f55b66b6b0e"
    features, target = load_banknotes()
    assert features.shape == (1372, 4)
    assert np.bincount(target).tolist() == [762, 610]


def test_scaling_and_split_equal_scikit_learn():
    features, target = load_banknotes()
    x_train, x_test, y_train, y_test = train_test_split(scale(features), target, test_size=0.3, random_state=42)
    ours = lesson_data()
    assert (len(ours[0]), len(ours[2])) == (960, 412)
    np.testing.assert_array_equal(ours[0], x_train)
    np.testing.assert_array_equal(ours[1], y_train)
    np.testing.assert_array_equal(ours[2], x_test)
    np.testing.assert_array_equal(ours[3], y_test)


def test_loss_and_accuracy_equal_keras_evaluate():
    x_train, y_train, _, _ = lesson_data()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    weights = np.array([0.7, -1.2, 0.3, 2.0, -0.4])
    model.set_weights([weights[:4, None].astype("float32"), weights[4:].astype("float32")])
    model.compile(loss="binary_crossentropy", metrics=["accuracy"])
    keras_loss, keras_accuracy = model.evaluate(x_train.astype("float32"), y_train, verbose=0, batch_size=960)
    loss, accuracy = loss_and_accuracy(weights, x_train, y_train)
    assert loss == pytest.approx(keras_loss, rel=1e-5)
    assert accuracy == pytest.approx(keras_accuracy, abs=1e-6)


def test_every_optimizer_starts_from_the_same_weights_with_301_points(lesson):
    assert lesson.names == ("SGD", "SGD momentum=0.3", "SGD momentum=0.3 nesterov", "Adam", "Adagrad", "RMSprop")
    assert lesson.params.shape == (6, 301, 5)
    assert lesson.loss.shape == lesson.accuracy.shape == (6, 301)
    assert lesson.param_names == PARAM_NAMES
    assert lesson.steps_per_epoch == 60
    np.testing.assert_array_equal(lesson.params[:, 0], np.broadcast_to(lesson.params[0, 0], (6, 5)))
    assert np.all(lesson.params[:, 0, 4] == 0)  # Keras starts the bias at zero
    moved = np.linalg.norm(lesson.params[:, -1] - lesson.params[:, 0], axis=1)
    assert np.all(moved > 0.05)
    assert np.all(np.isfinite(lesson.params))


def test_recording_is_what_model_fit_does(lesson, lesson_scene):
    """Plain Keras, same initial weights, same seed: the same History, the same end weights,
    and validation metrics equal to fit's own validation_data."""
    x_train, y_train, x_test, y_test = [a.astype("float32") for a in lesson_data()]
    start = lesson.params[0, 0]
    for i, (label, spec) in enumerate(lesson_scene.optimizers.items()):
        keras.utils.set_random_seed(lesson_scene.seed)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
        model.set_weights([start[:4, None].astype("float32"), start[4:].astype("float32")])
        model.compile(optimizer=optimizers.resolve(spec, 0.01), loss="binary_crossentropy", metrics=["accuracy"])
        history = model.fit(x_train, y_train, batch_size=16, epochs=5, verbose=0,
                            validation_data=(x_test, y_test)).history
        for key in ("loss", "accuracy"):
            np.testing.assert_array_equal(lesson.history[key][i], np.array(history[key]), err_msg=f"{label} {key}")
        for key in ("val_loss", "val_accuracy"):
            np.testing.assert_allclose(lesson.history[key][i], history[key], rtol=1e-5, atol=1e-6,
                                       err_msg=f"{label} {key}")
        end = np.concatenate([w.ravel() for w in model.get_weights()])
        np.testing.assert_array_equal(lesson.params[i, -1], end, err_msg=label)
        keras.backend.clear_session()


def test_per_step_loss_is_the_whole_training_set(lesson):
    x_train, y_train, _, _ = lesson_data()
    loss, accuracy = loss_and_accuracy(lesson.params[2, 137], x_train, y_train)
    assert lesson.loss[2, 137] == pytest.approx(loss, rel=1e-12)
    assert lesson.accuracy[2, 137] == accuracy


def test_adam_and_rmsprop_beat_plain_sgd(lesson):
    """The lesson's finding, with the default seed."""
    final = dict(zip(lesson.names, lesson.loss[:, -1]))
    assert final["Adam"] < final["SGD"]
    assert final["RMSprop"] < final["SGD"]
    epoch_loss = dict(zip(lesson.names, lesson.history["loss"][:, -1]))
    assert epoch_loss["Adam"] < epoch_loss["SGD"] and epoch_loss["RMSprop"] < epoch_loss["SGD"]


def test_same_seed_same_recording_other_seed_other_start(small):
    from viz import Scene, problems, record

    scene = Scene(title="small", problem=problems.logreg(epochs=1, batch_size=64),
                  optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.05)
    again = record(scene)
    np.testing.assert_array_equal(again.params, small.params)
    other = record(scene, seed=1)
    assert not np.array_equal(other.params[0, 0], small.params[0, 0])
