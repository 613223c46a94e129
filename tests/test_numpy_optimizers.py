"""The NumPy reference optimizers (tests/numpy_optimizers.py) equal Keras, and its gradients are right.

Keras runs eagerly on a float64 ``keras.Variable``: each step takes the gradient of the surface
(viz.surfaces, written with keras.ops) with a GradientTape and calls ``optimizer.apply``. The
reference gets the analytic NumPy gradient. Observed agreement is bit-for-bit or within a few ulps
(max relative error <= 2e-15 over 60 steps), so the bar is 1e-12: tight enough to catch Keras'
float32 roundings, which move these paths only a little (leaving out the float32 learning rate
shifts Adagrad's default path by 7e-10, Nadam's and Adamax's float32 betas by 2e-9 to 4e-9; a
bar of 1e-9 would miss the first, and at 1e-12 every one of them fails). (Adagrad's float32 initial accumulator moves paths by
~1e-14 only, below any safe bar; it is copied from the source.)
"""

import numpy as np
import pytest

import keras
import tensorflow as tf
from keras import ops

from numpy_optimizers import DEFAULTS, GRADIENTS, f32, numpy_path
from viz import surfaces

TOL = 1e-12  # max |keras - numpy| / max(1, |keras|) over the path
STEPS = 60
STARTS = {"rosenbrock": [(-1.2, 1.0), (0.0, 2.5)], "himmelblau": [(0.0, 0.0), (-0.5, -1.5)]}


def exponential_decay():
    """A Keras schedule and the same schedule in NumPy, in float32 as Keras computes it.

    Keras evaluates ExponentialDecay entirely in float32 (a float64 evaluation rounded to float32
    differs from it by an ulp on most steps), and the optimizer calls it with ``iterations``
    before the step, starting at 0.
    """
    keras_schedule = keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=10, decay_rate=0.9)

    def numpy_schedule(step):
        return np.float32(0.05) * np.float32(0.9) ** (np.float32(step) / np.float32(10))

    return keras_schedule, numpy_schedule


LESSON = [  # the lesson's six: the fast tier
    ("SGD", {}),
    ("SGD", {"momentum": 0.9}),
    ("SGD", {"momentum": 0.9, "nesterov": True}),
    ("Adam", {}),
    ("Adagrad", {}),
    ("RMSprop", {}),
]
VARIANTS = [  # every other class and option viz takes: the slow tier
    ("SGD", {"clipnorm": 1.0}),
    ("Adam", {"amsgrad": True}),
    ("Adam", {"learning_rate": "exponential_decay"}),
    ("Adagrad", {"initial_accumulator_value": 0.5}),
    ("RMSprop", {"centered": True}),
    ("RMSprop", {"momentum": 0.5}),
    ("Nadam", {}),
    ("Adamax", {}),
    ("Adamax", {"clipvalue": 0.5}),
    ("Adadelta", {}),
]


def keras_path(class_name, config, fn, start, steps):
    optimizer = getattr(keras.optimizers, class_name)(**config)
    var = keras.Variable(np.array(start, dtype=np.float64), dtype="float64")
    path = [var.numpy().copy()]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            x, y = ops.unstack(var.value)
            loss = fn(x, y)
        optimizer.apply([tape.gradient(loss, var.value)], [var])
        path.append(var.numpy().copy())
    return np.array(path)


def configs(class_name, options, surface):
    """The Keras and the NumPy config of one case on one surface."""
    keras_config, numpy_config = dict(options), dict(options)
    if options.get("learning_rate") == "exponential_decay":
        keras_config["learning_rate"], numpy_config["learning_rate"] = exponential_decay()
    if class_name == "SGD" and surface == "rosenbrock" and not options.get("clipnorm"):
        # Keras' default 0.01 diverges on Rosenbrock (curvature ~1000 along the valley wall).
        keras_config["learning_rate"] = numpy_config["learning_rate"] = 1e-3
    return keras_config, numpy_config


def case_id(case):
    class_name, options = case
    return "-".join([class_name] + [f"{k}={v}" for k, v in options.items()]) if options else f"{class_name}-defaults"


@pytest.mark.parametrize("surface", ["rosenbrock", pytest.param("himmelblau", marks=pytest.mark.slow)])
@pytest.mark.parametrize("case", [pytest.param(c, id=case_id(c)) for c in LESSON]
                         + [pytest.param(c, id=case_id(c), marks=pytest.mark.slow) for c in VARIANTS])
def test_numpy_reference_equals_keras(case, surface):
    class_name, options = case
    keras_config, numpy_config = configs(class_name, options, surface)
    for start in STARTS[surface]:
        expected = keras_path(class_name, keras_config, getattr(surfaces, surface), start, STEPS)
        got = numpy_path(class_name, numpy_config, GRADIENTS[surface], start, STEPS)
        assert got.shape == expected.shape == (STEPS + 1, 2)
        assert np.isfinite(expected).all(), f"Keras diverged from {start}; the comparison would be empty"
        assert np.abs(expected[-1] - expected[0]).max() > 1e-5, "the path barely moves; pick another case"
        error = np.max(np.abs(got - expected) / np.maximum(1.0, np.abs(expected)))
        assert error <= TOL, f"{case_id(case)} on {surface} from {start}: max relative error {error:.3g}"


@pytest.mark.parametrize("class_name", ["SGD", "Adam", "Adagrad", "RMSprop", "Nadam", "Adamax", "Adadelta"])
def test_defaults_are_keras_defaults_and_a_full_get_config_is_accepted(class_name):
    config = getattr(keras.optimizers, class_name)().get_config()
    defaults = DEFAULTS[class_name.lower()]
    assert set(defaults) <= set(config)
    for key, value in defaults.items():
        # get_config reads the learning rate back from its float32 variable.
        assert config[key] == (f32(value) if key == "learning_rate" else value), key
    grad, start = GRADIENTS["himmelblau"], (0.0, 0.0)
    np.testing.assert_array_equal(numpy_path(class_name, config, grad, start, 5),
                                  numpy_path(class_name, {}, grad, start, 5))


def test_unsupported_options_and_unknown_optimizers_are_refused():
    grad = GRADIENTS["booth"]
    with pytest.raises(ValueError, match="weight_decay"):
        numpy_path("Adam", {"weight_decay": 0.01}, grad, (0.0, 0.0), 1)
    with pytest.raises(ValueError, match="unknown config keys"):
        numpy_path("SGD", {"beta_1": 0.9}, grad, (0.0, 0.0), 1)
    with pytest.raises(ValueError, match="unknown optimizer"):
        numpy_path("Lion", {}, grad, (0.0, 0.0), 1)


FD_POINTS = [(-1.3, 0.7), (0.4, -1.1), (1.7, 1.9)]  # inside every surface's domain


@pytest.mark.parametrize("name", list(GRADIENTS))
def test_analytic_gradients_match_central_differences(name):
    assert set(GRADIENTS) == set(surfaces.NAMES)
    surface, h = surfaces.get(name), 1e-6
    for point in FD_POINTS:
        p = np.array(point)
        numeric = np.array([(surface.values(*(p + h * e)) - surface.values(*(p - h * e))) / (2 * h)
                            for e in np.eye(2)])
        analytic = GRADIENTS[name](p)
        assert analytic.shape == (2,) and analytic.dtype == np.float64
        error = np.max(np.abs(analytic - numeric) / np.maximum(1.0, np.abs(numeric)))
        assert error <= 1e-5, f"{name} at {point}: relative error {error:.3g}"
