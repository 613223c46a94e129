"""Real models at lecture scale: the grid and the recording stride come from the model's cost
and the budgets, state (BatchNormalization) is recorded and evaluated as Keras does, the arrows
are the full gradient projected, the digits CNN scene shows its predictions."""

import dataclasses
import json

import numpy as np
import pytest

import viz
from viz import Scene, problems, record
from viz.backend import load_keras
from viz.errors import OptionError, SpecError
from viz.problems import cost
from viz.render.frames import Frames
from viz.render.panels.curves import CurvePanel
from viz.render.options import Options
from viz.scene import load_scenes

from conftest import assign_flat, mlp

keras = load_keras()


ROWS = 4096  # the budget tests' rows: enough that a point's sharpness costs more than 4 loss evaluations


def xor(rows):
    x = np.random.default_rng(3).normal(size=(rows, 2)).astype("float32")
    return x, (x[:, 0] * x[:, 1] > 0).astype("float32")


def bn_cnn():
    return keras.Sequential([
        keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3), keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"), keras.layers.Dropout(0.3), keras.layers.Flatten(),
        keras.layers.Dense(3, activation="softmax")])


def test_the_cost_is_read_from_the_layers():
    model = bn_cnn()
    found = cost.forward_cost(model)
    # the convolution: its 3x3x1x4 kernel at 6x6 positions; the dense layer: its 144x3 kernel once
    assert found.multiply_adds == 3 * 3 * 4 * 36 + 144 * 3
    assert found.activations == 64 + 4 * 144 + 144 + 3  # input, conv/bn/relu/dropout, flatten, dense


@pytest.mark.slow
def test_a_prime_step_count_keeps_its_last_step():
    x, y = xor(52)  # batch 4: 13 steps, a prime
    problem = problems.keras_model(mlp, x, y, batch_size=4, epochs=1, shuffle=False)
    scene = Scene("mlp", problem, optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.05)
    whole = record(scene, seed=1)
    five = cost.Budgets(memory=8 * 17 * 2 * 5)  # room for 5 points of 17 weights on 2 paths
    assert cost.stride(13, 2, 17, five) == 4
    thinned = record(dataclasses.replace(scene, problem=dataclasses.replace(problem, budgets=five)), seed=1)
    assert thinned.optimizer_steps.tolist() == [0, 4, 8, 12, 13]
    np.testing.assert_array_equal(thinned.params, whole.params[:, [0, 4, 8, 12, 13]])
    np.testing.assert_allclose(thinned.loss, whole.loss[:, [0, 4, 8, 12, 13]], rtol=1e-6)
    frames = Frames(thinned, "mlp", options=Options.of(size=(320, 180)))
    frames[len(frames) - 1]
    assert frames.counter.get_text().endswith("step 13 / 13")
    assert (next(p for p in frames.panels if isinstance(p, CurvePanel)).x[:, -1] == 1.0).all()  # the curves end at epoch 1


@pytest.mark.slow
def test_memory_does_not_hold_full_gradients():
    x, y = xor(64)
    scene = Scene("mlp", problems.keras_model(mlp, x, y, batch_size=16, epochs=1),
                  optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.05)
    recording = record(scene, seed=2)
    random = record(scene, seed=2, plane="random")
    assert recording.grads is None and recording.grads_on_plane.shape == (2, 5, 2)
    # the arrows: the full gradient of the loss, by TensorFlow, projected on the plane (on a random plane, whose
    # basis is skew, its least-squares coordinates in it)
    import tensorflow as tf

    model = mlp()
    for path, step in [(0, 0), (1, 4)]:
        assign_flat(model.trainable_variables, recording.params[path, step])
        with tf.GradientTape() as tape:
            loss = keras.losses.binary_crossentropy(y[:, None], model(x))
            loss = tf.reduce_mean(loss)
        full = np.concatenate([g.numpy().ravel() for g in tape.gradient(loss, model.trainable_variables)])
        np.testing.assert_allclose(recording.grads_on_plane[path, step], full @ recording.plane.basis.T,
                                   rtol=1e-5, atol=1e-6)
        on_random = np.linalg.lstsq(random.plane.basis.T, full, rcond=None)[0]
        np.testing.assert_allclose(random.grads_on_plane[path, step], on_random, rtol=1e-5, atol=1e-6)


@pytest.fixture(scope="module")
def batchnorm():
    rng = np.random.default_rng(0)
    x = rng.random((96, 8, 8, 1)).astype("float32")
    y = rng.integers(0, 3, 96)
    problem = problems.keras_model(bn_cnn, x, y, loss="sparse_categorical_crossentropy", batch_size=32, epochs=2)
    return record(Scene("bn", problem, optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.05), seed=0), x, y


@pytest.mark.slow
def test_batchnorm_state_is_recorded_and_the_loss_is_what_evaluate_says(batchnorm):
    recording, x, y = batchnorm
    model = bn_cnn()
    n_state = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    assert recording.state.shape == (2, 7, n_state) == (2, 7, 8)  # moving mean and variance of 4 channels
    assert not np.allclose(recording.state[:, 0], recording.state[:, -1])  # the statistics moved
    model.compile(loss="sparse_categorical_crossentropy")
    for path, step in [(0, 3), (1, 6)]:
        assign_flat(model.trainable_weights, recording.params[path, step])
        assign_flat(model.non_trainable_weights, recording.state[path, step])
        evaluated = model.evaluate(x, y, batch_size=96, verbose=0)
        np.testing.assert_allclose(recording.loss[path, step], evaluated, rtol=1e-5)


