"""A course built on a real Ray cluster (``--executor ray``): a head started on 127.0.0.1 with
two CPUs, the same bytes as a local build in every file of the site, a Ray worker killed in the
middle of a task (the task runs again, the site is whole), and an address nobody answers (one
``Error:`` line naming it, nothing written). The cluster is this test's own: started in a
process group of its own and stopped by it (not ``ray stop``, which stops every Ray of the
machine)."""

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import viz

ROOT = Path(viz.__file__).parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "MPLBACKEND": "Agg"}
MARKS = Path(tempfile.gettempdir()) / f"viz-ray-test-{os.getpid()}"  # the same in every scene file of this run
SCENE = '''"""Scene {name} of chapter {chapter}."""
import os
import time
from pathlib import Path

from viz import Scene, surfaces

MARKS = Path({marks!r})
if Path("/proc/self/cmdline").read_bytes().startswith(b"ray::") and (MARKS / "slow-{chapter}-{name}").exists():
    first = not (MARKS / "pids").exists()
    with (MARKS / "pids").open("a") as pids:  # a Ray worker runs this scene's task
        pids.write(f"{{os.getpid()}}\\n")
    if first:
        time.sleep(60)  # the first attempt waits to be killed

bowl = Scene("{title}", surfaces.get("booth"), optimizers={{"SGD": "sgd", "Adam": "adam"}}, learning_rate=0.1,
             steps={steps})
'''
COURSE = ("-q", "l", "--size", "160x90", "--quiet")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def digests(folder):
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def make_course(folder):
    """Two chapters of two tiny scenes each (a file ``MARKS/slow-<chapter>-<name>`` makes that
    scene's first Ray task wait, its worker's pid written in ``MARKS/pids``)."""
    for chapter in ("01_bowls", "02_valleys"):
        (folder / chapter).mkdir(parents=True)
        for name, steps in (("a", 6), ("b", 9)):
            (folder / chapter / f"{name}_scene.py").write_text(SCENE.format(
                name=name, chapter=chapter, title=f"{name} in {chapter}", steps=steps + len(chapter) % 3,
                marks=str(MARKS)))
    return folder


