"""Scenes that vary one setting across their paths (learning rates, batch sizes, initializers):
labels, checks before training, learning-rate fans, looks, and paths of different lengths
(NaN padding, time in epochs, export). Quick: no model is trained here (see test_chapter.py)."""

import dataclasses
import json

import numpy as np
import pytest
from matplotlib.colors import rgb_to_hsv, to_rgb

from viz import Scene, pipeline, problems, record, surfaces
from viz.errors import OptionError, SpecError
from viz.plane import Plane
from viz.recording import Recording
from viz.render.looks import looks
from viz.render.options import Options, frame_steps
from viz.render.theme import THEMES

LESSON = problems.logreg(epochs=1)


def test_paths_are_labelled_by_value_in_the_lists_order():
    one = Scene("t", LESSON, optimizers={"SGD": "sgd"}, learning_rate=[0.05, 0.01])
    assert [p.label for p in one.paths()] == ["lr 0.05", "lr 0.01"] and one.varied == "learning_rate"
    fan = Scene("t", LESSON, optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=[0.001, 0.1])
    assert [(p.label, p.optimizer) for p in fan.paths()] == [
        ("SGD lr 0.001", "SGD"), ("SGD lr 0.1", "SGD"), ("Adam lr 0.001", "Adam"), ("Adam lr 0.1", "Adam")]
    batches = Scene("t", LESSON, optimizers={"SGD": "sgd"}, batch_size=[32, 16])
    assert [p.label for p in batches.paths()] == ["batch 32", "batch 16"]
    import keras

    inits = Scene("t", LESSON, optimizers={"RMSprop": "rmsprop"},
                  initializer=["he_normal", keras.initializers.RandomNormal(stddev=0.5)])
    assert [p.label for p in inits.paths()] == ["he_normal", "RandomNormal stddev=0.5"]
    assert Scene("t", LESSON).varied is None and Scene("t", LESSON).rate == 0.01


@pytest.mark.parametrize("kwargs, message", [
    ({"learning_rate": []}, "learning_rate is an empty list"),
    ({"batch_size": []}, "batch_size is an empty list"),
    ({"learning_rate": [0.1, 0.2], "batch_size": [16, 32]}, "learning_rate and batch_size are both lists"),
    ({"batch_size": [16, 961]}, "batch_size 961 is larger than the 960 training rows"),
    ({"initializer": ["zeros", "he_normall"]}, "unknown initializer 'he_normall'. Did you mean 'he_normal'"),
    ({"batch_size": 16}, "batch_size is a list of values to compare"),
    ({"batch_size": [16, 16]}, "lists a value twice"),
    ({"learning_rate": [0.1, -1.0]}, "learning_rate must be a positive number"),
])
def test_bad_lists_are_one_clear_line_before_training(kwargs, message):
    with pytest.raises(SpecError, match=message) as error:
        Scene("t", LESSON, optimizers={"SGD": "sgd"}, **kwargs)
    assert "\n" not in str(error.value)


