"""Real models: viz's batched loss evaluator against a ``model.evaluate`` loop, a whole render of
a ~100,000-weight CNN, and peak memory against the weight count. Each part runs in one process
(``--part``) so that its peak memory (ru_maxrss) is its own; ``python bench/models.py`` runs
them all in turn and prints the ratios.

    python bench/models.py            # everything (several minutes)
    python bench/models.py --part grid
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROWS = 4000
POINTS = 12  # grid points timed in the model.evaluate loop (it is slow: a few are enough)


def cnn_100k():
    """Conv2D(8) -> pooling -> Dense(64) -> Dense(10) on 28x28 images: 87,306 weights."""
    import keras

    return keras.Sequential([
        keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax")])


def images(rows=ROWS, side=28, seed=0):
    """Synthetic images: blurred noise with a class-dependent bright square, so training moves."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, rows)
    x = rng.random((rows, side, side, 1)).astype("float32") * 0.3
    for row, label in enumerate(labels):
        at = 2 + 2 * label
        x[row, at:at + 6, at:at + 6] += 0.7
    return x, labels


def digits_problem():
    from viz.scene import load_scenes

    return load_scenes(Path(__file__).parent.parent / "scenes" / "digits_cnn.py")["digits_cnn"].problem


def grid_part():
    """Seconds per grid point: batched evaluator vs a set_weights + model.evaluate loop."""
    from viz.backend import load_keras
    from viz.problems import keras_model
    from viz.problems.cost import forward_cost
    from viz.problems.evaluate import loss_evaluator
    from viz.problems.fit import flat_point

    keras = load_keras()
    results = {}
    for name, problem in [("digits CNN", digits_problem()),
                          ("100k CNN", keras_model(cnn_100k, *images(), loss="sparse_categorical_crossentropy"))]:
        model = problem.first_model(0)
        start = flat_point(model)
        rng = np.random.default_rng(1)
        weights = start + 0.05 * rng.standard_normal((81, start.size)).astype(np.float32)
        evaluate = loss_evaluator(model, problem.x, problem.y, problem.loss)
        evaluate(weights)  # trace it for these chunk sizes, outside the timing
        began = time.perf_counter()
        batched = evaluate(weights)
        batched_seconds = (time.perf_counter() - began) / len(weights)
        model.compile(loss=problem.loss)
        model.evaluate(problem.x, problem.y, verbose=0)  # build the evaluate function once
        looped, began = [], time.perf_counter()
        for vector in weights[:POINTS]:
            model.set_weights(_pieces(model, vector))
            looped.append(model.evaluate(problem.x, problem.y, verbose=0))
        loop_seconds = (time.perf_counter() - began) / POINTS
        gap = float(np.max(np.abs(np.array(looped) - batched[:POINTS]) / np.abs(batched[:POINTS])))
        cost = forward_cost(model)
        results[name] = {"weights": int(start.size), "rows": len(problem.x), "batched_s_per_point": batched_seconds,
                         "evaluate_s_per_point": loop_seconds, "ratio": loop_seconds / batched_seconds,
                         "relative_gap": gap,
                         "multiply_adds_per_s": len(problem.x) * cost.per_row / batched_seconds}
        keras.backend.clear_session()
    return results


def _pieces(model, vector):
    """A flat trainable-weights vector as ``model.set_weights`` takes it (no state here)."""
    pieces, at = [], 0
    for variable in model.weights:
        size = int(np.prod(variable.shape))
        pieces.append(vector[at:at + size].reshape(variable.shape))
        at += size
    return pieces


def render_part():
    """The ~100,000-weight CNN, 2 epochs, the six optimizers: record and render an MP4."""
    import tempfile

    from viz import SEED_OPTIMIZERS, Scene, problems
    from viz.api import render

    problem = problems.keras_model(cnn_100k, *images(), loss="sparse_categorical_crossentropy", epochs=2,
                                   name="CNN, 87,306 weights")
    scene = Scene("A 100k-weight CNN", problem, optimizers=SEED_OPTIMIZERS, learning_rate=0.01)
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        report = render(scene, Path(folder) / "cnn.mp4", quality="l", cache=False)
        seconds = time.perf_counter() - began
        manifest = json.loads(report.manifest.read_text())["problem"]
    return {"seconds": seconds, "record_seconds": report.record_seconds, "render_seconds": report.render_seconds,
            "grid": manifest["grid"], "recorded_every": manifest["every"], "reduced": manifest["reduced"]}


def memory_part(weights, steps):
    """One recording of an MLP with about ``weights`` weights for ``steps`` steps, 6 optimizers."""
    import keras

    from viz import SEED_OPTIMIZERS, Scene, problems, record

    rows = 256
    width = max(1, int(weights / 66))  # 64 inputs -> width -> 1: 66 weights a unit
    rng = np.random.default_rng(0)
    x = rng.standard_normal((rows, 64)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")

    def mlp():
        return keras.Sequential([keras.Input((64,)), keras.layers.Dense(width, activation="tanh"),
                                 keras.layers.Dense(1, activation="sigmoid")])

    epochs = max(1, steps * 32 // rows)
    scene = Scene("mem", problems.keras_model(mlp, x, y, epochs=epochs), optimizers=SEED_OPTIMIZERS)
    recording = record(scene)
    return {"weights": recording.params.shape[-1], "steps": int(recording.optimizer_steps[-1]),
            "points": recording.steps + 1}


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(part, *args):
    """``part`` in a fresh process: its result and its own peak memory (MB)."""
    done = subprocess.run([sys.executable, __file__, "--part", part, *map(str, args)], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=["grid", "render", "memory"])
    parser.add_argument("numbers", nargs="*", type=int)
    arguments = parser.parse_args()
    if arguments.part:
        result = {"grid": grid_part, "render": render_part, "memory": memory_part}[arguments.part](*arguments.numbers)
        print(json.dumps({**result, "peak_mb": peak_mb()}))
        return
    grid = run("grid")
    for name in ("digits CNN", "100k CNN"):
        one = grid[name]
        print(f"grid, {name} ({one['weights']:,} weights, {one['rows']} rows): model.evaluate loop "
              f"{one['evaluate_s_per_point'] * 1e3:.1f} ms a point, viz batched {one['batched_s_per_point'] * 1e3:.2f} ms "
              f"-> {one['ratio']:.0f}x faster (target >= 100x); largest relative difference {one['relative_gap']:.1e} "
              f"(target <= 1e-5); {one['multiply_adds_per_s'] / 1e9:.2f} G multiply-adds/s")
    whole = run("render")
    print(f"render, 100k CNN, 2 epochs, six optimizers: {whole['seconds']:.1f} s (record {whole['record_seconds']:.1f} s, "
          f"render {whole['render_seconds']:.1f} s; target <= 60 s), peak {whole['peak_mb']:.0f} MB (target <= 2048 MB); "
          f"grid {whole['grid']}x{whole['grid']}, recorded every {whole['recorded_every']} steps, reduced: "
          f"{', '.join(whole['reduced']) or 'nothing'}")
    base = run("memory", 1000, 250)["peak_mb"]
    for weights, steps in [(10_000, 250), (100_000, 250), (1_000_000, 250), (100_000, 1000)]:
        one = run("memory", weights, steps)
        print(f"memory, {one['weights']:,} weights, {one['steps']} steps ({one['points']} points): peak "
              f"{one['peak_mb']:.0f} MB, {one['peak_mb'] - base:.0f} MB above a 1,000-weight model")


if __name__ == "__main__":
    main()
