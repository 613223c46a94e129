"""The lecture scenes in scenes/ load, record and render as shipped (small and quick here)."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from viz import record
from viz.render.animation import render
from viz.scene import load_scenes

SCENE_FILES = sorted((Path(__file__).parent.parent / "scenes").glob("*.py"))
MOVING_STEPS = 5
FRAMES = 30
# the lesson, the digits CNN and the edge of stability are checked at their own size (test_logreg,
# test_model_scale, test_scene_claims)
SCENES_BUT_THE_LESSON = [(path, name) for path in SCENE_FILES if path.stem not in ("logreg", "digits_cnn",
                                                                                   "edge_of_stability")
                         for name in load_scenes(path)]


def test_every_scene_file_loads():
    assert {path.stem for path in SCENE_FILES} >= {"logreg", "rosenbrock", "beale", "saddle", "himmelblau", "valley",
                                                    "moons_mlp"}
    assert list(load_scenes(SCENE_FILES[0].parent / "logreg.py")) == ["logreg"]


@pytest.mark.slow
@pytest.mark.parametrize("path, name", SCENES_BUT_THE_LESSON, ids=[f"{p.stem}:{n}" for p, n in SCENES_BUT_THE_LESSON])
def test_scenes_render_with_every_path_moving_finitely(path, name, tmp_path):
    scene = load_scenes(path)[name]
    recording = record(scene)
    # Every path moves, finitely, over several steps: one that blows up at once is not moving.
    # (Rosenbrock's too_fast scene shows the SGD family diverging after 5 finite steps.)
    finite = np.isfinite(recording.params).all(axis=-1)
    assert finite[:, : MOVING_STEPS + 1].all(), dict(zip(recording.names, finite.sum(axis=1)))
    last = finite.sum(axis=1) - 1  # a diverged path stays NaN: its finite points come first
    moved = np.linalg.norm(recording.params[np.arange(len(last)), last] - recording.params[:, 0], axis=1)
    assert np.all(moved > 0.05), dict(zip(recording.names, moved))
    out = tmp_path / f"{name}.gif"  # 30 frames from the first step to the last (drawing them all, 300 to 500 of
    # them, took two thirds of this test; every frame of a recording is drawn in tests/test_writers.py)
    frames = render(recording, out, title=scene.title, size=(320, 180), hold=0, max_frames=FRAMES)
    with Image.open(out) as gif:
        assert gif.n_frames == frames == min(FRAMES, recording.steps + 1)
