import dataclasses

import pytest

from viz import SEED_OPTIMIZERS, Scene, problems
from viz.errors import OptionError, SpecError
from viz.scene import SceneFileError, load_scenes, select

HEADER = "from viz import Scene, problems\n"


def test_scenes_are_found_in_file_order_private_names_skipped(scene_file):
    path = scene_file(HEADER + """
zeta = Scene(title="z", problem=problems.logreg())
alpha = Scene(title="a", problem=problems.logreg(epochs=2))
_draft = Scene(title="d", problem=problems.logreg())
not_a_scene = 3
""")
    scenes = load_scenes(path)
    assert list(scenes) == ["zeta", "alpha"]
    assert scenes["alpha"].problem.epochs == 2
    assert scenes["zeta"].optimizers == SEED_OPTIMIZERS


def test_selection_rules(scene_file):
    two = load_scenes(scene_file(HEADER + "a = Scene('a', problems.logreg())\nb = Scene('b', problems.logreg())\n"))
    assert list(select(two, "f.py", every=True)) == ["a", "b"]
    assert list(select(two, "f.py", name="b")) == ["b"]
    with pytest.raises(OptionError, match=r"scene=None: f.py defines several scenes \(a, b\): pick one"):
        select(two, "f.py")
    with pytest.raises(OptionError, match="scene='c': f.py has no such scene; its scenes: a, b"):
        select(two, "f.py", name="c")
    with pytest.raises(SpecError, match="defines no viz.Scene"):
        select({}, "f.py")
    one = {"only": two["a"]}
    assert list(select(one, "f.py")) == ["only"]


def test_one_scene_under_two_names_is_rejected(scene_file):
    path = scene_file(HEADER + "a = Scene('a', problems.logreg())\nb = a\n")
    with pytest.raises(SceneFileError, match="named both 'a' and 'b'"):
        load_scenes(path)


def test_syntax_error_names_file_line_and_text(scene_file):
    path = scene_file(HEADER + "a = Scene('a', problems.logreg()\n")
    with pytest.raises(SceneFileError, match=r"scenes\.py:2: syntax error: .*a = Scene"):
        load_scenes(path)


def test_error_while_loading_shows_only_the_users_frames(scene_file):
    path = scene_file(HEADER + "\n\ndef rate():\n    return learning_rat\n\nbroken = Scene('b', problems.logreg(), learning_rate=rate())\n")
    with pytest.raises(SceneFileError) as error:
        load_scenes(path)
    message = str(error.value)
    assert "NameError: name 'learning_rat' is not defined" in message
    assert "scenes.py:7: broken = Scene" in message and "scenes.py:5: return learning_rat" in message
    assert "scene.py" not in message and "\n" not in message


def test_a_field_out_of_range_names_the_field_and_the_users_line(scene_file):
    path = scene_file(HEADER + "\n\nbroken = Scene('b', problems.logreg(epochs=0))\n")
    with pytest.raises(SpecError) as error:
        load_scenes(path)
    message = str(error.value)
    assert "logreg epochs must be a positive integer, not 0" in message and "ValueError" not in message
    assert "scenes.py:4" in message and "logreg.py" not in message


@pytest.mark.parametrize("kwargs, message", [
    ({"learning_rate": 0}, "learning_rate must be a positive number, not 0"),
    ({"learning_rate": "fast"}, "learning_rate must be a positive number"),
    ({"optimizers": {}}, "non-empty"),
    ({"seed": 1.5}, "seed must be an integer"),
    ({"seed": -1}, "seed must be an integer from 0"),
    ({"optimizers": {1: "sgd", "1": "adam"}}, "labels must differ as text"),
])
def test_scene_fields_are_checked(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Scene(title="t", problem=problems.logreg(), **kwargs)


def test_logreg_arguments_are_checked():
    with pytest.raises(ValueError, match="batch_size must be a positive integer, not -1"):
        problems.logreg(batch_size=-1)
    with pytest.raises(ValueError, match="two different names"):
        problems.logreg(axes=("bias", "bias"))


def test_problem_must_be_a_problem():
    with pytest.raises(SpecError, match="problems.logreg"):
        Scene(title="t", problem="rosenbrock")


def test_a_scene_says_which_panels_it_is_shown_with(tmp_path):
    """Issue 28, point 22: a scene's ``panels`` are its default; --panels with more still wins;
    a wrong one is refused when the scene is made."""
    from viz import Scene, surfaces
    from viz.errors import SpecError
    from viz.pipeline import plan

    scene = Scene(title="s", problem=surfaces.get("booth"), optimizers={"SGD": "sgd"}, steps=5,
                  panels="contour,curves,line")
    job, = plan(scene, tmp_path / "s.gif")
    assert job.options.layout.extras == ("line",)
    job, = plan(scene, tmp_path / "s.gif", panels="contour,curves,sharpness")
    assert job.options.layout.extras == ("sharpness",)
    job, = plan(dataclasses.replace(scene, panels=None), tmp_path / "s.gif")
    assert job.options.layout.extras == ()
    for wrong in ("contour,lines", ["contour", "curves"], "curves"):
        with pytest.raises(SpecError, match="Scene panels"):
            Scene(title="s", problem=surfaces.get("booth"), optimizers={"SGD": "sgd"}, panels=wrong)
