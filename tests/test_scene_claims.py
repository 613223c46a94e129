"""Each shipped surface scene shows what its docstring and title say: checked on its recording."""

from pathlib import Path

import numpy as np
import pytest

from viz import record
from viz.scene import load_scenes

SCENES = Path(__file__).parent.parent / "scenes"


def shipped(file, name):
    """A shipped scene, its paths by label and its recording."""
    scene = load_scenes(SCENES / file)[name]
    paths = record(scene)
    return scene, {name: (paths.params[i], paths.loss[i]) for i, name in enumerate(paths.names)}, paths


def sign_changes(values):
    return int(np.sum(np.sign(values[1:]) != np.sign(values[:-1])))


def test_valley_sgd_zig_zags_and_creeps_while_momentum_speeds_along():
    scene, paths, _ = shipped("valley.py", "valley")
    assert "lr 0.8" in scene.title
    sgd, momentum = paths["SGD"][0], paths["SGD momentum=0.3"][0]
    assert sign_changes(sgd[:10, 1]) == 9  # y flips sign at every one of the first steps: a zig-zag
    assert sgd[50, 0] < -3.5  # ... and creeps along x
    assert (momentum[50, 0] - -9) > 1.2 * (sgd[50, 0] - -9)  # a quarter further along after 50 steps
    assert sign_changes(momentum[:30, 1]) < sign_changes(sgd[:30, 1])
    assert all(np.isfinite(loss).all() for _, loss in paths.values())


@pytest.mark.slow
def test_momentum_scene_plain_sgd_is_smooth_and_momentum_swings():
    _, paths, _ = shipped("valley.py", "momentum")
    assert sign_changes(paths["SGD"][0][:, 1]) == 0  # no zig-zag at lr 0.3
    for label in ("momentum 0.5", "momentum 0.9", "Nesterov 0.9"):
        assert sign_changes(paths[label][0][:30, 1]) >= 5
    finals = {label: loss[-1] for label, (_, loss) in paths.items()}
    assert max(finals["momentum 0.9"], finals["Nesterov 0.9"]) < min(finals["SGD"], finals["momentum 0.5"])


def test_beale_sgd_family_and_rmsprop_close_in_adam_on_its_way_adagrad_behind():
    _, paths, _ = shipped("beale.py", "beale")
    distance = {label: np.hypot(*(points[-1] - [3.0, 0.5])) for label, (points, _) in paths.items()}
    for label in ("SGD", "SGD momentum=0.3", "SGD momentum=0.3 nesterov", "RMSprop"):
        assert distance[label] < 0.3
    assert 0.5 < distance["Adam"] < distance["Adagrad"]
    assert np.hypot(*(paths["Adagrad"][0][-1] - [1.0, 1.5])) < 0.5  # near the start


@pytest.mark.slow
def test_himmelblau_sgd_takes_a_different_minimum_from_each_start_adaptive_ones_can_switch():
    scene, _, paths = shipped("himmelblau.py", "himmelblau")
    minima = np.array(scene.problem.minima)

    def basin(point):
        return int(np.argmin(np.hypot(*(minima - point).T)))

    ends = {}
    for name, points in zip(paths.names, paths.params):
        ends.setdefault(name, []).append(points[-1])
    sgd = [basin(point) for point in ends["SGD"]]
    assert sorted(sgd) == [0, 1, 2, 3]
    assert all(np.min(np.hypot(*(minima - point).T)) < 1e-3 for point in ends["SGD"])
    switched = [basin(point) != sgd[start] for label in ("Adam", "RMSprop") for start, point in enumerate(ends[label])]
    assert any(switched)


@pytest.mark.slow
def test_rosenbrock_sgd_reaches_the_floor_and_crawls_adaptive_ones_lag():
    _, paths, _ = shipped("rosenbrock.py", "rosenbrock")
    start = np.array([-1.2, 1.0])
    for label in ("SGD", "SGD momentum=0.3", "SGD momentum=0.3 nesterov"):
        points = paths[label][0]
        assert abs(points[50, 1] - points[50, 0] ** 2) < 0.05  # on the valley floor by step 50
        assert 0.5 < points[-1, 0] < 0.95  # round the bend, still short of (1, 1)
    for label in ("Adam", "Adagrad"):
        assert np.hypot(*(paths[label][0][-1] - start)) < 0.3
    rmsprop = paths["RMSprop"][0][-1]
    assert 0.3 < np.hypot(*(rmsprop - start)) / np.hypot(*(np.array([1.0, 1.0]) - start)) < 0.7  # about halfway


@pytest.mark.slow
def test_rosenbrock_too_fast_the_sgd_family_diverges_the_adaptive_ones_do_not():
    _, paths, _ = shipped("rosenbrock.py", "too_fast")
    for label in ("SGD", "SGD momentum=0.3", "SGD momentum=0.3 nesterov"):
        assert not np.isfinite(paths[label][1][:11]).all()
    for label in ("Adam", "Adagrad", "RMSprop"):
        assert np.isfinite(paths[label][1]).all()


@pytest.mark.slow
def test_saddle_sgd_lingers_momentum_slowly_adam_rmsprop_escape_adagrad_stalls():
    _, paths, _ = shipped("saddle.py", "saddle")

    def escape(label):
        away = np.abs(paths[label][0][:, 1]) > 0.5
        return int(np.argmax(away)) if away.any() else None

    assert escape("SGD") is None and escape("SGD momentum=0.3") > 200
    assert escape("Adam") < 50 and escape("RMSprop") < 50
    assert escape("Adagrad") is None and paths["Adagrad"][0][-1, 0] < -1.0  # never reached the saddle at x = 0


@pytest.mark.slow
def test_edge_of_stability_the_sharpness_rises_to_two_over_eta_and_hovers_while_the_loss_falls():
    """Cohen et al. (ICLR 2021) on the shipped scene: at each step size η the sharpness reaches
    2/η within the first half of the run and averages within 15% of 2/η over the second half,
    recorded at least every 10 steps at the default budget; the loss falls, with spikes."""
    from viz.sharpness import stability_limit

    scene, paths, recording = shipped("edge_of_stability.py", "edge_of_stability")
    every = recording.meta["sharpness_every"]
    assert 1 <= every <= 10
    half = recording.sharpness.shape[1] // 2
    for index, label in enumerate(recording.names):
        config = recording.meta["optimizers"][label]
        limit = stability_limit(config, config["config"]["learning_rate"])
        sharpness, loss = recording.sharpness[index], paths[label][1]
        assert sharpness[0] < limit  # it starts below 2/η: it rises to it
        assert np.nanmax(sharpness[:half]) >= limit
        assert abs(np.nanmean(sharpness[half:]) / limit - 1) <= 0.15
        assert loss[-1] < 0.1 * loss[0] and (np.diff(loss) > 0).any()  # falls, not monotonically
