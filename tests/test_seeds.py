"""Several initializations of the lesson: what is trained, the bands drawn, the summary."""

import csv

import numpy as np
import pytest

from viz import Scene, problems, record
from viz.backend import load_keras
from viz.problems.logreg import lesson_data
from viz.render.options import Options
from viz.render.frames import Frames
from viz.render.panels.curves import SpreadPanel
from viz.spread import bands, summary

from conftest import counted_processes, mlp, one_error_line

SEEDS = 4


@pytest.fixture(scope="module")
def spread_scene():
    """Two optimizers that update weight by weight (trained side by side) and one with
    clipnorm, which couples the weights (trained one seed at a time): 15 steps."""
    return Scene(title="seeds", problem=problems.logreg(epochs=1, batch_size=64),
                 optimizers={"SGD": "sgd", "Adam": "adam",
                             "RMSprop clipped": {"class_name": "RMSprop", "config": {"clipnorm": 0.05}}},
                 learning_rate=0.05, seed=3)


@pytest.fixture(scope="module")
def spread(spread_scene):
    return record(spread_scene, seeds=SEEDS)


@pytest.mark.slow
def test_seeds_differ_in_their_start_and_share_it_across_optimizers(spread):
    starts = spread.spread["params"][:, :, 0]  # [n_opt, n_seeds, 5]
    assert spread.spread["seeds"].tolist() == [3, 4, 5, 6]
    np.testing.assert_array_equal(starts, np.broadcast_to(starts[0], starts.shape))
    kernels = starts[0, :, :4]
    assert min(np.abs(a - b).max() for i, a in enumerate(kernels) for b in kernels[i + 1:]) > 0.01
    np.testing.assert_array_equal(spread.spread["params"][:, 0], spread.params)  # seed 3 is the main run


@pytest.mark.slow
def test_every_seed_is_what_model_fit_does_from_its_initial_weights(spread, spread_scene):
    """Plain Keras, one model per seed: initial weights from that seed, batch order from the
    main run's seed; the same path as the wide model's column (and as the coupled optimizer's
    one-by-one fits)."""
    keras = load_keras()
    x_train, y_train, _, _ = lesson_data()
    for index, (label, spec) in enumerate(spread_scene.optimizers.items()):
        for column, seed in enumerate(spread.spread["seeds"][1:3], start=1):
            keras.utils.set_random_seed(int(seed))
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
            start = np.concatenate([w.ravel() for w in model.get_weights()])
            np.testing.assert_array_equal(spread.spread["params"][index, column, 0], start)
            optimizer = keras.optimizers.get({"class_name": spec, "config": {"learning_rate": 0.05}}
                                             if isinstance(spec, str) else
                                             {**spec, "config": {**spec["config"], "learning_rate": 0.05}})
            model.compile(optimizer=optimizer, loss="binary_crossentropy")
            keras.utils.set_random_seed(3)
            model.fit(x_train.astype("float32"), y_train.astype("float32"), batch_size=64, epochs=1, verbose=0)
            end = np.concatenate([w.ravel() for w in model.get_weights()])
            np.testing.assert_allclose(spread.spread["params"][index, column, -1], end, rtol=2e-5, atol=2e-6)


@pytest.mark.slow
def test_loss_and_accuracy_are_those_of_the_recorded_weights(spread):
    from viz.problems.logreg import loss_and_accuracy

    x_train, y_train, _, _ = lesson_data()
    loss, accuracy = loss_and_accuracy(spread.spread["params"], x_train, y_train)
    np.testing.assert_array_equal(spread.spread["loss"], loss)
    np.testing.assert_array_equal(spread.spread["accuracy"], accuracy)


@pytest.mark.slow
def test_bands_are_the_quartiles_of_the_per_seed_curves_as_they_grow(spread):
    frames = Frames(spread, "seeds", options=Options.of(size=(640, 360)))
    loss_panel, accuracy_panel = [panel for panel in frames.panels if isinstance(panel, SpreadPanel)]
    step = 9
    frames[step]
    outline = loss_panel.bands[1].get_paths()[0].vertices  # Adam's band
    low, high = np.quantile(spread.spread["loss"][1, :, : step + 1], [0.25, 0.75], axis=0)
    np.testing.assert_allclose(outline[: step + 1, 1], high)
    np.testing.assert_allclose(outline[step + 1: 2 * (step + 1), 1], low[::-1])
    np.testing.assert_allclose(outline[: step + 1, 0], np.arange(step + 1) / 15)  # epochs
    median, _, _ = bands(spread.spread["accuracy"])
    np.testing.assert_allclose(accuracy_panel.lines[0].get_ydata(), median[0, : step + 1])


@pytest.mark.slow
def test_the_end_card_states_the_check_on_the_last_frame_only(spread):
    frames = Frames(spread, "seeds", options=Options.of(size=(640, 360)))
    frames[5]
    assert not frames.end_card.get_visible()
    frames[len(frames) - 1]
    assert frames.end_card.get_visible()
    assert frames.end_card.get_text().startswith(f"Final loss, {SEEDS} initializations:")
    rows = summary(spread)
    best = min(rows, key=lambda row: row["loss_median"])
    assert best["optimizer"] in frames.end_card.get_text()


