"""Bad input and faults, through the CLI: one clear line, the right exit code, nothing
half-written (one test per row of the faults table in the README's Troubleshooting)."""

import signal
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager

import numpy as np
import pytest
from conftest import SMALL_SCENE, one_error_line
from PIL import Image

from viz.store.atomic import atomic_folder, atomic_path
from viz.cli import main
from viz.recording import Recording
from viz.render import writers


def files_in(folder):
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def test_missing_scene_file_or_a_folder_without_scenes(runner, tmp_path):
    result = runner.invoke(main, ["render", str(tmp_path / "lesson.py")])
    line = one_error_line(result)
    assert result.exit_code == 2 and str(tmp_path / "lesson.py") in line and "does not exist" in line
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("")
    result = runner.invoke(main, ["render", str(empty)])
    assert result.exit_code == 2 and f"{empty} holds no scene files" in one_error_line(result)


@pytest.mark.parametrize("name, body, code, message", [
    ("scene.txt", SMALL_SCENE, 1, "a scene file is a Python module ending in .py"),
    ("empty.py", "x = 1\n", 2, "defines no viz.Scene"),
])
def test_list_refuses_what_is_not_a_scene_file(runner, scene_file, name, body, code, message):
    result = runner.invoke(main, ["list", str(scene_file(body, name=name))])
    assert result.exit_code == code and message in one_error_line(result)


