"""The chapter's scenes (scenes/chapter/) are the course notebook's code: every path equals a
plain Keras ``model.fit`` of the notebook's model from the same initial weights in the same
batch order; the course's claims hold on the recordings; each scene's frames decode. One
module-scoped recording per scene, with fewer epochs where a claim does not need all of them
(slow tier: these train)."""

import dataclasses
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

from viz import pipeline, record
from viz.errors import OptionError
from viz.problems.logreg import lesson_data
from viz.render.animation import render
from viz.render.frames import Frames
from viz.render.options import Options
from viz.render.panels.hidden import HiddenPanel
from viz.scene import load_scenes

CHAPTER = Path(__file__).parent.parent / "scenes" / "chapter"
pytestmark = pytest.mark.slow


def chapter_scene(name, epochs=None):
    """The chapter's scene ``name``, with ``epochs`` instead of its own if given."""
    scene = load_scenes(CHAPTER / f"{name}.py")[name]
    if epochs is None:
        return scene
    return dataclasses.replace(scene, problem=dataclasses.replace(scene.problem, epochs=epochs))


def notebook_fit(start, optimizer, batch_size, epochs, seed, hidden=False, **fit):
    """The notebook's model compiled and fitted as its cell does it, from the weights ``start``
    (flat, as recorded) with ``seed``'s batch order: the History and the final flat weights."""
    x_train, y_train, _, _ = lesson_data()
    keras.utils.set_random_seed(seed)
    if hidden:
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
    else:
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    shapes = [w.shape for w in model.get_weights()]
    cuts = np.cumsum([int(np.prod(s)) for s in shapes])[:-1]
    model.set_weights([piece.reshape(s).astype("float32") for piece, s in zip(np.split(start, cuts), shapes)])
    model.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=0, **fit).history
    end = np.concatenate([w.ravel() for w in model.get_weights()])
    keras.backend.clear_session()
    return history, end


def assert_is_fit(recording, path, history, end):
    for key in ("loss", "accuracy"):
        np.testing.assert_array_equal(recording.history[key][path], history[key], err_msg=f"{path} {key}")
    np.testing.assert_array_equal(recording.params[path, recording.ends[path]], end, err_msg=str(path))


def frames_decode(recording, tmp_path, **options):
    """A 2-frame GIF of ``recording`` (small), decoded: its frame count."""
    out = tmp_path / "scene.gif"
    render(recording, out, "t", size=(320, 180), max_frames=2, hold=0, **options)
    with Image.open(out) as gif:
        return gif.n_frames


@pytest.fixture(scope="module")
def rates():
    """learning_rates.py as the notebook runs it: 10 epochs."""
    scene = chapter_scene("learning_rates")
    return scene, record(scene)


@pytest.fixture(scope="module")
def batches():
    """batch_sizes.py as the notebook runs it: 10 epochs."""
    scene = chapter_scene("batch_sizes")
    return scene, record(scene)


def test_learning_rates_are_the_notebooks_sgd_runs(rates, tmp_path):
    scene, recording = rates
    assert recording.names == ("lr 0.01", "lr 0.05", "lr 0.1", "lr 0.5")
    assert [p["learning_rate"] for p in recording.meta["paths"]] == [0.01, 0.05, 0.1, 0.5]
    # lr 0.01 is batch_sizes.py's batch 16, checked there
    history, end = notebook_fit(recording.params[3, 0], keras.optimizers.SGD(learning_rate=0.5), 16, 10, scene.seed)
    assert_is_fit(recording, 3, history, end)
    final = recording.loss[:, -1]
    assert np.all(np.diff(final) < 0)  # the course: larger rates reach a lower loss in 10 epochs
    assert np.all(recording.params[:, 0] == recording.params[0, 0])  # one start
    assert frames_decode(recording, tmp_path) == 2


def test_batch_sizes_run_in_epochs_and_export_each_paths_steps(batches, tmp_path):
    scene, recording = batches
    assert recording.names == ("batch 16", "batch 32", "batch 64", "batch 128")
    for path in (0, 3):
        history, end = notebook_fit(recording.params[path, 0], "sgd", scene.batch_size[path], 10, scene.seed)
        assert_is_fit(recording, path, history, end)
    assert np.all(np.diff(recording.loss[np.arange(4), recording.ends]) > 0)  # smaller batches: lower loss
    recording.save(tmp_path / "batches.npz")
    with np.load(tmp_path / "batches.npz") as npz:
        assert npz["steps"].tolist() == [600, 300, 150, 80] and npz["params"].shape == (4, 601, 5)
        for path, (steps, per_epoch) in enumerate(zip(npz["steps"], (60, 30, 15, 8))):
            np.testing.assert_array_equal(npz["epoch"][path, :steps + 1], np.arange(steps + 1) / per_epoch)
            assert np.isnan(npz["epoch"][path, steps + 1:]).all() and np.isnan(npz["params"][path, steps + 1:]).all()
            assert np.isfinite(npz["params"][path, :steps + 1]).all()
    assert frames_decode(recording, tmp_path) == 2


