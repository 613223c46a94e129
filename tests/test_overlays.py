"""Teaching overlays: -gradient and next-step arrows, fading trails, optimizers in sequence."""

import json

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from viz import Scene, record, surfaces
from viz.problems.logreg import lesson_data, loss_and_accuracy
from viz.recording import Recording
from viz.render.options import Options, frame_steps
from viz.render.frames import Frames
from viz.render.panels.overlays import ALIKE, KEEP, LONGEST, NEAR

from conftest import blit_mismatch, one_error_line

SIZE = (640, 360)
SURFACE_SCENE = """
    from viz import Scene, surfaces

    valley = Scene(
        title="Three in turn",
        problem=surfaces.get("rosenbrock", start=[(-1.2, 1.0), (0.0, 2.5)]),
        optimizers={"SGD": "sgd", "Adam": "adam", "RMSprop": "rmsprop"},
        learning_rate=0.002,
        steps=10,
    )
"""


@pytest.fixture(scope="module")
def rosenbrock():
    """Three optimizers from two starts each (six paths), 12 steps."""
    scene = Scene(title="r", problem=surfaces.get("rosenbrock", start=[(-1.2, 1.0), (0.0, 2.5)]),
                  optimizers={"SGD": "sgd", "Adam": "adam", "RMSprop": "rmsprop"}, learning_rate=0.002, steps=12)
    return record(scene)


def test_a_surface_gradient_is_the_analytic_one(rosenbrock):
    x, y = rosenbrock.params[..., 0], rosenbrock.params[..., 1]
    analytic = np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)
    assert rosenbrock.grads.dtype == np.float64 and rosenbrock.grads.shape == rosenbrock.params.shape
    np.testing.assert_allclose(rosenbrock.grads, analytic, rtol=1e-12, atol=1e-9)


def test_a_diverged_path_has_no_gradient():
    scene = Scene(title="d", problem=surfaces.get("rosenbrock", start=(-1.5, 2.0)), optimizers={"SGD": "sgd"},
                  learning_rate=0.01, steps=40)
    recording = record(scene)
    diverged = np.isnan(recording.params).any(axis=-1)
    assert diverged.any() and not diverged[:, 0].any()
    np.testing.assert_array_equal(np.isnan(recording.grads).any(axis=-1), diverged)


def test_the_lesson_gradient_is_a_finite_difference_of_the_loss(small):
    x_train, y_train, _, _ = lesson_data()
    h = 1e-6
    for path, step in ((0, 0), (1, 7), (1, small.steps)):
        weights = small.params[path, step]
        shifts = np.eye(len(weights)) * h
        difference = (loss_and_accuracy(weights + shifts, x_train, y_train)[0]
                      - loss_and_accuracy(weights - shifts, x_train, y_train)[0]) / (2 * h)
        np.testing.assert_allclose(small.grads[path, step], difference, rtol=1e-6, atol=1e-9)


@pytest.mark.slow
def test_a_keras_model_gradient_is_a_finite_difference_of_its_loss():
    from conftest import mlp
    from test_keras_model import data, forward_loss

    from viz import problems

    x, y = data()
    scene = Scene("mlp", problems.keras_model(mlp, x, y, batch_size=16, epochs=1, shuffle=False),
                  optimizers={"Adam": "adam"}, learning_rate=0.05)
    recording = record(scene, seed=1)
    weights, h = recording.params[0, 3], 1e-5
    difference = [(forward_loss(weights + h * e, x, y) - forward_loss(weights - h * e, x, y)) / (2 * h)
                  for e in np.eye(len(weights))]
    # a model keeps the gradient projected on its plane (what the arrows draw), not the full one
    on_plane = np.linalg.lstsq(recording.plane.basis.T, np.eye(len(weights)), rcond=None)[0] @ np.array(difference)
    np.testing.assert_allclose(recording.gradient_on_plane()[0, 3], on_plane, rtol=1e-3, atol=1e-6)


def test_gradients_are_saved_and_loaded(small, tmp_path):
    small.save(tmp_path / "small.npz")
    loaded = Recording.load(tmp_path / "small.npz")
    np.testing.assert_array_equal(loaded.grads, small.grads)
    assert loaded.digest() == small.digest()


def hidden(quiver):
    """Which arrows of ``quiver`` are masked (not drawn)."""
    return np.ma.getmaskarray(np.ma.array(quiver.U, mask=quiver.Umask))


