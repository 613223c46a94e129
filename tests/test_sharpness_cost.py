"""The cost model's choice of sharpness points for the shipped model scenes: decided from the
model's constants before training (the same on every machine), calibrated against the measured
cost (bench/sharpness.py), and what each scene records is pinned here."""

from pathlib import Path

import pytest

from viz.problems.built import model_stride
from viz.problems.cost import ForwardCost, recorded, sharpness_seconds
from viz.scene import load_scenes

SCENES = Path(__file__).resolve().parent.parent / "scenes"

# (file, scene): recorded steps between sharpness points at the default budget. The digits CNN's
# went from 5 to 45 (four points a path) when the cost model was calibrated (issue 29): its map_fn
# Hessian-vector products cost ~0.3 s a point, not the 0.04 s estimated before, so every 5th step
# took ~55 s of an 8 s share.
CHOSEN = [("moons_mlp.py", "moons_mlp", 2), ("edge_of_stability.py", "edge_of_stability", 2),
          ("digits_cnn.py", "digits_cnn", 45)]


@pytest.mark.slow  # builds each scene's model and evaluators (a few seconds)
@pytest.mark.parametrize("file, name, every", CHOSEN)
def test_each_shipped_model_scene_records_the_sharpness_it_did(file, name, every):
    scene = load_scenes(SCENES / file)[name]
    problem, paths = scene.problem, len(scene.optimizers)
    first = problem.first_model(0)
    points = recorded(problem.total_steps, model_stride(problem, first, problem.total_steps, paths))
    assert problem.curvature(0).every(paths, points) == every


def test_the_sharpness_estimate_is_the_models_arithmetic_and_elementwise_work():
    """Per point: ITERATIONS Lanczos iterations of a Hessian-vector product (multiply-adds at the
    evaluator's rate, elementwise work per activation and row) plus the reorthogonalization's
    share per weight; no clock is read, so the same model gets the same estimate everywhere."""
    small, wide = ForwardCost(48, 19), ForwardCost(90_900, 603)  # the moons 2-16-1 MLP, a 2-300-300-1 one
    assert sharpness_seconds(small, 1000, 65) == sharpness_seconds(small, 1000, 65)
    assert 3e-3 < sharpness_seconds(small, 1000, 65) < 12e-3  # measured 3.2-5.5 ms (bench/sharpness.py)
    assert 0.18 < sharpness_seconds(wide, 1000, 91_501) < 0.75  # measured 0.31-0.37 s
    assert sharpness_seconds(small, 2000, 65) > sharpness_seconds(small, 1000, 65)  # more rows, more work
