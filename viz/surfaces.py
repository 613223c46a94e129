"""Classic 2D test surfaces, written with ``keras.ops`` so Keras computes their gradients.

Each surface carries its domain, its global minima (all of them) with their value, customary
start points from the literature, and how its contour levels are spaced. Formulas and minima
follow Surjanovic & Bingham's "Virtual Library of Simulation Experiments" and Jamil & Yang
(2013), "A literature survey of benchmark functions for global optimization problems".
"""

import math
from dataclasses import replace

from viz.backend import load_keras
from viz.errors import SpecError, unknown
from viz.problems.surface import Surface


def _ops():
    return load_keras().ops


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def himmelblau(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def booth(x, y):
    return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2


def matyas(x, y):
    return 0.26 * (x**2 + y**2) - 0.48 * x * y


def saddle(x, y):
    return x**2 - y**2


def monkey_saddle(x, y):
    return x**3 - 3 * x * y**2


def valley(x, y):
    return 0.01 * x**2 + y**2


def rastrigin(x, y):
    ops = _ops()
    return 20 + x**2 - 10 * ops.cos(2 * math.pi * x) + y**2 - 10 * ops.cos(2 * math.pi * y)


def ackley(x, y):
    ops = _ops()
    # + 1e-30 under the root: the same values, and a zero (not NaN) gradient at the minimum
    radius = ops.sqrt(0.5 * (x**2 + y**2) + 1e-30)
    waves = 0.5 * (ops.cos(2 * math.pi * x) + ops.cos(2 * math.pi * y))
    return -20 * ops.exp(-0.2 * radius) - ops.exp(waves) + math.e + 20


def goldstein_price(x, y):
    first = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    second = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return first * second


def six_hump_camel(x, y):
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


_LIBRARY = {
    surface.name: surface for surface in [
        Surface("rosenbrock", rosenbrock, ((-2, 2), (-1, 3)), starts=[(-1.5, 2.0)], minima=[(1, 1)],
                minimum_value=0, suggested_starts=[(-1.5, 2.0), (-1.2, 1.0), (0.0, 2.5)], levels="log"),
        Surface("beale", beale, ((-4.5, 4.5), (-4.5, 4.5)), starts=[(1.0, 1.5)], minima=[(3, 0.5)],
                minimum_value=0, suggested_starts=[(1.0, 1.5), (3.0, 4.0), (-3.0, -3.0)], levels="log"),
        Surface("himmelblau", himmelblau, ((-5, 5), (-5, 5)), starts=[(0.0, 0.0)],
                minima=[(3.0, 2.0), (-2.805118086952745, 3.131312518250573),
                        (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404)],
                minimum_value=0,
                suggested_starts=[(0.0, 0.0), (-0.5, 0.5), (-0.5, -1.5), (0.5, -1.5)], levels="log"),
        Surface("booth", booth, ((-10, 10), (-10, 10)), starts=[(-8.0, -8.0)], minima=[(1, 3)], minimum_value=0,
                suggested_starts=[(-8.0, -8.0), (8.0, -8.0)], levels="log"),
        Surface("matyas", matyas, ((-10, 10), (-10, 10)), starts=[(-7.0, 9.0)], minima=[(0, 0)], minimum_value=0,
                suggested_starts=[(-7.0, 9.0), (8.0, 2.0)], levels="log"),
        Surface("saddle", saddle, ((-2, 2), (-2, 2)), starts=[(-1.8, 1e-3)],
                suggested_starts=[(-1.8, 1e-3), (-1.8, 0.2)]),
        Surface("monkey_saddle", monkey_saddle, ((-2, 2), (-2, 2)), starts=[(-0.2, 1.5)],
                suggested_starts=[(-0.2, 1.5), (1.5, 0.1)]),
        Surface("valley", valley, ((-10, 10), (-4, 4)), starts=[(-9.0, 3.0)], minima=[(0, 0)], minimum_value=0,
                suggested_starts=[(-9.0, 3.0), (8.0, -2.0)], levels="log"),
        Surface("rastrigin", rastrigin, ((-5.12, 5.12), (-5.12, 5.12)), starts=[(-4.3, 4.2)], minima=[(0, 0)],
                minimum_value=0, suggested_starts=[(-4.3, 4.2), (2.5, -3.2)]),
        Surface("ackley", ackley, ((-5, 5), (-5, 5)), starts=[(-4.2, 3.7)], minima=[(0, 0)], minimum_value=0,
                suggested_starts=[(-4.2, 3.7), (1.5, -2.5)]),
        Surface("goldstein_price", goldstein_price, ((-2, 2), (-2, 2)), starts=[(-1.5, 1.5)], minima=[(0, -1)],
                minimum_value=3, suggested_starts=[(-1.5, 1.5), (1.5, 1.0)], levels="log"),
        Surface("six_hump_camel", six_hump_camel, ((-3, 3), (-2, 2)), starts=[(-2.5, 1.5)],
                minima=[(0.08984201368301331, -0.7126564032704135), (-0.08984201368301331, 0.7126564032704135)],
                minimum_value=-1.031628453489877, suggested_starts=[(-2.5, 1.5), (2.0, -1.5)]),
    ]
}

NAMES = tuple(_LIBRARY)


def get(name, start=None, domain=None):
    """The named surface, optionally from other start point(s) or over another domain.

    Args:
        name: one of :data:`NAMES` (``viz surfaces`` lists them).
        start: one ``(x, y)`` point or a list of them (one path per optimizer and start);
            None keeps the surface's default start.
        domain: ``((x_min, x_max), (y_min, y_max))``; None keeps the surface's own.

    Returns:
        A :class:`~viz.problems.surface.Surface`.

    Raises:
        viz.errors.SpecError: an unknown name (the message suggests the nearest).
    """
    if name not in _LIBRARY:
        raise SpecError(unknown("surface", name, NAMES))
    surface = _LIBRARY[name]
    changes = {}
    if start is not None:
        changes["starts"] = start
    if domain is not None:
        changes["domain"] = domain
    return replace(surface, **changes) if changes else surface


def custom(fn, domain, start, name="custom", minima=(), minimum_value=None, levels="auto"):
    """A surface of your own.

    Args:
        fn: ``fn(x, y)`` written with ``keras.ops`` or plain arithmetic, elementwise.
        domain: ``((x_min, x_max), (y_min, y_max))``, the region drawn.
        start: one ``(x, y)`` point or a list of them, inside the domain.
        name: shown in titles and listings.
        minima: the global minima, starred on the picture.
        minimum_value: f at the minima.
        levels: "auto" spaces the contours logarithmically where the values span decades (a
            curved valley whose floor is tiny next to its walls), else evenly; "log" or
            "linear" decide it yourself.

    Returns:
        A :class:`~viz.problems.surface.Surface`.
    """
    return Surface(name, fn, domain, starts=start, minima=minima, minimum_value=minimum_value, levels=levels)


def describe(name):
    """The surface ``name`` as ``viz surfaces`` lists it: its domain, global minima and starts."""
    surface = get(name)
    (x_min, x_max), (y_min, y_max) = surface.domain
    minima = ", ".join(f"({x:.4g}, {y:.4g})" for x, y in surface.minima) or "none (unbounded below)"
    value = f" = {surface.minimum_value:.6g}" if surface.minimum_value is not None else ""
    starts = ", ".join(f"({x:g}, {y:g})" for x, y in surface.suggested_starts)
    return (f"{name}\n    domain x [{x_min:g}, {x_max:g}], y [{y_min:g}, {y_max:g}]; minima {minima}{value}\n"
            f"    starts {starts} (default first)")
