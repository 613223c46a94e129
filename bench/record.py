"""Recording on a surface: viz's compiled loop against an eager GradientTape loop.

The workload: the lesson's six optimizers, 500 steps each on Rosenbrock from (-1.2, 1),
float64. Both loops run in this process, tracing included for the compiled one; the eager loop
is what a notebook would write (one Python iteration, one tape, one apply per step). Prints the
times, the ratio, and how far apart the two recordings end up.

    python bench/record.py
"""

import time

import numpy as np

from viz import SEED_OPTIMIZERS, Scene, record, surfaces
from viz.backend import load_keras
from viz.optimizers import resolve

STEPS = 500
RATE = 1e-3


def eager(surface, start):
    keras = load_keras()
    import tensorflow as tf

    paths = []
    for spec in SEED_OPTIMIZERS.values():
        optimizer = resolve(spec, RATE)
        variable = keras.Variable(start, dtype="float64")
        points = [variable.numpy().copy()]
        for _ in range(STEPS):
            with tf.GradientTape() as tape:
                value = surface(variable[0], variable[1])
            optimizer.apply([tape.gradient(value, variable.value)], [variable])
            points.append(variable.numpy().copy())
        paths.append(points)
    return np.array(paths)


def main():
    surface = surfaces.get("rosenbrock", start=(-1.2, 1.0))
    scene = Scene(title="bench", problem=surface, learning_rate=RATE, steps=STEPS)
    load_keras()  # the import is the same for both; keep it out of both timings
    started = time.perf_counter()
    compiled = record(scene).params
    compiled_seconds = time.perf_counter() - started
    started = time.perf_counter()
    reference = eager(surface, surface.starts[0])
    eager_seconds = time.perf_counter() - started
    difference = np.nanmax(np.abs(compiled - reference))
    print(f"workload: {len(SEED_OPTIMIZERS)} optimizers x {STEPS} steps, Rosenbrock, float64")
    print(f"compiled loop (viz.record, tracing included): {compiled_seconds:6.2f} s")
    print(f"eager GradientTape loop:                      {eager_seconds:6.2f} s")
    print(f"ratio eager / compiled: {eager_seconds / compiled_seconds:.1f}x")
    print(f"largest difference between the two paths: {difference:.1e}")


if __name__ == "__main__":
    main()
