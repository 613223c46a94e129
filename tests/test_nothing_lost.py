"""Faults and hostile input (issue 33): a scene file that exits while loading, outputs that
collide, a recording too big for its budgets, text that a subtitle, a page or XML cannot hold
as it stands, Keras models handed over the wrong way. Each is one clear error or a correct file."""

import re
import textwrap

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


TWO_SCENES = """
    from viz import Scene, surfaces

    x = Scene(title="x of a", problem=surfaces.get("booth"), optimizers={"SGD": "sgd"}, steps=4)
    y = Scene(title="y of a", problem=surfaces.get("booth"), optimizers={"Adam": "adam"}, steps=4)
"""
ONE_SCENE = """
    from viz import Scene, surfaces

    only = Scene(title="the file a_x", problem=surfaces.get("booth"), optimizers={"RMSprop": "rmsprop"}, steps=4)
"""


def colliding(scene_file):
    """a.py with scenes x and y, and a_x.py: both default to outputs/a_x.<format>."""
    scene_file(TWO_SCENES, name="a.py")
    scene_file(ONE_SCENE, name="a_x.py")


def test_colliding_outputs_are_told_apart_when_planning(scene_file, tmp_path, outputs):
    from viz import pipeline

    colliding(scene_file)
    jobs = pipeline.plan(tmp_path, format="png", last_frame=True)
    assert [(job.scene.title, job.path) for job in jobs] == [
        ("x of a", outputs / "a_x.png"), ("y of a", outputs / "a_y.png"), ("the file a_x", outputs / "a_x_1.png")]


@pytest.mark.slow
def test_colliding_outputs_are_all_written_and_the_renaming_is_said(runner, scene_file, tmp_path, outputs):
    colliding(scene_file)
    scene_file(ONE_SCENE.replace("the file a_x", "the file a_x_1"), name="a_x_1.py")
    result = runner.invoke(main, ["render", str(tmp_path), "-s", "--format", "png", "--size", "160x90"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in outputs.glob("*.png")) == ["a_x.png", "a_x_1.png", "a_x_2.png", "a_y.png"]
    assert "the file a_x" in (outputs / "a_x_2.png.json").read_text()
    assert f"{outputs / 'a_x.png'} is also" in result.output and str(outputs / "a_x_2.png") in result.output


@pytest.mark.slow
def test_a_deck_of_colliding_scenes_shows_each_scene_once(runner, scene_file, tmp_path):
    colliding(scene_file)
    deck = tmp_path / "deck.html"
    result = runner.invoke(main, ["slides", str(tmp_path), "-o", str(deck), "-q", "l", "--size", "160x90"])
    assert result.exit_code == 0, result.output
    page = deck.read_text()
    assert all(page.count(title) >= 1 for title in ("x of a", "y of a", "the file a_x"))


@pytest.mark.parametrize("where", ["option", "scene"])
def test_a_recording_too_big_for_the_budgets_is_refused_before_training(runner, scene_file, outputs, monkeypatch,
                                                                         where):
    from viz.problems import surface

    steps = ", steps=100000000" if where == "scene" else ""
    path = scene_file("from viz import Scene, SEED_OPTIMIZERS, surfaces\n"
                      f"huge = Scene('huge', surfaces.get('rosenbrock'), SEED_OPTIMIZERS{steps})\n")
    monkeypatch.setattr(surface, "_compiled_steps", lambda *args: pytest.fail("trained"))
    result = runner.invoke(main, ["render", str(path)] + (["--steps", "100000000"] if where == "option" else []))
    assert result.exit_code == 2
    line = one_error_line(result)
    assert ("--steps 100000000" if where == "option" else "steps=100000000") in line
    assert "6 paths" in line and "GB" in line and "at most 888,887 steps" in line
    assert not outputs.exists() or not any(outputs.iterdir())


HOSTILE = ["loss --> 0", "x < y & z", "<b>not bold</b> &amp; more", "a <!--<script>alert(1)</script> b"]


def test_webvtt_holds_any_caption_as_written(tmp_path):
    """The WebVTT beside a video, read back by ffmpeg's WebVTT reader (as a player would): every
    caption whole; a line with "-->" is a cue's timing line and nothing else (the spec)."""
    import subprocess

    import imageio_ffmpeg

    from viz.render.story import Cue, webvtt

    text = webvtt([Cue(step, words, "scene", True, step * 10) for step, words in enumerate(HOSTILE)], 10, 50)
    assert all(re.fullmatch(r"[\d:.]+ --> [\d:.]+", line) for line in text.splitlines() if "-->" in line), text
    (tmp_path / "c.vtt").write_text(text, encoding="utf-8")
    srt = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(tmp_path / "c.vtt"), "-f", "srt",
                          "-"], capture_output=True, text=True, check=True).stdout
    assert [block.splitlines()[2] for block in srt.strip().split("\n\n")] == HOSTILE


def player_data(page):
    """The player's inline JSON, as the page holds it."""
    return re.search(r'<script type="application/json" id="viz-data">(.*?)</script>', page, re.S).group(1)


@pytest.fixture(scope="module")
def hostile_player(small, tmp_path_factory):
    """A tiny player whose captions hold what ends a script early: ``</``, ``<!--<script>``."""
    from viz.render.animation import render

    path = tmp_path_factory.mktemp("hostile") / "hostile.html"
    render(small, path, "hostile", size=(160, 90), captions=dict(enumerate(HOSTILE)))
    return path


