"""SIGTERM at any moment of a render: exit 143, one ``Error: terminated`` line, no unfinished
file, the previous output untouched; and what a ``kill -9`` leaves is cleaned up by the next
write of the same output. The signal is sent at many points of a render, spread over its whole
length (loading, drawing, encoding, the manifest, the rename), not at one."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import viz
from viz import signals
from viz.store.atomic import atomic_folder, atomic_path

SCENE = """
from pathlib import Path

from viz import Scene, SEED_OPTIMIZERS, surfaces

Path(__file__).with_name("loaded").touch()  # the command is up: its SIGTERM handler is in place

bowl = Scene("A bowl", surfaces.get("booth"), optimizers=SEED_OPTIMIZERS, learning_rate=0.05, steps=240)
"""
TERMINATED = "Error: terminated; unfinished files were removed"
ENV = {**os.environ, "PYTHONPATH": str(Path(viz.__file__).parents[1])}


def start(folder, *options):
    (folder / "loaded").unlink(missing_ok=True)
    shutil.rmtree(folder / "outputs" / ".rendered", ignore_errors=True)  # a render that draws, not a stored copy
    return subprocess.Popen([sys.executable, "-m", "viz", "render", str(folder / "bowl.py"), *options], cwd=folder,
                            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def leftovers(folder):
    """Hidden unfinished files and folders anywhere under ``folder``."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*") if p.name.endswith((".part", ".old")))


@pytest.mark.slow
def test_sigterm_at_many_points_of_a_render(tmp_path):
    (tmp_path / "bowl.py").write_text(SCENE)
    output = tmp_path / "outputs" / "bowl.mp4"
    command = ("--format", "mp4", "--size", "320x180", "--quiet")
    first = start(tmp_path, *command)
    assert first.wait(timeout=300) == 0, first.stderr.read()  # records and caches
    began = time.monotonic()
    timing = start(tmp_path, *command)  # from the cache: how long a render takes once loaded
    while not (tmp_path / "loaded").exists():
        time.sleep(0.01)
    loaded = time.monotonic()
    assert timing.wait(timeout=300) == 0
    length = time.monotonic() - loaded
    previous, manifest = output.read_bytes(), output.with_name(output.name + ".json").read_bytes()  # to keep
    assert length > 1.0, f"the render is too short ({length:.2f} s after loading) to be caught at many points"
    caught = 0
    for point in range(8):
        process = start(tmp_path, *command)
        while not (tmp_path / "loaded").exists():
            assert process.poll() is None, process.communicate()
            time.sleep(0.005)
        time.sleep(length * point / 7)
        if process.poll() is not None:  # finished first: the last points may come after the end
            assert process.returncode == 0
            continue
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
        if process.returncode == 0 and not err.strip():  # it came as Python exited: the render was done
            assert output.read_bytes() == previous and leftovers(tmp_path) == []
            continue
        caught += 1
        assert process.returncode == 143 and err.strip() == TERMINATED, (point, process.returncode, err)
        assert leftovers(tmp_path) == [], point
        assert output.read_bytes() == previous and output.with_name(output.name + ".json").read_bytes() == manifest
    assert caught >= 6, f"only {caught} of 8 signals came before the render ended ({time.monotonic() - began:.0f} s)"


@pytest.mark.slow
def test_a_killed_render_leaves_a_part_the_next_render_removes(tmp_path):
    (tmp_path / "bowl.py").write_text(SCENE)
    output = tmp_path / "outputs" / "bowl.mp4"
    process = start(tmp_path, "--format", "mp4", "--size", "320x180")
    deadline = time.monotonic() + 300
    while not list(output.parent.glob(".bowl.mp4.*.part")):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.01)
    process.kill()
    process.wait()
    assert leftovers(tmp_path) != []  # kill -9: nothing could clean up
    again = start(tmp_path, "--format", "mp4", "--size", "320x180")
    assert again.wait(timeout=300) == 0, again.stderr.read()
    assert leftovers(tmp_path) == [] and output.stat().st_size > 0


