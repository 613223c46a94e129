"""What a Keras model costs, read from the built model, and the grid and recording stride that
fit a render's time and memory budgets. Every choice here depends on the model, the data and
the budgets only (never on the machine's load), so a scene gets the same grid and stride on
every run and its recordings stay reproducible."""

import math
from dataclasses import dataclass

import numpy as np

from viz.backend import load_keras
from viz.errors import OptionError, SpecError
from viz.sharpness import ITERATIONS, PRODUCT_PASSES

# viz's evaluator on the 2-core machine viz is measured on (bench/models.py): operations a
# second and seconds a weight vector besides them, for turning the time budget into points.
THROUGHPUT = 2.5e10
POINT_OVERHEAD = 1e-3
# The sharpness's batched Lanczos (viz.sharpness), calibrated on the shipped models
# (bench/sharpness.py: moons 2-16-1, the edge of stability's 2-32-32-1, the digits CNN, a 2-300-300-1
# MLP; measured / estimated 0.65-1.02 in CPU seconds): a point's Hessian-vector product costs
# PRODUCT_PASSES forward passes' multiply-adds at THROUGHPUT plus PRODUCT_ACTIVATION seconds an
# activation and row (its elementwise work, most of a small model's: the moons MLP's 19
# activations on 1000 rows take ~0.3-0.5 ms a product); each iteration adds LANCZOS_OVERHEAD and
# LANCZOS_WEIGHT a weight (the reorthogonalization in NumPy).
PRODUCT_ACTIVATION = 2e-8
LANCZOS_OVERHEAD = 1e-4
LANCZOS_WEIGHT = 4e-8
TIME_BUDGET = 40.0         # seconds of evaluation beyond training, shared as SHARES says
SHARES = {"grid": 0.3, "paths": 0.4, "sharpness": 0.2, "lines": 0.1}
PATH_PASSES = 4            # a recorded point: its loss, its gradient (about two passes), the loss on the plane
MEMORY_BUDGET = 256e6      # bytes for the recorded weights (and state) of all paths
GRID_LIMITS = (3, 81)      # grid points along each axis of the plane: fewest allowed, most
SMALL_MODEL_GRID = 4e10    # multiply-adds (weights x rows per grid point): no grid finer than viz 0.1's
GRID_MEMORY = 1e9          # bytes of activations for one weight vector on all rows (the grid's smallest batch)


@dataclass(frozen=True)
class ForwardCost:
    """One forward pass of one input row: multiply-adds and the floats of every layer's output."""

    multiply_adds: int
    activations: int

    @property
    def per_row(self):
        """Operations per row: multiply-adds plus one per activation (pooling, normalization, ...)."""
        return self.multiply_adds + self.activations

    def seconds(self, rows):
        """The estimated seconds of one loss evaluation on ``rows`` rows for one weight vector."""
        return rows * self.per_row / THROUGHPUT + POINT_OVERHEAD


def forward_cost(model):
    """The :class:`ForwardCost` of ``model`` per input row, layer by layer from the built model:
    a layer with a kernel costs its kernel's size times the positions it is applied at (1 for
    Dense on rows, the output's height x width for a convolution), an embedding one lookup per
    output value, and every layer one operation per output value."""
    keras_layers = load_keras().layers
    multiply_adds = activations = 0
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if not hasattr(layer, "output") or getattr(layer, "layers", None):  # containers: their layers count
            continue
        try:
            shapes = layer.output.shape if not isinstance(layer.output, (list, tuple)) else layer.output[0].shape
        except (AttributeError, ValueError):
            continue
        size = int(np.prod([dim for dim in shapes[1:] if dim is not None]))
        activations += size
        if isinstance(layer, keras_layers.Embedding):
            continue
        positions = int(np.prod(shapes[1:-1])) if len(shapes) > 2 else 1
        kernels = sum(int(np.prod(w.shape)) for w in layer.weights if len(w.shape) >= 2)
        multiply_adds += kernels * positions
    return ForwardCost(multiply_adds, activations)


