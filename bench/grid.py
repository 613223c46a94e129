"""The loss grid on a plane of weights, against the machine (issue 29, point 6): a compute-bound
grid (bench/models.py's 87,306-weight CNN on 4,000 images, on the grid a render draws for it at
the default budget) in the plain model's multiply-adds a second (a forward pass's multiply-adds a
row x rows x grid points / seconds, whatever viz saves) against the float32 matrix-product rate
measured right before and right after it (target >= 50%), and an overhead-bound one (a 2-16-16-1
MLP on 1,000 rows) against a ``model.evaluate`` loop (target >= 100x); the CNN with the first
layer in three passes (viz) and without (every weight vector evaluated whole, timed on the first
PLAIN points of the grid), and how far apart the two are (the MLP's first layer sums two inputs:
viz evaluates its vectors whole).

    python bench/grid.py
"""

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
    """Multiply-adds a second of float32 [size, size] matrix products (the best of three runs)."""
    import tensorflow as tf  # the evaluator's back end

    a, b = (tf.random.normal((size, size)) for _ in range(2))
    tf.matmul(a, b).numpy()
    best = np.inf
    for _ in range(3):
        began = time.perf_counter()
        for _ in range(repeats):
            c = tf.matmul(a, b)
        c.numpy()
        best = min(best, time.perf_counter() - began)
    return repeats * size**3 / best


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


def grid(model, x, y, loss, side, rng, plain_points=None):
    """Seconds of the whole grid: plain (every vector whole; on its first ``plain_points`` points,
    scaled to the grid, if given) and with three passes (between two measures of the
    matrix-product rate); their gap."""
    origin, basis, xy = plane_of(model, side, rng)
    some = slice(0, plain_points)
    plain, plain_seconds = timed(loss_evaluator(model, x, y, loss), origin + xy[some] @ basis)
    found = {"points": len(xy), "plain": plain_seconds * len(xy) / len(plain), "values": plain, "gap": 0.0,
             "origin": origin, "basis": basis, "xy": xy}
    three = plane_loss_evaluator(model, x, y, loss)
    if three is None:  # viz evaluates whole vectors for this model
        return found
    began = time.perf_counter()
    three(origin, basis, xy)  # traced and compiled for its chunks
    cold = time.perf_counter() - began
    before = matmul_rate()
    began = time.perf_counter()
    fast = three(origin, basis, xy)
    fast_seconds = time.perf_counter() - began
    rates = (before, matmul_rate())
    return {**found, "three_pass": fast_seconds, "cold": cold, "values": fast, "rates": rates,
            "gap": float(np.max(np.abs(fast[some] - plain)) / np.max(np.abs(plain)))}


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
    keras = load_keras()
    rng = np.random.default_rng(0)
    keras.utils.set_random_seed(0)
    cnn = cnn_100k()
    x, y = images()
    cost = forward_cost(cnn)
    side = grid_points(cost, len(x), cnn.count_params(), Budgets())
    one = grid(cnn, x, y, "sparse_categorical_crossentropy", side, rng, PLAIN)
    work = len(x) * cost.multiply_adds * one["points"]
    rate = np.mean(one["rates"])
    print(f"float32 matrix products right before and after the CNN's grid: "
          f"{' and '.join(f'{r / 1e9:.1f}' for r in one['rates'])} G multiply-adds/s")
    for how in ("plain", "three_pass"):
        print(f"CNN, 87,306 weights, {len(x)} rows, {side}x{side} grid (a render's at the default budget), {how}"
              f"{f' (timed on {PLAIN} points)' if how == 'plain' else ''}: {one[how]:.2f} s, {work / one[how] / 1e9:.2f} G "
              f"of the model's multiply-adds/s ({cost.multiply_adds:,} a row) = {work / one[how] / rate:.1%} of the "
              f"matrix-product rate (target >= 50%)")
    print(f"CNN three passes / plain: {one['plain'] / one['three_pass']:.2f}x faster (the first call, tracing and "
          f"compiling: {one['cold']:.2f} s); largest gap {one['gap']:.1e} of the loss scale")

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