def test_parts_of_running_processes_and_of_other_outputs_are_kept(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".a.mp4.{dead.pid}.0123abcd.part"
    live = tmp_path / f".a.mp4.{os.getppid()}.0123abcd.part"  # pytest's parent: running
    other = tmp_path / f".a.mp4.5.{dead.pid}.0123abcd.part"  # an unfinished "a.mp4.5", not "a.mp4"
    folder = tmp_path / f".frames.{dead.pid}.89abcdef.old"
    for path in (stale, live, other):
        path.write_text("x")
    folder.mkdir()
    with atomic_path(tmp_path / "a.mp4") as temporary:
        assert temporary.name.startswith(f".a.mp4.{os.getpid()}.")
        temporary.write_text("done")
    with atomic_folder(tmp_path / "frames"):
        pass
    assert not stale.exists() and not folder.exists() and live.exists() and other.exists()
    assert (tmp_path / "a.mp4").read_text() == "done" and (tmp_path / "frames").is_dir()


def test_a_sigterm_lost_in_a_finalizer_still_stops_the_commit(tmp_path):
    class Finalized:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGTERM)  # the handler's exception surfaces here, and is swallowed

    target = tmp_path / "out.txt"
    target.write_text("previous")
    with signals.handled():
        with pytest.raises(signals.Terminated):
            with atomic_path(target) as temporary:
                temporary.write_text("new")
                Finalized()  # dropped at once: __del__ runs, its exception goes to sys.unraisablehook
        assert signals.received()
    assert target.read_text() == "previous" and leftovers(tmp_path) == []


def _ours(signum, frame):
    """A program's own SIGTERM handler (never called)."""


@pytest.mark.parametrize("args, code", [(["surfaces"], 0), (["render", "no_such_file.py"], 2)])
def test_the_door_called_in_process_leaves_sigterm_as_it_was(args, code):
    """A program that calls the door (CliRunner, a script, a notebook) can still be stopped by
    SIGTERM afterwards, and what it starts does not inherit an ignored SIGTERM."""
    from click.testing import CliRunner

    from viz.cli import main

    previous = signal.signal(signal.SIGTERM, _ours)
    try:
        assert CliRunner().invoke(main, args).exit_code == code
        assert main(args, standalone_mode=False) == code  # the code returned, not exited with
        assert signal.getsignal(signal.SIGTERM) is _ours
    finally:
        signal.signal(signal.SIGTERM, previous)


@pytest.mark.slow  # a subprocess
@pytest.mark.parametrize("args, code", [(["surfaces"], 0), (["render", "no_such_file.py"], 2)])
def test_a_sigterm_while_the_command_exits_changes_nothing(tmp_path, args, code):
    """``python -m viz``: a SIGTERM after the outcome is said, while Python exits (here from the
    last exit hook to run), leaves the command's own exit code (not -15)."""
    (tmp_path / "sitecustomize.py").write_text("import atexit, os, signal\n"
                                               "atexit.register(os.kill, os.getpid(), signal.SIGTERM)\n")
    env = {**ENV, "PYTHONPATH": os.pathsep.join([str(tmp_path), ENV["PYTHONPATH"]])}
    result = subprocess.run([sys.executable, "-m", "viz", *args], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == code, result.stderr


def test_the_door_runs_in_a_thread_of_the_program():
    """A program may run a command in a thread of its own (a notebook's widget, a web app):
    signal handlers are the main thread's, so the door leaves them alone there."""
    from click.testing import CliRunner

    from viz.cli import main

    results = []
    thread = threading.Thread(target=lambda: results.append(CliRunner().invoke(main, ["surfaces"])))
    thread.start()
    thread.join()
    assert results[0].exit_code == 0 and "rosenbrock" in results[0].output, results[0].exception


def test_the_command_ends_the_process_after_what_python_runs_at_exit(tmp_path):
    """viz's own entry ends the process without taking the interpreter apart, but only after
    the exit hooks (atexit, threads') have run and what was said is flushed."""
    code = ("import atexit, sys, threading\n"
            "ran = sys.argv[1]\n"
            "atexit.register(lambda: open(ran, 'a').write('atexit '))\n"
            "threading._register_atexit(lambda: open(ran, 'a').write('threads '))\n"
            "from viz.__main__ import command\n"
            "sys.argv[1:] = ['--help']\n"
            "sys.stdout.write('said first; ')\n"
            "command()\n"
            "print('never reached')\n")
    ran = tmp_path / "ran.txt"
    result = subprocess.run([sys.executable, "-c", code, str(ran)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("said first; ") and "render" in result.stdout
    assert "never reached" not in result.stdout and ran.read_text() == "threads atexit "