def test_a_surface_compares_rates_but_not_batches_or_a_schedule():
    with pytest.raises(SpecError, match="is a surface, which has none"):
        Scene("t", surfaces.get("rosenbrock"), optimizers={"SGD": "sgd"}, batch_size=[16, 32])
    schedule = {"class_name": "SGD", "config": {"learning_rate": {
        "class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}}}}
    with pytest.raises(SpecError, match="follows a schedule"):
        Scene("t", surfaces.get("rosenbrock"), optimizers={"S": schedule}, learning_rate=[0.1, 0.2])


def test_a_fans_paths_are_the_one_rate_scenes_paths():
    surface = surfaces.get("rosenbrock", start=(-1.0, 1.5))
    fan = record(Scene("fan", surface, optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=[1e-3, 3e-3],
                       steps=20))
    assert fan.names == ("SGD lr 0.001", "SGD lr 0.003", "Adam lr 0.001", "Adam lr 0.003")
    one = record(Scene("one", surface, optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=3e-3, steps=20))
    np.testing.assert_array_equal(fan.params[[1, 3]], one.params)
    np.testing.assert_array_equal(fan.loss[[1, 3]], one.loss)
    assert [p["optimizer"] for p in fan.meta["paths"]] == ["SGD", "SGD", "Adam", "Adam"]
    assert [p["learning_rate"] for p in fan.meta["paths"]] == [0.001, 0.003, 0.001, 0.003]
    assert one.meta["paths"][1] == {"label": "Adam", "optimizer": "Adam", "learning_rate": 0.003,
                                    "batch_size": None, "initializer": None}


def test_every_recording_describes_its_paths(small):
    """The contract other panels read: one dict per path, in path order."""
    assert small.meta["paths"] == [
        {"label": label, "optimizer": label, "learning_rate": 0.05, "batch_size": 64, "initializer": None}
        for label in small.names]


def test_a_fan_steps_through_its_optimizers_hue():
    theme = THEMES["light"]
    labels = [f"{name} lr {rate:g}" for name in ("SGD", "Adam") for rate in (0.001, 0.01, 0.1)]
    chosen = looks(labels, theme)
    for name in ("SGD", "Adam"):
        fan = [chosen[f"{name} lr {rate:g}"] for rate in (0.001, 0.01, 0.1)]
        hsv = [rgb_to_hsv(to_rgb(look["color"])) for look in fan]
        assert max(h for h, _, _ in hsv) - min(h for h, _, _ in hsv) < 0.02  # one hue
        assert len({look["color"] for look in fan}) == 3 and len({str(look["linestyle"]) for look in fan}) == 3
        assert hsv[0][2] < hsv[1][2] or hsv[0][1] != hsv[1][1]  # darker to lighter with the rate
        assert to_rgb(fan[1]["color"]) == to_rgb(looks([name], theme)[name]["color"])  # the middle: its own colour
    assert to_rgb(chosen["SGD lr 0.01"]["color"]) != to_rgb(chosen["Adam lr 0.01"]["color"])


def test_tuning_several_initializations_and_a_sequence_are_refused_for_lists(tmp_path):
    scene = Scene("t", LESSON, optimizers={"SGD": "sgd"}, batch_size=[16, 32])
    refused = [({"tune_lr": "tuned"}, "tune_lr"), ({"seeds": 3}, "seeds"), ({"sequence": True}, "sequence")]
    for options, keyword in refused:
        with pytest.raises(OptionError) as error:
            pipeline.plan(scene, tmp_path / "out.gif", **options)
        assert error.value.keyword == keyword


def padded():
    """A recording of two paths of 6 and 3 steps (2 epochs at 3 and 1.5 steps an epoch)."""
    params = np.full((2, 7, 2), np.nan)
    params[0] = np.linspace(0, 1, 14).reshape(7, 2)
    params[1, :4] = np.linspace(0, 1, 8).reshape(4, 2)
    loss = np.where(np.isnan(params[..., 0]), np.nan, 1.0 / (1 + np.arange(7)))
    epoch = np.where(np.isnan(loss), np.nan, np.arange(7) / np.array([[3.0], [1.5]]))
    plane = Plane(origin=np.zeros(2), basis=np.eye(2), xy=params.copy(), grid_x=np.linspace(-1, 2, 5),
                  grid_y=np.linspace(-1, 2, 5), grid_loss=np.ones((5, 5)), levels=np.linspace(0.1, 1, 5),
                  axis_labels=("a", "b"), marks=np.zeros((0, 2)), marks_label="", spacing="linear")
    return Recording(names=("batch 2", "batch 4"), params=params, loss=loss, param_names=("a", "b"), plane=plane,
                     steps_per_epoch=3, history={"loss": np.ones((2, 2))}, epoch=epoch,
                     meta={"paths": [{"label": "batch 2"}, {"label": "batch 4"}]})


def test_padding_is_an_end_not_a_divergence_and_time_runs_in_epochs(tmp_path):
    from viz.divergence import diverged_steps

    recording = padded()
    assert recording.ends.tolist() == [6, 3] and diverged_steps(recording) == [None, None]
    steps = frame_steps(recording, Options.of(max_frames=7))
    assert steps.shape == (7, 2) and steps[-1].tolist() == [6, 3]
    clock = np.arange(7) / 3.0
    np.testing.assert_array_less(recording.epoch[1, steps[:, 1]], clock + 1e-9)  # never ahead of the clock
    assert np.all(clock - recording.epoch[1, steps[:, 1]] < 1 / 1.5)  # and less than one of its steps behind


def test_a_padded_export_keeps_each_paths_steps(tmp_path):
    recording = padded()
    recording.save(tmp_path / "r.npz")
    with np.load(tmp_path / "r.npz") as npz:
        assert npz["steps"].tolist() == [6, 3] and npz["epoch"].shape == (2, 7)
        assert np.isnan(npz["params"][1, 4:]).all() and np.isfinite(npz["params"][1, :4]).all()
        assert json.loads(str(npz["meta"]))["paths"][1]["label"] == "batch 4"
    again = Recording.load(tmp_path / "r.npz")
    np.testing.assert_array_equal(again.epoch, recording.epoch)
    assert again.digest() == recording.digest()
    recording.to_csv(tmp_path / "r.csv")
    rows = (tmp_path / "r.csv").read_text().splitlines()
    assert len(rows) == 1 + 7 + 4 and rows[-1].split(",")[4] == "2.0"  # each path to its own end, epoch 2
    plain = dataclasses.replace(recording, epoch=None, params=recording.params[:1], loss=recording.loss[:1],
                                names=("one",))
    plain.save(tmp_path / "p.npz")
    assert Recording.load(tmp_path / "p.npz").epoch is None


def test_the_hidden_panel_is_refused_where_no_layer_has_two_units(tmp_path):
    import keras

    def wide():
        return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)])

    x, y = np.zeros((8, 4), "float32"), np.zeros(8, "float32")
    cases = [(Scene("t", problems.keras_model(wide, x, y)), "layer 'dense.*' has outputs of shape \\(3,\\)"),
             (Scene("t", LESSON), "one sigmoid unit"), (Scene("t", surfaces.get("rosenbrock")), "a surface has none")]
    for scene, reason in cases:
        with pytest.raises(OptionError, match=reason):
            pipeline.plan(scene, tmp_path / "out.gif", panels="contour,curves,hidden")
    with pytest.raises(OptionError, match="one data panel at a time"):
        pipeline.plan(Scene("t", LESSON), tmp_path / "out.gif", panels="contour,curves,boundary,hidden")


