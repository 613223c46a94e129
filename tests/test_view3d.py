"""--view 3d: a surface scene's f(x, y) as a 3D surface, the paths on it, blitted like the 2D view."""

import json

import imageio_ffmpeg
import matplotlib.colors
import numpy as np
import pytest
from conftest import blit_mismatch, one_error_line, redraw_mismatch
from mpl_toolkits.mplot3d import proj3d
from PIL import Image

from viz import Scene, record, surfaces
from viz.cli import main
from viz.divergence import diverged_steps
from viz.pipeline import checked
from viz.render.options import Options
from viz.render.frames import Frames

SIZE = (640, 360)
STEPS = 20
# SGD at lr 0.01 leaves Rosenbrock's domain at step 2 and diverges at step 6; Adam stays inside.
SCENE = f"""
from viz import Scene, surfaces

steep = Scene(title="Rosenbrock in 3D", problem=surfaces.get("rosenbrock", start=(-1.2, 1.0)),
              optimizers={{"SGD": "sgd", "Adam": "adam"}}, learning_rate=0.01, steps={STEPS})
"""


@pytest.fixture(scope="module")
def steep():
    """The recording of SCENE: SGD diverged (leaving the domain first), Adam inside it."""
    return record(Scene(title="Rosenbrock in 3D", problem=surfaces.get("rosenbrock", start=(-1.2, 1.0)),
                        optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.01, steps=STEPS))


@pytest.fixture(scope="module")
def frames(steep):
    """The 3D view of ``steep`` at SIZE, laid out once for the tests that only show its frames
    (a frame drawn alone is the frame drawn in order: tests/test_frames.py); seen from the
    valley's open side, where Adam's 20 small steps cross the picture."""
    return Frames(steep, "3d", options=Options.of(size=SIZE, view="3d", camera=(50, -60)))


def head_pixel(frames, path, step):
    """(row, column) in the picture of the recorded point of ``path`` at ``step`` on the
    surface, projected by the 3D axes."""
    panel = frames.panels[0]
    x, y = frames.recording.plane.xy[path, step]
    projected = proj3d.proj_transform(x, y, panel.path_z[path, step], panel.ax.get_proj())
    column, row = panel.ax.transData.transform(projected[:2])
    return int(round(frames.figure.bbox.height - row)), int(round(column))


def test_blitted_3d_frame_equals_a_full_redraw(steep, frames):
    """The surface is in the background; the moving 3D lines, drawn alone over it, give the
    picture matplotlib's full redraw of that step gives."""
    assert blit_mismatch(frames, 12).tolist() == []
    head = frames.panels[0].heads[1]  # Adam's: the comparison finds it missing, where it belongs
    head.set_visible(False)
    blitted = frames[12].copy()
    head.set_visible(True)
    missing = redraw_mismatch(frames, blitted)
    assert len(missing) > 10 and np.abs(missing - head_pixel(frames, 1, 12)).max() <= 8


def test_a_head_moves_over_the_surface(steep, frames):
    first, last = frames[0].copy(), frames[STEPS].copy()
    np.testing.assert_array_equal(first[:20], last[:20])  # the title: drawn once
    gone = diverged_steps(steep)[0]
    frames[gone - 1]
    assert "diverged" not in frames.legend.said[0]  # the legend tells no future
    frames[gone]
    assert frames.legend.said[0] == f"SGD (diverged at step {gone})"
    frames[STEPS]
    start, end = head_pixel(frames, 1, 0), head_pixel(frames, 1, STEPS)  # Adam's
    assert abs(start[0] - end[0]) + abs(start[1] - end[1]) > 10
    window = (slice(end[0] - 2, end[0] + 3), slice(end[1] - 2, end[1] + 3))
    assert np.abs(first[window].astype(int) - last[window].astype(int)).max() > 60


