"""The contour panel's view follows the paths: zoomed to where they go (start and minimum in
view, equal scales), the whole domain in an inset, the panel's room used; read back from the
drawn axes."""

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from viz import SEED_OPTIMIZERS, Scene, record, surfaces
from viz.render.frames import Frames
from viz.render.options import Options

LOW_169, LOW_43 = (854, 480), (640, 480)


@pytest.fixture(scope="module")
def beale():
    return record(Scene(title="Beale", problem=surfaces.get("beale", start=(1.0, 1.5)), optimizers=SEED_OPTIMIZERS,
                        learning_rate=0.01, steps=300))


@pytest.fixture(scope="module")
def valley():
    return record(Scene(title="valley", problem=surfaces.get("valley"), optimizers={"SGD": "sgd", "Adam": "adam"},
                        learning_rate=0.3, steps=100))


def contour_of(frames):
    panel = frames.panels[0]
    return panel, panel.lines[0].axes


def pixels(ax):
    return ax.get_window_extent(ax.get_figure().canvas.get_renderer())


@pytest.mark.slow
def test_beale_is_zoomed_to_its_paths_with_the_whole_domain_in_an_inset(beale):
    frames = Frames(beale, "Beale", options=Options.of(size=LOW_169))
    panel, ax = contour_of(frames)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert (x1 - x0) * (y1 - y0) < 0.25 * 9 * 9  # the paths use ~15% of the 9 x 9 domain
    points = np.concatenate([beale.plane.xy.reshape(-1, 2), [[3.0, 0.5], [1.0, 1.5]]])  # paths, minimum, start
    assert np.all((points[:, 0] > x0) & (points[:, 0] < x1) & (points[:, 1] > y0) & (points[:, 1] < y1))
    box = pixels(ax)
    assert abs(box.width - box.height * (x1 - x0) / (y1 - y0)) <= 1  # equal scales, to the pixel
    assert panel.inset is not None
    assert panel.inset.get_xlim() == (-4.5, 4.5) and panel.inset.get_ylim() == (-4.5, 4.5)
    inset = pixels(panel.inset)
    heads = np.array([panel.head(path, len(beale.loss[0]) - 1) for path in range(len(beale.names))])
    shown = ax.transData.transform(np.concatenate([points, heads]))
    assert not np.any((shown[:, 0] > inset.x0) & (shown[:, 0] < inset.x1) & (shown[:, 1] > inset.y0)
                      & (shown[:, 1] < inset.y1))  # the inset covers no path, start, minimum or head
    levels = panel.lines[0].axes.collections[0].levels
    assert levels.max() < 0.1 * beale.plane.levels.max()  # levels for the loss in view, not the domain's


def test_at_4_3_the_contour_panel_fills_its_room(beale):
    frames = Frames(beale, "Beale", options=Options.of(size=LOW_43))
    _, ax = contour_of(frames)
    box, curves = pixels(ax), pixels(frames.panels[1].lines[0].axes)
    assert box.height > 0.95 * curves.height  # no empty bands above and below a small square


def test_a_wide_domain_is_not_a_thin_strip(valley):
    frames = Frames(valley, "valley", options=Options.of(size=LOW_169))
    _, ax = contour_of(frames)
    box = pixels(ax)
    assert box.height > 0.7 * box.width  # the 20 x 8 domain at full width would be 0.4
    assert ax.get_xlim()[1] < 5  # the right half, which no path visits, is left out


def test_the_minimum_on_the_border_keeps_clear_of_the_colour_bar():
    corner = surfaces.custom(lambda x, y: (x - 2) ** 2 + y**2, domain=((-2, 2), (-2, 2)), start=[(-1.8, 1.8)],
                             minima=[(2, 0)])
    recording = record(Scene(title="corner", problem=corner, optimizers={"SGD": "sgd"}, learning_rate=0.1, steps=40))
    frames = Frames(recording, "corner", options=Options.of(size=LOW_169))
    panel, ax = contour_of(frames)
    assert ax.get_xlim()[1] == 2  # the minimum is on the view's border
    renderer = ax.get_figure().canvas.get_renderer()
    star = next(line for line in ax.lines if line.get_marker() == "*").get_window_extent(renderer)
    bar = frames.figure.axes[1].get_window_extent(renderer)
    assert star.x1 + 2 < bar.x0


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_lowest_band_is_not_the_background_s_colour(theme):
    """The minimum on the right border: the lowest band reaches the axes' right edge and is drawn
    tinted, not in the background's colour (which reads as a band the contours do not cover)."""
    corner = surfaces.custom(lambda x, y: (x - 2) ** 2 + y**2, domain=((-2, 2), (-2, 2)), start=[(-1.8, 1.8)],
                             minima=[(2, 0)])
    recording = record(Scene(title="corner", problem=corner, optimizers={"SGD": "sgd"}, learning_rate=0.1, steps=5))
    frames = Frames(recording, "corner", options=Options.of(size=LOW_169, theme=theme))
    _, ax = contour_of(frames)
    picture = frames[len(frames) - 1][..., :3].astype(int)
    renderer = ax.get_figure().canvas.get_renderer()
    box = pixels(ax)
    star = next(line for line in ax.lines if line.get_marker() == "*").get_window_extent(renderer)
    height = picture.shape[0]
    rows = [height - y for y in range(int(box.y0) + 3, int(box.y1) - 3) if not star.y0 - 2 <= y <= star.y1 + 2]
    edge = picture[rows, int(box.x1) - 3]  # a column just inside the axes' right edge
    background = np.round(np.array(to_rgb(frames.figure.get_facecolor())) * 255)
    assert len(rows) > 100
    assert not np.any(np.abs(edge - background).max(axis=1) <= 2)


def test_the_start_ring_shows_whole_over_the_paths_leaving_it(valley):
    frames = Frames(valley, "valley", options=Options.of(size=LOW_169))
    _, ax = contour_of(frames)
    picture = frames[len(frames) - 1][..., :3].astype(int)
    ring = next(line for line in ax.lines if line.get_marker() == "o" and line.get_label().startswith("start"))
    x, y = ax.transData.transform(ring.get_xydata()[0])
    radius = ring.get_markersize() / 2 * frames.figure.dpi / 72
    ink = np.round(np.array(to_rgb(ring.get_markeredgecolor())) * 255)
    on_ring = []
    for angle in np.linspace(0, 2 * np.pi, 24, endpoint=False):  # all round, the paths' side too
        column, row = int(round(x + radius * np.cos(angle))), picture.shape[0] - int(round(y + radius * np.sin(angle)))
        near = picture[row - 1:row + 2, column - 1:column + 2].reshape(-1, 3)
        on_ring.append(np.abs(near - ink).max(axis=1).min() < 60)
    assert all(on_ring)
