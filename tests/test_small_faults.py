"""Three small faults the contact sheet showed, pinned on what a render wrote: the PDF's text
boxes (tests/layout_rules.py) or the counter's words."""

import dataclasses

import numpy as np

import pytest

from tests.layout_rules import apart, read_pdf, rule_1
from viz import record
from viz.render.animation import render


@pytest.fixture(scope="module")
def digits():
    """digits_cnn on 320 rows for 3 epochs: its six optimizers (the legend's two rows)."""
    from viz.scene import load_scenes

    scene = load_scenes("scenes/digits_cnn.py")["digits_cnn"]
    small = dataclasses.replace(scene.problem, x=scene.problem.x[:320], y=scene.problem.y[:320], epochs=3)
    return record(dataclasses.replace(scene, problem=small))


@pytest.mark.slow
def test_the_line_panels_title_stays_on_the_frame_beside_the_curves(digits, tmp_path):
    """digits_cnn with the sharpness and line panels: the line panel's title, fitted when the
    panel was made, ran off the frame's right edge once the layout had narrowed the panel
    (rule 1). It is fitted as drawn, inside the frame and clear of every other text."""
    render(digits, tmp_path / "d.pdf", "Six optimizers train a small CNN to read handwritten digits (lr 0.01, "
           "batch 32)", size=(960, 540), extras=("sharpness", "line"))
    lines, _, page = read_pdf(tmp_path / "d.pdf", 960)
    title = [line for line in lines if "head" in line.text or "exact" in line.text]
    assert title, [line.text for line in lines]
    assert rule_1(lines, page) == []


@pytest.mark.slow
@pytest.mark.parametrize("keywords", [{"size": (640, 360)}, {"size": (480, 360), "aspect": "4:3", "theme": "dark"},
                                      {"size": (640, 360), "font_scale": 1.5}], ids=["default", "dark-4:3", "x1.5"])
def test_the_hidden_panels_x_label_keeps_clear_of_its_tick_labels(keywords, tmp_path):
    """scenes/chapter/hidden_layer.py as the contact sheet renders it: "hidden unit 1" sat a
    labelpad of 4 points (2.8 px at 360p) under its tick labels, seen touching them on the
    sheet. It keeps the room the layout keeps between texts (spacing.ROOM) from every text."""
    import viz
    from viz.render.spacing import ROOM

    viz.render("scenes/chapter/hidden_layer.py", tmp_path / "h.pdf", last_frame=True, **keywords)
    lines, _, page = read_pdf(tmp_path / "h.pdf", keywords["size"][0])
    label = next(line for line in lines if line.text == "hidden unit 1")
    near = min((apart(label.box, line.box), line.text) for line in lines if line is not label)
    assert near[0] >= ROOM, near
    assert rule_1(lines, page) == []


@pytest.mark.slow  # (a recording: seconds, most of them importing Keras)
def test_a_full_batch_counter_and_key_say_only_what_is_drawn():
    """scenes/edge_of_stability.py (one batch an epoch) said "epoch 600 / 600    step 600 / 600",
    the same number twice, and its curves' key explained History's diamonds, which the curves
    draw for no full batch's loss (its line says it). The counter says the epoch once; the key
    lists the line alone."""

    from viz.render.frames import Frames
    from viz.scene import load_scenes

    scene = load_scenes("scenes/edge_of_stability.py")["edge_of_stability"]
    small = dataclasses.replace(scene.problem, x=scene.problem.x[:40], y=scene.problem.y[:40], batch_size=40, epochs=4)
    recording = record(dataclasses.replace(scene, problem=small, optimizers={"GD": "sgd"}))
    assert recording.steps_per_epoch == 1
    frames = Frames(recording, "full batch")
    assert [frames.counter_text(np.array([step])) for step in (0, 3, 4)] == ["epoch 0 / 4", "epoch 3 / 4", "epoch 4 / 4"]
    keys = [[text.get_text() for text in key.get_texts()] for key in frames.figure.legends]
    assert ["all training rows, after each step"] in keys, keys
    assert not any(panel.marks for panel in frames.panels if hasattr(panel, "marks"))


@pytest.mark.slow
def test_digits_at_font_scale_one_and_a_half_keep_every_panel_and_image_its_least_size(digits, tmp_path):
    """digits_cnn at font scale 1.5: its sample images were 10 px and its curves 131 px of a
    720 px frame (rule 10): the images, in one row as high as they need, keep their least side
    and the curves theirs, and no text meets another (rule 1)."""
    from tests.least_size import rule_10

    render(digits, tmp_path / "d.pdf", "Six optimizers train a small CNN to read handwritten digits (lr 0.01, "
           "batch 32)", size=(1280, 720), font_scale=1.5)  # (at 360p its text floors leave no room)
    assert rule_10(tmp_path / "d.pdf", (1280, 720), 1.5) == []
    lines, _, page = read_pdf(tmp_path / "d.pdf", 1280)
    assert rule_1(lines, page) == []