def test_paths_lie_on_the_log_surface(steep, frames):
    """The drawn line holds the recorded points, at z = log10(f - lowest) (floored), and the
    z axis says so."""
    frames[STEPS]
    panel = frames.panels[0]
    scale = panel.z
    # The floor is a power of ten at or above the contour panel's first level step's: the
    # lowest under which the grid's points make a region three points across, not a comb.
    first_step = np.diff(steep.plane.levels)[0]
    floor = scale.floor
    assert scale.log and 10.0 ** np.floor(np.log10(first_step)) <= floor and np.log10(floor) == round(np.log10(floor))
    under = steep.plane.grid_loss < floor
    inner = under[1:-1, 1:-1] & under[:-2, 1:-1] & under[2:, 1:-1] & under[1:-1, :-2] & under[1:-1, 2:]
    assert inner.sum() >= 0.5 * under.sum()
    assert scale.low == 0.0  # Rosenbrock's minimum, 0 at (1, 1), lies below the floor: f itself is drawn
    assert panel.ax.get_zlabel() == ""  # (the note under the panel says what the height is)
    assert f"height: f(x, y), log scale; below {floor:g} drawn at {floor:g}" in [t.get_text() for t in frames.figure.texts]
    shown, behind = (np.column_stack(line.get_data_3d()) for line in (panel.lines[1], panel.behind_lines[1]))  # Adam
    xs, ys, zs = np.where(np.isnan(shown), behind, shown).T  # (the part behind the hill: dashed, faint)
    np.testing.assert_array_equal(xs, steep.plane.xy[1, :, 0])
    np.testing.assert_array_equal(ys, steep.plane.xy[1, :, 1])
    x, y = steep.plane.xy[1].T
    np.testing.assert_allclose(10.0**zs, np.maximum((1 - x) ** 2 + 100 * (y - x * x) ** 2, floor), rtol=1e-9)
    # One tick per power of ten, from the floor up to the highest f in the domain (a corner:
    # f(-2, -1) = 9 + 100 * 25 = 2509), labelled with f's value.
    (x0, x1), (y0, y1) = surfaces.get("rosenbrock").domain
    highest = max((1 - x) ** 2 + 100 * (y - x * x) ** 2 for x in (x0, x1) for y in (y0, y1))
    assert highest == 2509
    powers = range(int(np.log10(floor)), int(np.floor(np.log10(highest))) + 1)
    labels = [panel.ax.zaxis.get_major_formatter()(tick) for tick in panel.ax.get_zticks()]
    assert labels == [f"{10.0**power:,g}" for power in powers]


def test_a_head_out_of_the_domain_waits_where_it_left_then_crosses(steep, frames):
    panel = frames.panels[0]
    frames[2]  # SGD has left the domain (x = 4.65), not yet diverged (its loss passes 10^6 times its start at 3)
    x, y, z = (values[0] for values in panel.heads[0].get_data_3d())
    (x1, y1), (x2, y2) = steep.params[0, 1:3]  # it left through the right edge, x = 2, between steps 1 and 2
    assert x == 2.0 and y == pytest.approx(y1 + (2.0 - x1) / (x2 - x1) * (y2 - y1))
    assert panel.heads[0].get_marker() == "o"
    # on the surface there, as drawn: f (Rosenbrock's, by hand) at the grid's node nearest the crossing
    grid_x, grid_y = steep.plane.grid_x, steep.plane.grid_y
    node_x, node_y = grid_x[np.abs(grid_x - x).argmin()], grid_y[np.abs(grid_y - y).argmin()]
    assert node_x == x and abs(node_y - y) <= (grid_y[1] - grid_y[0]) / 2
    assert z == pytest.approx(np.log10((1 - node_x) ** 2 + 100 * (node_y - node_x**2) ** 2), rel=1e-12)
    frames[STEPS]
    assert panel.heads[0].get_marker() == "X"  # as in the 2D panel


@pytest.mark.slow
def test_cli_gif_and_mp4_in_3d(runner, scene_file, tmp_path):
    path = scene_file(SCENE)
    gif = tmp_path / "steep.gif"
    result = runner.invoke(main, ["render", str(path), "--view", "3d", "-o", str(gif), "--size", "480x360"])
    assert result.exit_code == 0, result.output
    with Image.open(gif) as image:
        assert image.n_frames == STEPS + 1 and image.size == (480, 360)
    assert json.loads((tmp_path / "steep.gif.json").read_text())["render"]["view"] == "3d"
    mp4 = tmp_path / "steep.mp4"
    result = runner.invoke(main, ["render", str(path), "--view", "3d", "-o", str(mp4), "--size", "640x360",
                                  "--hold", "0"])
    assert result.exit_code == 0, result.output
    reader = imageio_ffmpeg.read_frames(str(mp4))
    meta = next(reader)
    assert tuple(meta["size"]) == (640, 360) and sum(1 for _ in reader) == STEPS + 1


