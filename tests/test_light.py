"""Light starts: ``import viz`` and ``viz --help`` load neither NumPy nor matplotlib, and a
render whose recording is cached never imports (nor looks up) TensorFlow or Keras."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from viz import pipeline

ROOT = Path(__file__).parent.parent
HEAVY = ("numpy", "matplotlib", "tensorflow", "keras")
WATCH = """
import importlib.util, sys
looked = []
find_spec = importlib.util.find_spec
importlib.util.find_spec = lambda name, *args, **kwargs: looked.append(name) or find_spec(name, *args, **kwargs)
{code}
heavy = sorted({{name.split(".")[0] for name in sys.modules}} & {heavy!r})
print("loaded=" + ",".join(heavy) + "|looked up=" + ",".join(sorted(set(looked))), file=sys.stderr)
"""
CLI = """
from viz.cli import main
try:
    main({args!r})
except SystemExit as stop:
    assert not stop.code, stop.code
"""


def loaded(code, cwd=ROOT):
    """The heavy packages ``code`` loads in a fresh interpreter, and the modules it looks up."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, "-c", WATCH.format(code=code, heavy=set(HEAVY))], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    modules, looked = line.removeprefix("loaded=").split("|looked up=")
    return set(filter(None, modules.split(","))), set(filter(None, looked.split(",")))


def test_import_viz_loads_neither_numpy_nor_matplotlib():
    modules, _ = loaded("import viz; viz.__version__")
    assert modules == set()


@pytest.mark.parametrize("args", [["--help"], ["render", "--help"], ["slides", "--help"], ["export", "--help"],
                                  ["course", "--help"]])
def test_help_loads_neither_numpy_nor_matplotlib(args):
    modules, _ = loaded(CLI.format(args=args))
    assert modules == set()


SCHEDULED = """from viz import Scene, surfaces
decay = {"module": "keras.optimizers.schedules", "class_name": "ExponentialDecay", "registered_name": None,
         "config": {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5}}
bowl = Scene("bowl", surfaces.get("matyas"), optimizers={"SGD": "sgd", "decaying": {"class_name": "SGD",
             "config": {"learning_rate": decay}}}, learning_rate=0.1, steps=6)
"""


def test_a_cached_render_never_imports_tensorflow_or_keras(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bowl.py").write_text(SCHEDULED)
    job, = pipeline.plan(tmp_path / "bowl.py", tmp_path / "first.png", last_frame=True, size="320x180")
    assert job.run().trained  # recorded here, into outputs/.cache
    modules, looked = loaded(CLI.format(args=["render", "bowl.py", "-s", "-o", "again.png", "--size", "320x180"]),
                             cwd=tmp_path)
    assert (tmp_path / "again.png").stat().st_size > 0
    assert "numpy" in modules and not modules & {"tensorflow", "keras"}
    assert not {name.split(".")[0] for name in looked} & {"tensorflow", "keras"}
