import numpy as np
import pytest
import tensorflow as tf

from viz import surfaces
from viz.plane import surface_plane


def gradient(surface, point):
    variable = tf.Variable(np.array(point, dtype=np.float64))
    with tf.GradientTape() as tape:
        value = surface(variable[0], variable[1])
    return tape.gradient(value, variable).numpy(), float(value)


def test_the_library_has_the_classic_surfaces():
    assert set(surfaces.NAMES) >= {
        "rosenbrock", "beale", "himmelblau", "booth", "matyas", "saddle", "monkey_saddle", "valley",
        "rastrigin", "ackley", "goldstein_price", "six_hump_camel"}


@pytest.mark.parametrize("name", surfaces.NAMES)
def test_listed_minima_have_the_listed_value_and_zero_gradient(name):
    surface = surfaces.get(name)
    assert len(surface.minima) == (4 if name == "himmelblau" else 2 if name == "six_hump_camel" else
                                   0 if "saddle" in name else 1)
    for point in surface.minima:
        grad, value = gradient(surface, point)
        assert value == pytest.approx(surface.minimum_value, abs=1e-9)
        assert np.abs(grad).max() < 1e-6, (point, grad)


@pytest.mark.parametrize("name", surfaces.NAMES)
def test_starts_lie_in_the_domain_and_the_first_is_the_default(name):
    surface = surfaces.get(name)
    (x_min, x_max), (y_min, y_max) = surface.domain
    assert surface.starts == surface.suggested_starts[:1]
    for x, y in surface.suggested_starts:
        assert x_min <= x <= x_max and y_min <= y <= y_max


@pytest.mark.parametrize("name", surfaces.NAMES)
def test_contour_levels_show_the_shape(name):
    surface = surfaces.get(name)
    view = surface_plane(surface, np.array([[surface.starts[0]]]))
    assert np.all(np.diff(view.levels) > 0) and len(view.levels) >= 10
    assert view.levels[0] <= np.nanmin(view.grid_loss) + 1e-9
    if surface.levels == "log":  # spacing grows with the value: contours crowd at the minimum
        steps = np.diff(view.levels)
        assert steps[-1] > 100 * steps[1]
    np.testing.assert_array_equal(view.marks, np.array(surface.minima).reshape(-1, 2))


def test_get_overrides_and_checks():
    surface = surfaces.get("himmelblau", start=[(0, 0), (1, 1)], domain=((-6, 6), (-6, 6)))
    assert surface.starts == ((0.0, 0.0), (1.0, 1.0)) and surface.domain == ((-6, 6), (-6, 6))
    with pytest.raises(ValueError, match=r"unknown surface 'rosenbrok'\. Did you mean 'rosenbrock'"):
        surfaces.get("rosenbrok")
    with pytest.raises(ValueError, match=r"start \(9, 9\) is outside the domain .* pass domain="):
        surfaces.get("rosenbrock", start=(9, 9))
    with pytest.raises(ValueError, match="not a finite point"):
        surfaces.get("rosenbrock", start=(float("nan"), 0))


def test_a_surface_of_your_own():
    bowl = surfaces.custom(lambda x, y: (x - 1) ** 2 + 3 * y**2, domain=((-2, 2), (-2, 2)), start=(-1.5, 1),
                           minima=[(1, 0)], minimum_value=0, levels="log")
    grad, value = gradient(bowl, (1.0, 0.0))
    assert value == 0 and np.abs(grad).max() == 0
    np.testing.assert_allclose(bowl.values([0.0, 2.0], [1.0, 0.0]), [4.0, 1.0])


def curved_valley(x, y):
    return 50 * (y - 0.5 * x**2) ** 2 + (x - 1) ** 2  # f < 21 along the floor, thousands on the walls


def test_a_custom_surface_spanning_decades_gets_log_levels_by_default():
    valley = surfaces.custom(curved_valley, domain=((-4, 4), (-3, 5)), start=(-3.0, 4.0), minima=[(1, 0.5)])
    view = surface_plane(valley, np.array([[valley.starts[0]]]))
    assert valley.levels == "auto" and view.spacing == "log" and view.grid_loss.max() > 1000
    assert np.sum(view.levels < 21) >= 8  # the valley floor has contours, not one white band
    linear = surface_plane(surfaces.custom(curved_valley, domain=((-4, 4), (-3, 5)), start=(-3.0, 4.0),
                                           levels="linear"), np.array([[(-3.0, 4.0)]]))
    assert linear.spacing == "linear" and np.sum(linear.levels < 21) == 1  # as asked: the one band
    bowl = surface_plane(surfaces.custom(lambda x, y: x**2 + y**2, domain=((-1, 1), (-1, 1)), start=(0.5, 0.5)),
                         np.array([[(0.5, 0.5)]]))
    assert bowl.spacing == "linear"  # a bowl does not span decades: even spacing
    with pytest.raises(ValueError, match="levels must be 'auto', 'log' or 'linear'"):
        surfaces.custom(curved_valley, domain=((-4, 4), (-3, 5)), start=(0, 0), levels="quantile")