def test_a_model_has_no_3d_view(runner, quick, outputs):
    result = runner.invoke(main, ["render", str(quick), "--view", "3d", "--size", "320x180"])
    assert result.exit_code == 2
    assert "--view 3d: scene 'quick': draws a surface's f(x, y)" in one_error_line(result)
    assert not outputs.exists()  # refused before training: nothing recorded, nothing cached


def test_an_unknown_view_is_refused(runner, quick):
    result = runner.invoke(main, ["render", str(quick), "--view", "4d"])
    assert result.exit_code == 2
    assert "--view 4d: choose one of 2d, 3d" in one_error_line(result)
    with pytest.raises(ValueError, match="view='4d': choose one of 2d, 3d"):
        checked(view="4d")


def test_a_path_leaving_the_box_is_clipped_at_its_face():
    from viz.render.panels.clip import clipped_polyline

    points = np.array([[0.0, 0.0, 0.0], [0.5, 0.5, 0.5], [3.0, 0.5, 0.5], [0.5, -0.5, 0.5], [0.5, 0.5, 0.5],
                       [np.nan, np.nan, np.nan]])
    vertices, counts = clipped_polyline(points, (0, 0, 0), (1, 1, 1))
    expected = [[0, 0, 0], [0.5, 0.5, 0.5], [1, 0.5, 0.5],  # leaves through the face x = 1
                [np.nan] * 3, [0.5, 0, 0.5], [0.5, 0.5, 0.5]]  # a gap, then in again through y = 0
    np.testing.assert_allclose(vertices, expected)
    assert counts.tolist() == [1, 2, 3, 3, 6, 6]  # the step out of the box draws nothing; NaN (diverged) neither


def test_the_panel_draws_the_clipped_path(steep, frames):
    frames[2]  # SGD's step 2 is at x = 4.65, out of the domain [-2, 2]
    xs, ys, zs = frames.panels[0].lines[0].get_data_3d()
    assert len(xs) == 3 and xs[-1] == 2.0  # stops where the step crosses the border x = 2
    np.testing.assert_array_equal(xs[:2], steep.plane.xy[0, :2, 0])


@pytest.mark.slow
def test_the_camera_turns_the_view_and_needs_it(steep):
    frames = Frames(steep, "3d", options=Options.of(size=SIZE, view="3d", camera=(20, -30)))
    assert (frames.panels[0].ax.elev, frames.panels[0].ax.azim) == (20, -30)
    with pytest.raises(ValueError, match="use it with view 3d"):
        checked(camera=(20, -30))
    with pytest.raises(ValueError, match="elevation is between -90 and 90"):
        checked(view="3d", camera=(120, 0))


def whole_paths(panel):
    """Each path's clipped vertices, visible or hidden."""
    return [np.where(np.isnan(shown), behind, shown)
            for (shown, _), (behind, _) in zip(panel.polylines, panel.behind)]


def pixel(frames, point):
    """(row, column) in the picture of the 3D data point ``point``, as the 3D axes project it."""
    ax = frames.panels[0].ax
    column, row = ax.transData.transform(proj3d.proj_transform(*point, ax.get_proj())[:2])
    return int(round(frames.figure.bbox.height - row)), int(round(column))


def isolated(frames, vertices, hidden, want, room=8):
    """The index of a vertex of ``vertices`` whose hidden flag is ``want`` (as are both its
    neighbours') and whose pixel is ``room`` pixels from those whose flag is not."""
    others = vertices[(hidden != want) & np.isfinite(vertices).all(axis=1)]
    far = np.array([pixel(frames, point) for point in others])
    for k in range(1, len(vertices) - 1):
        if hidden[k - 1:k + 2].tolist() == [want] * 3 and np.isfinite(vertices[k - 1:k + 2]).all():
            at = np.array(pixel(frames, vertices[k]))
            if np.abs(far - at).max(axis=1).min() >= room:
                return k
    raise AssertionError(f"no isolated vertex with hidden={want}")


