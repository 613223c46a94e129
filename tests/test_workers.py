"""Scenes rendered in worker processes (``--jobs``) fail as they do one after the other: one
line naming the file and the scene, and nothing else on stderr (no TensorFlow start-up notices
from a main process that loaded TensorFlow only to read a worker's error)."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import viz

GOOD = """
from viz import Scene, surfaces

fine = Scene("fine", surfaces.get("booth"), optimizers={"SGD": "sgd"}, learning_rate=0.05, steps=20)
"""
BAD = """
from viz import Scene, surfaces


def bowl(x, y):
    return x * x + undefined_name * y


broken = Scene("broken", surfaces.custom(bowl, domain=((-2, 2), (-2, 2)), start=(1.0, 1.0)),
               optimizers={"SGD": "sgd"}, learning_rate=0.05, steps=20)
"""


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_scene_failing_in_a_worker_is_named_once(tmp_path, jobs):
    folder = tmp_path / "chapter"
    folder.mkdir()
    (folder / "a_fine.py").write_text(textwrap.dedent(GOOD))
    (folder / "b_broken.py").write_text(textwrap.dedent(BAD))
    result = subprocess.run([sys.executable, "-m", "viz", "render", str(folder), "-j", jobs, "--size", "160x90",
                             "-q", "l", "--quiet"], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(Path(viz.__file__).parents[1])})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"Error: {folder / 'b_broken.py'}, scene 'broken': NameError: name "
                                          "'undefined_name' is not defined (add --debug for the traceback)"]
