"""The Python doors (viz.render, viz.show, viz.record) and the command are one pipeline: the
same options, the same defaults, the same files, errors as Python exceptions."""

import ast
import inspect
import json
import re

import click
import pytest
from conftest import SMALL_SCENE

import viz
from viz import pipeline
from viz.cli import main
from viz.errors import OptionError, SpecError
from viz.recording import Recording
from viz.options import OPTIONS, defaults

DOORS_OWN = {"scene_or_file", "scenes", "output", "scene", "all", "jobs", "progress", "title", "folder", "site"}  # not options
DOOR_OF = {"course": "slides"}  # a course takes the slides' options
CLI_ONLY = {"quiet"}  # the command's own: a progress bar is a terminal's
CLI_NAMES = {"every": "all"}  # --all is all=True in Python (every in the command's code)


def flags_of(command):
    """A command's options as {keyword: default}."""
    context = click.Context(command)
    defaults = {CLI_NAMES.get(param.name, param.name): param.get_default(context, call=False)
                for param in command.params
                if isinstance(param, click.Option) and param.name not in CLI_ONLY and param.name != "help"}
    return {name: None if str(value).endswith("UNSET") else value for name, value in defaults.items()}  # no default


@pytest.mark.parametrize("door", ["render", "show", "slides", "course"])
def test_the_explicit_keywords_are_the_option_table(door):
    function = getattr(viz, door)
    parameters = inspect.signature(function).parameters
    assert not any(p.kind is p.VAR_KEYWORD for p in parameters.values())  # no **options catch-all
    keywords = {name: p.default for name, p in parameters.items() if name not in DOORS_OWN}
    assert keywords == defaults(DOOR_OF.get(door, door))  # the same names and defaults as the table's rows
    assert all(p.annotation is inspect.Parameter.empty for p in parameters.values())  # choices: the table's only


def _args(doc):
    """{name: its text} of a Google-style docstring's ``Args:`` section."""
    block = doc.split("\nArgs:\n", 1)[1].split("\n\n", 1)[0]
    entries = re.findall(r"^ {4}(\w+): (.*(?:\n {8}.*)*)", block, re.M)
    return {name: " ".join(text.split()) for name, text in entries}


@pytest.mark.parametrize("door", ["render", "show", "slides", "course"])
def test_every_keyword_is_documented_and_the_options_help_is_the_tables(door):
    """The doors' docstrings write their own keywords only; the options' entries are the
    table's help, added from it (help() and the reference site read the same)."""
    function = getattr(viz, door)
    source = ast.get_docstring(next(node for node in ast.parse(inspect.getsource(viz.api)).body
                                    if isinstance(node, ast.FunctionDef) and node.name == door))
    assert set(_args(source)) <= DOORS_OWN  # no option described by hand
    documented = _args(inspect.getdoc(function))
    assert list(documented) == [*_args(source), *defaults(DOOR_OF.get(door, door))]
    assert set(documented) == set(inspect.signature(function).parameters)  # every keyword, once
    for name in defaults(DOOR_OF.get(door, door)):
        assert " ".join(OPTIONS[name].help.split()) in documented[name], name


@pytest.mark.parametrize("door, command", [("render", "render"), ("slides", "slides"), ("slides", "course"),
                                           ("export", "export")])
def test_the_commands_flags_are_the_option_table(door, command):
    flags = flags_of(main.commands[command])
    assert {name: value for name, value in flags.items() if name not in DOORS_OWN} == defaults(door)


@pytest.mark.slow
def test_the_command_and_viz_render_write_the_same_files(runner, scene_file, tmp_path):
    quick = scene_file(SMALL_SCENE, name="quick.py")
    options = ["--seeds", "2", "--tune-lr", "both", "--theme", "dark", "--size", "320x180", "--max-frames", "6"]
    result = runner.invoke(main, ["render", str(quick), "-o", str(tmp_path / "cli" / "lesson.gif"), *options])
    assert result.exit_code == 0, result.output
    report = viz.render(quick, tmp_path / "py" / "lesson.gif", seeds=2, tune_lr="both", theme="dark",
                        size=(320, 180), max_frames=6)
    assert report.path == tmp_path / "py" / "lesson.gif" and report.frames == 6 + 50 + 6  # two parts, a 2 s pause
    for name in ("lesson.gif", "lesson.seeds.csv", "lesson.tuned.seeds.csv"):
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "py" / name).read_bytes(), name
    by_cli, by_python = (json.loads((tmp_path / side / "lesson.gif.json").read_text()) for side in ("cli", "py"))
    assert by_cli["recording_sha256"] == by_python["recording_sha256"]
    assert by_cli["tuned_recording_sha256"] == by_python["tuned_recording_sha256"]
    assert by_cli["render"] == by_python["render"]


def test_viz_render_takes_a_scene_object_and_names_its_output_after_the_title(outputs):
    scene = viz.Scene(title="Two optimizers, briefly!", problem=viz.surfaces.get("beale"),
                      optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.01, steps=5)
    report = viz.render(scene, size="320x180", hold=0)
    assert report.path == outputs / "two_optimizers_briefly.gif" and report.path.exists()
    assert report.frames == 6 and report.trained
    again = viz.render(scene, size="320x180", hold=0)
    assert not again.trained  # from the cache under outputs/.cache
    assert json.loads(report.manifest.read_text())["scene_file"] is None


def test_library_errors_are_python_exceptions_in_python_terms(quick):
    with pytest.raises(OptionError, match=r"view='3d': scene 'quick': .*surface") as caught:
        viz.render(quick, view="3d")
    assert isinstance(caught.value, ValueError) and "--" not in str(caught.value)
    with pytest.raises(OptionError, match="max_size='5MB': is a GIF budget"):
        viz.render(quick, format="mp4", max_size="5MB")
    with pytest.raises(SpecError, match="size='161x90'"):
        viz.show(quick, size=(161, 90))
    with pytest.raises(TypeError):
        viz.render(quick, colour="red")  # a misspelt keyword is Python's own error


def test_the_command_words_the_same_error_with_its_flag(runner, quick):
    result = runner.invoke(main, ["render", str(quick), "--view", "3d"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: --view 3d: scene 'quick': ") and "view='3d'" not in result.output


@pytest.mark.slow
def test_show_writes_nothing_unless_asked_and_can_use_the_cache(quick, tmp_path, monkeypatch, outputs):
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    animation = viz.show(quick, size=(320, 180), max_frames=4, hold=0)
    assert animation.data[4:8] == b"ftyp" and "<video" in animation._repr_html_()
    assert sorted(tmp_path.rglob("*")) == before
    viz.show(quick, format="gif", size=(320, 180), max_frames=4, cache=True)
    assert list((outputs / ".cache").glob("*.npz"))


@pytest.mark.slow
def test_record_returns_the_recording_of_several_seeds(quick):
    scene = pipeline.plan(quick)[0].scene
    recording = viz.record(scene, seeds=2)
    assert isinstance(recording, Recording)
    assert recording.spread["params"].shape == (2, 2, 16, 5)
    assert recording.digest() == viz.record(scene, seeds=2).digest()


def test_every_check_runs_before_any_training(quick, tmp_path, monkeypatch):
    trained = []
    monkeypatch.setattr("viz.pipeline.record", lambda *args, **kwargs: trained.append(args))
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(viz.errors.OutputError, match="cannot create the folder"):
        viz.render(quick, blocked / "out.gif")
    with pytest.raises(OptionError, match="seeds=101"):
        viz.render(quick, seeds=101)
    assert not trained