@pytest.mark.parametrize("which", ["rosenbrock", "small"])
def test_arrows_are_the_scaled_gradient_and_next_step(which, request):
    """Read back from the quivers: each arrow starts at its path's current point and is the
    projected -gradient, or the next step, times the kind's scale (1, 2 or 5 times a power of
    ten); the longest is at most KEEP[1] of the view. Heads at one spot with alike gradients
    show one gradient arrow: each hidden one has a shown one that near."""
    recording = request.getfixturevalue(which)
    frames = Frames(recording, "arrows", options=Options.of(size=SIZE, overlays=("gradient", "step")))
    overlay = frames.panels[1]
    plane = recording.plane
    span = plane.grid_x[-1] - plane.grid_x[0]
    step = 5
    frames[step]
    expected = {"gradient": -(recording.grads[:, step] @ plane.basis.T),
                "step": plane.xy[:, step + 1] - plane.xy[:, step]}
    for kind, vectors in expected.items():
        quiver, scale = overlay.quivers[kind], overlay.scales[kind]
        shown = ~hidden(quiver)
        points = plane.xy[:, step]
        if kind == "step":
            assert shown.all()  # every path in view has its step arrow
        for path in np.flatnonzero(~shown):  # a gradient arrow left out: another one shows it
            near = np.hypot(*(points[shown] - points[path]).T) < NEAR * span
            alike = np.hypot(*(vectors[shown] - vectors[path]).T) < ALIKE * np.hypot(*vectors[path])
            assert (near & alike).any()
        assert shown.sum() >= len(set(recording.names)) - 1
        np.testing.assert_allclose(quiver.get_offsets()[shown], points[shown], rtol=1e-12)
        np.testing.assert_allclose(np.column_stack([quiver.U, quiver.V])[shown], vectors[shown] * scale,
                                   rtol=1e-12, atol=1e-15)
        assert f"{scale:.0e}"[0] in "125"
        longest = np.hypot(quiver.U, quiver.V).max()
        assert 0 < longest <= KEEP[1] * span
        index = overlay.kinds.index(kind)
        assert overlay.legend.get_texts()[index].get_text() == {"gradient": "−gradient", "step": "next step"}[kind]
        assert overlay.factors[index].get_text() == f"×{scale:g}"
    frames[len(frames) - 1]  # the last point has no next step: no step arrows, no scale
    assert hidden(overlay.quivers["step"]).all() and overlay.factors[1].get_text() == ""


@pytest.mark.slow
def test_trail_alpha_decreases_with_age(rosenbrock):
    frames = Frames(rosenbrock, "trail", options=Options.of(size=SIZE, trail=2))
    frames[11]
    path = frames.panels[0].lines[0]
    alphas = path.get_colors()[:, 3]
    bands = path.get_segments()
    assert len(bands) == 6  # 11 steps: five bands of 2 steps, the oldest of 1
    assert alphas[0] == 1 and np.all(np.diff(alphas) <= 0) and alphas[-1] < alphas[1] < alphas[0]
    np.testing.assert_array_equal(bands[0], rosenbrock.plane.xy[0, 9:12])  # the newest: the last 2 steps
    np.testing.assert_array_equal(np.concatenate([band[:-1] for band in bands[::-1]] + [bands[0][-1:]]),
                                  rosenbrock.plane.xy[0, :12])  # together: the whole path, in order


@pytest.mark.slow
def test_in_a_sequence_the_optimizers_take_turns(rosenbrock):
    """During the second optimizer's block the first is complete, the third not drawn yet."""
    options = Options.of(sequence=True, max_frames=15)  # 5 frames each
    steps = frame_steps(rosenbrock, options)
    assert steps.shape == (15, 6)
    frames = Frames(rosenbrock, "sequence", steps, Options.of(size=SIZE, fps=5))  # 5 fps: the counter says every frame
    frames[7]  # Adam's third frame
    contour, loss = frames.panels[0], frames.panels[1]
    for path in (0, 1):  # SGD, from both starts: whole paths, heads at their ends
        np.testing.assert_array_equal(contour.lines[path].get_xdata(), rosenbrock.plane.xy[path, :, 0])
        assert len(loss.lines[path].get_xdata()) == rosenbrock.steps + 1
    for path in (2, 3):  # Adam, from both starts, part way
        assert 0 < len(contour.lines[path].get_xdata()) < rosenbrock.steps + 1
    for path in (4, 5):  # RMSprop: nothing yet
        assert len(contour.lines[path].get_xdata()) == len(contour.heads[path].get_xdata()) == 0
        assert len(loss.lines[path].get_xdata()) == 0
    assert frames.counter.get_text() == f"Adam: step {steps[7, 2]} / 12"
    frames[14]  # the final frame shows all of them, complete
    assert all(len(line.get_xdata()) == rosenbrock.steps + 1 for line in contour.lines)


