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


@pytest.fixture(params=["small", pytest.param("lesson", marks=pytest.mark.slow)])
def run(request):
    """(scene, recording): the quick one (2 optimizers, 15 steps) and, in the slow tier, the full lesson."""
    return request.getfixturevalue(f"{request.param}_scene"), request.getfixturevalue(request.param)


@pytest.mark.slow
def test_the_lesson_is_six_optimizers_over_300_steps(lesson):
    assert lesson.names == ("SGD", "SGD momentum=0.3", "SGD momentum=0.3 nesterov", "Adam", "Adagrad", "RMSprop")
    assert lesson.params.shape == (6, 301, 5) and lesson.steps_per_epoch == 60


def test_every_optimizer_starts_from_the_same_weights_and_moves(run):
    scene, recorded = run
    steps_per_epoch = -(-960 // scene.problem.batch_size)
    steps = scene.problem.epochs * steps_per_epoch
    count = len(scene.optimizers)
    assert recorded.names == tuple(scene.optimizers)
    assert recorded.params.shape == (count, steps + 1, 5)
    assert recorded.loss.shape == recorded.accuracy.shape == (count, steps + 1)
    assert recorded.param_names == PARAM_NAMES
    assert recorded.steps_per_epoch == steps_per_epoch
    np.testing.assert_array_equal(recorded.params[:, 0], np.broadcast_to(recorded.params[0, 0], (count, 5)))
    assert np.all(recorded.params[:, 0, 4] == 0)  # Keras starts the bias at zero
    moved = np.linalg.norm(recorded.params[:, -1] - recorded.params[:, 0], axis=1)
    assert np.all(moved > 0.05)
    assert np.all(np.isfinite(recorded.params))


def test_recording_is_what_model_fit_does(run):
    """Plain Keras, same initial weights, same seed: the same History, the same end weights,
    and validation metrics equal to fit's own validation_data."""
    scene, recorded = run
    x_train, y_train, x_test, y_test = [a.astype("float32") for a in lesson_data()]
    start = recorded.params[0, 0]
    for i, (label, spec) in enumerate(scene.optimizers.items()):
        keras.utils.set_random_seed(scene.seed)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
        model.set_weights([start[:4, None].astype("float32"), start[4:].astype("float32")])
        model.compile(optimizer=optimizers.resolve(spec, scene.learning_rate), loss="binary_crossentropy",
                      metrics=["accuracy"])
        history = model.fit(x_train, y_train, batch_size=scene.problem.batch_size, epochs=scene.problem.epochs,
                            verbose=0, validation_data=(x_test, y_test)).history
        for key in ("loss", "accuracy"):
            np.testing.assert_array_equal(recorded.history[key][i], np.array(history[key]), err_msg=f"{label} {key}")
        for key in ("val_loss", "val_accuracy"):
            np.testing.assert_allclose(recorded.history[key][i], history[key], rtol=1e-5, atol=1e-6,
                                       err_msg=f"{label} {key}")
        end = np.concatenate([w.ravel() for w in model.get_weights()])
        np.testing.assert_array_equal(recorded.params[i, -1], end, err_msg=label)
        keras.backend.clear_session()


def test_per_step_loss_is_the_whole_training_set(run):
    _, recorded = run
    x_train, y_train, _, _ = lesson_data()
    path, step = len(recorded.names) - 1, recorded.steps // 2 + 1
    loss, accuracy = loss_and_accuracy(recorded.params[path, step], x_train, y_train)
    assert recorded.loss[path, step] == pytest.approx(loss, rel=1e-12)
    assert recorded.accuracy[path, step] == accuracy


@pytest.mark.slow
def test_adam_and_rmsprop_beat_plain_sgd(lesson):
    """The lesson's finding, with the default seed."""
    final = dict(zip(lesson.names, lesson.loss[:, -1]))
    assert final["Adam"] < final["SGD"]
    assert final["RMSprop"] < final["SGD"]
    epoch_loss = dict(zip(lesson.names, lesson.history["loss"][:, -1]))
    assert epoch_loss["Adam"] < epoch_loss["SGD"] and epoch_loss["RMSprop"] < epoch_loss["SGD"]


@pytest.mark.slow
def test_same_seed_same_recording_other_seed_other_start(small, small_scene):
    from viz import record

    scene = small_scene
    again = record(scene)
    np.testing.assert_array_equal(again.params, small.params)
    other = record(scene, seed=1)
    assert not np.array_equal(other.params[0, 0], small.params[0, 0])
