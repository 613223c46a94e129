"""Faults the contact sheet (docs/contact_sheet.py) showed inside panels, pinned on what a
render wrote: the PDF's text boxes (tests/layout_rules.py) or the decoded pixels of a PNG."""

import dataclasses
import re

import numpy as np
import pytest
from PIL import Image

from tests.layout_rules import apart, read_pdf
from viz import record
from viz.render.a11y import contrast
from viz.render.animation import render
from viz.render.theme import THEMES


def pixels(path):
    """The RGB pixels [height, width, 3] of the PNG at ``path`` (ints)."""
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


@pytest.mark.slow
def test_the_digits_heading_is_readable_and_the_answers_apart_at_4_3_dark(tmp_path):
    """digits_cnn, dark at 4:3 (480x360): the predictions' heading was shrunk to 9 points, under
    the answers' size, and three wrong answers side by side ("8 ✗ (2)") touched. The heading is
    at the axis labels' size, at least 4.5:1 against the background (WCAG AA), and any two
    answers at least 2 px apart."""
    from viz.scene import load_scenes

    scene = load_scenes("scenes/digits_cnn.py")["digits_cnn"]
    small = dataclasses.replace(scene.problem, x=scene.problem.x[:320], y=scene.problem.y[:320], epochs=1)
    recording = record(dataclasses.replace(scene, problem=small, optimizers={
        "SGD momentum=0.3 nesterov": {"class_name": "SGD", "config": {"momentum": 0.3, "nesterov": True}},
        "RMSprop": "rmsprop"}))
    render(recording, tmp_path / "d.pdf", "digits", size=(480, 360), theme="dark")
    render(recording, tmp_path / "d.png", "digits", size=(480, 360), theme="dark")
    lines, _, (_, height) = read_pdf(tmp_path / "d.pdf", 480)
    heading = [line for line in lines if line.text.endswith(" right") or line.text.startswith("RMSprop (")]
    epoch = next(line for line in lines if line.text == "epoch")
    assert heading and all(line.size >= epoch.size for line in heading), [(line.text, line.size) for line in lines]
    answers = [line for line in lines if re.fullmatch(r"\d \u2713|\d \u2717( \(\d\))?|\(\d\)", line.text)]
    assert len(answers) >= 10
    assert all(apart(a.box, b.box) >= 2 for i, a in enumerate(answers) for b in answers[i + 1:]), \
        [(a.text, [round(v) for v in a.box]) for a in answers]
    x0, y0, x1, y1 = (round(v) for v in heading[0].box)
    inked = pixels(tmp_path / "d.png")[round(height) - y1:round(height) - y0, x0:x1].reshape(-1, 3)
    ground = THEMES["dark"].background
    assert contrast(inked, ground).max() >= 4.5


@pytest.mark.slow
def test_a_colour_bar_says_0_where_the_lowest_level_is_zero_but_for_rounding(tmp_path):
    """Generated scene 218 (Ackley, dark 4:3, font scale 1.21): its colour bar's lowest tick read
    "3.55e−15" under 1.79 (rule 7: numbers rounded for people). It says 0, and no tick has an
    exponent."""
    import viz
    from tests.generated_scenes import generated

    scene, keywords = generated(218)
    viz.render(scene, tmp_path / "s.pdf", last_frame=True, **keywords)
    lines, _, _ = read_pdf(tmp_path / "s.pdf", keywords["size"][0])
    step = next(line for line in lines if line.text == "1.79")  # the colour bar's second tick
    ticks = [line.text for line in lines if abs(line.box[0] - step.box[0]) < 0.5]
    assert "0" in ticks and not any("e" in tick for tick in ticks), ticks


