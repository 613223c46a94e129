"""Fair learning rates: the grid search, its tie rule, and tuned renders."""

import json
import re

import numpy as np
import pytest

from viz import Scene
from viz.surfaces import Surface
from viz.tune import best_rate, grid, tune, tuned_scene

from conftest import counted_processes, one_error_line

BOWL = """
    from viz import Scene
    from viz.surfaces import Surface

    bowl = Scene(
        title="bowl",
        problem=Surface(name="bowl", fn=lambda x, y: x * x + y * y, domain=((-2, 2), (-2, 2)), starts=((1.5, -1.0),),
                        minima=((0.0, 0.0),), minimum_value=0.0),
        optimizers={"SGD": "sgd", "Adam": "adam"},
        learning_rate=0.5,
        steps=3,
    )
"""


def bowl_scene(optimizers):
    """x² + y²: plain SGD at rate 0.5 lands on the minimum in one step, exactly."""
    surface = Surface(name="bowl", fn=lambda x, y: x * x + y * y, domain=((-2, 2), (-2, 2)), starts=((1.5, -1.0),),
                      minima=((0.0, 0.0),), minimum_value=0.0)
    return Scene(title="bowl", problem=surface, optimizers=optimizers, learning_rate=0.5, steps=3)


def test_the_grid_is_nine_rates_around_the_scenes():
    assert grid(0.01) == [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]


def test_ties_go_to_the_larger_rate_and_divergence_loses():
    rates = [0.1, 0.3, 1.0, 3.0]
    assert best_rate(rates, [0.5, 0.2, 0.3, np.inf]) == 0.3
    assert best_rate(rates, [0.5, 0.2, 0.2 * (1 + 1e-4), np.inf]) == 1.0  # within 0.1%: tied
    assert best_rate(rates, [0.5, 0.2, 0.2 * 1.01, np.inf]) == 0.3
    assert best_rate(rates, [np.inf] * 4) is None


def test_the_search_finds_the_known_best_rate_on_a_bowl():
    """After 3 steps of SGD on x² + y², rate r leaves (1 - 2r)³ of the start: 0.5 is exact,
    every other rate of the grid (0.005 ... 50) is worse or diverges."""
    result = tune(bowl_scene({"SGD": "sgd"}), seed=0)
    assert result["chosen"] == {"SGD": 0.5}
    trials = result["trials"]["SGD"]
    assert trials["0.5"] == 0.0
    start = 1.5**2 + 1.0**2
    assert trials["0.15"] == pytest.approx(start * (1 - 2 * 0.15) ** 6)
    assert trials["50.0"] is None or trials["50.0"] > 1e6  # diverged, or far out


def test_a_tuned_scene_sets_each_rate():
    scene = tuned_scene(bowl_scene({"SGD": "sgd", "Adam": "adam"}), {"SGD": 0.5, "Adam": 0.15})
    assert scene.optimizers["SGD"]["config"]["learning_rate"] == 0.5
    assert scene.optimizers["Adam"]["config"]["learning_rate"] == 0.15


@pytest.mark.slow
def test_tune_lr_renders_with_the_chosen_rates_in_the_manifest_and_caches_the_search(runner, scene_file, tmp_path):
    from viz.cli import main

    path = scene_file(BOWL)
    out = tmp_path / "tuned.gif"
    result = runner.invoke(main, ["render", str(path), "--tune-lr", "-o", str(out), "--size", "320x180"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "tuned.gif.json").read_text())
    assert manifest["tuning"]["chosen"]["SGD"] == 0.5
    assert manifest["tuning"]["grid"] == grid(0.5)
    assert manifest["optimizers"]["SGD"]["config"]["learning_rate"] == 0.5
    assert manifest["optimizers"]["Adam"]["config"]["learning_rate"] == manifest["tuning"]["chosen"]["Adam"]

    from PIL import Image

    with Image.open(out) as gif:
        assert gif.n_frames == 4  # 3 steps and the start
    again = runner.invoke(main, ["render", str(path), "--tune-lr", "-o", str(out), "--size", "320x180"])
    assert "recording from the cache" in again.output  # the search is cached too


