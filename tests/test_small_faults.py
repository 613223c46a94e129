"""Three small faults the contact sheet showed, pinned on what a render wrote: the PDF's text
boxes (tests/layout_rules.py) or the counter's words."""

import dataclasses

import pytest

from tests.layout_rules import read_pdf, rule_1
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