@pytest.mark.slow
def test_the_sharpness_heads_are_whole_at_the_panels_right_edge():
    """The sharpness panel's head at the last step sits on the panel's right edge: it was cut in
    half there. A quadratic's sharpness is flat, so the head's pixels off its line's rows are
    as many on the last frame as in the middle of the run."""
    from viz import Scene, surfaces
    from viz.render.frames import Frames
    from viz.render.options import Options

    recording = record(Scene(title="flat", problem=surfaces.get("valley"), optimizers={"SGD": "sgd"},
                             learning_rate=0.01, steps=20))
    frames = Frames(recording, "flat", options=Options.of(size=(960, 540), extras=("sharpness",)))

    def inked(index):
        """The pixels of the sharpness panel (lower right) off the rows of its (level) line that
        are not the background: the axes' and the head's."""
        panel = np.asarray(frames[index])[270:, 600:, :3].astype(int)
        inked = (255 - panel).max(axis=-1) > 100
        line = inked.sum(axis=1) >= 30  # the line's rows (and the x axis')
        return int(inked[~(line | np.roll(line, 1) | np.roll(line, -1))].sum())

    middle, last = inked(len(frames) // 2), inked(len(frames) - 1)
    assert last >= middle > 0, (middle, last)


@pytest.mark.slow
def test_a_diverged_cross_covers_no_title_of_a_start_s_curve_panel(tmp_path):
    """Two starts of Himmelblau (a curve panel each, titled "from 1 …"), SGD diverging from both:
    its crosses were placed at the panels' top before the shared y axis was set, and drawn over
    the edge, over the titles. They sit inside the panels, clear of every text."""
    from tests.layout_rules import shapes
    from viz import Scene, surfaces
    from viz.render.looks import looks

    recording = record(Scene(title="Two starts", problem=surfaces.get("himmelblau", start=[(-0.3, 0.3), (0.8, 0.0)]),
                             optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.05, steps=30))
    assert not np.isfinite(recording.loss[:2]).all()  # SGD diverges from both starts
    render(recording, tmp_path / "x.pdf", "x", size=(640, 360))
    lines, _, _ = read_pdf(tmp_path / "x.pdf", 640)
    titles = [line for line in lines if line.text.startswith("from ")]
    sgd = tuple(round(int(c, 16) / 255, 3) for c in (lambda h: (h[1:3], h[3:5], h[5:7]))(
        looks(["SGD", "Adam"], THEMES["light"])["SGD"]["color"]))
    crosses = [s for s in shapes(tmp_path / "x.pdf", 640) if s.fill == sgd and s.box[0] > 0.6 * 640
               and s.box[2] - s.box[0] < 20]  # on the curves' side
    assert len(titles) == 2 and len(crosses) == 2, ([line.text for line in lines], [s.box for s in crosses])
    assert all(apart(cross.box, line.box) > 0 for cross in crosses for line in lines), \
        [(line.text, line.box, cross.box) for cross in crosses for line in lines if apart(cross.box, line.box) <= 0]


@pytest.mark.slow
def test_the_off_scale_words_of_the_starts_cells_take_one_size_the_cells(tmp_path):
    """Himmelblau's four starts beside a grid at 4:3: each cell's "off scale" words were sized
    for the frame ("small") and shrunk on their own, so a short one ("down to 0") stood larger
    than its neighbours and crowded its cell. They take the cells' titles' size, one for all,
    and keep clear of the titles however short the cells."""
    from viz import SEED_OPTIMIZERS, Scene, surfaces
    from tests.layout_rules import rule_1

    problem = surfaces.get("himmelblau", start=[(-0.3, 0.3), (-1.0, -0.6), (0.4, -1.2), (0.8, 0.0)])
    scene = Scene(title="Himmelblau's four minima, four starts (lr 0.01)", problem=problem,
                  optimizers=SEED_OPTIMIZERS, learning_rate=0.01, steps=300)
    recording = record(scene)
    render(recording, tmp_path / "h.pdf", "Himmelblau", size=(480, 360), layout="grid")
    lines, _, page = read_pdf(tmp_path / "h.pdf", 480)
    assert not rule_1(lines, page)
    titles = {line.size for line in lines if line.text.startswith("from ")}
    off = [line for line in lines if "off scale" in line.text or line.text.startswith("down to")]
    assert len(titles) == 1 and len(off) >= 4, [(line.text, line.size) for line in lines]
    assert {line.size for line in off} == titles, [(line.text, line.size) for line in off]
    render(recording, tmp_path / "s.pdf", "Himmelblau", size=(640, 360), extras=("sharpness", "line"))
    lines, _, page = read_pdf(tmp_path / "s.pdf", 640)  # cells squeezed over two more panels: the words
    assert not rule_1(lines, page)  # were on the cell's title ("3% of the cell" below its top)


@pytest.mark.slow
def test_the_starts_numbers_keep_apart_at_font_scale_1_5(tmp_path):
    """Himmelblau's four starts at font scale 1.5: each number stood on the side away from its
    paths, where two touched (rule 1); a number takes the nearest side clear of the others."""
    import viz
    from tests.layout_rules import rule_1

    viz.render("scenes/himmelblau.py", tmp_path / "h.pdf", last_frame=True, size=(640, 360), font_scale=1.5)
    lines, _, page = read_pdf(tmp_path / "h.pdf", 640)
    numbers = [line for line in lines if line.text in ("1", "2", "3", "4") and line.box[0] > 60]  # (not y ticks)
    assert sorted(line.text for line in numbers) == ["1", "2", "3", "4"], [line.text for line in lines]
    assert not rule_1(lines, page)


@pytest.mark.slow
def test_the_zeros_words_stay_inside_their_grid_cell_at_16_9(tmp_path):
    """Initializers in a grid at 640x360: the zeros cell's "all weights 0" ran left over the
    cell's border (towards the middle, but wider than the room there). No ink of the words
    lies left of the cell's y axis (found where its tick marks end, in the PDF)."""
    import viz
    from tests.layout_rules import shapes

    for suffix in ("pdf", "png"):
        viz.render("scenes/chapter/initializers.py", tmp_path / f"g.{suffix}", last_frame=True, size=(640, 360),
                   layout="grid")
    lines, _, (_, height) = read_pdf(tmp_path / "g.pdf", 640)
    words = next(line for line in lines if line.text == "all weights 0")
    ticks = [s for s in shapes(tmp_path / "g.pdf", 640) if len(s.pts) == 2 and abs(s.box[1] - s.box[3]) < 0.5
             and 1 < s.box[2] - s.box[0] < 8 and s.box[2] < words.box[0] + 20 and abs(s.box[1] - words.box[1]) < 60]
    spine = int(max(tick.box[2] for tick in ticks))  # the pixel column left of the axis line
    rows = slice(round(height - words.box[3]), round(height - words.box[1]))
    left = pixels(tmp_path / "g.png")[rows, spine - 3:spine].min(axis=-1)
    assert (left > 100).all(), left


@pytest.mark.slow
def test_the_insets_words_leave_the_minimums_star_whole(tmp_path):
    """rosenbrock at 640x360, font scale 1.5: the inset's "whole domain", under it in the top
    right corner, covered the global minimum's star at (1, 1) (the minimum unmarked). The words
    slide beside the star, keeping clear of it."""
    import viz
    from tests.layout_rules import texts
    from viz.render.spacing import ROOM

    viz.render("scenes/rosenbrock.py", tmp_path / "r.pdf", scene="rosenbrock", last_frame=True, size=(640, 360),
               font_scale=1.5)
    lines, curves, _ = read_pdf(tmp_path / "r.pdf", 640)
    words = next(group for text, group in texts(lines) if "whole" in text)
    stars = [(min(x for x, _ in c), min(y for _, y in c), max(x for x, _ in c), max(y for _, y in c))
             for c in curves if len(c) == 11 and c[0] == c[-1]]  # (a star: five tips, five notches, closed)
    stars = [box for box in stars if 8 < box[2] - box[0] < 20 and 8 < box[3] - box[1] < 20]
    assert len(stars) == 2, stars  # the key's and the minimum's
    assert min(apart(star, line.box) for star in stars for line in words) >= ROOM, (stars, words)  # (and its box)
