"""The problem interface: what each problem refuses, and that a scene takes any problem."""

import numpy as np
import pytest

from viz import Scene, problems, surfaces
from viz.errors import OptionError, SpecError


def logistic():
    """Logistic regression on two inputs, as a Keras model."""
    import keras

    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])


TWO_INPUTS = problems.keras_model(logistic, np.zeros((8, 2)), np.zeros(8))
FOUR_INPUTS = problems.keras_model(logistic, np.zeros((8, 4)), np.zeros(8))


@pytest.mark.parametrize("problem, option, keyword", [
    (surfaces.get("matyas"), {"seeds": 3}, "seeds"),
    (surfaces.get("matyas"), {"boundary": True}, "panels"),
    (surfaces.get("matyas"), {"features": ("pca",)}, "features"),
    (problems.logreg(), {"view": "3d"}, "view"),
    (problems.logreg(), {"steps": 10}, "steps"),
    (problems.logreg(), {"features": ("variance", "bias")}, "features"),
    (TWO_INPUTS, {"view": "3d"}, "view"),
    (TWO_INPUTS, {"features": ("pca",)}, "features"),
    (FOUR_INPUTS, {"boundary": True}, "panels"),
])
def test_what_a_problem_cannot_do_is_an_option_error(problem, option, keyword):
    with pytest.raises(OptionError) as raised:
        problem.check(**option)
    assert raised.value.keyword == keyword and str(raised.value).startswith(f"{keyword}=")


@pytest.mark.parametrize("problem, option", [
    (surfaces.get("matyas"), {"view": "3d", "steps": 10}),
    (problems.logreg(), {"seeds": 3, "boundary": True, "features": ("variance", "skewness")}),
    (problems.logreg(), {"features": ("pca",)}),
    (TWO_INPUTS, {"seeds": 3, "boundary": True}),
])
def test_what_a_problem_can_do_passes(problem, option):
    problem.check(**option)


def test_own_code_is_the_users_function_only():
    assert surfaces.get("rosenbrock").own_code is None and problems.logreg().own_code is None
    assert TWO_INPUTS.own_code is logistic
    custom = surfaces.custom(lambda x, y: x * x + y * y, ((-1, 1), (-1, 1)), (0.5, 0.5))
    assert custom.own_code is custom.fn


def test_a_scene_takes_any_problem_and_refuses_other_objects():
    class Bowl(problems.Problem):
        def record(self, scene, seed, progress, seeds):
            pass

    assert Scene("b", Bowl(), steps=3).problem.fixed_steps is False
    assert Bowl().own_code is Bowl and Bowl().curvature(0) is None and Bowl().budgets is None
    with pytest.raises(SpecError, match="Scene problem must be"):
        Scene("b", object())
    with pytest.raises(TypeError):  # the contract's one required method
        type("Half", (problems.Problem,), {})()


def test_every_problem_of_viz_keeps_the_contract():
    for problem in (surfaces.get("beale"), problems.logreg(), TWO_INPUTS):
        assert isinstance(problem, problems.Problem)


def test_a_problem_written_as_the_docs_say_renders(runner, tmp_path):
    from pathlib import Path

    from viz.cli import main

    page = (Path(__file__).parent.parent / "docs" / "howto" / "own-problem.md").read_text()
    code = page.split("```python\n", 1)[1].split("```", 1)[0]  # the page's scene file, exactly
    scene = tmp_path / "line_fit.py"
    scene.write_text(code)
    png = tmp_path / "line.png"
    result = runner.invoke(main, ["render", str(scene), "-s", "-o", str(png), "--size", "320x180"])
    assert result.exit_code == 0, result.output
    assert png.stat().st_size > 0 and "recorded in" in result.output
    again = runner.invoke(main, ["render", str(scene), "-s", "-o", str(png), "--size", "320x180"])
    assert again.exit_code == 0 and "recording from the cache" in again.output
    refused = runner.invoke(main, ["render", str(scene), "--seeds", "2"])
    assert refused.exit_code == 2 and "--seeds 2: scene 'line': this scene's problem records one" in refused.output


def test_a_boundary_panel_for_a_model_of_several_outputs_is_refused_before_training():
    def three():
        import keras

        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])

    with pytest.raises(OptionError, match="one output"):
        problems.keras_model(three, np.zeros((8, 2)), np.zeros(8), loss="sparse_categorical_crossentropy").check(
            boundary=True)
