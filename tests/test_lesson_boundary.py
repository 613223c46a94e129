"""The lesson's decision boundary panel: lines where w·x + b = 0, on two features or PCs."""

import numpy as np
import pytest

from viz.problems.logreg import FEATURES, lesson_data
from viz.render.options import Options
from viz.render.frames import Frames
from viz.render.panels.boundary import clip_line, principal_axes

from conftest import one_error_line


@pytest.mark.parametrize("features", [("variance", "skewness"), ("curtosis", "variance"), ("pca",)])
def test_the_drawn_line_is_where_the_recorded_weights_say_zero(recorded, features):
    frames = Frames(recorded, "recorded", options=Options.of(size=(640, 360), boundary=True, features=features))
    panel = frames.panels[-1]
    x_train = lesson_data()[0]
    axes = principal_axes(x_train) if features == ("pca",) else np.eye(4)[[FEATURES.index(f) for f in features]]
    for step in (0, recorded.steps // 2 - 1, recorded.steps):
        frames[step]
        for path, line in enumerate(panel.lines):
            ends = np.column_stack(line.get_data())
            assert ends.shape == (2, 2)
            points = ends @ axes  # back into the four standardised features (the others at 0)
            weights = recorded.params[path, step]
            np.testing.assert_allclose(points @ weights[:4] + weights[4], 0, atol=1e-9)
            (x0, y0), (x1, y1) = panel.view
            assert np.all((ends[:, 0] >= x0 - 1e-9) & (ends[:, 0] <= x1 + 1e-9))
            assert np.all((ends[:, 1] >= y0 - 1e-9) & (ends[:, 1] <= y1 + 1e-9))
    assert panel.lines[0].axes.get_xlabel().startswith("feature PC1" if features == ("pca",) else features[0])


def test_lines_that_miss_the_view_are_not_drawn():
    view = np.array([[0.0, 0.0], [1.0, 1.0]])
    assert clip_line(np.array([1.0, 0.0]), -2.0, view).shape == (0, 2)  # x = 2
    np.testing.assert_allclose(clip_line(np.array([1.0, -1.0]), 0.0, view), [[0, 0], [1, 1]])  # the diagonal


def test_principal_axes_are_orthonormal_and_ordered():
    x_train = lesson_data()[0]
    axes = principal_axes(x_train)
    np.testing.assert_allclose(axes @ axes.T, np.eye(2), atol=1e-12)
    spread = np.var((x_train - x_train.mean(axis=0)) @ axes.T, axis=0)
    assert spread[0] > spread[1] and spread[0] == pytest.approx(np.linalg.eigvalsh(np.cov(x_train.T, bias=True))[-1])


@pytest.mark.slow
def test_cli_draws_the_boundaries_moving_in_their_panel(runner, quick, small, tmp_path):
    """Decoded frames: each optimizer's colour is drawn in the boundary panel, and the lines
    move between the first and the last frame."""
    from PIL import Image, ImageColor

    from viz.cli import main
    from viz.render.panels import path_styles

    folder = tmp_path / "boundary"
    result = runner.invoke(main, ["render", str(quick), "--panels", "contour,curves,boundary", "--features", "pca",
                                  "--format", "frames", "-o", str(folder), "--size", "640x360"])
    assert result.exit_code == 0, result.output
    pictures = sorted(folder.glob("frame_*.png"))
    assert len(pictures) == small.steps + 1
    box = Frames(small, "Quick", options=Options.of(size=(640, 360), boundary=True, features=("pca",))).panels[-1].lines[0].axes.bbox
    inside = (slice(int(360 - box.y1) + 4, int(360 - box.y0) - 3), slice(int(box.x0) + 4, int(box.x1) - 3))

    def drawn(picture, index):  # pixels of the index-th optimizer's colour in the panel
        with Image.open(picture) as image:
            rgb = np.asarray(image.convert("RGB"), int)[inside]
        return np.abs(rgb - ImageColor.getrgb(path_styles(small.names)[index]["color"])).max(axis=-1) <= 40

    for index in range(2):
        assert drawn(pictures[-1], index).sum() > 40, small.names[index]
    first, last = drawn(pictures[0], 1), drawn(pictures[-1], 1)  # Adam's: drawn over SGD's at the start
    assert first.sum() > 40 and (last & ~first).sum() > last.sum() / 2  # most of it elsewhere at the end


@pytest.mark.parametrize("args, message", [
    (["--panels", "contour,pie"], "unknown panel 'pie'"),
    (["--panels", "boundary"], "the contour and curves panels are always drawn"),
    (["--features", "variance,colour", "--panels", "contour,curves,boundary"], "takes two different names of variance, skewness"),
    (["--features", "variance,skewness"], "add the boundary panel"),
])
def test_cli_refuses_unknown_panels_and_features(runner, quick, tmp_path, args, message):
    from viz.cli import main

    result = runner.invoke(main, ["render", str(quick), *args, "-o", str(tmp_path / "x.png")])
    assert result.exit_code == 2 and message in one_error_line(result), (args, result.output)


def drawn_boundary(recording, **options):
    """The frames of ``recording`` with the boundary panel at 854x480 (``options`` added), its
    figure drawn: (frames, the loss panel's axes, the boundary panel's axes)."""
    frames = Frames(recording, "recorded", options=Options.of(size=(854, 480), boundary=True, **options))
    frames[recording.steps]
    loss_ax, boundary_ax = ({line.axes for line in panel.lines}.pop() for panel in frames.panels[-2:])
    return frames, loss_ax, boundary_ax


@pytest.mark.parametrize("font_scale", [1.0, 1.5])
def test_the_class_key_keeps_clear_of_the_loss_panels_epoch(small, font_scale):
    frames, loss_ax, boundary_ax = drawn_boundary(small, font_scale=font_scale)
    renderer = frames.figure.canvas.get_renderer()
    key = boundary_ax.get_legend().get_window_extent(renderer)
    above = [loss_ax.xaxis.label, *loss_ax.get_xticklabels()]
    assert [text.get_text() for text in above if text.get_window_extent(renderer).overlaps(key)] == []
    assert key.y0 >= boundary_ax.get_window_extent(renderer).y1 - 1  # and off the points


@pytest.mark.parametrize("features", [("variance", "skewness"), ("pca",)])
def test_the_boundary_panel_has_one_scale_on_both_axes(small, features):
    """A unit is as many pixels along x as along y: the boundaries' slopes are drawn true."""
    frames, _, ax = drawn_boundary(small, features=features)
    box = ax.get_window_extent()
    per_pixel = np.ptp(ax.get_xlim()) / box.width, np.ptp(ax.get_ylim()) / box.height
    np.testing.assert_allclose(*per_pixel, rtol=1e-3)


def test_the_features_principal_components_are_named_apart_from_the_planes(small):
    """The contour panel's PC1 is a direction among the weights, the boundary panel's one among
    the features: on one frame, no two axes say the same "PCn"."""
    frames, _, _ = drawn_boundary(small, features=("pca",))
    import re

    named = [match for ax in frames.figure.axes for label in (ax.get_xlabel(), ax.get_ylabel())
             for match in re.findall(r"(\w+ )?PC(\d)", label)]
    assert len(named) == 4 and len(set(named)) == 4, named


def contrast(first, second):
    """WCAG's contrast ratio of two sRGB colours [3] in 0..1."""
    linear = [np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4) @ [0.2126, 0.7152, 0.0722]
              for c in (np.asarray(first), np.asarray(second))]
    return (max(linear) + 0.05) / (min(linear) + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_each_class_stands_out_from_the_background(theme):
    """One point of each class, drawn alone: the decoded pixel at its centre is at least 3:1
    against the background (WCAG's contrast for graphics), and the two classes differ."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.colors import to_rgb

    from viz.render.panels.boundary import scatter_classes
    from viz.render.theme import THEMES

    chosen = THEMES[theme]
    figure = Figure(figsize=(2, 2), dpi=100, facecolor=chosen.background)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 0.8), facecolor=chosen.background)
    scatter_classes(ax, np.array([[0.25, 0.5], [0.75, 0.5]]), np.array([0, 1]), chosen)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3] / 255
    centres = [ax.transData.transform(point) for point in ((0.25, 0.5), (0.75, 0.5))]
    colours = [pixels[int(figure.bbox.height - y), int(x)] for x, y in centres]
    background = to_rgb(chosen.background)
    assert [round(contrast(colour, background), 1) >= 3 for colour in colours] == [True, True], colours
    assert contrast(*colours) > 1.5
