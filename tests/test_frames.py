import numpy as np
import pytest

from viz.render.options import Options
from viz.render.frames import Frames

from conftest import blit_mismatch, redraw_mismatch

SIZE = (640, 360)


def head_pixel(frames, optimizer, step):
    """(row, column) in the picture of an optimizer's position after ``step``."""
    ax = frames.panels[0].lines[0].axes
    x, y = ax.transData.transform(frames.recording.plane.xy[optimizer, step])
    return int(round(frames.figure.bbox.height - y)), int(round(x))


def test_one_rgba_frame_per_step(small):
    frames = Frames(small, "small", options=Options.of(size=SIZE))
    assert len(frames) == small.steps + 1 == 16
    frame = frames[3]
    assert frame.shape == (360, 640, 4) and frame.dtype == np.uint8


@pytest.mark.parametrize("recorded", ["small", pytest.param("lesson", marks=pytest.mark.slow)],
                         indirect=True)
def test_blitted_frame_equals_a_full_redraw(recorded):
    """Drawing only the moving artists over the saved background gives the same picture as
    matplotlib's full redraw of that step, pixel for pixel away from the axes' frame lines."""
    frames = Frames(recorded, "recorded", options=Options.of(size=SIZE))
    assert blit_mismatch(frames, recorded.steps // 2).tolist() == []


def test_the_redraw_comparison_catches_a_missing_head(small):
    """The comparison above is strict enough: one head left out of the blitted frame is found,
    and found where that head belongs."""
    frames = Frames(small, "small", options=Options.of(size=SIZE))
    step = 9
    head = frames.panels[0].heads[1]  # Adam's, well inside the panel at step 9
    head.set_visible(False)
    blitted = frames[step].copy()
    head.set_visible(True)
    missing = redraw_mismatch(frames, blitted)
    assert len(missing) > 10
    row, col = head_pixel(frames, 1, step)
    assert np.abs(missing - [row, col]).max() <= 8  # all of it around the head


def test_static_parts_stay_and_paths_move(recorded):
    frames = Frames(recorded, "recorded", options=Options.of(size=SIZE))
    last_step = recorded.steps
    first, middle, last = (frames[i].copy() for i in (0, last_step // 2, last_step))
    np.testing.assert_array_equal(first[:40], middle[:40])  # title and legend: drawn once, untouched until the
    assert not np.array_equal(middle[:40], last[:40])       # paths arrive; then the legend says their values
    row, col = head_pixel(frames, len(recorded.names) - 1, last_step)  # the last optimizer's end point
    window = (slice(row - 2, row + 3), slice(col - 2, col + 3))
    assert np.abs(first[window].astype(int) - last[window].astype(int)).max() > 60
    assert not np.array_equal(first, middle) and not np.array_equal(middle, last)


def test_schedule_spreads_evenly_or_holds_steps():
    from viz.render.options import Options, schedule

    assert schedule(300, Options.of()).tolist() == list(range(301))
    steps = schedule(10000, Options.of())
    assert len(steps) == 600 and steps[0] == 0 and steps[-1] == 10000
    assert set(np.diff(steps)) <= {16, 17}
    held = schedule(15, Options.of(duration=2, fps=25))  # 16 steps over 50 frames
    assert len(held) == 50 and held[0] == 0 and held[-1] == 15 and set(np.diff(held)) <= {0, 1}
    assert np.bincount(held).min() >= 3


def test_a_subsampled_frame_shows_its_step(small):
    frames = Frames(small, "small", [0, 7, 15], Options.of(size=SIZE, fps=5))  # 5 fps: the counter's every beat
    assert len(frames) == 3
    frames[1]
    assert frames.counter.get_text().endswith("step 7 / 15")
    np.testing.assert_array_equal(frames.panels[0].lines[0].get_xdata(), small.plane.xy[0, :8, 0])


def test_the_counter_changes_five_times_a_second_and_says_holds_and_the_end_exactly(small):
    """At 25 fps the counter says a new step every fifth frame (a readout, not a flicker, and
    fewer GIF bytes); where the animation holds a step and on the last frame it says that step."""
    steps = [0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    frames = Frames(small, "small", steps, Options.of(size=SIZE, fps=25))
    said = []
    for index in range(len(frames)):
        frames[index]
        said.append(int(frames.counter.get_text().split("step ")[1].split(" /")[0]))
    assert said == [0, 0, 0, 0, 0, 5, 5, 7, 7, 7, 8, 8, 8, 8, 8, 13, 13, 15]


def test_a_head_out_of_view_waits_where_its_path_left():
    from viz.render.panels.paths import heads_in_view

    view = ((0.0, 1.0), (0.0, 1.0))
    xy = np.array([[[0.5, 0.5], [0.5, 0.9], [0.7, 1.3], [2.0, 3.0]],   # leaves through the top at x = 0.55
                   [[2.0, 0.5], [3.0, 0.5], [0.5, 0.5], [0.5, 0.6]]])  # starts outside, comes in
    index = np.tile(np.arange(4), (2, 1))
    heads, away = heads_in_view(xy, index, view)
    np.testing.assert_allclose(heads[0], [[0.5, 0.5], [0.5, 0.9], [0.55, 1.0], [0.55, 1.0]])
    np.testing.assert_allclose(heads[1], [[1.0, 0.5], [1.0, 0.5], [0.5, 0.5], [0.5, 0.6]])


def test_a_frame_is_the_same_drawn_in_order_or_alone(small):
    """Direct labels keep their place from frame to frame; a frame drawn alone (a still, a
    seek) shows them where the animation has them."""
    in_order = Frames(small, "small", options=Options.of(size=SIZE))
    for index in range(len(in_order)):
        last = in_order[index].copy()
    alone = Frames(small, "small", options=Options.of(size=SIZE))
    assert np.array_equal(alone[len(alone) - 1], last)
    middle = len(alone) // 2
    alone[middle]  # back to an earlier frame, after the last
    assert np.array_equal(alone[middle], Frames(small, "small", options=Options.of(size=SIZE))[middle])


@pytest.mark.slow
def test_labels_placed_once_a_frame_when_a_sample_is_drawn_first(small, monkeypatch):
    """The GIF writer draws its palette's sample (first, middle, last frame) before every frame
    in order: the frames are those drawn in order alone, and the direct labels are placed once
    a frame (the second time round as logged)."""
    from viz.render.panels.labels import DirectLabels

    in_order = [frame.copy() for frame in Frames(small, "small", options=Options.of(size=SIZE))]
    placed = []
    real = DirectLabels._place
    monkeypatch.setattr(DirectLabels, "_place", lambda self, steps: (placed.append(1), real(self, steps)))
    frames = Frames(small, "small", options=Options.of(size=SIZE))
    for index in (0, len(frames) // 2, len(frames) - 1):
        frames[index]
    assert all(np.array_equal(frames[index], frame) for index, frame in enumerate(in_order))
    assert frames.panels[0].labels.texts and len(placed) == len(frames)


@pytest.mark.slow
def test_the_key_over_the_paths_is_drawn_once_while_nothing_beneath_it_changes(small, monkeypatch):
    """The contour panel's key (start, minimum) is drawn with the animated artists, over the
    heads; its pixels are kept and placed again while what lies beneath it is unchanged, and
    the frames stay those of a full redraw."""
    from matplotlib.legend import Legend

    frames = Frames(small, "small", options=Options.of(size=SIZE))
    key, drawn = frames.panels[0].key, []
    real = Legend.draw
    monkeypatch.setattr(Legend, "draw", lambda self, renderer: (drawn.append(self), real(self, renderer)))
    for index in range(len(frames)):
        frames[index]
    assert key is not None and drawn.count(key) == 1
    assert blit_mismatch(frames, small.steps // 2).tolist() == []


def test_the_colour_bar_spans_the_contour_panel_when_wide_tick_labels_move_them_right(small, scale=1.5):
    """Wide y tick labels move the contour panel and its colour bar right together; the bar
    keeps the panel's height (laid out from where they were placed, not from where a draw had
    left the bar, shortened for its extensions: it was shortened twice)."""
    frames = Frames(small, "small", options=Options.of(size=SIZE, font_scale=scale))
    ax = frames.panels[0].lines[0].axes
    panel, bar = ax.get_position(original=True), frames.figure.axes[1].get_position(original=True)
    assert panel.x0 * frames.figure.get_figwidth() > 0.77 * scale  # moved right
    assert (bar.y0, bar.height) == pytest.approx((panel.y0, panel.height), abs=1e-4)
