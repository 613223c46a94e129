"""Recorded surface paths are what Keras does: checked against an independent NumPy
implementation of the update rules (tests/numpy_optimizers.py), step by step."""

import numpy as np
import pytest
from numpy_optimizers import GRADIENTS, numpy_path

from viz import SEED_OPTIMIZERS, Scene, record, surfaces

STEPS = 200
# (label, class_name, config); learning rates are chosen per surface below
VARIANTS = [
    ("SGD", "SGD", {}),
    ("momentum", "SGD", {"momentum": 0.9}),
    ("nesterov", "SGD", {"momentum": 0.9, "nesterov": True}),
    ("Adam", "Adam", {}),
    ("AMSGrad", "Adam", {"amsgrad": True}),
    ("Adagrad", "Adagrad", {}),
    ("RMSprop", "RMSprop", {}),
    ("RMSprop centred momentum", "RMSprop", {"centered": True, "momentum": 0.5}),
    ("Nadam", "Nadam", {}),
    ("Adamax", "Adamax", {}),
    ("Adadelta", "Adadelta", {}),
    ("Adam clipnorm", "Adam", {"clipnorm": 1.0}),
    ("SGD clipvalue", "SGD", {"clipvalue": 0.5}),
]
CASES = [  # surface, learning rate, two starts (the fast tier: Rosenbrock)
    ("rosenbrock", 2e-4, [(-1.2, 1.0), (0.5, 2.5)]),
    pytest.param("himmelblau", 3e-3, [(0.0, 0.0), (-1.0, -1.0)], marks=pytest.mark.slow),
    pytest.param("beale", 3e-3, [(1.0, 1.5), (-1.0, 1.0)], marks=pytest.mark.slow),
]


@pytest.mark.parametrize("name, rate, starts", CASES, ids=["rosenbrock", "himmelblau", "beale"])
def test_paths_equal_the_numpy_update_rules(name, rate, starts):
    surface = surfaces.get(name, start=starts)
    specs = {label: {"class_name": cls, "config": dict(config)} for label, cls, config in VARIANTS}
    recording = record(Scene(title=name, problem=surface, optimizers=specs, learning_rate=rate, steps=STEPS))
    assert recording.params.shape == (len(VARIANTS) * 2, STEPS + 1, 2)
    for path, label in enumerate(recording.names):
        _, cls, config = VARIANTS[path // 2]
        start = starts[path % 2]
        config = {"learning_rate": rate, **config}
        expected = numpy_path(cls, config, GRADIENTS[name], start, STEPS)
        error = np.abs(recording.params[path] - expected) / np.maximum(1.0, np.abs(expected))
        # Some paths amplify rounding (centred RMSprop at a minimum divides by sqrt(v - m^2),
        # which shrinks with the gradient, and grows any difference ~7x a step): there the
        # reference itself moves that far when its gradient moves by a rounding error (autodiff
        # and the analytic formula differ by such errors), and the tolerance grows with it.
        def noisy(point, exact=GRADIENTS[name]):
            return exact(point) + 1e-14
        nudged = numpy_path(cls, config, noisy, start, STEPS)
        sensitivity = np.abs(nudged - expected) / np.maximum(1.0, np.abs(expected))
        assert np.all(error <= 1e-6 + 10 * sensitivity), f"{label} from {start}: {error.max():.2e}"


@pytest.mark.parametrize("name", ["booth", "goldstein_price", *(pytest.param(name, marks=pytest.mark.slow) for name in
                                                                 ("matyas", "valley", "six_hump_camel", "saddle"))])
def test_shapes_start_and_loss_for_the_lessons_six(name):
    surface = surfaces.get(name)
    recording = record(Scene(title=name, problem=surface, learning_rate=1e-3, steps=40))
    assert recording.names == tuple(SEED_OPTIMIZERS)
    assert recording.params.shape == (6, 41, 2) and recording.loss.shape == (6, 41)
    np.testing.assert_array_equal(recording.params[:, 0], np.broadcast_to(surface.starts[0], (6, 2)))
    np.testing.assert_allclose(recording.loss, surface.values(recording.params[..., 0], recording.params[..., 1]),
                               rtol=1e-12)
    finite = np.isfinite(recording.loss)
    assert np.all(finite[:, 1:] <= finite[:, :-1])  # a diverged path stays NaN (SGD on Goldstein-Price)
    assert np.array_equal(np.isfinite(recording.params).all(axis=-1), finite)
    assert recording.param_names == ("x", "y")
    assert recording.plane.xy is recording.params or np.array_equal(recording.plane.xy, recording.params)


def test_several_starts_give_one_path_each():
    starts = [(-0.3, 0.3), (-1.0, -0.6), (0.4, -1.2), (0.8, 0.0)]
    recording = record(Scene(title="h", problem=surfaces.get("himmelblau", start=starts),
                             optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.01, steps=300))
    assert recording.names == ("SGD",) * 4 + ("Adam",) * 4
    np.testing.assert_array_equal(recording.params[:4, 0], starts)
    minima = np.array(surfaces.get("himmelblau").minima)
    nearest = [np.argmin(np.linalg.norm(minima - end, axis=1)) for end in recording.params[:4, -1]]
    assert sorted(nearest) == [0, 1, 2, 3]  # SGD finds all four minima, one from each start


def test_divergence_keeps_finite_steps_then_nan(tmp_path):
    scene = Scene(title="too fast", problem=surfaces.get("rosenbrock", start=(-1.2, 1.0)),
                  optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.01, steps=100)
    recording = record(scene)
    sgd, adam = recording.loss
    diverged = np.flatnonzero(~np.isfinite(sgd))
    assert diverged.size and np.isfinite(sgd[: diverged[0]]).all() and np.isnan(sgd[diverged[0]:]).all()
    assert np.isnan(recording.params[0, diverged[0]:]).all()
    assert np.isfinite(adam).all()
    path = tmp_path / "diverged.npz"
    recording.save(path)
    with np.load(path) as data:
        assert np.isnan(data["params"][0, -1]).all() and np.isfinite(data["params"][1]).all()


def test_schedules_and_integer_learning_rates():
    import keras

    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=10, decay_rate=0.5)
    scene = Scene(title="s", problem=surfaces.get("booth"), steps=30, learning_rate=1,
                  optimizers={"decay": keras.optimizers.SGD(learning_rate=schedule), "int rate": "adam"})
    recording = record(scene)
    def decayed(step):  # ExponentialDecay computes in float32
        return np.float32(0.01) * np.float32(0.5) ** (np.float32(step) / np.float32(10))

    expected = numpy_path("SGD", {"learning_rate": decayed}, GRADIENTS["booth"], (-8.0, -8.0), 30)
    np.testing.assert_allclose(recording.params[0], expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(recording.params[1], numpy_path("Adam", {"learning_rate": 1.0}, GRADIENTS["booth"],
                                                               (-8.0, -8.0), 30), rtol=1e-6)
