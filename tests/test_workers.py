"""Scenes rendered in worker processes (``--jobs``) fail as they do one after the other: one
line naming the file and the scene, and nothing else on stderr (no TensorFlow start-up notices
from a main process that loaded TensorFlow only to read a worker's error)."""

import gc
import os
import signal
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
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


def _pid(task):
    return os.getpid()


def _said(name):
    return os.environ.get(name)


def _ended(pid):
    return not Path(f"/proc/{pid}").exists() or "State:\tZ" in Path(f"/proc/{pid}/status").read_text()


@pytest.mark.slow  # starts worker processes
def test_workers_stay_warm_for_the_next_map_until_one_is_stopped(tmp_path, monkeypatch):
    """A finished map keeps its worker processes for the next one (a search then seeds: one
    start of TensorFlow, not two), its tasks seeing the environment variables set since; a
    map stopped part way, another working folder or :func:`viz.executors.close` stops them."""
    from viz import executors

    processes = executors.Processes(2)
    first = {pid for _, pid in processes.map(_pid, range(2))}
    assert first and os.getpid() not in first and not any(map(_ended, first))
    assert {pid for _, pid in executors.Processes(2).map(_pid, range(2))} <= first  # warm: no new process
    monkeypatch.setenv("VIZ_TEST_WARM", "set since")
    assert [said for _, said in processes.map(_said, ["VIZ_TEST_WARM"])] == ["set since"]
    monkeypatch.chdir(tmp_path)  # a relative path in a task means another file there: new workers
    moved = {pid for _, pid in processes.map(_pid, range(2))}
    assert not moved & first and all(map(_ended, first))  # (one set kept at a time)
    stopped = processes.map(_pid, range(2))
    next(stopped)
    stopped.close()  # as a failing job or Ctrl-C leaves the loop
    assert all(map(_ended, moved))
    again = {pid for _, pid in processes.map(_pid, range(2))}
    assert not again & moved
    executors.close()
    assert all(map(_ended, again)) and executors._kept == {}


@pytest.mark.slow  # starts a worker process
def test_an_idle_worker_leaves_on_sigterm_when_the_main_process_ignores_it():
    """An ignored signal stays ignored in a process started afterwards (a program that ignores
    SIGTERM, then renders with workers): its workers still take SIGTERM (once, ignoring it,
    each idle worker was waited for GRACE seconds, then killed)."""
    from viz import executors

    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        pids = {pid for _, pid in executors.Processes(1).map(_pid, [0])}
    finally:
        signal.signal(signal.SIGTERM, previous)
    ignored = [int(line.split()[1], 16) for pid in pids for line in Path(f"/proc/{pid}/status").read_text().splitlines()
               if line.startswith("SigIgn:")]
    executors.close()
    assert ignored and not any(mask & 1 << (signal.SIGTERM - 1) for mask in ignored)


def _fails_or_waits(task):
    """Task 0 raises once task 1 runs in the other worker; task 1 waits a minute (it must be stopped)."""
    folder, index = task
    (Path(folder) / f"{index}.pid").write_text(str(os.getpid()))
    if index == 1:
        time.sleep(60)
        return os.getpid()
    deadline = time.monotonic() + 60
    while not (Path(folder) / "1.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    raise ValueError("the job failed")


WORKER_ONLY = """
import multiprocessing
import os
from pathlib import Path

from viz import Scene, surfaces

if multiprocessing.parent_process() is not None:  # planned again in a worker: fails there, after a pid is noted
    Path(__file__).with_name(f"{os.getpid()}.pid").touch()
    raise RuntimeError("fails in a worker")

one = Scene("one", surfaces.get("booth"), optimizers={"SGD": "sgd"}, learning_rate=0.05, steps=5)
two = Scene("two", surfaces.get("booth"), optimizers={"SGD": "sgd"}, learning_rate=0.05, steps=5)
"""


@contextmanager
def _no_collection():
    """No garbage collection in the block: what is stopped is stopped when the error unwinds."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.mark.slow  # starts worker processes
def test_a_map_whose_job_raises_has_stopped_its_workers_when_the_error_arrives(tmp_path):
    from viz import executors

    with _no_collection():
        with pytest.raises(ValueError, match="the job failed"):
            for _ in executors.Processes(2).map(_fails_or_waits, [(str(tmp_path), 0), (str(tmp_path), 1)]):
                pass
        pids = [int(path.read_text()) for path in tmp_path.glob("*.pid")]
        assert len(pids) == 2 and all(map(_ended, pids)), pids
    assert executors._kept == {}


@pytest.mark.slow  # starts worker processes
def test_a_scene_failing_in_a_worker_has_stopped_the_workers_when_the_error_arrives(tmp_path, monkeypatch):
    """As ``viz render FOLDER -j 2`` in-process: the error a worker sends back is raised where
    its result is read, and by then no worker of the map is left."""
    from viz import pipeline, workers
    from viz.errors import VizError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "pair.py").write_text(WORKER_ONLY)
    jobs = pipeline.plan(tmp_path / "pair.py", every=True, size="160x90")
    with _no_collection():
        with pytest.raises(VizError, match="fails in a worker"):
            for _ in workers.run(jobs, {"size": "160x90"}, 2):
                pass
        pids = [int(path.stem) for path in tmp_path.glob("*.pid")]
        assert pids and all(map(_ended, pids)), pids