@pytest.mark.slow
def test_the_budgets_change_the_grid_and_the_manifest_says_so(tmp_path):
    x, y = xor(ROWS)
    scene = Scene("mlp", problems.keras_model(mlp, x, y, batch_size=ROWS // 4, epochs=1),
                  optimizers={"SGD": "sgd"}, learning_rate=0.05)
    # 2-4-1: 12 multiply-adds a row (2x4 + 4x1) and 7 values (2 in, 4 hidden, 1 out), counted by hand
    assert (cost.forward_cost(mlp()).multiply_adds, cost.forward_cost(mlp()).activations) == (12, 7)
    # a budget whose grid share affords 3.5² of the model's estimated points (whatever the machine's calibration):
    # a 3x3 grid; the paths' share 4 points at 4 passes each, for the 4 steps (a quarter of the rows a batch):
    # every 2nd; the sharpness' share not a path's two points, the lines' share not one line's 40 points
    point = cost.forward_cost(mlp()).seconds(ROWS)
    budget = 3.5**2 * point / cost.SHARES["grid"]
    assert int(cost.SHARES["paths"] * budget / (cost.PATH_PASSES * point)) == 4
    assert cost.SHARES["sharpness"] * budget < 2 * cost.sharpness_seconds(cost.forward_cost(mlp()), ROWS, 17)
    report = viz.render(scene, tmp_path / "mlp.png", size=(320, 180), time_budget=budget, memory_budget="1MB")
    problem = json.loads(report.manifest.read_text())["problem"]
    assert problem["grid"] == 3 and problem["every"] == 2 and problem["reduced"] == ["grid", "stride"]
    assert problem["time_budget"] == budget and problem["memory_budget"] == 1e6
    assert problem["sharpness_every"] == 0 and f"time_budget={budget} s" in problem["no_sharpness"]
    assert problem["no_lines"]
    with pytest.raises(OptionError, match="time_budget=1e-09: .*too small for even a 3x3 grid"):
        viz.render(scene, tmp_path / "no.png", time_budget=1e-9)
    with pytest.raises(OptionError, match="memory_budget"):
        viz.render(scene, tmp_path / "no.png", memory_budget="1KB")
    with pytest.raises(OptionError, match="time_budget=.*keras_model"):
        viz.render("scenes/saddle.py", tmp_path / "no.png", time_budget=10)
    assert not (tmp_path / "no.png").exists()


def test_panels_the_budget_cannot_fill_are_refused_before_training(monkeypatch, tmp_path):
    """The sharpness and line panels a time budget affords at no point are refused before
    anything is trained (the recording decides from the same estimate: tests/test_why.py)."""
    from viz import pipeline

    x, y = xor(ROWS)
    scene = Scene("mlp", problems.keras_model(mlp, x, y, batch_size=ROWS // 4, epochs=1), optimizers={"SGD": "sgd"},
                  learning_rate=0.05)
    budget = 3.5**2 * cost.forward_cost(mlp()).seconds(ROWS) / cost.SHARES["grid"]  # a 3x3 grid, no sharpness, no lines
    monkeypatch.setattr(pipeline, "record", lambda *args, **kwargs: pytest.fail("trained before refusing"))
    for panel in ("sharpness", "line"):
        with pytest.raises(OptionError, match=f"the {panel} panel: not computed within the time budget "
                                              rf"\(time_budget={budget} s\): raise it"):
            viz.render(scene, tmp_path / "no.png", time_budget=budget, panels=f"contour,curves,{panel}")
    assert not (tmp_path / "no.png").exists() and not (tmp_path / "outputs").exists()


def test_bad_data_is_refused_in_one_line(monkeypatch, tmp_path):
    x, y = xor(32)
    x[3, 1] = np.nan
    with pytest.raises(SpecError, match="keras_model x has NaN or infinite values in 1 of its 32 rows"):
        problems.keras_model(mlp, x, y)
    x, y = xor(32)
    wrong = Scene("labels", problems.keras_model(mlp, x, np.c_[y, y, y], epochs=1), optimizers={"SGD": "sgd"})
    with pytest.raises(SpecError, match="the loss binary_crossentropy does not fit outputs of shape"):
        viz.render(wrong, tmp_path / "no.png")
    monkeypatch.setattr(cost, "GRID_MEMORY", 100)
    with pytest.raises(SpecError, match="activations a grid point"):
        viz.render(Scene("big", problems.keras_model(mlp, x, y, epochs=1), optimizers={"SGD": "sgd"}),
                   tmp_path / "no.png")


@pytest.mark.slow
def test_the_digits_scene_shows_what_the_front_optimizer_reads():
    scene = load_scenes("scenes/digits_cnn.py")["digits_cnn"]
    small = dataclasses.replace(scene.problem, x=scene.problem.x[:320], y=scene.problem.y[:320], epochs=1)
    recording = record(dataclasses.replace(scene, problem=small, optimizers={"SGD": "sgd", "Adam": "adam"}))
    samples = recording.samples
    assert samples["labels"].tolist() == list(range(10)) and samples["images"].shape == (10, 8, 8)
    frames = Frames(recording, "digits", options=Options.of(size=(640, 360)))
    panel = frames.panels[-1]
    first = np.array(frames[0])
    said = [answer.get_text() for answer in panel.answers]
    last = frames[len(frames) - 1]
    assert [answer.get_text() for answer in panel.answers] != said
    assert panel.heading.get_text().startswith("Adam (lowest final loss)")
    right = int(panel.heading.get_text().split(": ")[1].split(" of")[0])
    assert right == int((samples["predicted"][1, -1] == samples["labels"]).sum())
    assert np.abs(first.astype(int) - last.astype(int)).sum() > 0
