"""Faults and hostile input (issue 33): a scene file that exits while loading, outputs that
collide, a recording too big for its budgets, text that a subtitle, a page or XML cannot hold
as it stands, Keras models handed over the wrong way. Each is one clear error or a correct file."""

import pytest

from conftest import SMALL_SCENE, one_error_line
from viz.cli import main


@pytest.mark.parametrize("command", ["render", "slides"])
def test_a_scene_file_calling_sys_exit_is_that_files_error(runner, scene_file, tmp_path, command):
    scene_file(SMALL_SCENE, name="a_good.py")
    bad = scene_file("import sys\nsys.exit(0)\n", name="b_exits.py")
    args = [command, str(tmp_path)] + (["-o", str(tmp_path / "deck.html")] if command == "slides" else [])
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    line = one_error_line(result)
    assert str(bad) in line and "sys.exit(0)" in line
    assert not (tmp_path / "outputs").exists() and not (tmp_path / "deck.html").exists()
