"""Rule 10 (a panel keeps a least size) on the frames the contact sheet showed squeezed, read
from each PDF's spines and text boxes (tests/least_size.py): each failed before the layout
gave its panels room (viz/render/room.py's plans)."""

import pytest

import viz
from tests.least_size import panels, rule_10
from tests.layout_rules import read_pdf, rule_1
from viz.render.animation import render


@pytest.fixture(scope="module")
def four(tmp_path_factory):
    """The lesson made quick with four optimizers (the legend in two rows at large text, as the
    chapter's scenes have it): one epoch of batch size 64."""
    from viz import Scene, problems

    return viz.record(Scene(title="four", problem=problems.logreg(epochs=1, batch_size=64), learning_rate=0.05,
                            optimizers={"batch 16": "sgd", "batch 32": "adam", "batch 64": "rmsprop",
                                        "batch 128": "adagrad"}))


def _frame(recording, path, size, **fields):
    """``recording``'s last frame as a PDF at ``size``: its text lines, page and what rule 10 finds."""
    render(recording, path, size=size, **fields)
    lines, _, page = read_pdf(path, size[0])
    return lines, page, rule_10(path, size, fields.get("font_scale", 1.0))


@pytest.mark.slow
def test_the_loss_and_the_accuracy_go_side_by_side_at_large_text(four, tmp_path, scale=1.5):
    """At font scale 1.5 of a 640x360 frame under a title of two lines (the chapter's
    scenes) the loss and accuracy, one above the other, were about 50 px high (their labels
    shrunk to fit; 56 px here): now side by side, each at least its least size (68 px at 1.5), no text
    over another."""
    lines, page, broken = _frame(four, tmp_path / "frame.pdf", (640, 360), font_scale=scale,
                                 title="One SGD, four batch sizes (banknotes, lr 0.01, 10 epochs)")
    assert broken == [] and rule_1(lines, page) == []
    right = [box for box in panels(tmp_path / "frame.pdf", 640) if box[0] > 320]
    assert len(right) == 2 and abs(right[0][1] - right[1][1]) < 1  # side by side, level


@pytest.mark.slow
def test_the_boundary_panel_keeps_its_size_at_font_scale_1_3(four, tmp_path):
    """Point 16: the boundary panel at 16:9 and font scale 1.3 was 47-55 px high under the loss
    (the lesson's six optimizers, four here); now beside it, both at least 59 px each way, its
    x label within the frame."""
    lines, page, broken = _frame(four, tmp_path / "frame.pdf", (640, 360), font_scale=1.3, boundary=True,
                                 title="Six optimizers, one logistic regression (banknotes, lr 0.01, batch 16)")
    assert broken == [] and rule_1(lines, page) == []


@pytest.mark.slow
def test_four_starts_with_the_sharpness_and_line_panels_fit_at_480x360(tmp_path):
    """Himmelblau's four starts with the sharpness and line panels at 480x360: the starts'
    cells were 14 px high and 12 texts overlapped; now the two panels take a row along the
    frame's foot and every cell keeps its least size (45 px)."""
    from viz import Scene, surfaces

    starts = [(-0.3, 0.3), (-1.0, -0.6), (0.4, -1.2), (0.8, 0.0)]
    scene = Scene(title="Four starts", problem=surfaces.get("himmelblau", start=starts),
                  optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.01, steps=20)
    path = tmp_path / "frame.pdf"
    viz.render(scene, path, last_frame=True, size=(480, 360), panels="contour,curves,sharpness,line")
    lines, _, page = read_pdf(path, 480)
    assert rule_10(path, (480, 360)) == []
    assert [each for each in rule_1(lines, page) if not each.startswith(("'1'", "'2'", "'3'"))] == []  # (the
    # contour's start numbers "1".."4" close together are the paths panel's to place)
    assert len([box for box in panels(path, 480) if box[1] < 100]) == 2  # the two panels along the foot


@pytest.mark.slow
def test_the_hidden_layer_panel_keeps_its_size_at_font_scale_1_5(tmp_path):
    """The hidden-layer panel under the loss at font scale 1.5 was 6-25 px high (the chapter's
    hidden_layer: 6, this one: 19); now beside the loss, both at least 68 px each way, no text over another."""
    from tests.generated_scenes import tiny_model
    from viz import Scene

    scene = Scene(title="A hidden layer of two units learns to separate the blobs (SGD, batch 32)",
                  problem=tiny_model(0), optimizers={"SGD": "sgd"}, learning_rate=0.05)
    path = tmp_path / "frame.pdf"
    viz.render(scene, path, last_frame=True, size=(640, 360), font_scale=1.5, panels="contour,curves,hidden",
               time_budget=1)
    lines, _, page = read_pdf(path, 640)
    assert rule_10(path, (640, 360), 1.5) == [] and rule_1(lines, page) == []


@pytest.mark.slow
def test_a_grid_of_seven_at_4_3_and_font_scale_1_2_drops_the_curves_for_its_cells(tmp_path):
    """Seven optimizers in a grid at 640x480 and font scale 1.2 were 3 x 3 cells of 49 x 42 px
    beside the curves (72 the least): now the grid alone takes the width (its titles say each
    loss now), every cell at least its least size, no text over another, the counter in the frame."""
    from viz import Scene, surfaces

    names = ["Lion", "Adam step", "RMSprop", "Adamw", "Lion slow step", "Adamw baseline", "Adamw slow"]
    scene = Scene(title="Seven optimizers, one valley", problem=surfaces.get("booth"), learning_rate=0.05, steps=8,
                  optimizers=dict(zip(names, ["lion", "adam", "rmsprop", "adamw", "lion", "adamw", "adamw"])))
    path = tmp_path / "frame.pdf"
    viz.render(scene, path, last_frame=True, size=(640, 480), font_scale=1.2, layout="grid")
    lines, _, page = read_pdf(path, 640)
    assert rule_10(path, (640, 480), 1.2) == [] and rule_1(lines, page) == []
    assert len(panels(path, 640)) == 7  # the cells alone: no curves panel
    assert any(line.text.startswith("step 8") for line in lines)