@pytest.mark.slow  # lays out two more views of the module's recording
def test_a_path_the_surface_hides_is_drawn_dashed_and_faint(steep):
    """Seen across the valley, the end of Adam's path lies behind its near wall: where it is
    hidden the picture holds its colour only faint (blended with the surface), where it is in
    front the colour itself; the key says what the faint dashes are. Seen from straight above
    nothing on the surface is hidden (and the key has no such entry), and a point under it is."""
    from viz.render.panels.paths import path_styles

    frames = Frames(steep, "3d", options=Options.of(size=SIZE, view="3d", camera=(45, 80)))
    panel = frames.panels[0]
    picture = frames[STEPS].astype(int)[..., :3]
    paths = whole_paths(panel)
    hidden = [panel.hidden(vertices) for vertices in paths]
    for path, (line, behind) in enumerate(zip(panel.lines, panel.behind_lines)):
        solid, dashed = np.column_stack(line.get_data_3d()), np.column_stack(behind.get_data_3d())
        at = hidden[path][: len(solid)]
        assert np.isnan(solid[at]).all() and np.isfinite(dashed[at]).all()
    assert behind.get_linestyle() != line.get_linestyle() and behind.get_alpha() < 1
    assert behind.get_linewidth() < line.get_linewidth()
    assert "behind the surface" in [text.get_text() for text in panel.ax.get_legend().get_texts()]
    adam = (panel.lines[1], panel.behind_lines[1], panel.heads[1])
    for artist in adam:
        artist.set_visible(False)
    under = frames[STEPS].astype(int)[..., :3]  # the picture without Adam's path
    for artist in adam:
        artist.set_visible(True)
    colour = np.array(matplotlib.colors.to_rgb(path_styles(steep.names)[1]["color"])) * 255
    drawn = {}  # how far each is from what lies under it towards Adam's colour, at most (1: the colour)
    for want in (True, False):
        row, column = pixel(frames, paths[1][isolated(frames, paths[1], hidden[1], want)])
        window = (slice(row - 3, row + 4), slice(column - 3, column + 4))
        towards = colour - under[window]
        share = ((picture[window] - under[window]) * towards).sum(axis=-1) / (towards**2).sum(axis=-1)
        drawn[want] = share[(towards**2).sum(axis=-1) > 40**2].max()
    assert drawn[False] > 0.85  # in front: Adam's colour
    assert 0.25 < drawn[True] < 0.75  # behind: drawn, but only faint
    top = Frames(steep, "3d", options=Options.of(size=SIZE, view="3d", camera=(90, -90))).panels[0]
    points = np.concatenate([vertices[np.isfinite(vertices).all(axis=1)] for vertices in whole_paths(top)])
    assert not top.hidden(points).any()
    assert "behind the surface" not in [text.get_text() for text in top.ax.get_legend().get_texts()]
    under = points[-1] - [0, 0, 1.5]
    assert top.hidden(under)[0]


@pytest.mark.slow
def test_rosenbrocks_camera_shows_its_valley_floor_and_the_paths(steep):
    """The chosen camera, high over the valley and along it, hides less of the valley floor
    (the lowest 5% of the grid) and of the paths than the one that looked into the valley's
    open side (its near wall hid most of the floor)."""
    plane = steep.plane
    gx, gy = np.meshgrid(plane.grid_x, plane.grid_y)

    def hidden_share(camera):
        panel = Frames(steep, "3d", options=Options.of(size=(854, 480), view="3d", camera=camera)).panels[0]
        floor = plane.grid_loss < np.quantile(plane.grid_loss, 0.05)
        points = np.column_stack([gx[floor], gy[floor], panel.z(plane.grid_loss[floor])])
        path = whole_paths(panel)[1]  # Adam's: SGD's leaves the domain at once
        return panel.hidden(points).mean(), panel.hidden(path[np.isfinite(path).all(axis=1)]).mean()

    chosen, side = hidden_share(None), hidden_share((50, -60))
    assert chosen[0] < 0.5 and chosen[0] < side[0] and chosen[1] <= 0.1
