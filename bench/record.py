"""Recording against plain training, in one run.

The lesson (``--lesson``, the default part): ``viz export scenes/logreg.py --no-cache`` (the
recording only, cold: a fresh process, Keras imported, six optimizers trained, every step and
the extras recorded, the npz written) against a fresh process that imports Keras and runs the
six plain ``model.fit`` calls a notebook would write (batch 16, 5 epochs, no validation data,
no callbacks). Each side runs RUNS times, alternating, best time kept; prints both and the
ratio (the target: at most 1.10).

On a surface (``--surface``): the lesson's six optimizers, 500 steps each on Rosenbrock from
(-1.2, 1), float64, viz's compiled loop against an eager GradientTape loop, both in this
process, tracing included for the compiled one; the eager loop is what a notebook would write
(one Python iteration, one tape, one apply per step). Prints the times, the ratio, and how far
apart the two recordings end up.

    python bench/record.py
    python bench/record.py --surface
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from viz import SEED_OPTIMIZERS, Scene, record, surfaces
from viz.backend import load_keras
from viz.optimizers import resolve

STEPS = 500
RATE = 1e-3
RUNS = 3
ROOT = Path(__file__).resolve().parent.parent

# The reference: what a notebook does without viz (the lesson's data, model and six optimizers).
PLAIN_FITS = """
import keras
from viz import SEED_OPTIMIZERS, optimizers
from viz.problems.logreg import lesson_data, lesson_model
x, y, _, _ = lesson_data()
for spec in SEED_OPTIMIZERS.values():
    model = lesson_model()
    model.compile(optimizer=optimizers.resolve(spec, 0.01), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x.astype("float32"), y.astype("float32"), batch_size=16, epochs=5, verbose=0)
"""


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


def seconds(command, folder):
    started = time.perf_counter()
    subprocess.run(command, cwd=folder, check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - started


def lesson():
    """The cold lesson recording against import keras + six plain fits, fresh processes."""
    export = [sys.executable, "-m", "viz", "export", str(ROOT / "scenes" / "logreg.py"), "--no-cache", "-o", "x.npz"]
    plain = [sys.executable, "-c", PLAIN_FITS]
    recorded, fitted = [], []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(RUNS):
            fitted.append(seconds(plain, folder))
            recorded.append(seconds(export, folder))
    print("the lesson: 6 optimizers x 300 steps (batch 16, 5 epochs), fresh processes, best of", RUNS)
    print(f"import keras + six plain model.fit: {min(fitted):6.2f} s   (all: {', '.join(f'{t:.1f}' for t in fitted)})")
    print(f"viz export --no-cache (cold):       {min(recorded):6.2f} s   (all: {', '.join(f'{t:.1f}' for t in recorded)})")
    print(f"ratio recording / plain training: {min(recorded) / min(fitted):.2f} (target <= 1.10)")
    pairs = sorted(r / f for r, f in zip(recorded, fitted))  # each run's pair ran back to back: the same load
    print(f"ratio of each back-to-back pair: {', '.join(f'{r:.2f}' for r in pairs)}; "
          f"median {pairs[len(pairs) // 2]:.2f} (the fairer number on a loaded machine)")


def surface():
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


def main(arguments):
    if "--surface" in arguments:
        surface()
    else:
        lesson()


if __name__ == "__main__":
    main(sys.argv[1:])
