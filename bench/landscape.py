"""The loss landscape of a Keras model: viz's batched grid evaluation against one
``model.evaluate`` per grid point.

The workload: an 80x80 grid on a plane through the weights of a 2-16-16-1 MLP (337 weights)
on 1000 points. viz evaluates all 6400 weight vectors with ``model.stateless_call`` under
``tf.vectorized_map``, 256 at a time (tracing included in the first run); the naive way sets
the weights and calls ``model.evaluate`` per point, timed here on 100 points and scaled to
6400. Prints both, the ratio, and how far apart the two losses are on those 100 points.

    python bench/landscape.py
"""

import time

import numpy as np

from viz.backend import load_keras
from viz.problems.model import loss_evaluator

GRID, ROWS, NAIVE_POINTS = 80, 1000, 100


def main():
    keras = load_keras()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(ROWS, 2)).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("float32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy")
    shapes = [v.shape for v in model.trainable_variables]
    origin = np.concatenate([v.numpy().ravel() for v in model.trainable_variables])
    basis = np.linalg.qr(rng.normal(size=(origin.size, 2)))[0].T
    gx, gy = np.meshgrid(np.linspace(-3, 3, GRID), np.linspace(-3, 3, GRID))
    weights = origin + gx.reshape(-1, 1) * basis[0] + gy.reshape(-1, 1) * basis[1]

    started = time.perf_counter()
    evaluate = loss_evaluator(model, x, y, "binary_crossentropy")
    grid = evaluate(weights)
    first = time.perf_counter() - started
    started = time.perf_counter()
    evaluate(weights)
    again = time.perf_counter() - started

    naive = []
    started = time.perf_counter()
    for flat in weights[:NAIVE_POINTS]:
        model.set_weights([piece.reshape(shape) for piece, shape in
                           zip(np.split(flat, np.cumsum([np.prod(s) for s in shapes])[:-1]), shapes)])
        naive.append(model.evaluate(x, y, verbose=0, batch_size=ROWS))
    per_point = (time.perf_counter() - started) / NAIVE_POINTS

    print(f"{GRID}x{GRID} grid, {origin.size} weights, {ROWS} rows")
    print(f"viz, batched (tracing included):    {first:6.2f} s   (again: {again:.2f} s)")
    print(f"model.evaluate per point, scaled:   {per_point * GRID * GRID:6.2f} s   ({per_point * 1e3:.1f} ms a point)")
    print(f"ratio naive / viz:                  {per_point * GRID * GRID / first:6.1f}x")
    print(f"largest difference on {NAIVE_POINTS} points:   {np.max(np.abs(grid[:NAIVE_POINTS] - naive)):.1e}")


if __name__ == "__main__":
    main()
