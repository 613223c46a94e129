"""Any Keras model: the recorded weights are what model.fit did, the plane's loss is the
model's own loss, and big models are recorded every k-th step."""

import dataclasses

import numpy as np
import pytest

from viz import Scene, problems, record
from viz.backend import load_keras
from viz.problems.cost import Budgets, stride
from viz.problems.evaluate import loss_evaluator
from viz.render.options import Options
from viz.render.frames import Frames
from viz.render.panels.curves import CurvePanel

from conftest import assign_flat, mlp, one_error_line

keras = load_keras()
ROWS, BATCH, EPOCHS = 64, 16, 3


def data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(ROWS, 2)).astype("float32")
    return x, (x[:, 0] * x[:, 1] > 0).astype("float32")


@pytest.fixture(scope="module")
def fitted():
    """The 2-4-1 network's recording (SGD and Adam, seed 1) and its data."""
    x, y = data()
    problem = problems.keras_model(mlp, x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False)
    scene = Scene("mlp", problem, optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.05)
    return record(scene, seed=1), x, y


def forward_loss(flat, x, y):
    """The 2-4-1 network's binary cross-entropy in NumPy, as Keras computes it (clipped at 1e-7)."""
    w1, b1, w2, b2 = flat[:8].reshape(2, 4), flat[8:12], flat[12:16].reshape(4, 1), flat[16]
    p = 1 / (1 + np.exp(-(np.tanh(x @ w1 + b1) @ w2 + b2)[:, 0]))
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def test_recorded_weights_reproduce_the_history(fitted):
    """Each batch's loss is the model's loss on that batch at the weights before its step;
    their mean per epoch is the loss History reports."""
    recording, x, y = fitted
    spe = ROWS // BATCH
    assert recording.params.shape == (2, spe * EPOCHS + 1, 17) and recording.every == 1
    for path in range(2):
        batch_losses = [forward_loss(recording.params[path, step], x[step % spe * BATCH:][:BATCH],
                                     y[step % spe * BATCH:][:BATCH]) for step in range(spe * EPOCHS)]
        epoch_means = np.mean(np.reshape(batch_losses, (EPOCHS, spe)), axis=1)
        np.testing.assert_allclose(epoch_means, recording.history["loss"][path], rtol=2e-5)
        full = [forward_loss(w, x, y) for w in recording.params[path]]
        np.testing.assert_allclose(recording.loss[path], full, rtol=2e-5)  # the curve: all rows, every step



@pytest.mark.slow
def test_full_batch_gradient_descent_is_one_step_an_epoch_from_its_history_to_its_search():
    """All the rows, in order, one batch an epoch (given to model.fit as a repeated batch): a
    step an epoch, each epoch's History loss the full loss before its step, and the rate search's
    ends those of the recording."""
    from viz.tune import tune

    x, y = data()
    problem = problems.keras_model(mlp, x, y, batch_size=ROWS, epochs=EPOCHS, shuffle=False)
    scene = Scene("gd", problem, optimizers={"GD": "sgd"}, learning_rate=0.5)
    recording = record(scene, seed=1)
    assert recording.params.shape == (1, EPOCHS + 1, 17) and recording.meta["sharpness_every"] == 1
    np.testing.assert_allclose(recording.history["loss"][0], [forward_loss(w, x, y) for w in recording.params[0, :-1]],
                               rtol=2e-5)
    trials = tune(scene, seed=1)["trials"]["GD"]
    assert trials["0.5"] == pytest.approx(recording.loss[0, -1], rel=1e-6)
    off = record(dataclasses.replace(scene, problem=dataclasses.replace(problem, sharpness=False)), seed=1)
    assert np.isnan(off.sharpness).all() and "sharpness=False" in off.meta["no_sharpness"]
    np.testing.assert_array_equal(off.params, recording.params)


def test_the_plane_holds_the_models_own_loss(fitted):
    recording, x, y = fitted
    plane = recording.plane
    np.testing.assert_allclose(plane.basis @ plane.basis.T, np.eye(2), atol=1e-12)
    left_out = recording.params - (plane.origin + plane.xy @ plane.basis)  # what the drawn point leaves out
    np.testing.assert_allclose(left_out @ plane.basis.T, 0, atol=1e-12 * np.abs(recording.params).max())
    model = mlp()
    model.compile(loss="binary_crossentropy")

    def evaluate(flat):
        assign_flat(model.trainable_variables, flat)
        return model.evaluate(x, y, verbose=0, batch_size=ROWS)

    evaluator = loss_evaluator(model, x, y, "binary_crossentropy")
    assert evaluator(plane.origin[None])[0] == pytest.approx(evaluate(plane.origin), rel=1e-6)
    for i, j in [(0, 0), (40, 17), (80, 80)]:
        weights = plane.origin + plane.grid_x[j] * plane.basis[0] + plane.grid_y[i] * plane.basis[1]
        assert plane.grid_loss[i, j] == pytest.approx(evaluate(weights), rel=1e-5)
    assert plane.grid_loss.shape == (81, 81)