def viz_course(cwd, *extra, env=ENV):
    """``viz course course -o site`` in ``cwd`` (the paths relative, as the manifests say them)."""
    return subprocess.run([sys.executable, "-m", "viz", "course", "course", "-o", "site", *COURSE, *extra],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def cluster():
    """A Ray head on 127.0.0.1 with 2 CPUs; its address. Stopped (its whole process group) after."""
    pytest.importorskip("ray")
    port, temp = free_port(), tempfile.mkdtemp(prefix="vizray", dir="/tmp")  # short: Ray's sockets live there
    head = subprocess.Popen([shutil.which("ray", path=str(Path(sys.executable).parent)) or "ray", "start", "--head",
                             "--block", "--node-ip-address", "127.0.0.1", "--port", str(port), "--num-cpus", "2",
                             "--include-dashboard", "false", "--disable-usage-stats", "--temp-dir", temp],
                            env=ENV, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert head.poll() is None, head.stderr.read().decode()[-2000:]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the Ray head did not start within 180 s"
                time.sleep(0.5)
        yield f"127.0.0.1:{port}"
    finally:
        for signum, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
            try:
                os.killpg(head.pid, signum)
            except ProcessLookupError:
                break
            try:
                head.wait(wait)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture(scope="module")
def local_site(tmp_path_factory):
    """The course built here, in local processes: the bytes to match."""
    work = tmp_path_factory.mktemp("local")
    make_course(work / "course")
    result = viz_course(work, "-j", "2")
    assert result.returncode == 0, result.stderr
    return digests(work / "site")


@pytest.mark.slow
def test_a_course_through_ray_is_the_local_build_byte_for_byte(cluster, local_site, tmp_path):
    make_course(tmp_path / "course")
    result = viz_course(tmp_path, "--executor", "ray", "--address", cluster)
    assert result.returncode == 0, result.stderr
    assert digests(tmp_path / "site") == local_site
    assert {"index.html", "course.json", "01_bowls/01_bowls.pptx", "02_valleys/02_valleys.html",
            "02_valleys/clips/b_scene.mp4"} < set(local_site)
    again = viz_course(tmp_path, "--executor", "ray", env={**ENV, "RAY_ADDRESS": cluster})
    assert again.returncode == 0, again.stderr
    assert "8 clips: 0 recorded, 0 rendered, 8 reused" in again.stdout + again.stderr  # from this machine's stores
    unsaid = {path: digest for path, digest in local_site.items() if not path.endswith(".json")}
    assert {path: digest for path, digest in digests(tmp_path / "site").items() if path in unsaid} == unsaid


@pytest.mark.slow
def test_a_ray_worker_killed_mid_task_runs_it_again_and_the_site_is_whole(cluster, local_site, tmp_path):
    make_course(tmp_path / "course")
    MARKS.mkdir(exist_ok=True)
    (MARKS / "slow-02_valleys-b").touch()
    pids = MARKS / "pids"
    try:
        build = subprocess.Popen([sys.executable, "-m", "viz", "course", "course", "-o", "site", *COURSE,
                                  "--executor", "ray", "--address", cluster], cwd=tmp_path, env=ENV,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 600
        while not pids.exists() or not pids.read_text().endswith("\n"):
            assert build.poll() is None and time.monotonic() < deadline, build.communicate()
            time.sleep(0.1)
        first = int(pids.read_text().split()[0])
        os.kill(first, signal.SIGKILL)  # the Ray worker running the task, while it runs
        _, err = build.communicate(timeout=600)
        assert build.returncode == 0, err
        attempts = [int(pid) for pid in pids.read_text().split()]
    finally:
        shutil.rmtree(MARKS, ignore_errors=True)
    assert attempts[0] == first and len(attempts) >= 2 and first not in attempts[1:]  # run again, by another worker
    assert digests(tmp_path / "site") == local_site
    assert not [p for p in tmp_path.rglob(".*") if p.name.endswith((".part", ".old"))]


@pytest.mark.slow
def test_sigterm_during_a_ray_build_is_exit_143_one_line_and_no_file(cluster, tmp_path):
    make_course(tmp_path / "course")
    MARKS.mkdir(exist_ok=True)
    (MARKS / "slow-01_bowls-a").touch()
    try:
        build = subprocess.Popen([sys.executable, "-m", "viz", "course", "course", "-o", "site", *COURSE,
                                  "--executor", "ray", "--address", cluster], cwd=tmp_path, env=ENV,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 600
        while not (MARKS / "pids").exists():  # its first task runs (and waits)
            assert build.poll() is None and time.monotonic() < deadline, build.communicate()
            time.sleep(0.1)
        build.send_signal(signal.SIGTERM)
        _, err = build.communicate(timeout=60)
    finally:
        shutil.rmtree(MARKS, ignore_errors=True)
    assert build.returncode == 143 and err.splitlines() == ["Error: terminated; unfinished files were removed"]
    assert [p for p in tmp_path.rglob("*") if p.is_file() and "course" not in p.parts] == []


@pytest.mark.slow
def test_the_explorers_grid_through_ray_is_the_page_made_here(cluster, tmp_path):
    """Two recordings of a keras_model whose build function is the scene file's own: each a
    Ray task, its paths tasks of their own; the page and its recordings as made here."""
    from test_explore_executors import OWN_MODEL

    pages = {}
    for where, extra in (("here", ()), ("ray", ("--executor", "ray", "--address", cluster))):
        (tmp_path / where).mkdir()
        (tmp_path / where / "own.py").write_text(OWN_MODEL)
        result = subprocess.run([sys.executable, "-m", "viz", "explore", "own.py", "--vary", "learning_rate=0.01,0.1",
                                 "--vary", "seed=0,1", "-o", "own.html", *extra], cwd=tmp_path / where, env=ENV,
                                capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stderr
        pages[where] = (tmp_path / where / "own.html").read_bytes()
        assert len(list((tmp_path / where / "outputs" / ".cache").glob("*.npz"))) == 2
    assert pages["ray"] == pages["here"]


@pytest.mark.parametrize("how", ["--address", "RAY_ADDRESS"])
def test_an_unreachable_cluster_is_one_line_naming_it_and_writes_nothing(runner, tmp_path, outputs, how):
    from viz.cli import main

    course = make_course(tmp_path / "course")
    address = f"127.0.0.1:{free_port()}"  # nobody listens there
    args = ["course", str(course), "-o", str(tmp_path / "site"), *COURSE, "--executor", "ray"]
    started = time.monotonic()
    if how == "--address":
        result = runner.invoke(main, [*args, "--address", address])
    else:
        result = runner.invoke(main, args, env={"RAY_ADDRESS": address})
    assert time.monotonic() - started < 60
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"Error: cannot reach the Ray cluster at {address}: Connection refused; "
                                          "is Ray started there (ray start --head)?"]
    assert not (tmp_path / "site").exists() and not outputs.exists()