@pytest.mark.slow
def test_digits_at_640x360_and_font_scale_one_and_a_half_leave_the_images_out_and_say_so(digits, tmp_path):
    """digits_cnn at 640x360, font scale 1.5: no plan kept both its sample images and its curves
    their least sizes, and the nearest squeezed the curves to 48 px of the least 68 (rule 10).
    The images are left out, a note says so, and every panel keeps its least size."""
    from tests.least_size import images, rule_10

    render(digits, tmp_path / "d.pdf", "Six optimizers train a small CNN to read handwritten digits (lr 0.01, "
           "batch 32)", size=(640, 360), font_scale=1.5)
    assert rule_10(tmp_path / "d.pdf", (640, 360), 1.5) == []
    lines, _, page = read_pdf(tmp_path / "d.pdf", 640)
    assert "sample images left out: no room for them at this size" in " ".join(line.text for line in lines)
    assert [box for box in images(tmp_path / "d.pdf", 640) if box[0] > 320] == []  # (none under the curves)
    assert rule_1(lines, page) == []


@pytest.mark.slow
def test_the_accuracy_label_keeps_the_loss_labels_size_at_640x360(digits, tmp_path):
    """digits_cnn at 640x360 (the contact sheet's tile): "training accuracy, per epoch" did not
    fit its panel's height on two lines and shrank to the floor, half the loss label's size,
    unreadable on a projector. Where it would shrink it drops ", per epoch" (the key says that
    History's values are per epoch) and keeps the loss label's size."""
    from tests.layout_rules import texts

    render(digits, tmp_path / "d.pdf", "digits", size=(640, 360))
    lines, _, page = read_pdf(tmp_path / "d.pdf", 640)
    said = {words: group for words, group in texts(lines)}
    assert "training accuracy" in said and "training loss" in said, list(said)
    assert {line.size for line in said["training accuracy"]} == {line.size for line in said["training loss"]}
    assert rule_1(lines, page) == []


def test_a_grid_of_tall_views_keeps_its_cells_least_width():
    """Generated seed 251 (seven tall views, the grid alone at 640x480): the largest cells by
    area were seven in a row, 0.77 in (51 px) wide; where area breaks the least size (0.9 in
    here) the arrangement whose smaller side is largest wins: two rows of four."""
    from viz.render.panels.grid import grid_shape

    tall = dict(gap_x=0.38, gap_y=0.62, shape_of=lambda aspect: min(aspect, 21.2))
    assert grid_shape(7, 7.71, 5.26, **tall)[:2] == (1, 7)  # by area alone
    rows, columns, wide, high, _ = grid_shape(7, 7.71, 5.26, **tall, least=0.9)
    assert (rows, columns) == (2, 4) and min(wide, high) >= 0.9
    assert grid_shape(7, 7.71, 5.26, **tall, least=3.0)[:2] == (2, 4)  # none keeps it: the largest smaller side


@pytest.mark.slow
@pytest.mark.parametrize("seed", [251, 253])
def test_generated_grids_keep_their_cells_least_size(seed, tmp_path, monkeypatch):
    """Generated seeds 251 and 253 (grids of seven tall views) broke rule 10, every cell
    51 x 309 px of a 480 px frame; every rule holds on them now."""
    from tests.test_layout_rules import check

    check(seed, tmp_path, monkeypatch)


def _runs_through(box, curve):
    """Whether the polyline ``curve`` ([(x, y)] pixels) comes into ``box`` (x0, y0, x1, y1),
    each segment followed in half-pixel steps."""
    for (xa, ya), (xb, yb) in zip(curve, curve[1:]):
        for t in np.linspace(0, 1, max(2, int(2 * max(abs(xb - xa), abs(yb - ya))) + 1)):
            x, y = xa + t * (xb - xa), ya + t * (yb - ya)
            if box[0] <= x <= box[2] and box[1] <= y <= box[3]:
                return True
    return False


def _dotted_lines(path, width_px):
    """The horizontal dotted lines (two points, a dash pattern) of the PDF frame at ``path``:
    [(x0, x1, y)] in pixels of a frame ``width_px`` wide (not the grid's lines: solid)."""
    from pdfminer.layout import LTCurve

    from tests.layout_rules import pdf_page

    objects, _, (_, _, width, _) = pdf_page(path)
    scale = width_px / width
    return [(scale * min(x for x, _ in o.pts), scale * max(x for x, _ in o.pts), scale * o.pts[0][1])
            for o in objects if isinstance(o, LTCurve) and len(o.pts) == 2 and o.dashing_style
            and o.dashing_style[0] and abs(o.pts[0][1] - o.pts[1][1]) < 1e-6]