def test_initializers_start_where_each_initializer_puts_them(tmp_path):
    scene = chapter_scene("initializers", epochs=1)
    recording = record(scene)
    starts = recording.params[:, 0]
    assert recording.names == ("zeros", "uniform", "normal", "he_normal", "lecun_uniform")
    assert np.all(starts[0] == 0.0)  # zeros: exactly zero (the bias too, as Dense starts it)
    assert np.all(starts[:, 4] == 0.0) and len(np.unique(starts, axis=0)) == 5
    assert np.abs(starts[1:3, :4]).max() <= 0.25 and np.abs(starts[1, :4]).max() <= 0.05  # uniform within ±0.05
    for path in (0, 3):
        history, end = notebook_fit(starts[path], "rmsprop", 16, 1, scene.seed)
        assert_is_fit(recording, path, history, end)
    assert [p["initializer"] for p in recording.meta["paths"]] == list(recording.names)
    assert frames_decode(recording, tmp_path) == 2


def test_the_hidden_layer_is_the_notebooks_network_and_separates_the_classes(tmp_path):
    scene = chapter_scene("hidden_layer", epochs=5)
    recording = record(scene)
    history, end = notebook_fit(recording.params[0, 0], keras.optimizers.RMSprop(learning_rate=0.01), 16, 5,
                                scene.seed, hidden=True, validation_split=0.3)
    assert_is_fit(recording, 0, history, end)
    for key in ("val_loss", "val_accuracy"):
        np.testing.assert_allclose(recording.history[key][0], history[key], rtol=1e-6)
    _, _, x_test, y_test = lesson_data()
    hidden = recording.hidden
    assert hidden["outputs"].shape == (1, 211, 412, 2)
    np.testing.assert_array_equal(hidden["y"], y_test)
    for step in (0, 100, 210):  # the panel's points: relu(x W + b) at the recorded weights
        weights = recording.params[0, step]
        expected = np.maximum(x_test @ weights[:8].reshape(4, 2) + weights[8:10], 0)
        np.testing.assert_allclose(hidden["outputs"][0, step], expected, rtol=1e-5, atol=1e-5)
        np.testing.assert_array_equal(hidden["line"][0, step], weights[10:13])
    w1, w2, bias = hidden["line"][0, -1]
    side = hidden["outputs"][0, -1] @ np.array([w1, w2]) + bias > 0
    assert np.mean(side == (y_test == 1)) > 0.95  # the course: the hidden representation separates the classes
    assert frames_decode(recording, tmp_path, hidden=True) == 2
    frames = Frames(recording, "t", [0, 210], Options.of(size=(480, 360), hidden=True))
    panel = next(panel for panel in frames.panels if isinstance(panel, HiddenPanel))
    ax = panel.boundary.axes  # at 4:3 its title stands over its classes' legend (they overlapped): inside the panel's width
    renderer = frames.figure.canvas.get_renderer()
    title, keys = panel.title.get_window_extent(renderer), ax.get_legend().get_texts()
    assert panel.title.get_text().startswith("RMSprop: hidden layer") and ax.get_window_extent().x0 <= title.x0
    assert all(title.y0 >= key.get_window_extent(renderer).y1 for key in keys)
    x0, y0, x1, y1 = panel.boundary.axes.get_window_extent().extents.astype(int)
    first = frames[0][360 - y1:360 - y0, x0:x1].copy()
    assert sum(len(points.get_xdata()) for points in panel.points) == 412
    last = frames[1][360 - y1:360 - y0, x0:x1]
    assert np.mean(np.any(first != last, axis=-1)) > 0.01  # the points and the line move


def test_the_chapter_renders_as_a_folder_and_refuses_the_hidden_panel_where_there_is_none(tmp_path):
    jobs = pipeline.plan(CHAPTER, None)
    assert [job.name for job in jobs] == ["batch_sizes", "hidden_layer", "initializers", "learning_rates",
                                          "optimizers"]
    assert load_scenes(CHAPTER / "optimizers.py")["optimizers"].optimizers.keys() == {
        "SGD", "SGD momentum=0.3", "SGD momentum=0.3 nesterov", "Adam", "Adagrad", "RMSprop"}
    with pytest.raises(OptionError, match="one sigmoid unit"):
        pipeline.plan(CHAPTER / "optimizers.py", tmp_path / "x.gif", panels="contour,curves,hidden")
    pipeline.plan(CHAPTER / "hidden_layer.py", tmp_path / "x.gif", panels="contour,curves,hidden")
