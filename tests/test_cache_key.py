"""The recording cache forgets only what changed: its key covers the code that makes
recordings (problems, optimizers, training loop, recording format) and the scene, not the
renderer, the options, the events, the errors, the pipeline or the command line."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from viz.store import cache

PACKAGE = Path(cache.__file__).parent.parent
RENDERS_FROM_CACHE = ["render/panels/honesty.py", "render/layout.py", "settings.py", "options.py", "events.py",
                      "errors.py", "cli/options.py", "pipeline.py", "store/manifest.py", "api.py"]
RECORDS_AGAIN = ["problems/fit.py", "problems/surface.py", "record.py", "recording.py", "optimizers.py", "plane.py"]


@pytest.fixture
def copy(tmp_path):
    """A copy of the viz package to edit."""
    target = tmp_path / "viz"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def edit(package, module):
    with open(package / module, "a") as file:
        file.write("\n# edited\n")


@pytest.mark.parametrize("module", RENDERS_FROM_CACHE + RECORDS_AGAIN)
def test_the_recording_code_is_what_makes_recordings(copy, module):
    before = cache.recording_code(copy)
    assert before == cache.recording_code(PACKAGE)
    edit(copy, module)
    assert (cache.recording_code(copy) != before) == (module in RECORDS_AGAIN)


SCENE = ("from viz import Scene, surfaces\n"
         "bowl = Scene('bowl', surfaces.get('matyas'), optimizers={'SGD': 'sgd'}, learning_rate=0.1, steps=5)\n")


def _render(package, folder):
    env = {**os.environ, "PYTHONPATH": str(package.parent), "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, "-m", "viz", "render", "bowl.py", "-s", "-o", "bowl.png",
                             "--size", "320x180"], cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _cache_files(folder):
    return sorted((path.name, path.stat().st_mtime_ns) for path in (folder / "outputs" / ".cache").iterdir())


@pytest.mark.slow
def test_editing_a_panel_renders_from_the_cache_and_editing_the_loop_records_again(copy, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "bowl.py").write_text(SCENE)
    assert "recorded in" in _render(copy, work)
    cached = _cache_files(work)
    edit(copy, "render/panels/honesty.py")
    edit(copy, "settings.py")
    assert "recording from the cache" in _render(copy, work)
    assert _cache_files(work) == cached  # the cache folder is left as it was
    edit(copy, "problems/fit.py")
    assert "recorded in" in _render(copy, work)


OTHER_VALUES = {"format": "gif", "quality": "l", "aspect": "4:3", "size": "640x360", "transparent": True,
                "last_frame": False, "max_size": "5MB", "overwrite": False, "beamer": False, "theme": "dark",
                "font_scale": 1.2, "view": "2d", "camera": None, "overlays": "gradient", "trail": 5, "readout": False,
                "fps": 10, "hold": 1.0, "duration": 3, "max_frames": 50, "sequence": True, "time": "log",
                "pause_at": 2, "pause": 1.0, "events": True, "layout": "grid", "panels": "contour,curves,sharpness",
                "features": None, "plane": "hessian", "steps": None, "seeds": 2, "tune_lr": None, "seed": 7,
                "cache": True, "time_budget": 20, "memory_budget": "100MB", "check_a11y": True,
                "learning_rate": 0.05, "momentum": 0.5, "batch_size": 2, "start": None, "show_title": False,  # start: a surface's
                "executor": "ray", "address": "10.0.0.5:6379"}


def test_the_options_that_change_the_recording_are_the_ones_the_table_says(tmp_path):
    """Each option given another value (one that a model scene takes) changes the recording
    cache's key exactly when its row says it changes the recording."""
    from viz import pipeline
    from viz.options import TABLE

    scene = tmp_path / "model.py"
    scene.write_text("import keras\nimport numpy as np\nfrom viz import Scene, problems\n"
                     "def mlp():\n    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n"
                     "model = Scene('mlp', problems.keras_model(mlp, np.zeros((8, 2)), np.zeros(8), batch_size=4, "
                     "epochs=1, loss='mse'), optimizers={'SGD': 'sgd'}, learning_rate=0.1)\n")

    def key(**options):
        job, = pipeline.plan(scene, tmp_path / "x.gif", **options)
        return job._cache_key(job.scene)

    plain = key()
    assert plain is not None
    for row in TABLE:
        other = OTHER_VALUES[row.name]
        if other == row.default:  # no other value a model's GIF takes (or one that the key reads elsewhere)
            continue
        assert (key(**{row.name: other}) != plain) == row.records, row.name