def sharpness_seconds(cost, rows, weights):
    """The estimated seconds of one point's sharpness for a model of ``cost`` and ``weights``
    weights on ``rows`` rows: ITERATIONS Lanczos iterations, each a Hessian-vector product
    (PRODUCT_PASSES forward passes' multiply-adds, PRODUCT_ACTIVATION an activation and row;
    batched over points: no per-call overhead of its own), LANCZOS_OVERHEAD and LANCZOS_WEIGHT
    a weight. A constant of the model and the data, never a clock: the same points everywhere."""
    product = rows * (PRODUCT_PASSES * cost.multiply_adds / THROUGHPUT + cost.activations * PRODUCT_ACTIVATION)
    return ITERATIONS * (product + LANCZOS_OVERHEAD + weights * LANCZOS_WEIGHT)


@dataclass(frozen=True)
class Budgets:
    """A render's budgets: ``time`` seconds of evaluation besides training, shared as
    :data:`SHARES` says between the loss grid, the recorded points (their loss, gradient and
    loss on the plane), the sharpness and the loss along lines; ``memory`` bytes of recorded
    weights and state."""

    time: float = TIME_BUDGET
    memory: float = MEMORY_BUDGET

    def seconds(self, part):
        """The seconds of ``part`` ("grid", "paths", "sharpness" or "lines")."""
        return self.time * SHARES[part]


def grid_points(cost, rows, weights, budgets):
    """Grid points along each axis of the plane: as many as the grid's share of the time affords
    for a forward pass of ``cost`` over ``rows`` rows (at most 81, never finer than viz 0.1's
    grid for a model of ``weights`` weights). Raises :class:`OptionError` below 3, :class:`SpecError`
    when one forward pass over the rows would not fit GRID_MEMORY."""
    low, high = GRID_LIMITS
    if rows * cost.activations * 4 > GRID_MEMORY:
        raise SpecError(f"keras_model: the loss grid runs the model on all {rows:,} rows at once, "
                        f"{rows * cost.activations * 4 / 1e9:.3g} GB of activations a grid point (at most "
                        f"{GRID_MEMORY / 1e9:g} GB): use fewer rows")
    affordable = math.isqrt(int(budgets.seconds("grid") / cost.seconds(rows)))
    if affordable < low:
        seconds = low**2 * cost.seconds(rows) / SHARES["grid"]
        raise OptionError("time_budget", budgets.time, f"is too small for even a 3x3 grid of this model's loss "
                                                      f"(about {seconds:.3g} s here)")
    return min(affordable, full_grid(rows, weights))


def full_grid(rows, weights):
    """Grid points along each axis without a time budget, as viz 0.1 chose them: 81, fewer (down
    to 15) when ``weights`` x ``rows`` per point would pass SMALL_MODEL_GRID multiply-adds."""
    return min(max(15, math.isqrt(int(SMALL_MODEL_GRID / (weights * rows)))), GRID_LIMITS[1])


def recorded(steps, every):
    """The points a recording of ``steps`` steps keeps at every ``every``-th step: the start,
    each every-th step and the last."""
    return steps // every + 1 + (steps % every > 0)


def stride(steps, paths, weights, budgets, cost=None, rows=0):
    """Optimizer steps between recorded points so that the weights (float64) of ``paths``
    paths at every recorded point fit ``budgets.memory`` and (given the model's ``cost`` on
    ``rows`` rows) their evaluations the paths' share of ``budgets.time``:
    ``ceil(steps / (points - 1))``, the last step always recorded too. Raises
    :class:`OptionError` when not even the start and the end fit."""
    points = int(budgets.memory // (8 * weights * paths))
    if points < 2:
        need = 2 * 8 * weights * paths
        raise OptionError("memory_budget", budgets.memory, f"cannot hold even the start and end of {paths} paths of "
                                                          f"{weights:,} weights ({need / 1e6:.3g} MB)")
    if cost is not None:
        per_point = PATH_PASSES * paths * cost.seconds(rows)
        if budgets.seconds("paths") < 2 * per_point:
            raise OptionError("time_budget", budgets.time, f"is too small for even the start and end of {paths} "
                                                          f"paths (about {2 * per_point / SHARES['paths']:.3g} s here)")
        points = min(points, int(budgets.seconds("paths") / per_point))
    return max(1, math.ceil(steps / (points - 1)))
