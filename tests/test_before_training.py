"""What a recording would lack for the frame asked of it is refused before anything trains:
one ``Error:`` line, exit 2, nothing written (``viz.render.layout.check`` only guards frames
made directly from a recording)."""

import pytest
from conftest import one_error_line

from viz.cli import main

OWN = """
    import numpy as np
    from viz import Scene
    from viz.plane import plane
    from viz.problems import Problem
    from viz.recording import Recording

    class Bowl(Problem):
        def loss(self, weights):
            return (weights ** 2).sum(axis=1)

        def record(self, scene, seed, progress, seeds):
            params = np.array([[[1.0, 1.0], [0.5, 0.5]]])
            loss = self.loss(params.reshape(-1, 2)).reshape(1, 2)
            return Recording(names=("SGD",), params=params, loss=loss, param_names=("w", "b"),
                             plane=plane(params, loss, self.loss, ("w", "b"), axes=("w", "b")))

    bowl = Scene(title="bowl", problem=Bowl(), optimizers={"SGD": "sgd"}, steps=1)
"""

MODEL = """
    import keras
    import numpy as np
    from viz import Scene, problems

    def net():
        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="tanh"),
                                 keras.layers.Dense(1, activation="sigmoid")])

    x = np.random.default_rng(3).normal(size=({rows}, 2)).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("float32")
    net_scene = Scene("net", problems.keras_model(net, x, y, batch_size=1, epochs={epochs}),
                      optimizers={{"SGD": "sgd"}}, learning_rate=0.05)
"""


@pytest.fixture
def untrained(monkeypatch, outputs):
    monkeypatch.setattr("viz.pipeline.record", lambda *args, **kwargs: pytest.fail("trained before refusing"))
    return outputs


def refused(runner, path, outputs, *args):
    result = runner.invoke(main, ["render", str(path), *args])
    assert result.exit_code == 2 and not outputs.exists()
    return one_error_line(result)


def test_gradient_arrows_from_a_problem_that_records_no_gradients(runner, scene_file, untrained):
    line = refused(runner, scene_file(OWN), untrained, "--overlays", "gradient")
    assert "--overlays gradient: scene 'bowl': draws the loss's gradient; this scene's problem records none" in line


@pytest.mark.parametrize("panel, rows, epochs, words", [
    ("boundary", 16, 900, "outputs for decision boundaries"),  # 14,401 points of a 60x60 grid: over 100 MB
    ("hidden", 2000, 4, "hidden layer's outputs for every row"),  # 8,001 points of 2,000 rows' two outputs
])  # (a time budget of 400 s records every step; the default's, 40 s, every 3rd or 4th: they would fit)
def test_model_panels_over_more_recorded_steps_than_they_keep(runner, scene_file, untrained, panel, rows, epochs,
                                                              words):
    path = scene_file(MODEL.format(rows=rows, epochs=epochs))
    line = refused(runner, path, untrained, "--panels", f"contour,curves,{panel}", "--time-budget", "400")
    assert f"--panels contour,curves,{panel}: scene 'net_scene': too many recorded steps to keep the" in line
    assert words in line


def test_a_rates_panel_names_the_optimizer_with_one_rate(runner, scene_file, untrained):
    path = scene_file("""
        from viz import Scene, surfaces
        one = Scene(title="one", problem=surfaces.get("matyas"), optimizers={"SGD": "sgd", "Adam": "adam"}, steps=3)
    """)
    line = refused(runner, path, untrained, "--panels", "contour,curves,rates")
    assert "at least two learning rates for every optimizer (SGD, Adam has one)" in line


def test_a_rule_between_options_alone_needs_no_scene():
    """Options that cannot go together are refused by the options' rules (viz.settings.combine),
    before any scene is read: a plane other than pca with --tune-lr both."""
    from viz.errors import OptionError
    from viz.pipeline import checked

    with pytest.raises(OptionError, match="plane='hessian': with tune_lr both, the two parts share one principal"):
        checked(plane="hessian", tune_lr="both")
    assert checked(plane="hessian", tune_lr="tuned")[1]["plane"] == "hessian"
