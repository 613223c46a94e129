"""Nothing false on the frame: paths drawn only inside the view, ending at its border with a
mark; blow-ups called diverged even while their numbers stay finite; heads that left the view
said so (issue 16, points 3, 6, 7)."""

import dataclasses
import json
import textwrap

import numpy as np
import pytest
from matplotlib.colors import to_rgb

import viz
from viz import record
from viz.scene import load_scenes
from viz.cli import main
from viz.divergence import FACTOR, divergence_steps, diverged_by_label
from viz.render.frames import Frames
from viz.render.options import Options

SIZE = (854, 480)


# SGD at lr 0.22 on x^2 + 5y^2: y is multiplied by 1 - 0.22 * 10 = -1.2 each step, so it swings
# across the valley ever wider, out of the view from step 4 on, and its loss grows a
# trillion-fold while staying finite. Adam converges inside the view.
BLOWUP_FILE = """
    from viz import Scene, surfaces

    def bowl(x, y):
        return x * x + 5 * y * y

    blowup = Scene(title="x² + 5y²: SGD at lr 0.22 blows up",
                   problem=surfaces.custom(bowl, domain=((-2, 2), (-2, 2)), start=(-1.5, 1.0)),
                   optimizers={"SGD": {"class_name": "SGD", "config": {"learning_rate": 0.22}}, "Adam": "adam"},
                   learning_rate=0.05, steps=60)
"""


@pytest.fixture(scope="module")
def blowup_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenes") / "blowup.py"
    path.write_text(textwrap.dedent(BLOWUP_FILE))
    return path


@pytest.fixture(scope="module")
def blowup(blowup_file):
    return record(load_scenes(blowup_file)["blowup"])


def zoomed(recording, x_to):
    """``recording`` with its view cut to x <= ``x_to`` (its grid sliced, so the contours stay
    true): a path heading for the minimum at 0 leaves it through the right border."""
    plane = recording.plane
    keep = plane.grid_x <= x_to
    plane = dataclasses.replace(plane, grid_x=plane.grid_x[keep], grid_loss=plane.grid_loss[:, keep],
                                marks=plane.marks[:0])
    return dataclasses.replace(recording, plane=plane)


def colour_pixels(frame, colour, box):
    """How many pixels of ``frame`` within ``box`` (rows, columns slices) have ``colour``."""
    rgb = np.array(to_rgb(colour)) * 255
    return int((np.abs(frame[box][..., :3].astype(int) - rgb).max(axis=-1) <= 12).sum())


def pixel_box(frames, x0, x1, y0, y1):
    """The picture's rows and columns of the data box x0..x1, y0..y1 of the contour panel."""
    ax = frames.panels[0].lines[0].axes
    (c0, r1), (c1, r0) = ax.transData.transform([(x0, y0), (x1, y1)])
    height = frames.figure.bbox.height
    return slice(int(height - r0), int(height - r1)), slice(int(c0), int(c1))


def test_divergence_is_a_finite_blow_up_too():
    loss = np.array([[2.0, 10.0, 2.0 * FACTOR * 1.01, 5.0],   # over a million times its start: diverged at 2
                     [2.0, 1.0, np.nan, np.nan],               # not finite: diverged at 2
                     [2.0, 1.9 * FACTOR, 1.0, 0.5],            # big but below the limit: fine
                     [-1.0, 3.0, 50.0, 2e7]])                  # starts below 0: the view's range (10) is the yardstick
    assert divergence_steps(loss, loss_range=10.0).tolist() == [2, 2, -1, 3]


@pytest.fixture(scope="module")
def blowup_frames(blowup):
    """``blowup`` laid out once at SIZE for the tests that only show its frames."""
    return Frames(blowup, "blowup", options=Options.of(size=SIZE))


def test_a_blow_up_is_called_diverged_on_the_frame_while_its_numbers_stay(blowup, blowup_frames):
    assert np.isfinite(blowup.loss).all() and blowup.loss[0, -1] > 1e9 * blowup.loss[0, 0]
    assert diverged_by_label(blowup) == {"SGD": 39, "Adam": None}
    frames = blowup_frames
    frames[len(frames) - 1]
    panel = frames.panels[0]
    assert panel.heads[0].get_marker() == "X" and panel.heads[1].get_marker() != "X"
    labels = frames.legend.said
    assert labels[0].endswith("(diverged at step 39)") and "diverged" not in labels[1]
    frames[38]  # the legend tells no future: nothing diverged yet
    assert "diverged" not in frames.legend.said[0]
    frames[len(frames) - 1]
    curves = frames.panels[1]
    assert curves.crosses[0].get_visible() and 1 not in curves.crosses
    assert curves.lines[0].axes.get_ylim()[1] < 1e6  # the curve axes fit what did not diverge


def test_the_manifest_says_diverged_and_the_export_keeps_the_finite_numbers(blowup, blowup_file, runner, tmp_path):
    path = blowup_file
    output = tmp_path / "blowup.png"
    viz.render(path, output, size=SIZE, last_frame=True)
    manifest = json.loads(output.with_name("blowup.png.json").read_text())
    assert manifest["diverged"] == {"SGD": 39, "Adam": None}
    exported = tmp_path / "blowup.npz"
    result = runner.invoke(main, ["export", str(path), "-o", str(exported)])
    assert result.exit_code == 0, result.output
    with np.load(exported) as data:
        np.testing.assert_array_equal(data["loss"], blowup.loss)  # finite stays finite: not NaN after 39


def test_no_chords_between_points_outside_the_view(blowup_frames):
    """From step 4 on SGD's points lie above and below the view, alternately: the straight lines
    between them would draw a bar through the valley at x ~ -0.1 .. 0; none is drawn, and the
    path's drawn vertices all lie in the view."""
    frames = blowup_frames
    frame = frames[len(frames) - 1]
    line = frames.panels[0].lines[0]
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    drawn = np.isfinite(x)
    assert (np.abs(x[drawn]) <= 2).all() and (np.abs(y[drawn]) <= 2 + 1e-9).all()
    band = pixel_box(frames, -0.06, -0.01, 0.6, 1.4)  # only the chords of steps >= 5 would pass here
    assert colour_pixels(frame, line.get_color(), band) == 0
    # the path's own steps (0 to 4) are drawn: its colour at the first step's middle
    assert colour_pixels(frame, line.get_color(), pixel_box(frames, -1.25, -1.1, -0.2, 0.2)) > 0


def test_a_head_that_left_the_view_waits_on_its_border_with_a_mark_and_says_so(blowup):
    narrow = zoomed(blowup, -0.5)  # Adam heads for (0, 0): it leaves through x = -0.5
    frames = Frames(narrow, "zoomed", options=Options.of(size=SIZE))
    last = narrow.steps
    frames[last]
    panel = frames.panels[0]
    out = np.flatnonzero(narrow.plane.xy[1, :, 0] > narrow.plane.grid_x[-1])[0]
    head = panel.heads[1].get_xydata()[0]
    assert head[0] == pytest.approx(narrow.plane.grid_x[-1])  # on the right border
    mark = panel.exits[1].get_xydata()
    np.testing.assert_allclose(mark, [head])  # the mark beside it
    labels = frames.legend.said
    assert f"(left the view at step {out})" in labels[1]
    frames[out - 1]
    assert len(panel.exits[1].get_xydata()) == 0  # no mark while it is inside
    assert "left the view" not in frames.legend.said[1]  # nor words: no future