@pytest.mark.slow
def test_summary_is_the_spread_of_the_final_values(spread):
    rows = summary(spread)
    final = spread.spread["loss"][:, :, -1]
    assert [row["optimizer"] for row in rows] == list(spread.names)
    for row, values in zip(rows, final):
        assert row["loss_median"] == pytest.approx(np.median(values))
        assert row["loss_min"] == values.min() and row["loss_max"] == values.max()
    assert sum(row["lowest_in"] for row in rows) == sum(row["highest_in"] for row in rows) == SEEDS


@pytest.mark.slow
def test_cli_prints_and_writes_the_summary_and_exports_every_seed(runner, quick, tmp_path):
    from viz.cli import main

    out = tmp_path / "seeds.png"
    result = runner.invoke(main, ["render", str(quick), "--seeds", "3", "-o", str(out), "--size", "320x180"])
    assert result.exit_code == 0, result.output
    assert "3 initializations (seeds 0-2)" in result.output and " lowest in " in result.output
    with open(tmp_path / "seeds.seeds.csv", newline="") as table:
        rows = list(csv.DictReader(table))
    assert [row["optimizer"] for row in rows] == ["SGD", "Adam"] and rows[0]["seeds"] == "3"

    exported = tmp_path / "seeds.csv"
    result = runner.invoke(main, ["export", str(quick), "--seeds", "3", "-o", str(exported)])
    assert result.exit_code == 0, result.output
    with open(exported, newline="") as table:
        rows = list(csv.DictReader(table))
    assert len(rows) == 2 * 3 * 16 and {row["seed"] for row in rows} == {"0", "1", "2"}
    npz = tmp_path / "seeds.npz"
    assert runner.invoke(main, ["export", str(quick), "--seeds", "3", "-o", str(npz)]).exit_code == 0
    with np.load(npz) as data:
        assert data["spread_params"].shape == (2, 3, 16, 5) and data["params"].shape == (2, 16, 5)


def test_seeds_are_for_models(runner, scene_file):
    from viz.cli import main

    surface = scene_file("""
        from viz import Scene, surfaces
        bowl = Scene(title="bowl", problem=surfaces.get("matyas"), optimizers={"SGD": "sgd"}, steps=5)
    """)
    result = runner.invoke(main, ["render", str(surface), "--seeds", "3"])
    assert result.exit_code == 2 and "--seeds 3: scene 'bowl': starts a model from several initializations" in one_error_line(result)


def recording_of(loss):
    """A real Recording of two 2-weight paths whose seeds reached ``loss`` [2, n_seeds, 2 points]
    (seed 0 is the main run; a NaN loss is a diverged step, its weights NaN as well)."""
    from viz.plane import plane
    from viz.recording import Recording

    main = loss[:, 0]
    params = np.array([[[0.0, 0.0], [1.0, 0.0]], [[0.0, 0.0], [0.0, 1.0]]])
    params[np.isnan(main)] = np.nan
    spread_params = np.repeat(params[:, None], loss.shape[1], axis=1)
    spread_params[np.isnan(loss)] = np.nan
    view = plane(params, main, lambda weights: np.sum(weights**2, axis=1), ("a", "b"), resolution=5)
    return Recording(names=("A", "B"), params=params, loss=main, param_names=("a", "b"), plane=view,
                     accuracy=np.where(np.isnan(main), np.nan, 0.9),
                     spread={"seeds": np.arange(loss.shape[1]), "params": spread_params, "loss": loss,
                             "accuracy": np.where(np.isnan(loss), np.nan, 0.9)})


def test_a_diverged_seed_counts_as_the_worst_not_as_zero():
    final = {"A": [0.5, np.nan, 0.4, 0.45], "B": [np.nan] * 4}
    loss = np.array([[[0.7, value] for value in values] for values in final.values()])  # [2, 4 seeds, 2 points]
    median, low, high = bands(loss)
    assert median[0, -1] == pytest.approx(0.475) and high[0, -1] > 1e299  # the diverged seed pulls up
    assert median[1, -1] > 1e299
    median, _, _ = bands(np.where(np.isnan(loss), np.nan, 0.9), higher_is_worse=False)
    assert median[1, -1] < -1e299  # a diverged accuracy is the lowest
    recording = recording_of(loss)
    rows = summary(recording)
    assert rows[0]["diverged"] == 1 and rows[0]["loss_median"] == pytest.approx(0.475)
    assert rows[0]["loss_max"] == np.inf and rows[1]["loss_median"] == np.inf and rows[1]["diverged"] == 4
    assert np.isnan(rows[1]["accuracy_median"]) and rows[0]["accuracy_median"] == 0.9
    from viz.spread import claims

    assert claims(rows)[0].startswith("A lowest in")