@pytest.mark.slow
def test_every_optimizer_starts_from_the_same_weights_per_seed():
    x, y = data()
    problem = problems.keras_model(mlp, x, y, batch_size=BATCH, epochs=1)
    scene = Scene("mlp", problem, optimizers={"SGD": "sgd", "RMSprop": "rmsprop"})
    one, other = record(scene, seed=1), record(scene, seed=2)
    np.testing.assert_array_equal(one.params[0, 0], one.params[1, 0])
    assert not np.array_equal(one.params[0, 0], other.params[0, 0])


@pytest.mark.slow
def test_a_big_model_is_recorded_every_kth_step():
    steps = ROWS // BATCH * EPOCHS
    five = Budgets(memory=8 * 17 * 2 * 5)  # room for 5 points of 17 weights on 2 paths
    assert stride(steps, 2, 17, Budgets()) == 1
    assert stride(steps, 6, 1_000_000, Budgets()) == 3  # 48 MB a point: 5 points, every 3rd of 12 steps
    problem = dataclasses.replace(problems.keras_model(mlp, *data(), batch_size=BATCH, epochs=EPOCHS), budgets=five)
    recording = record(Scene("big", problem, optimizers={"SGD": "sgd", "Adam": "adam"}))
    assert recording.every == 3 and recording.params.shape[1] == steps // 3 + 1 == 5
    frames = Frames(recording, "big", options=Options.of(size=(320, 180)))
    frames[len(frames) - 1]
    assert frames.counter.get_text().endswith(f"step {steps} / {steps}")
    assert (next(p for p in frames.panels if isinstance(p, CurvePanel)).x[:, -1] == EPOCHS).all()


WIDE = """
import keras
import numpy as np
from viz import Scene, problems

x = np.random.default_rng(0).normal(size=(200, 2)).astype("float32")
y = (x[:, 0] > 0).astype("float32")


def wide():
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(300, activation="relu"),
                             keras.layers.Dense(300, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])


wide_net = Scene("91,501 weights", problems.keras_model(wide, x, y, epochs=2),
                 optimizers={"SGD": "sgd", "Adam": "adam"})
"""


@pytest.mark.slow
def test_a_100k_weight_model_renders_and_says_what_was_subsampled(runner, scene_file, tmp_path, monkeypatch):
    from PIL import Image

    from viz.cli import main

    result = runner.invoke(main, ["render", str(scene_file(WIDE)), "-o", str(tmp_path / "wide.gif"),
                                  "--size", "320x180", "--memory-budget", "12MB"])  # 8 points of 2 x 91,501 float64
    assert result.exit_code == 0, result.output
    assert "has 91,501 weights: to keep within the time and memory budgets its weights were recorded every 2 steps" \
        in result.stderr
    with Image.open(tmp_path / "wide.gif") as gif:
        assert gif.n_frames == 8  # steps 0, 2, ..., 14


def test_the_drawn_decision_boundary_is_where_the_model_says_one_half(fitted):
    recording, x, y = fitted
    assert recording.regions["outputs"].shape == (2, recording.steps + 1, 60, 60)
    frames = Frames(recording, "mlp", options=Options.of(size=(640, 360), boundary=True))
    panel = frames.panels[-1]
    for index in (0, 5, recording.steps):
        frames[index]
        for path, line in enumerate(panel.lines):
            points = np.column_stack(line.get_data())
            points = points[np.isfinite(points).all(axis=1)]
            assert len(points) > 10
            flat = recording.params[path, index]
            w1, b1, w2, b2 = flat[:8].reshape(2, 4), flat[8:12], flat[12:16].reshape(4, 1), flat[16]
            logits = (np.tanh(points @ w1 + b1) @ w2 + b2)[:, 0]
            assert np.abs(1 / (1 + np.exp(-logits)) - 0.5).max() < 0.02


def test_no_boundary_without_two_input_features(runner, scene_file):
    from viz.cli import main

    surface = scene_file("""
        from viz import Scene, surfaces
        bowl = Scene(title="bowl", problem=surfaces.get("matyas"), optimizers={"SGD": "sgd"}, steps=5)
    """)
    result = runner.invoke(main, ["render", str(surface), "--panels", "contour,curves,boundary"])
    assert result.exit_code == 2
    assert "--panels contour,curves,boundary: scene 'bowl': draws a model's decision boundaries" in one_error_line(result)