@pytest.mark.slow
def test_both_plays_the_same_rate_then_the_tuned_rates(runner, scene_file, tmp_path):
    from viz.cli import main

    out = tmp_path / "both.gif"
    result = runner.invoke(main, ["render", str(scene_file(BOWL)), "--tune-lr", "both", "-o", str(out),
                                  "--size", "320x180", "--hold", "0.4"])
    assert result.exit_code == 0, result.output
    from PIL import Image

    with Image.open(out) as gif:
        # 4 frames, the first part's end held 0.4 s at 25 fps (10 frames), 4 frames (the last
        # one lasting the final hold)
        assert gif.n_frames == 4 + 10 + 4
        gif.seek(3)
        first_end = np.asarray(gif.convert("RGB"))
        gif.seek(8)  # held, then (the second half of the hold) a card saying what comes next
        np.testing.assert_array_equal(np.asarray(gif.convert("RGB")), first_end)
        gif.seek(13)
        assert not np.array_equal(np.asarray(gif.convert("RGB")), first_end)
        gif.seek(14)
        assert not np.array_equal(np.asarray(gif.convert("RGB")), first_end)  # the tuned part's title


def test_the_legend_shows_rates_only_when_they_differ():
    from viz import record
    from viz.render.panels import legend_handles

    same = record(bowl_scene({"SGD": "sgd", "Adam": "adam"}))
    assert [h.get_label() for h in legend_handles(same)] == ["SGD", "Adam"]
    tuned = record(tuned_scene(bowl_scene({"SGD": "sgd", "Adam": "adam"}), {"SGD": 0.5, "Adam": 0.15}))
    assert [h.get_label() for h in legend_handles(tuned)] == ["SGD lr 0.5", "Adam lr 0.15"]


@pytest.mark.slow
def test_each_trial_is_the_run_a_render_at_that_rate_would_record():
    """The lesson's search trains each optimizer's rates as the columns of one wide layer (the
    coupled ones, one model reset between rates): every trial's loss is a fresh recording's at
    that rate, to the wide layer's float32 rounding (as the seeds' columns, test_seeds)."""
    from viz import problems, record

    scene = Scene(title="small", problem=problems.logreg(epochs=1, batch_size=64),
                  optimizers={"SGD momentum": {"class_name": "SGD", "config": {"momentum": 0.9}}, "Adam": "adam",
                              "Adagrad": "adagrad", "clipped": {"class_name": "SGD", "config": {"clipnorm": 0.1}}},
                  learning_rate=0.03, seed=2)
    result = tune(scene, seed=2)
    for rate in (0.003, 0.3):
        fresh = record(tuned_scene(scene, {label: rate for label in scene.optimizers}), seed=2)
        for label, loss in zip(fresh.names, fresh.loss[:, -1]):
            assert result["trials"][label][str(rate)] == pytest.approx(loss, rel=2e-5)


@pytest.mark.slow
def test_both_as_an_html_player(runner, scene_file, tmp_path):
    from viz.cli import main

    path = scene_file(BOWL)
    out = tmp_path / "both.html"
    result = runner.invoke(main, ["render", str(path), "--tune-lr", "both", "-o", str(out), "--size", "320x180",
                                  "--hold", "0.2"])
    assert result.exit_code == 0, result.output
    assert "the best of 9 from 0.005 to 50: SGD 0.5" in result.output
    page = out.read_text()
    data = json.loads(re.search(r'<script type="application/json" id="viz-data">(.*?)</script>', page).group(1))
    steps = data["steps"]  # the player's readout, frame by frame: the same-rate run, its hold, then the tuned run
    restart = next(i for i in range(1, len(steps)) if steps[i] < steps[i - 1])
    assert steps[0] == steps[restart] == 0 and steps[restart - 1] == steps[-1] == data["lastStep"]
    assert data["frames"] == len(steps) and sorted(steps[:restart]) == steps[:restart]


def test_a_schedule_is_refused_before_training(runner, scene_file, tmp_path):
    from viz.cli import main

    scheduled = scene_file("""
        from viz import Scene, surfaces
        s = Scene(title="s", problem=surfaces.get("matyas"), steps=5, optimizers={"SGD": {"class_name": "SGD",
                  "config": {"learning_rate": {"class_name": "ExponentialDecay", "config": {
                      "initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9}}}}})
    """, name="scheduled.py")
    result = runner.invoke(main, ["render", str(scheduled), "--tune-lr", "-o", str(tmp_path / "s.gif")])
    assert result.exit_code == 2 and "it follows a schedule" in one_error_line(result)
    assert "recorded" not in result.output