@pytest.mark.slow
@pytest.mark.parametrize("scene, size, font_scale, extras, words", [
    ("rosenbrock/too_fast", (1280, 720), 1.0, "", ["limits 162\u2013260"]),
    ("rosenbrock/too_fast", (1280, 720), 1.5, "", ["limits 162\u2013260"]),
    ("valley/valley", (640, 360), 1.0, ",line", ["2/lr 3.25", "limits 2.03\u20132.5"]),
    ("himmelblau/himmelblau", (640, 360), 1.0, ",line", ["limits 162\u2013260"])],
    ids=["too_fast", "too_fast-x1.5", "valley", "himmelblau"])
def test_the_sharpness_limits_words_are_written_where_no_curve_and_no_limit_runs(scene, size, font_scale, extras,
                                                                                  words, tmp_path):
    """rosenbrock's too_fast with the sharpness panel: its three limits (Nesterov 162, SGD 200,
    momentum 260) lie ~8 px apart; "2/lr 200" was written across RMSprop's curve, then between
    the other two limits' dotted lines, which crossed it, and the two limits went unsaid. Limits
    a line of text apart are named together ("limits 162-260") beyond the outermost of them,
    where no curve (a path's line, of three or more points) and no dotted line runs, at the
    default size and at font scale 1.5; words with no such place (valley with the line panel
    too at 640x360, the contact sheet's tile: "2/lr 2.03" on the flat curves at 2) name the
    nearer group's limits too; a line of room is kept over the highest limit as under the
    lowest (himmelblau's short sharpness row: its words lay on the curves under the limits)."""
    import viz

    file, name = scene.split("/")
    viz.render(f"scenes/{file}.py", tmp_path / "r.pdf", scene=name, last_frame=True, size=size,
               panels="contour,curves,sharpness" + extras, font_scale=font_scale)
    lines, curves, page = read_pdf(tmp_path / "r.pdf", size[0])
    said = [line for line in lines if "2/lr" in line.text and "dots" not in line.text or line.text.startswith("limits")]
    assert sorted(line.text for line in said) == words
    dots = _dotted_lines(tmp_path / "r.pdf", size[0])
    assert len({round(y, 1) for _, _, y in dots}) == 3, dots  # (each start's SGD family draws its own)
    for box in (line.box for line in said):
        crossed = [curve for curve in curves if len(curve) > 2 and _runs_through(box, curve)]
        assert not crossed, crossed
        assert not [(x0, x1, y) for x0, x1, y in dots if box[1] <= y <= box[3] and x0 <= box[2] and box[0] <= x1], \
            (box, dots)
    assert rule_1(lines, page) == []


@pytest.fixture(scope="module")
def full_batch():
    """edge_of_stability's network on 40 of its points, full batch, for 4 epochs, at its three step sizes."""
    from viz.scene import load_scenes

    scene = load_scenes("scenes/edge_of_stability.py")["edge_of_stability"]
    small = dataclasses.replace(scene.problem, x=scene.problem.x[:40], y=scene.problem.y[:40], batch_size=40, epochs=4)
    return record(dataclasses.replace(scene, problem=small))


@pytest.mark.slow
def test_the_colour_bars_label_and_the_curves_read_as_two(full_batch, tmp_path):
    """edge_of_stability, dark, 960x720 at font scale 0.75: the colour bar's "training loss on
    this plane" and the curves' "training loss" stood 6 px apart, side by side, and read as one
    label of two lines. They keep a letter's width (twice spacing.ROOM and more) apart."""
    from tests.layout_rules import apart
    from viz.render.spacing import ROOM

    render(full_batch, tmp_path / "e.pdf", "edge of stability", size=(960, 720), theme="dark", font_scale=0.75)
    lines, _, page = read_pdf(tmp_path / "e.pdf", 960)
    bar = next(line for line in lines if line.text == "training loss on this plane")
    curves = next(line for line in lines if line.text == "training loss")
    assert apart(bar.box, curves.box) >= 2 * ROOM, (bar, curves)
    assert rule_1(lines, page) == []


@pytest.mark.slow
def test_the_insets_words_keep_clear_of_the_tick_labels(tmp_path):
    """saddle at 640x360, font scale 1.5: the inset's "whole domain", centred under it, stood
    2 px from the y tick label "1.0". On two lines under the inset, it keeps spacing.ROOM from
    every other text."""
    import viz
    from tests.layout_rules import apart, texts
    from viz.render.spacing import ROOM

    viz.render("scenes/saddle.py", tmp_path / "s.pdf", last_frame=True, size=(640, 360), font_scale=1.5)
    lines, _, page = read_pdf(tmp_path / "s.pdf", 640)
    words, group = next((words, group) for words, group in texts(lines) if "whole" in words)
    assert words == "whole domain"
    near = min((apart(mine.box, line.box), line.text) for line in lines if line not in group for mine in group)
    assert near[0] >= ROOM, near
    assert rule_1(lines, page) == []
