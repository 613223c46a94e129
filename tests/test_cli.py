import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from viz.cli import main


@pytest.mark.slow
def test_render_gif_into_a_new_folder_and_mp4_by_format(runner, quick, tmp_path):
    gif = tmp_path / "out" / "quick.gif"
    result = runner.invoke(main, ["render", str(quick), "-o", str(gif), "--size", "320x180"])
    assert result.exit_code == 0, result.output
    with Image.open(gif) as image:
        assert image.n_frames == 16 and image.size == (320, 180)
    assert f"{gif}: 320x180, 16 frames at 25 fps" in result.output
    result = runner.invoke(main, ["render", str(quick), "--format", "mp4", "--size", "320x180"])
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_default_output_is_outputs_file_stem(runner, quick, outputs):
    result = runner.invoke(main, ["render", str(quick), "--size", "320x180", "--fps", "50", "--hold", "0"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in outputs.iterdir()) == [".cache", ".rendered", "quick.gif", "quick.gif.json"]


@pytest.mark.slow
def test_export_npz_and_csv(runner, quick, tmp_path):
    npz = tmp_path / "quick.npz"
    assert runner.invoke(main, ["export", str(quick), "-o", str(npz)]).exit_code == 0
    with np.load(npz) as data:
        assert data["names"].tolist() == ["SGD", "Adam"]
        assert data["params"].shape == (2, 16, 5) and data["loss"].shape == (2, 16)
    csv = tmp_path / "quick.csv"
    result = runner.invoke(main, ["export", str(quick), "-o", str(csv), "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert csv.read_text().count("\n") == 1 + 2 * 16


def test_list_shows_scenes(runner, quick):
    result = runner.invoke(main, ["list", str(quick)])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "quick: Quick"


def test_python_m_viz_is_the_command():
    result = subprocess.run([sys.executable, "-m", "viz", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "render" in result.stdout and "export" in result.stdout
    failed = subprocess.run([sys.executable, "-m", "viz", "render", "no-such-scene.py"], capture_output=True, text=True)
    assert failed.returncode == 2 and failed.stderr.startswith("Error: ") and failed.stdout == ""  # (said, then ended)


def test_the_door_called_by_a_program_on_its_command_line_leaves_it_running(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["viz", "--help"])
    with pytest.raises(SystemExit) as done:  # click's exit, which the program can catch: only viz's own entry ends it
        main(prog_name="viz")
    assert done.value.code == 0 and "render" in capsys.readouterr().out


@pytest.mark.slow
def test_help_loads_no_tensorflow_or_matplotlib():
    code = ("import sys, viz.cli; heavy = [m for m in sys.modules if m.split('.')[0] in "
            "('tensorflow', 'keras', 'matplotlib')]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    result = subprocess.run([sys.executable, "-m", "viz", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "render" in result.stdout and "export" in result.stdout


def test_surfaces_and_optimizers_are_listed(runner):
    result = runner.invoke(main, ["surfaces"])
    assert result.exit_code == 0
    assert "himmelblau" in result.output and "(-2.805, 3.131)" in result.output
    assert "saddle" in result.output and "none (unbounded below)" in result.output
    result = runner.invoke(main, ["optimizers"])
    assert result.exit_code == 0
    assert "adam" in result.output and "nadam" in result.output and "SGD momentum=0.3 nesterov" in result.output


def test_surface_export_has_the_design_format(runner, scene_file, tmp_path):
    path = scene_file("from viz import Scene, surfaces\n"
                      "s = Scene('s', surfaces.get('rosenbrock', start=(-1.2, 1.0)), learning_rate=0.01, steps=50)\n")
    out = tmp_path / "s.npz"
    assert runner.invoke(main, ["export", str(path), "-o", str(out)]).exit_code == 0
    with np.load(out) as data:
        assert data["names"].shape == (6,) and data["params"].shape == (6, 51, 2)
        assert data["params"].dtype == np.float64 and data["loss"].shape == (6, 51)
        assert np.isnan(data["loss"][0, -1]) and np.isfinite(data["loss"][3]).all()  # SGD diverged, Adam did not
    csv = tmp_path / "s.csv"
    assert runner.invoke(main, ["export", str(path), "-o", str(csv)]).exit_code == 0
    assert csv.read_text().splitlines()[0] == "path,optimizer,seed,step,epoch,loss,accuracy,view_x,view_y,sharpness,plane_offset,plane_loss,x,y"


@pytest.mark.slow
def test_non_terminal_run_prints_only_the_summary_line(runner, quick, outputs):
    result = runner.invoke(main, ["render", str(quick), "--size", "320x180"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.count("\n") == 1 and result.stdout.startswith(f"{outputs / 'quick.gif'}: 320x180, 16 frames")


def run_in_terminal(args, cwd):
    """Run ``python -m viz ARGS`` with stderr on a pseudo-terminal; returns (stdout, stderr)."""
    import os
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "viz", *args], stdout=subprocess.PIPE, stderr=follower,
                               cwd=cwd)
    os.close(follower)
    terminal = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        terminal += chunk
    stdout = process.communicate()[0]
    os.close(leader)
    assert process.returncode == 0, terminal
    return stdout.decode(), terminal.decode()


@pytest.mark.slow
def test_progress_bars_on_a_terminal_and_quiet(quick, tmp_path):
    gif = tmp_path / "quick.gif"
    stdout, terminal = run_in_terminal(["render", str(quick), "-o", str(gif), "--size", "320x180"], tmp_path)
    assert "recording quick" in terminal and "rendering quick.gif" in terminal and "100%" in terminal
    assert stdout.startswith(f"{gif}: 320x180, 16 frames")
    stdout, terminal = run_in_terminal(["render", str(quick), "-o", str(gif), "--size", "320x180", "--quiet"],
                                       tmp_path)
    assert terminal == "" and stdout.count("\n") == 1


@pytest.mark.slow
def test_a_long_scene_is_drawn_at_max_frames_steps(runner, scene_file, tmp_path):
    path = scene_file("from viz import Scene, surfaces\n"
                      "long = Scene('long', surfaces.get('valley'), optimizers={'Adam': 'adam'}, steps=10000)\n")
    gif = tmp_path / "long.gif"
    result = runner.invoke(main, ["render", str(path), "-o", str(gif), "--size", "320x180", "--max-frames", "40"])
    assert result.exit_code == 0, result.output
    assert "40 frames (subsampled from 10001)" in result.stdout
    with Image.open(gif) as image:
        assert image.n_frames == 40