@pytest.mark.slow
def test_same_rate_and_tuned_parts_share_one_plane(small):
    """`--tune-lr both` draws both halves on the plane of all their paths together."""
    from viz import problems, record

    scene = Scene(title="small", problem=problems.logreg(epochs=1, batch_size=64),
                  optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.05)
    faster = record(tuned_scene(scene, {"SGD": 0.5, "Adam": 0.5}))
    first, second = scene.problem.share_plane([small, faster])
    np.testing.assert_array_equal(first.plane.basis, second.plane.basis)
    np.testing.assert_array_equal(first.plane.grid_loss, second.plane.grid_loss)
    np.testing.assert_array_equal(first.plane.origin, second.plane.origin)
    for part in (first, second):  # each part's points are its weights projected on the shared plane
        left_out = part.params - (part.plane.origin + part.plane.xy @ part.plane.basis)
        np.testing.assert_allclose(left_out @ part.plane.basis.T, 0, atol=1e-12 * np.abs(part.params).max())
    together = np.concatenate([small.params, faster.params]).reshape(-1, 5)
    principal = np.linalg.svd(together - together.mean(axis=0), full_matrices=False)[2][:2]
    np.testing.assert_allclose(np.abs(np.sum(principal * first.plane.basis, axis=1)), 1, atol=1e-9)  # of all paths
    assert first.params is small.params and second.loss is faster.loss  # only the view changes


@pytest.mark.slow
def test_both_shows_a_card_between_the_halves_and_keeps_the_legend_in_place(tmp_path):
    """The held end of the same-rate half ends with a card saying what comes next; both halves'
    legends have their entries in the same places (no reflow when the rates appear)."""
    from viz import record
    from viz.render.animation import render
    from viz.render.frames import Frames

    same = record(bowl_scene({"SGD": "sgd", "Adam": "adam"}))
    tuned = record(tuned_scene(bowl_scene({"SGD": "sgd", "Adam": "adam"}), {"SGD": 0.5, "Adam": 0.15}))
    title = "Each optimizer at its best learning rate (9 tried, 0.0001 to 1)"
    folder = tmp_path / "both"
    render(same, folder, "bowl", then=[(tuned, title)], fmt="frames", size=(640, 360), hold=0.4)
    pictures = sorted(folder.glob("frame_*.png"))
    assert len(pictures) == 4 + 10 + 4
    from PIL import Image

    held, carded = (np.asarray(Image.open(pictures[i]).convert("RGB"), int) for i in (8, 13))
    middle = (slice(150, 210), slice(200, 440))
    assert np.abs(held - np.asarray(Image.open(pictures[3]).convert("RGB"), int)).max() == 0  # held as it was
    assert np.abs(carded[middle] - held[middle]).max(axis=-1).mean() > 20  # the card, over the middle
    parts = [Frames(same, "bowl", like=[tuned]), Frames(tuned, title, like=[same])]
    legends = [part.figure.legends[0] for part in parts]
    assert [t.get_text().rstrip("\u200a").split(":")[0] for t in legends[0].get_texts()] == ["SGD lr 0.5", "Adam lr 0.5"]  # rates in both (then each value)
    renderer = parts[0].figure.canvas.get_renderer()
    boxes = [np.array([h.get_window_extent(renderer).bounds for h in legend.legend_handles]) for legend in legends]
    assert np.abs(boxes[0] - boxes[1]).max() <= 1.5  # pixels: no entry moves
    assert parts[0].with_card("Next: each optimizer at its best learning rate").shape == (720, 1280, 4)


@pytest.mark.slow
def test_the_search_through_worker_processes_is_the_search_here(small_scene):
    """--tune-lr's grid goes through the executor the door chose (issue 32): the optimizers in
    parts, one task each, the same final losses as trained here."""
    from viz import sweep

    here, counted = tune(small_scene, seed=0), counted_processes(2)
    with sweep.through(counted):
        spread = tune(small_scene, seed=0)
    assert counted.tasks == 2  # SGD's nine rates in one worker, Adam's in the other
    assert spread == here