def test_the_cache_tells_lists_apart():
    from viz.store import cache

    scenes = [Scene("t", LESSON, optimizers={"SGD": "sgd"}, batch_size=sizes) for sizes in ([16, 32], [16, 64])]
    scenes.append(Scene("t", LESSON, optimizers={"SGD": "sgd"}, initializer=["zeros", "he_normal"]))
    assert len({cache.key(scene, 0) for scene in scenes}) == 3


def test_the_players_readout_counts_epochs_as_the_frame_does(tmp_path):
    """Paths of different batch sizes: the HTML player's readout is the frame's epoch counter,
    not the steps of one path."""
    import re

    from viz.render.animation import render
    from viz.render.frames import Frames

    recording = padded()
    frames = render(recording, tmp_path / "p.html", size=(160, 90), max_frames=7)
    page = (tmp_path / "p.html").read_text()
    data = json.loads(re.search(r'<script type="application/json" id="viz-data">(.*?)</script>', page).group(1))
    assert data["frames"] == frames == 7 and data["lastEpoch"] == 2.0
    counted = Frames(recording, "p", options=Options.of(size=(160, 90), max_frames=7))
    said = [counted.counter_text(row) for row in counted.steps]
    assert [f"epoch {epoch:.1f} / 2" for epoch in data["epochs"]] == said
    assert said[0] == "epoch 0.0 / 2" and said[-1] == "epoch 2.0 / 2"
