"""The loss grid on a plane of weights, against the machine (issue 29, point 6): a compute-bound
grid (bench/models.py's 87,306-weight CNN on 4,000 images, on the grid a render draws for it at
the default budget) in the plain model's multiply-adds a second (a forward pass's multiply-adds a
row x rows x grid points / seconds, whatever viz saves) against the float32 matrix-product rate
measured right before and right after it (target >= 50%), and an overhead-bound one (a 2-16-16-1
MLP on 1,000 rows) against a ``model.evaluate`` loop (target >= 100x); the CNN with the first
layer in three passes (viz) and without (every weight vector evaluated whole, timed on the first
PLAIN points of the grid), and how far apart the two are (the MLP's first layer sums two inputs:
viz evaluates its vectors whole).

The three-pass grid is timed in ``--turns`` turns (after a first call that traces and compiles),
each in wall seconds and in CPU seconds (all the process's threads) against the matrix products'
rate measured the same two ways: on a loaded machine the CPU share moves far less than the wall
one. ``--against FILE`` (another version of ``viz/problems/on_plane.py``, e.g. ``git show
main:viz/problems/on_plane.py > /tmp/old.py``) times that version too, taking turns with this
one in the same process: medians and ranges of each, and the load.

    python bench/grid.py
    python bench/grid.py --turns 5 --against /tmp/old.py
"""

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models import cnn_100k, images  # noqa: E402

from viz.backend import load_keras  # noqa: E402
from viz.problems.cost import Budgets, forward_cost, grid_points  # noqa: E402
from viz.problems.evaluate import loss_evaluator  # noqa: E402
from viz.problems.on_plane import plane_loss_evaluator  # noqa: E402

MLP_GRID, LOOPED, PLAIN = 80, 40, 16  # MLP points along each axis; model.evaluate calls; CNN points plainly


def matmul_rate(size=1024, repeats=20):
    """Multiply-adds of float32 [size, size] matrix products a wall second and a CPU second (the
    best of three runs each)."""
    import tensorflow as tf  # the evaluator's back end

    a, b = (tf.random.normal((size, size)) for _ in range(2))
    tf.matmul(a, b).numpy()
    best = np.array([np.inf, np.inf])
    for _ in range(3):
        began = clock()
        for _ in range(repeats):
            c = tf.matmul(a, b)
        c.numpy()
        best = np.minimum(best, clock() - began)
    return repeats * size**3 / best


def clock():
    """[wall seconds, CPU seconds of the process's threads]."""
    return np.array([time.perf_counter(), time.process_time()])


