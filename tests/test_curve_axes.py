"""Curve axes scaled to the data: a floored log axis, a 0-1 axis that zooms to a tuned run's
range, several starts told apart (a panel each, numbered on the contours), and no "f(x, y)"
twice side by side."""

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from viz import Scene, record, surfaces
from viz.render.frames import Frames
from viz.render.options import Options
from viz.render.panels.curves import FLOOR, CurvePanel, ByStart

SIZE = (854, 480)


def drawn(values, unit_range=False):
    ax = FigureCanvasAgg(Figure()).figure.add_subplot()
    CurvePanel(ax, [f"p{i}" for i in range(len(values))], np.asarray(values, dtype=float), "loss", 0, None, unit_range)
    return ax


def test_a_log_axis_is_floored_at_a_meaningful_level():
    steps = np.arange(301)
    converged = [100 * 0.7**steps, 100 * 0.98**steps]  # one runs to 1e-45: round-off, not progress
    ax = drawn(converged)
    assert ax.get_yscale() == "log"
    low, high = ax.get_ylim()
    assert low >= FLOOR * 100 / 2 and np.log10(high / low) < 10  # not two thirds of the axis below 1e-10


def test_a_unit_axis_zooms_to_a_tuned_run_and_keeps_0_1_otherwise():
    steps = np.arange(300)
    tuned = [0.69 * np.exp(-steps / 3) + 0.03, 0.69 * np.exp(-steps / 5) + 0.05]  # bottom 10% of 0-1 after a few steps
    assert drawn(tuned, unit_range=True).get_ylim() == (0, 0.25)
    slow = [0.69 * np.exp(-steps / 200) + 0.1]
    assert drawn(slow, unit_range=True).get_ylim() == (0, 1)
    accurate = [1 - 0.5 * np.exp(-steps / 4)]
    assert drawn(accurate, unit_range=True).get_ylim() == (0.75, 1)


@pytest.fixture(scope="module")
def starts():
    problem = surfaces.get("himmelblau", start=[(-0.3, 0.3), (-1.0, -0.6), (0.4, -1.2), (0.8, 0.0)])
    return record(Scene(title="four", problem=problem, optimizers={"SGD": "sgd", "Adam": "adam"},
                        learning_rate=0.01, steps=60))


@pytest.mark.slow
def test_several_starts_get_a_curve_panel_each_numbered_as_on_the_contours(starts):
    frames = Frames(starts, "four", options=Options.of(size=SIZE))
    contour, by_start = frames.panels[0], frames.panels[-1]
    assert isinstance(by_start, ByStart) and len(by_start.panels) == 4
    for number, (panel, group) in enumerate(zip(by_start.panels, by_start.groups)):
        assert len(panel.lines) == 2  # SGD and Adam from this start only
        np.testing.assert_array_equal(starts.params[group, 0], np.repeat([starts.params[group[0], 0]], 2, axis=0))
        assert panel.lines[0].axes.get_title(loc="left").startswith(f"from {number + 1} ")
    ax = contour.lines[0].axes
    numbers = {text.get_text(): text.xy for text in ax.texts}
    for number, group in enumerate(by_start.groups):
        assert numbers[str(number + 1)] == pytest.approx(starts.params[group[0], 0])
    frames[len(frames) - 1]
    limits = {panel.lines[0].axes.get_ylim() for panel in by_start.panels}
    assert len(limits) == 1  # one y axis for all starts


def test_f_x_y_is_not_written_twice_side_by_side(starts):
    one = record(Scene(title="one", problem=surfaces.get("beale"), optimizers={"SGD": "sgd"}, learning_rate=0.01,
                       steps=20))
    frames = Frames(one, "one", options=Options.of(size=SIZE))
    bar, curves = frames.figure.axes[1], frames.panels[-1].lines[0].axes
    assert bar.get_xlabel() == "f(x, y)" and not bar.get_ylabel()  # under the bar, not beside the curves
    assert "f(x, y)" not in curves.get_ylabel() and curves.get_ylabel()


def test_a_curve_off_its_panel_is_said_with_its_value():
    """Rule 2 of the layout: a loss above 1 on the lesson's 0-1 axes (an initializer's outlier,
    1.77 -> 1.36) widens the axis; a curve that still runs off it (a first step at 40) gets
    "off scale" and its value at the panel's top, from the step it does."""

    steps = np.arange(61)
    outlier = 1.36 + 0.41 * np.exp(-steps / 20)
    ax = FigureCanvasAgg(Figure()).figure.add_subplot()
    panel = CurvePanel(ax, ["glorot", "he_normal"], np.array([0.7 - 0.004 * steps, outlier]), "training loss",
                       steps_per_epoch=12, unit_range=True)
    assert ax.get_ylim()[1] >= outlier.max()  # all of he_normal's curve is drawn
    assert "loss" in ax.get_ylabel()
    spike = np.array([0.7 - 0.004 * steps, outlier])
    spike[0, 2] = 40.0
    ax = FigureCanvasAgg(Figure()).figure.add_subplot()
    panel = CurvePanel(ax, ["glorot", "he_normal"], spike, "training loss", steps_per_epoch=12, unit_range=True)
    panel.after_layout(ax.figure.canvas.get_renderer())  # (as the layout does, once the panel's box is final)
    panel.update([1, 1])
    assert not panel.off.text.get_visible()  # not yet: nothing tells the future
    panel.update([60, 60])
    assert panel.off.text.get_visible() and panel.off.text.get_text() == "\N{UPWARDS ARROW} off scale: up to 40"


def test_long_runs_thin_the_history_markers():
    """Issue 28, point 11: 2,000 epochs of one step each draw no History markers (the line
    says the same), 200 epochs of five steps at most 40 (one every fifth epoch)."""
    from viz.render.panels.curves import MARKS

    loss = np.exp(-np.arange(2001) / 500)[None]
    ax = FigureCanvasAgg(Figure()).figure.add_subplot()
    panel = CurvePanel(ax, ["GD"], loss, "training loss", steps_per_epoch=1, per_epoch=loss[:, 1:])
    assert panel.marks == []
    ax = FigureCanvasAgg(Figure()).figure.add_subplot()
    panel = CurvePanel(ax, ["SGD"], loss[:, :1001], "training loss", steps_per_epoch=5, per_epoch=loss[:, 5:1001:5])
    panel.after_layout(ax.figure.canvas.get_renderer())
    panel.update([1000])
    epochs = panel.marks[0].get_xdata()
    assert len(epochs) == MARKS and list(epochs[:2]) == [5, 10]