@pytest.mark.slow  # (the turns: test_in_a_sequence_the_optimizers_take_turns, fast)
def test_sequence_frame_count_and_manifest_through_the_cli(runner, scene_file, tmp_path):
    from viz.cli import main

    scene = scene_file(SURFACE_SCENE)
    gif = tmp_path / "turns.gif"
    result = runner.invoke(main, ["render", str(scene), "--sequence", "--max-frames", "12", "--size", "320x180", "-o", str(gif),
                                  "--overlays", "gradient,step", "--trail", "3"])
    assert result.exit_code == 0, result.output
    with Image.open(gif) as decoded:
        assert decoded.n_frames == 12  # three optimizers, 12 // 3 = 4 frames each (the hold is the last delay)
    manifest = json.loads((tmp_path / "turns.gif.json").read_text())["render"]
    assert manifest["overlays"] == ["gradient", "step"] and manifest["trail"] == 3 and manifest["sequence"]


@pytest.mark.slow
def test_a_sequence_of_given_duration_as_mp4(runner, scene_file, tmp_path):
    from viz.cli import main

    mp4 = tmp_path / "turns.mp4"
    result = runner.invoke(main, ["render", str(scene_file(SURFACE_SCENE)), "--sequence", "--duration", "3", "--fps",
                                  "10", "--hold", "0", "--size", "320x180", "-o", str(mp4)])
    assert result.exit_code == 0, result.output
    assert imageio_ffmpeg.count_frames_and_secs(str(mp4))[0] == 30  # 3 s at 10 fps, a second per optimizer


@pytest.mark.parametrize("arguments, words", [
    (["--trail", "0"], "--trail"),
    (["--overlays", "gradient,curvature"], "unknown overlay 'curvature'"),
])
def test_the_cli_rejects_bad_values_in_one_line(runner, quick, arguments, words):
    from viz.cli import main

    result = runner.invoke(main, ["render", str(quick), *arguments])
    assert result.exit_code == 2
    assert words in one_error_line(result)


def test_blitted_frame_with_overlays_equals_a_full_redraw(small):
    frames = Frames(small, "small", options=Options.of(size=SIZE, overlays=("gradient", "step"), trail=4))
    assert blit_mismatch(frames, 9).tolist() == []


@pytest.mark.parametrize("which", ["small", pytest.param("lesson", marks=pytest.mark.slow)])
def test_the_arrows_legend_is_readable_beside_the_lessons_curves(which, request):
    """The lesson's History markers (drawn outside their axes, empty at first) once made the
    layout think the curves started at the frame's left edge, and the legend shrank to 1 pt."""
    frames = Frames(request.getfixturevalue(which), "lesson", options=Options.of(size=(1280, 720), overlays=("gradient", "step")))
    key = frames.panels[0].lines[0].axes.get_legend().get_texts()[0]  # start, minimum
    assert min(text.get_fontsize() for text in frames.panels[1].legend.get_texts()) >= 0.8 * key.get_fontsize()


def test_an_arrow_scale_does_not_flicker_between_frames():
    """The longest step alternating just either side of where the scale of a single frame
    would switch (x50 / x100): one scale throughout, not a doubling and halving of every arrow."""
    from viz.render.panels.overlays import arrow_scales, nice_scale

    longest = np.tile([0.0021, 0.0019], 50)
    assert {nice_scale(LONGEST / length) for length in longest} == {50, 100}  # what each frame alone would pick
    scales = arrow_scales(longest, span=1.0)
    assert len(set(scales.tolist())) == 1
    fading = np.geomspace(1.0, 1e-4, 300)  # a gradient vanishing over four decades: a few changes, each for good
    changes = np.flatnonzero(np.diff(arrow_scales(fading, span=1.0)))
    assert 2 <= len(changes) <= 5 and (np.diff(arrow_scales(fading, span=1.0)) >= 0).all()


@pytest.mark.slow
def test_frames_keep_their_arrow_scales(rosenbrock):
    frames = Frames(rosenbrock, "arrows", options=Options.of(size=SIZE, overlays=("gradient", "step")))
    overlay = frames.panels[1]
    texts = []
    for index in range(len(frames) - 1):
        frames[index]
        texts.append(tuple(factor.get_text() for factor in overlay.factors))
    assert not any(a == c != b for a, b, c in zip(texts, texts[1:], texts[2:]))  # never there and back


def test_overlays_stay_readable_where_heads_coincide(small):
    """At the start every head is on one point with one gradient: one gradient arrow, under the
    paths; the step arrows over the heads; a trail's oldest part still clearly drawn."""
    frames = Frames(small, "small", options=Options.of(size=SIZE, overlays=("gradient", "step"), trail=2))
    frames[0]
    overlay, paths = frames.panels[1], frames.panels[0]
    assert (~hidden(overlay.quivers["gradient"])).sum() == 1 and (~hidden(overlay.quivers["step"])).sum() == 2
    assert (overlay.quivers["gradient"].get_zorder() < paths.lines[0].get_zorder() < paths.heads[0].get_zorder()
            < overlay.quivers["step"].get_zorder())
    frames[small.steps]
    assert paths.lines[0].get_colors()[:, 3].min() >= 0.35