def test_inline_json_holds_no_markup(hostile_player):
    import json

    data = player_data(hostile_player.read_text())
    assert not set("<>&") & set(data)  # nothing an HTML parser reads inside a script: </, <!--, <script
    assert [chapter["text"] for chapter in json.loads(data)["chapters"]] == HOSTILE


@pytest.mark.slow
def test_a_hostile_caption_leaves_every_control_of_the_player_working(hostile_player):
    from browser import chromium

    browser = chromium(hostile_player.as_uri())
    try:
        browser.open()
        assert browser.js("typeof vizPlayer") == "object"
        browser.js("vizPlayer.chapter(3)")
        assert browser.js("[vizPlayer.frame(), document.getElementById('caption').textContent]") == [3, HOSTILE[3]]
        assert browser.js("[...document.querySelectorAll('#chapters a')].map(a => a.textContent)") == [
            f"step {step}: {text}" for step, text in enumerate(HOSTILE)]
    finally:
        browser.close()


@pytest.mark.parametrize("field, scene", [
    ("title", "Scene('bad\\x0btitle', surfaces.get('booth'), {'SGD': 'sgd'}, steps=4)"),
    ("optimizer label", "Scene('t', surfaces.get('booth'), {'SG\\x0bD': 'sgd'}, steps=4)"),
    ("caption", "Scene('t', surfaces.get('booth'), {'SGD': 'sgd'}, steps=4, captions={0: 'a\\x01b'})"),
])
def test_text_that_xml_cannot_hold_is_refused_when_loading(runner, scene_file, field, scene):
    path = scene_file(f"from viz import Scene, surfaces\ns = {scene}\n")
    result = runner.invoke(main, ["render", str(path), "-s", "--format", "svg"])
    assert result.exit_code == 2
    line = one_error_line(result)
    assert f"Scene {field}" in line and ("U+000B" in line or "U+0001" in line)


def test_a_deck_title_or_notes_that_xml_cannot_hold(runner, scene_file, tmp_path):
    from viz.deck import _docstring

    path = scene_file('"""Notes\x0c with a form feed and a \x01."""\n' + textwrap.dedent(SMALL_SCENE))
    assert _docstring(path) == "Notes with a form feed and a ."
    result = runner.invoke(main, ["slides", str(path), "-o", str(tmp_path / "d.pptx"), "--title", "Lecture\x0b4"])
    assert result.exit_code == 2 and "--title" in one_error_line(result) and "U+000B" in result.output


KERAS_SCENE = """import keras
import numpy as np
from viz import Scene, problems
x = np.zeros((8, 2), 'float32')
y = np.zeros(8, 'float32')
def build():
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation='sigmoid', trainable={trainable})])
s = Scene('s', problems.keras_model({build}, x, y), optimizers={{'SGD': 'sgd'}})
"""


@pytest.mark.parametrize("trainable, build, message", [
    (False, "build", "keras_model build() returned a model with no trainable weights (every layer is frozen, "
                     "trainable=False): nothing would move"),
    (True, "build()", "keras_model build must be a function that returns a new model, not a built Model "
                      "(Sequential): pass "
                      "the function (build, not build())"),
])
def test_a_keras_model_viz_cannot_train_is_refused_before_training(runner, scene_file, monkeypatch, trainable, build,
                                                                    message):
    from viz.problems import model

    monkeypatch.setattr(model, "fit_each", lambda *args, **kwargs: pytest.fail("trained"))
    path = scene_file(KERAS_SCENE.format(trainable=trainable, build=build))
    result = runner.invoke(main, ["render", str(path)])
    assert result.exit_code == 2 and message in one_error_line(result)


@pytest.mark.parametrize("command, named, not_named", [
    ("render", ["--scene NAME", "--all"], []),
    ("export", ["--scene NAME"], ["--all"]),
])
def test_several_scenes_name_the_options_that_pick_them(runner, scene_file, command, named, not_named):
    path = scene_file(TWO_SCENES)
    line = one_error_line(runner.invoke(main, [command, str(path)]))
    assert "several scenes (x, y)" in line
    assert all(option in line for option in named) and not any(option in line for option in not_named), line


@pytest.mark.parametrize("jobs", ["1", pytest.param("2", marks=pytest.mark.slow)])  # 2: worker processes
def test_a_scene_function_calling_sys_exit_while_recording_is_that_scenes_error(runner, scene_file, outputs, jobs):
    path = scene_file("import sys\nfrom viz import Scene, surfaces\n\ndef f(x, y):\n    sys.exit(0)\n\n"
                      "x = Scene('x', surfaces.custom(f, domain=((-2, 2), (-2, 2)), start=(1.0, 1.0)), steps=4)\n"
                      "y = Scene('y', surfaces.get('booth'), steps=4)\n")
    result = runner.invoke(main, ["render", str(path), "--all", "-s", "--format", "png", "--size", "160x90",
                                  "--jobs", jobs])
    assert result.exit_code == 1
    assert f"Error: {path}, scene 'x': SystemExit: 0" in result.output


@pytest.mark.slow  # builds an explorer grid
def test_the_explorers_inline_json_holds_no_markup(scene_file, outputs):
    import json

    from viz.explore import build

    title = "a <!--<script> b </script> & c"
    path = scene_file(f"from viz import Scene, surfaces\nx = Scene({title!r}, surfaces.get('booth'), "
                      "{'SGD': 'sgd', 'Adam': 'adam'}, steps=4)\n")
    data = player_data(build(path, outputs / "x.html", vary=["learning_rate=0.01,0.05"]).path.read_text())
    assert not set("<>&") & set(data) and json.loads(data)["title"] == title