def evaluator_from(path):
    """``plane_loss_evaluator`` of another version of viz/problems/on_plane.py, the file ``path``."""
    spec = importlib.util.spec_from_file_location("against", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.plane_loss_evaluator


def plane_of(model, side, rng):
    """The model's weights, two random unit directions scaled to them, and a side x side grid."""
    origin = np.concatenate([v.numpy().ravel() for v in model.trainable_variables]).astype(np.float64)
    basis = np.linalg.qr(rng.normal(size=(origin.size, 2)))[0].T * 0.05 * np.linalg.norm(origin)
    xy = np.stack([g.ravel() for g in np.meshgrid(*[np.linspace(-1, 1, side)] * 2)], axis=1)
    return origin, basis, xy


def timed(function, *args):
    """The function's result and seconds, after one call to trace it."""
    function(*args)
    began = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - began


def grid(model, x, y, loss, side, rng, plain_points=None, turns=1, versions=None):
    """Seconds of the whole grid: plain (every vector whole; on its first ``plain_points`` points,
    scaled to the grid, if given) and with three passes (``turns`` times for each of ``versions``
    {name: plane_loss_evaluator}, taking turns, each between two measures of the matrix-product
    rate: [turns, (wall, CPU)] seconds and rates); their gap."""
    origin, basis, xy = plane_of(model, side, rng)
    some = slice(0, plain_points)
    plain, plain_seconds = timed(loss_evaluator(model, x, y, loss), origin + xy[some] @ basis)
    found = {"points": len(xy), "plain": plain_seconds * len(xy) / len(plain), "values": plain, "gap": 0.0,
             "origin": origin, "basis": basis, "xy": xy}
    three = {name: make(model, x, y, loss) for name, make in (versions or {"viz": plane_loss_evaluator}).items()}
    if None in three.values():  # viz evaluates whole vectors for this model
        return found
    cold, values = {}, {}
    for name, evaluate in three.items():
        began = time.perf_counter()
        values[name] = evaluate(origin, basis, xy)  # traced and compiled for its chunks
        cold[name] = time.perf_counter() - began
    seconds, rates, loads = {name: [] for name in three}, {name: [] for name in three}, []
    for _ in range(turns):
        for name, evaluate in three.items():
            before = matmul_rate()
            began = clock()
            evaluate(origin, basis, xy)
            seconds[name].append(clock() - began)
            rates[name].append((before + matmul_rate()) / 2)
        loads.append(os.getloadavg()[0])
    fast = next(iter(values.values()))
    return {**found, "seconds": seconds, "rates": rates, "cold": cold, "values": fast, "loads": loads,
            "gap": float(np.max(np.abs(fast[some] - plain)) / np.max(np.abs(plain))),
            "apart": {name: float(np.max(np.abs(v - fast)) / np.max(np.abs(fast))) for name, v in values.items()}}


def spread(values, form):
    """"median (lowest-highest)" of ``values`` written with ``form``."""
    return f"{np.median(values):{form}} ({np.min(values):{form}}-{np.max(values):{form}})"


def evaluate_loop(model, x, y, loss, weights):
    """Seconds a point of ``set_weights`` + ``model.evaluate`` over ``weights``, and the losses."""
    shapes = [v.shape for v in model.trainable_variables]
    model.compile(loss=loss)
    model.evaluate(x, y, verbose=0, batch_size=len(x))
    found, began = [], time.perf_counter()
    for flat in weights:
        model.set_weights([piece.reshape(shape) for piece, shape in
                           zip(np.split(flat, np.cumsum([np.prod(s) for s in shapes])[:-1]), shapes)])
        found.append(model.evaluate(x, y, verbose=0, batch_size=len(x)))
    return (time.perf_counter() - began) / len(weights), np.array(found)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=3, help="timed calls of each three-pass version (default 3)")
    parser.add_argument("--against", metavar="FILE", help="another version of viz/problems/on_plane.py to take "
                                                           "turns with")
    args = parser.parse_args()
    keras = load_keras()
    rng = np.random.default_rng(0)
    keras.utils.set_random_seed(0)
    cnn = cnn_100k()
    x, y = images()
    cost = forward_cost(cnn)
    side = grid_points(cost, len(x), cnn.count_params(), Budgets())
    versions = {"viz": plane_loss_evaluator, **({"against": evaluator_from(args.against)} if args.against else {})}
    one = grid(cnn, x, y, "sparse_categorical_crossentropy", side, rng, PLAIN, args.turns, versions)
    work = len(x) * cost.multiply_adds * one["points"]
    what = f"CNN, 87,306 weights, {len(x)} rows, {side}x{side} grid (a render's at the default budget)"
    rates = np.array(one["rates"]["viz"])
    print(f"float32 matrix products around the three-pass grids, {args.turns} turns, load "
          f"{spread(one['loads'], '.1f')}: {spread(rates[:, 0] / 1e9, '.1f')} G multiply-adds a wall second, "
          f"{spread(rates[:, 1] / 1e9, '.1f')} G a CPU second")
    plain_rate = work / one["plain"] / np.median(rates[:, 0])
    print(f"{what}, plain (timed on {PLAIN} points): {one['plain']:.2f} s, {work / one['plain'] / 1e9:.2f} G of the "
          f"model's multiply-adds/s ({cost.multiply_adds:,} a row) = {plain_rate:.1%} of the matrix-product rate")
    for name in one["seconds"]:
        seconds, rate = np.array(one["seconds"][name]), np.array(one["rates"][name])
        share = work / seconds / rate
        print(f"{what}, three passes ({name}{f': {args.against}' if name == 'against' else ''}): "
              f"{spread(seconds[:, 0], '.2f')} s = {spread(share[:, 0], '.1%')} of the matrix-product rate a wall "
              f"second, {spread(seconds[:, 1], '.2f')} CPU s = {spread(share[:, 1], '.1%')} a CPU second "
              f"(target >= 50%); "
              f"{one['plain'] / np.median(seconds[:, 0]):.2f}x faster than plain; the first call (tracing, compiling) "
              f"{one['cold'][name]:.2f} s; {one['apart'][name]:.1e} of the loss scale from viz's")
    if "against" in one["seconds"]:
        ratio = np.array(one["seconds"]["against"]) / np.array(one["seconds"]["viz"])
        print(f"viz / against, turn by turn: {spread(ratio[:, 0], '.2f')}x faster in wall seconds, "
              f"{spread(ratio[:, 1], '.2f')}x in CPU seconds")
    print(f"CNN three passes: largest gap to plain {one['gap']:.1e} of the loss scale")

    keras.utils.set_random_seed(0)
    mlp = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="relu"),
                            keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
    x = rng.normal(size=(1000, 2)).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("float32")
    two = grid(mlp, x, y, "binary_crossentropy", MLP_GRID, rng)
    looped, losses = evaluate_loop(mlp, x, y, "binary_crossentropy",
                                   two["origin"] + two["xy"][:LOOPED] @ two["basis"])
    print(f"MLP, 337 weights, 1000 rows, {two['points']} grid points, viz (whole vectors: a first layer of two "
          f"inputs saves nothing in three passes): {two['plain']:.2f} s = {two['plain'] / two['points'] * 1e3:.3f} ms "
          f"a point; model.evaluate loop {looped * 1e3:.1f} ms a point: {looped * two['points'] / two['plain']:.0f}x "
          "(target >= 100x)")
    print(f"MLP largest gap to model.evaluate: {np.max(np.abs(two['values'][:LOOPED] - losses)):.1e}")


if __name__ == "__main__":
    main()
