"""What the sharpness costs: seconds per recorded point, measured against the cost model's
estimate (viz.problems.cost.sharpness_seconds, which decides how many points get one: it must
be within 2x), and the recording and the whole render with it against without it, in one run.

The shipped model scenes: the moons scene's 2-16-1 MLP (65 weights, 1000 rows, 6 optimizers x 320
steps; scenes/moons_mlp.py), the edge-of-stability scene's 2-32-32-1 tanh MLP (1,185 weights, 200
rows, full batch, 3 step sizes x 600 steps; scenes/edge_of_stability.py, whose whole recording is
also timed with ``sharpness=False``: the target is at most 2x), the digits CNN (1,610 weights,
1,437 images, 6 optimizers x 135 steps; scenes/digits_cnn.py) and the lesson (exact 5x5 Hessians
at every point: no estimate, no budget); then a 2-300-300-1 MLP (91,501 weights) on 1000 rows of
the same moons for one epoch of 32-row batches. "Without" is the problem's own recording (weights,
loss, gradients, the plane); "with" adds what :func:`viz.record.with_curvature` adds: the sharpness
at the points the budget affords (Lanczos on batched Hessian-vector products), and the loss along
the lines from the start. Each whole render writes the last frame only (png), so the drawing cost
is small and the same on both sides: the ratio is the recording's.

The sharpness is timed in wall seconds and in the process's CPU seconds: on a loaded machine the
wall time grows with the load and the CPU time barely (the estimate is for an idle machine, where
the two are close); both ratios are printed, with the load.

    python bench/sharpness.py
    python bench/sharpness.py --quick   # the per-point costs only (no renders, no sharpness=False run)
"""

import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from viz import Scene, SEED_OPTIMIZERS, problems, record  # noqa: E402
from viz.backend import load_keras  # noqa: E402
from viz import line  # noqa: E402
from viz.render.animation import render  # noqa: E402
from viz.scene import load_scenes  # noqa: E402


def wide_mlp():
    keras = load_keras()
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(300, activation="tanh"),
                             keras.layers.Dense(300, activation="tanh"), keras.layers.Dense(1, activation="sigmoid")])


def measure(name, scene, seed=0, quick=False):
    """Record ``scene`` without and with the sharpness; render the last frame of each."""
    problem = scene.problem
    started = time.perf_counter()
    plain = problem.record(scene, seed)
    recorded = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    curvature = problem.curvature(seed)
    values, every = curvature.sharpness(plain.params)
    sharp, sharp_cpu = time.perf_counter() - started, time.process_time() - cpu
    along = line.lines(plain.params, curvature.loss, curvature.loss_seconds, curvature.line_seconds)
    extras = time.perf_counter() - started
    points = int(np.isfinite(values).sum())
    print(f"{name}: {plain.params.shape[-1]} weights, {plain.params.shape[0]} paths x {plain.steps + 1} points "
          f"(load {os.getloadavg()[0]:.1f})")
    print(f"  recording without sharpness: {recorded:.1f} s")
    print(f"  sharpness: {sharp:.1f} s ({sharp_cpu:.1f} s CPU) for {points} points ({sharp / points * 1e3:.2f} ms a "
          f"point, {sharp_cpu / points * 1e3:.2f} ms CPU" + (f"; every {every} recorded steps: the time budget" if every > 1
                                                             else "") + ")")
    estimate = getattr(curvature, "point_seconds", 0.0)
    if estimate:
        print(f"  cost model's estimate: {estimate * 1e3:.2f} ms a point; measured / estimated "
              f"{sharp / points / estimate:.2f} wall, {sharp_cpu / points / estimate:.2f} CPU (target: within 0.5-2)")
    else:
        print("  cost model: not consulted (exact Hessians at every point)")
    print(f"  lines from the start: {max(extras - sharp, 0):.1f} s")
    print(f"  recording with / without: {(recorded + extras) / recorded:.2f}"
          f" (sharpness alone: {(recorded + sharp) / recorded:.2f})")
    if quick:
        return
    full = dataclasses.replace(plain, sharpness=values, line=along, meta={**plain.meta, "sharpness_every": every})
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        render(plain, Path(folder) / "without.png", scene.title, fmt="png", size=(1280, 720))
        drawn_without = time.perf_counter() - started
        started = time.perf_counter()
        render(full, Path(folder) / "with.png", scene.title, fmt="png", size=(1280, 720),
               extras=("sharpness", "line"))
        drawn_with = time.perf_counter() - started
    print(f"  whole render (record + last frame) with / without: "
          f"{(recorded + extras + drawn_with) / (recorded + drawn_without):.2f}")


def switched(name, scene):
    """The whole recording (viz.record) of ``scene`` with its sharpness and with ``sharpness=False``."""
    off = dataclasses.replace(scene, problem=dataclasses.replace(scene.problem, sharpness=False))
    started = time.perf_counter()
    without = record(off)
    seconds_without = time.perf_counter() - started
    started = time.perf_counter()
    recording = record(scene)
    seconds_with = time.perf_counter() - started
    print(f"{name}: viz.record with the sharpness (every {recording.meta['sharpness_every']} recorded steps) "
          f"{seconds_with:.1f} s, with sharpness=False {seconds_without:.1f} s ({without.meta['no_sharpness']}): "
          f"ratio {seconds_with / seconds_without:.2f} (target <= 2)")


def main(arguments):
    quick = "--quick" in arguments
    scenes = Path(__file__).resolve().parent.parent / "scenes"
    moons = load_scenes(scenes / "moons_mlp.py")["moons_mlp"]
    measure("moons MLP", moons, quick=quick)
    edge = load_scenes(scenes / "edge_of_stability.py")["edge_of_stability"]
    measure("edge of stability", edge, quick=quick)
    if not quick:
        switched("edge of stability", edge)
    measure("digits CNN", load_scenes(scenes / "digits_cnn.py")["digits_cnn"], quick=quick)
    lesson = load_scenes(scenes / "logreg.py")["logreg"]
    measure("the lesson", lesson, quick=quick)
    x, y = moons.problem.x, moons.problem.y
    wide = Scene(title="2-300-300-1 MLP on two moons", optimizers=SEED_OPTIMIZERS, learning_rate=0.01,
                 problem=problems.keras_model(wide_mlp, x, y, batch_size=32, epochs=1, name="2-300-300-1 MLP"))
    measure("2-300-300-1 MLP", wide, quick=quick)


if __name__ == "__main__":
    main(sys.argv[1:])