def test_the_landscape_loss_is_the_loss_fit_minimises():
    """Sparse labels for a softmax model, and an L2 penalty: the recorded loss at the start is
    what model.evaluate says (evaluate includes the penalty, as fit does)."""
    x, _ = data()
    labels = (x[:, 0] > 0).astype("int64") + (x[:, 1] > 0)

    def softmax():
        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(
            3, activation="softmax", kernel_regularizer=keras.regularizers.L2(0.5))])

    problem = problems.keras_model(softmax, x, labels, loss="sparse_categorical_crossentropy", metrics="accuracy",
                                   batch_size=BATCH, epochs=1)
    recording = record(Scene("softmax", problem, optimizers={"SGD": "sgd"}), seed=2)
    keras.utils.set_random_seed(2)
    model = softmax()
    model.compile(loss="sparse_categorical_crossentropy")
    assert recording.loss[0, 0] == pytest.approx(model.evaluate(x, labels, verbose=0, batch_size=ROWS), rel=1e-5)
    assert recording.meta["no_regions"] == "decision boundaries take a model with one output (a probability)"
    frames = Frames(recording, "softmax", options=Options.of(size=(320, 180)))
    assert frames.panels[-1].per_epoch.shape == (1, 1)  # the History's accuracy, per epoch


@pytest.mark.parametrize("layers, message", [
    ("[keras.layers.Dense(1)]", "model without weights: start it with keras.Input"),
    ("[keras.Input((2,)), keras.layers.Dense(3, activation='softmax')]",
     "the loss binary_crossentropy does not fit outputs of shape (3,)"),
])
def test_models_viz_cannot_draw_are_refused_in_one_line(runner, scene_file, layers, message):
    from viz.cli import main

    path = scene_file("import keras\nimport numpy as np\nfrom viz import Scene, problems\n"
                      "x = np.zeros((8, 2), 'float32')\ny = np.zeros(8, 'float32')\n"
                      f"def build():\n    return keras.Sequential({layers})\n"
                      "s = Scene('s', problems.keras_model(build, x, y), optimizers={'SGD': 'sgd'})\n")
    result = runner.invoke(main, ["render", str(path)])
    assert result.exit_code == 2 and message in result.output and len(result.output.splitlines()) == 1


@pytest.mark.slow
def test_a_logits_model_has_its_boundary_at_zero():
    x, y = data()

    def logits():
        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])

    problem = problems.keras_model(logits, x, y, loss=keras.losses.BinaryCrossentropy(from_logits=True),
                                   batch_size=BATCH, epochs=1)
    recording = record(Scene("logits", problem, optimizers={"Adam": "adam"}, learning_rate=0.05), seed=1)
    frames = Frames(recording, "logits", options=Options.of(size=(320, 180), boundary=True))
    frames[len(frames) - 1]
    points = np.column_stack(frames.panels[-1].lines[0].get_data())
    points = points[np.isfinite(points).all(axis=1)]
    flat = recording.params[0, -1]
    w1, b1, w2, b2 = flat[:8].reshape(2, 4), flat[8:12], flat[12:16].reshape(4, 1), flat[16]
    assert len(points) > 10 and np.abs((np.tanh(points @ w1 + b1) @ w2 + b2)[:, 0]).max() < 0.05


@pytest.mark.slow
def test_a_models_own_metric_is_drawn_per_epoch_as_joined_markers():
    """A model's metric is known per epoch only (Keras' History): the panel joins the epoch
    markers with lines, scales to them when the metric is not a 0-1 one, and says "per epoch"."""
    x, y = data()
    scene = Scene("mae", problems.keras_model(mlp, x, y, batch_size=BATCH, epochs=EPOCHS, metrics=("mae",)),
                  optimizers={"SGD": "sgd"}, learning_rate=0.05)
    recording = record(scene)
    frames = Frames(recording, "mae", options=Options.of(size=(640, 360)))
    frames[len(frames) - 1]
    panel = frames.panels[-1]
    assert panel.lines[0].axes.get_ylabel().replace("\n", " ") == "training mae, per epoch"  # wrapped if long
    mark = panel.marks[0]
    assert mark.get_linestyle() != "None"
    np.testing.assert_array_equal(mark.get_ydata(), recording.history["mae"][0])
    low, high = panel.lines[0].axes.get_ylim()
    assert low <= recording.history["mae"].min() and recording.history["mae"].max() <= high