def test_syntax_error_shows_file_line_and_text(runner, scene_file):
    path = scene_file("from viz import Scene, problems\n\na = Scene('a', problems.logreg()\n")
    result = runner.invoke(main, ["render", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3: syntax error" in one_error_line(result) and "a = Scene('a', problems.logreg()" in result.output


@pytest.mark.parametrize("body, error", [
    ("from viz import Scene, problems\nx = Scene('x', problems.logreg(), learning_rate=rate)\n",
     "NameError: name 'rate' is not defined"),
    ("import viz.nothing_here\n", "ModuleNotFoundError: No module named 'viz.nothing_here'"),
])
def test_error_while_loading_shows_the_users_frames_only(runner, scene_file, body, error):
    path = scene_file(body)
    result = runner.invoke(main, ["render", str(path)])
    assert result.exit_code == 1
    line = one_error_line(result)
    assert error in line and f"{path}:" in line
    assert "viz/scene.py" not in line and "importlib" not in line


def test_debug_shows_the_traceback(runner, scene_file):
    path = scene_file("from viz import Scene, problems\nx = Scene('x', problems.logreg(), learning_rate=rate)\n")
    result = runner.invoke(main, ["render", str(path), "--debug"])
    assert result.exit_code == 1
    assert "Traceback" in result.output and "NameError" in result.output
    assert result.output.strip().splitlines()[-1].startswith("Error: ")


@pytest.mark.parametrize("body, args, listed", [
    ("import viz\n", [], "defines no viz.Scene"),
    (textwrap.dedent(SMALL_SCENE) + "\nother = quick\n", [], "same scene is named both 'quick' and 'other'"),
    (textwrap.dedent(SMALL_SCENE) + "\nimport dataclasses\nother = dataclasses.replace(quick, title='Other')\n",
     [], "several scenes (quick, other)"),
    (SMALL_SCENE, ["--scene", "quik"], "has no such scene; its scenes: quick"),
], ids=["none", "one-scene-two-names", "several", "unknown"])
def test_no_scene_several_scenes_or_an_unknown_scene(runner, scene_file, body, args, listed):
    result = runner.invoke(main, ["render", str(scene_file(body)), *args])
    assert result.exit_code == (1 if "same scene" in listed else 2)
    assert listed in one_error_line(result)


@pytest.mark.parametrize("problem, optimizers, message", [
    ("surfaces.get('rosenbrok')", None, "unknown surface 'rosenbrok'. Did you mean 'rosenbrock'? Known: rosenbrock, beale"),
    ("problems.logreg(epochs=1, batch_size=64)", "{'A': 'adma'}", "unknown optimizer 'adma'. Did you mean"),
])
def test_unknown_optimizer_or_surface(runner, scene_file, problem, optimizers, message):
    extra = f", optimizers={optimizers}" if optimizers else ""
    path = scene_file(f"from viz import Scene, problems, surfaces\nx = Scene('x', {problem}{extra})\n")
    result = runner.invoke(main, ["render", str(path)])
    assert result.exit_code == 2 and message in one_error_line(result)


@pytest.mark.parametrize("arguments, message", [
    ("surfaces.get('beale'), learning_rate=0", "learning_rate must be a positive number, not 0"),
    ("surfaces.get('beale'), learning_rate=-0.1", "learning_rate must be a positive number, not -0.1"),
    ("surfaces.get('beale'), learning_rate='fast'", "learning_rate must be a positive number, not 'fast'"),
    ("surfaces.get('beale'), steps=0", "steps must be a positive integer, not 0"),
    ("problems.logreg(epochs=0)", "epochs must be a positive integer, not 0"),
    ("problems.logreg(batch_size=-16)", "batch_size must be a positive integer, not -16"),
    ("surfaces.get('beale', start=(float('nan'), 1.0))", "start (nan, 1.0) is not a finite point"),
    ("surfaces.get('beale', start=(9.0, 1.0))", "start (9, 1) is outside the domain"),
])
def test_a_field_out_of_range_names_the_field_and_the_value(runner, scene_file, arguments, message):
    path = scene_file(f"from viz import Scene, problems, surfaces\nx = Scene('x', {arguments})\n")
    result = runner.invoke(main, ["render", str(path)])
    assert result.exit_code == 2
    line = one_error_line(result)
    assert message in line and f"{path}:2" in line


@pytest.mark.slow  # (the padding: test_recording.py and test_record_surfaces.py, fast)
def test_a_diverging_optimizer_is_drawn_and_padded(runner, scene_file, tmp_path):
    path = scene_file("from viz import Scene, surfaces\n"
                      "x = Scene('x', surfaces.get('rosenbrock', start=(-1.2, 1.0)), "
                      "optimizers={'SGD': 'sgd', 'Adam': 'adam'}, learning_rate=0.01, steps=40)\n")
    result = runner.invoke(main, ["render", str(path), "-o", str(tmp_path / "x.gif"), "--size", "320x180"])
    assert result.exit_code == 0 and result.stderr == ""
    result = runner.invoke(main, ["export", str(path), "-o", str(tmp_path / "x.npz")])
    with np.load(tmp_path / "x.npz") as data:
        first_nan = np.argmax(np.isnan(data["loss"][0]))
        assert 0 < first_nan and np.isnan(data["params"][0, first_nan:]).all()
        assert np.isfinite(data["params"][0, :first_nan]).all() and np.isfinite(data["loss"][1]).all()


@pytest.mark.slow  # (the warning's words: tests/test_troubleshooting.py, fast)
def test_every_optimizer_diverging_is_a_warning(runner, scene_file, tmp_path):
    path = scene_file("from viz import Scene, surfaces\n"
                      "x = Scene('x', surfaces.get('rosenbrock', start=(-1.2, 1.0)), "
                      "optimizers={'SGD': 'sgd', 'momentum': {'class_name': 'SGD', 'config': {'momentum': 0.9}}}, "
                      "learning_rate=0.01, steps=40)\n")
    gif = tmp_path / "x.gif"
    result = runner.invoke(main, ["render", str(path), "-o", str(gif), "--size", "320x180"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("warning: in 'x' every optimizer diverged")
    with Image.open(gif) as image:
        assert image.n_frames == 41


@pytest.mark.parametrize("args, message", [
    (["--size", "0x0"], "size 0x0"),
    (["--size", "641x360"], "must be even"),
    (["--size", "big"], "--size big: is not two numbers"),
    (["--fps", "0"], "--fps 0: must be between 1 and 120"),
    (["--hold", "-1"], "--hold -1: must be between 0 and 600 seconds"),
    (["--max-frames", "1"], "--max-frames 1: must be at least 2"),
    (["--format", "avi"], "--format avi: choose one of"),
    (["--fps", "inf", "--format", "mp4"], "--fps inf: must be between 1 and 120"),
    (["--hold", "1000"], "--hold 1000: must be between 0 and 600 seconds"),
    (["--size", "720x720"], "the frame is laid out for slides, 4:3 or wider"),
    (["--seed", "-1"], "--seed -1: is a whole number from 0 to 4294967295"),
    (["--fps", "60"], "GIF cannot play faster than 50 fps"),
    (["-o", "lesson.txt"], "cannot tell the format"),
    (["-o", "lesson.gif", "--format", "mp4"], "does not match"),
])
def test_bad_render_options_are_one_line_before_training(runner, quick, args, message, monkeypatch):
    monkeypatch.setattr("viz.pipeline.record", lambda *a, **k: pytest.fail("trained"))
    result = runner.invoke(main, ["render", str(quick), *args])
    assert result.exit_code == 2 and message in one_error_line(result)


def test_output_is_a_folder_or_cannot_be_written_before_training(runner, quick, tmp_path, outputs, monkeypatch):
    monkeypatch.setattr("viz.pipeline.record", lambda *a, **k: pytest.fail("trained"))
    folder = tmp_path / "taken.gif"
    folder.mkdir()
    result = runner.invoke(main, ["render", str(quick), "-o", str(folder)])
    assert result.exit_code == 1 and "is a folder" in one_error_line(result)
    result = runner.invoke(main, ["render", str(quick), "-o", "/proc/lesson.gif"])  # /proc takes no new files
    assert result.exit_code == 1 and "cannot write into /proc" in one_error_line(result)
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = runner.invoke(main, ["render", str(quick), "-o", str(blocker / "x.gif")])
    assert result.exit_code == 1 and "cannot create the folder" in one_error_line(result)
    assert files_in(folder) == [] and files_in(outputs) == []


def test_a_frames_folder_output_must_hold_only_frames(runner, quick, tmp_path):
    result = runner.invoke(main, ["render", str(quick), "-o", str(tmp_path) + "/"])  # no suffix: frames
    assert result.exit_code == 1 and "holds other files than frames" in one_error_line(result)


@pytest.mark.slow
def test_existing_output_is_replaced_whole_or_refused(runner, quick, tmp_path):
    gif = tmp_path / "quick.gif"
    gif.write_bytes(b"an older animation")
    result = runner.invoke(main, ["render", str(quick), "-o", str(gif), "--size", "320x180", "--no-overwrite"])
    assert result.exit_code == 1 and "exists, and overwriting is turned off" in one_error_line(result)
    assert gif.read_bytes() == b"an older animation"
    result = runner.invoke(main, ["render", str(quick), "-o", str(gif), "--size", "320x180"])
    assert result.exit_code == 0
    with Image.open(gif) as image:
        assert image.n_frames == 16
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


LONG_SURFACE = """
from pathlib import Path

from viz import Scene, SEED_OPTIMIZERS, surfaces


def bowl(x, y):
    Path("recording-started").touch()  # runs while the compiled loop is traced
    return x * x + 3 * y * y


long = Scene("long", surfaces.custom(bowl, domain=((-2, 2), (-2, 2)), start=(-1.5, 1.0)),
             optimizers=SEED_OPTIMIZERS, steps={steps})
"""


def signal_while(tmp_path, scene_file, signum, phase):
    """Start a render, send ``signum`` while it records or renders, and return the finished
    process. The scene's surface marks the start of recording; the writer's temporary file
    marks rendering."""
    steps = 200_000 if phase == "recording" else 300
    path = scene_file(LONG_SURFACE.format(steps=steps), name="long.py")
    output = tmp_path / "out" / "long.mp4"
    process = subprocess.Popen([sys.executable, "-m", "viz", "render", str(path), "-o", str(output)],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if phase == "recording" and (tmp_path / "recording-started").exists():
            break
        if phase == "rendering" and output.parent.exists() and any(output.parent.glob(".long.mp4.*.part")):
            break
        time.sleep(0.05)
    assert process.poll() is None, "finished before the signal"
    time.sleep(0.3)
    sent = time.monotonic()
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    return process, time.monotonic() - sent, stderr, output


@pytest.mark.slow
@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("phase", ["recording", "rendering"])
def test_interrupt_exits_promptly_and_leaves_nothing(tmp_path, scene_file, signum, code, phase):
    process, seconds, stderr, output = signal_while(tmp_path, scene_file, signum, phase)
    assert process.returncode == code, stderr
    assert seconds < 10
    assert len(stderr.strip().splitlines()) == 1 and stderr.startswith("Error: ")
    assert files_in(output.parent) == []  # no output, no temporary file
    cached = files_in(tmp_path / "outputs" / ".cache")
    if phase == "recording":
        assert cached == []
    else:  # the recording was complete: it is cached, whole
        assert len(cached) == 1 and Recording.load(tmp_path / "outputs" / ".cache" / cached[0]).steps == 300


@contextmanager
def full_disk(path):
    """atomic_path whose temporary file is /dev/full: every write fails with ENOSPC."""
    with atomic_path(path) as temporary:
        temporary.symlink_to("/dev/full")
        yield temporary


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["gif", "mp4"])
def test_disk_full_while_writing(runner, quick, tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(writers, "atomic_path", full_disk)
    output = tmp_path / "out" / f"quick.{fmt}"
    result = runner.invoke(main, ["render", str(quick), "-o", str(output), "--size", "320x180"])
    assert result.exit_code == 1
    assert one_error_line(result) == f"Error: cannot write {output}: No space left on device"
    assert files_in(output.parent) == []


@pytest.mark.slow
def test_damaged_cache_entry_is_rebuilt(runner, quick, tmp_path, outputs, monkeypatch):
    gif = tmp_path / "quick.gif"
    assert runner.invoke(main, ["render", str(quick), "-o", str(gif), "--size", "320x180"]).exit_code == 0
    entry, = (outputs / ".cache").iterdir()
    good = Recording.load(entry)
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0xFF
    entry.write_bytes(bytes(data))
    result = runner.invoke(main, ["render", str(quick), "-o", str(gif), "--size", "320x180"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"warning: the cached recording {entry} was damaged")
    assert "recorded in" in result.stdout  # trained again, not rendered from the damaged entry
    assert Recording.load(entry).digest() == good.digest()
    # a truncated entry is caught as well
    entry.write_bytes(entry.read_bytes()[:1000])
    result = runner.invoke(main, ["export", str(quick), "-o", str(tmp_path / "q.npz")])
    assert result.exit_code == 0 and "was damaged" in result.stderr
    assert Recording.load(tmp_path / "q.npz").digest() == good.digest()


@pytest.mark.slow
def test_two_renders_to_the_same_output_at_once(tmp_path, quick):
    output = tmp_path / "out" / "quick.gif"
    command = [sys.executable, "-m", "viz", "render", str(quick), "-o", str(output), "--size", "320x180"]
    processes = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(2)]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    with Image.open(output) as image:
        assert image.n_frames == 16
        image.seek(15)
    assert files_in(output.parent) == ["quick.gif", "quick.gif.json"]
    assert len(list((tmp_path / "outputs" / ".cache").iterdir())) == 1


@pytest.mark.slow
def test_same_seed_same_recording_other_seed_other_start(runner, quick, tmp_path):
    for name, seed in (("a.npz", "7"), ("b.npz", "7"), ("c.npz", "8")):
        result = runner.invoke(main, ["export", str(quick), "-o", str(tmp_path / name), "--no-cache", "--seed", seed])
        assert result.exit_code == 0, result.output
    a, b, c = (Recording.load(tmp_path / name) for name in ("a.npz", "b.npz", "c.npz"))
    np.testing.assert_array_equal(a.params, b.params)
    np.testing.assert_array_equal(a.loss, b.loss)
    assert a.digest() == b.digest()
    assert not np.array_equal(a.params[0, 0], c.params[0, 0])
    np.testing.assert_array_equal(c.params[0, 0], c.params[1, 0])  # one start for every optimizer


@pytest.mark.slow  # (a cached recording is not trained again: tests/test_rendered.py, fast)
def test_cache_hit_does_not_train(runner, quick, tmp_path, monkeypatch):
    assert runner.invoke(main, ["export", str(quick), "-o", str(tmp_path / "a.npz")]).exit_code == 0
    monkeypatch.setattr("viz.pipeline.record", lambda *a, **k: pytest.fail("trained again"))
    result = runner.invoke(main, ["export", str(quick), "-o", str(tmp_path / "b.npz")])
    assert result.exit_code == 0, result.output
    assert Recording.load(tmp_path / "a.npz").digest() == Recording.load(tmp_path / "b.npz").digest()


def test_a_frames_folder_is_replaced_only_once_the_new_one_is_in_place(tmp_path, monkeypatch):
    target = tmp_path / "lesson_frames"
    target.mkdir()
    (target / "frame_00000.png").write_bytes(b"old")
    real_rename = type(target).rename

    def failing(self, destination):  # the new folder cannot take the old one's place
        if self.name.endswith(".part"):
            raise OSError(39, "Directory not empty")
        return real_rename(self, destination)

    monkeypatch.setattr(type(target), "rename", failing)
    with pytest.raises(OSError):
        with atomic_folder(target) as folder:
            (folder / "frame_00000.png").write_bytes(b"new")
    assert (target / "frame_00000.png").read_bytes() == b"old"
    assert files_in(tmp_path) == ["frame_00000.png", "lesson_frames"]


def test_frames_output_must_be_a_folder(runner, quick, tmp_path):
    os_fifo = tmp_path / "fifo"
    __import__("os").mkfifo(os_fifo)
    result = runner.invoke(main, ["render", str(quick), "-o", str(os_fifo)])
    assert result.exit_code == 1 and "exists and is not a folder" in one_error_line(result)


CUSTOM = """
from viz import Scene, surfaces

STEEPNESS = {steepness}


def bowl(x, y):
    return STEEPNESS * (x - 1) ** 2 + 3 * y ** 2


s = Scene("s", surfaces.custom(bowl, domain=((-2, 2), (-2, 2)), start=(-1.5, 1.0)),
          optimizers={{"SGD": "sgd"}}, learning_rate=0.05, steps=30)
"""


def test_a_scene_with_its_own_code_records_again_when_the_file_changes(runner, scene_file, tmp_path, monkeypatch):
    path = scene_file(CUSTOM.format(steepness=1.0), name="custom.py")
    ok = runner.invoke(main, ["export", str(path), "-o", str(tmp_path / "a.npz")])
    assert ok.exit_code == 0, ok.output
    path.write_text(textwrap.dedent(CUSTOM.format(steepness=5.0)))  # the function's code is unchanged
    assert runner.invoke(main, ["export", str(path), "-o", str(tmp_path / "b.npz")]).exit_code == 0
    first, second = Recording.load(tmp_path / "a.npz"), Recording.load(tmp_path / "b.npz")
    assert first.loss[0, -1] != second.loss[0, -1]
    monkeypatch.setattr("viz.pipeline.record", lambda *a, **k: pytest.fail("trained again"))
    assert runner.invoke(main, ["export", str(path), "-o", str(tmp_path / "c.npz")]).exit_code == 0  # unchanged: cached


def test_a_scene_function_that_fails_while_recording_is_one_line(runner, scene_file):
    path = scene_file(CUSTOM.format(steepness="1.0").replace("3 * y ** 2", "3 * y ** 2 + undefined_name"))
    result = runner.invoke(main, ["render", str(path)])
    assert result.exit_code == 1
    assert "NameError: name 'undefined_name' is not defined" in one_error_line(result)


def test_every_scene_is_checked_before_any_trains(runner, quick, scene_file, outputs):
    scene_file(CUSTOM.format(steepness=1.0), name="custom.py")
    result = runner.invoke(main, ["render", str(quick.parent), "--steps", "10"])
    assert result.exit_code == 2 and "--steps 10: scene 'quick': counts a surface's steps" in one_error_line(result)
    assert files_in(outputs) == []
