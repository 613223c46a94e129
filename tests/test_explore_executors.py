"""The explorer's grid of runs through the executor (``viz explore -j N``, issue 32): a
keras_model whose build function is the scene file's own, its grid recorded here and in worker
processes, the same page byte for byte; its seeds and its learning-rate search too; a signal
while the workers train leaves no file and no process. (Local Ray: tests/test_ray.py, with
its cluster.)"""

import inspect
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import counted_processes
from test_api import flags_of

import viz
from viz import executors, pipeline
from viz.cli import main
from viz.options import defaults

ROOT = Path(viz.__file__).parents[1]
OWN_MODEL = '''
import multiprocessing
import os
import time
from pathlib import Path

import numpy as np

from viz import Scene, problems

MARKS = os.environ.get("VIZ_TEST_MARKS")
if MARKS and multiprocessing.parent_process() is not None:  # loaded in a worker process, to run its task
    with (Path(MARKS) / "pids").open("a") as pids:
        pids.write(f"{os.getpid()}\\n")
    time.sleep(120)  # until it is stopped


def build():
    import keras

    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="tanh"),
                             keras.layers.Dense(1, activation="sigmoid")])


_rng = np.random.default_rng(0)
_x = _rng.normal(size=(48, 2))
_y = (_x[:, 0] * _x[:, 1] > 0).astype("float32")
xor = Scene(title="Own model", problem=problems.keras_model(build, _x, _y, epochs=1, batch_size=16),
            optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.05)
'''
GRIDS = {"paths": ["learning_rate=0.01,0.1"],  # one recording: its four paths in two parts
         "recordings": ["learning_rate=0.01,0.1", "seed=0,1"]}  # two recordings, a task each


def test_the_explorer_takes_the_executor_options_of_the_table():
    flags = flags_of(main.commands["explore"])
    assert {name: flags[name] for name in defaults("explore")} == defaults("explore") == \
        {"cache": True, "executor": "processes", "address": None}
    keywords = {name: param.default for name, param in inspect.signature(viz.explore).parameters.items()}
    assert {name: keywords[name] for name in defaults("explore")} == defaults("explore")
    assert keywords["jobs"] == flags["jobs"] == 1


@pytest.mark.slow  # trains a small keras_model's grid three times, twice in worker processes
@pytest.mark.parametrize("grid", list(GRIDS))
def test_the_page_is_the_same_from_one_and_two_processes(runner, scene_file, tmp_path, monkeypatch, grid):
    path = scene_file(OWN_MODEL, name="own.py")
    counted, get = counted_processes(2), executors.get
    monkeypatch.setattr(executors, "get", lambda *args: counted if args[1] == 2 else get(*args))
    pages = {}
    for jobs in ("1", "2"):
        monkeypatch.setattr(pipeline, "OUTPUT_FOLDER", tmp_path / f"outputs-{jobs}")  # each its own cache
        page = tmp_path / jobs / "own.explore.html"
        vary = [part for setting in GRIDS[grid] for part in ("--vary", setting)]
        result = runner.invoke(main, ["explore", str(path), *vary, "-o", str(page), "-j", jobs])
        assert result.exit_code == 0, result.output
        pages[jobs] = page.read_bytes()
        assert len(list((tmp_path / f"outputs-{jobs}" / ".cache").glob("*.npz"))) == len(GRIDS[grid])
    assert counted.tasks == 2  # two parts of the paths, or the two recordings, each in a worker
    assert pages["1"] == pages["2"]


@pytest.mark.slow  # trains a keras_model's seeds and its search here, then in two worker processes
def test_a_scene_files_own_model_spreads_its_seeds_and_its_search(scene_file):
    """The build function is the scene file's: the tasks carry the file, the workers load it."""
    from viz import sweep
    from viz.record import record
    from viz.scene import load_scenes
    from viz.tune import tune

    scene = load_scenes(scene_file(OWN_MODEL, name="own.py"))["xor"]
    seeds, rates, counted = record(scene, seeds=3), tune(scene, seed=0), counted_processes(2)
    with sweep.through(counted):
        assert record(scene, seeds=3).digest() == seeds.digest()  # seeds 1 and 2, one in each worker
        assert tune(scene, seed=0) == rates  # SGD's rates in one worker, Adam's in the other
    assert counted.tasks == 4


@pytest.mark.slow  # starts viz and two worker processes
@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_the_workers_train_leaves_no_file_and_no_process(tmp_path, signum, code):
    (tmp_path / "own.py").write_text(OWN_MODEL)
    marks = tmp_path / "marks"
    marks.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VIZ_TEST_MARKS": str(marks), "MPLBACKEND": "Agg"}
    run = subprocess.Popen([sys.executable, "-m", "viz", "explore", "own.py", "--vary", "learning_rate=0.01,0.1",
                            "-o", "page/own.html", "-j", "2"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while len((marks / "pids").read_text().split() if (marks / "pids").exists() else ()) < 2:
        assert run.poll() is None and time.monotonic() < deadline, run.communicate()
        time.sleep(0.1)
    workers = [int(pid) for pid in (marks / "pids").read_text().split()]
    run.send_signal(signum)
    _, err = run.communicate(timeout=120)
    assert run.returncode == code and len(err.strip().splitlines()) == 1 and err.startswith("Error: "), err
    assert [p for p in tmp_path.rglob("*") if p.is_file() and p.parent != marks
            and p.name != "own.py" and "__pycache__" not in p.parts] == []
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "State:\tZ" in Path(f"/proc/{pid}/status").read_text()