def test_seeds_past_the_largest_seed_are_refused_before_training(runner, quick):
    from viz.cli import main

    result = runner.invoke(main, ["render", str(quick), "--seeds", "3", "--seed", str(2**32 - 2)])
    assert result.exit_code == 2 and "goes past the largest seed" in one_error_line(result)


def test_no_overwrite_keeps_an_existing_summary(runner, quick, tmp_path):
    from viz.cli import main

    table = tmp_path / "kept.seeds.csv"
    table.write_text("mine\n")
    result = runner.invoke(main, ["render", str(quick), "--seeds", "2", "--no-overwrite",
                                  "-o", str(tmp_path / "kept.png")])
    assert result.exit_code == 1 and "kept.seeds.csv exists, and overwriting is turned off" in one_error_line(result)
    assert table.read_text() == "mine\n" and not (tmp_path / "kept.png").exists()


@pytest.mark.slow
def test_a_keras_model_from_several_initializations():
    """keras_model scenes: one model.fit per seed and optimizer, the main run's batch order;
    each seed's path is plain Keras from that seed's initial weights; the loss alone (a
    model's own metric is known per epoch of the main run only)."""
    keras = load_keras()
    rng = np.random.default_rng(3)
    x = rng.normal(size=(64, 2)).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("float32")

    scene = Scene("mlp", problems.keras_model(mlp, x, y, batch_size=16, epochs=2), optimizers={"Adam": "adam"},
                  learning_rate=0.05)
    recording = record(scene, seed=5, seeds=3)
    spread = recording.spread
    assert spread["seeds"].tolist() == [5, 6, 7] and spread["params"].shape == (1, 3, 9, 17)
    assert "accuracy" not in spread
    np.testing.assert_array_equal(spread["params"][:, 0], recording.params)
    keras.utils.set_random_seed(7)
    model = mlp()
    np.testing.assert_array_equal(spread["params"][0, 2, 0], np.concatenate([w.ravel() for w in model.get_weights()]))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="binary_crossentropy")
    keras.utils.set_random_seed(5)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    np.testing.assert_allclose(spread["params"][0, 2, -1], np.concatenate([w.ravel() for w in model.get_weights()]),
                               rtol=1e-5, atol=1e-6)
    rows = summary(recording)
    assert "accuracy_median" not in rows[0] and rows[0]["loss_median"] == pytest.approx(np.median(spread["loss"][0, :, -1]))
    frames = Frames(recording, "mlp", options=Options.of(size=(640, 360)))
    curves = [panel for panel in frames.panels if isinstance(panel, SpreadPanel)]
    assert len(curves) == 1 and curves[0].lines[0].axes.get_ylabel() == "training loss"  # the loss alone
    frames[len(frames) - 1]
    assert frames.end_card.get_visible()


@pytest.mark.slow
def test_every_seeds_path_is_drawn_faint_on_one_plane_of_all_of_them(spread):
    """The curves are medians over the seeds, so the contour panel shows every seed's path (on
    the principal plane of all of them) with the main run's in front, and its key says so."""
    from viz import plane as planes
    from viz.problems.logreg import PARAM_NAMES, loss_and_accuracy

    x_train, y_train, _, _ = lesson_data()
    every = spread.spread["params"]
    expected = planes.plane(every.reshape(-1, *every.shape[2:]), spread.spread["loss"].reshape(-1, every.shape[2]),
                            lambda weights: loss_and_accuracy(weights, x_train, y_train)[0], PARAM_NAMES)
    np.testing.assert_allclose(spread.plane.basis, expected.basis, atol=1e-12)
    np.testing.assert_allclose(spread.plane.xy, (spread.params - expected.origin) @ expected.basis.T, atol=1e-12)

    frames = Frames(spread, "seeds", options=Options.of(size=(854, 480)))
    frames[spread.steps]
    panel = frames.panels[0]
    faint, front = panel.seeds.lines, panel.lines
    assert len(faint) == len(spread.names) * (SEEDS - 1)
    assert all(line.get_zorder() < front[0].get_zorder() and line.get_alpha() < 0.5 for line in faint)
    seed = 2  # Adam's path from the main run's seed + 2, read back from its line
    drawn = np.column_stack(faint[1 * (SEEDS - 1) + seed - 1].get_data())
    np.testing.assert_allclose(drawn, (every[1, seed] - spread.plane.origin) @ spread.plane.basis.T, atol=1e-12)
    key = [text.get_text() for text in panel.lines[0].axes.get_legend().get_texts()]
    assert key[0] == "start, seed 3 (in front)" and "seeds 4–6" in key


@pytest.mark.slow
def test_the_other_seeds_trained_in_worker_processes_make_the_same_recording(small_scene):
    from viz import sweep

    here, counted = record(small_scene, seeds=5), counted_processes(2)
    with sweep.through(counted):
        spread = record(small_scene, seeds=5)
    assert counted.tasks == 2  # seeds 1-2 and 3-4, each in a worker process
    assert spread.digest() == here.digest()
