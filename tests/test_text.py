"""Text on the frame: on the page, readable, text in PDF and SVG; the counter's words."""

import numpy as np
import pytest

from viz import Scene, surfaces
from viz.render.text import MIN_POINTS

TITLE = ("Eight optimizers racing down a curved valley with a deliberately long title that will not fit on "
         "one line of a slide")
LABELS = ["plain stochastic gradient descent", "heavy-ball momentum with coefficient 0.9",
          "Adam with default betas (Kingma & Ba 2015)", "RMSprop, the unpublished Hinton lecture rule", "Nadam",
          "Adamax, the infinity-norm variant of Adam", "AdamW with decoupled weight decay",
          "Lion, found by program search"]
SPECS = ["sgd", {"class_name": "SGD", "config": {"momentum": 0.9}}, "adam", "rmsprop", "nadam", "adamax", "adamw",
         "lion"]


def long_scene():
    return Scene(title=TITLE, problem=surfaces.get("booth"), optimizers=dict(zip(LABELS, SPECS)),
                 learning_rate=0.05, steps=5)


def pdf_words(path):
    """Every word of a PDF's one page with its box, and the page's size, and the smallest letter."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextLine

    page = next(iter(extract_pages(path, laparams=LAParams())))
    words, sizes = [], []

    def walk(item):
        if isinstance(item, LTTextLine):
            word = []
            letters = [char for char in item if isinstance(char, LTChar)]
            if letters:  # a line's font size: its tallest letter box across the line (pdfminer's box is the
                # font size high; a power's exponent is smaller by design)
                sizes.append(max(char.height if char.upright else char.width for char in letters))
            for char in [*item, None]:
                if isinstance(char, LTChar) and char.get_text().strip():
                    word.append(char)
                elif word:
                    words.append(("".join(c.get_text() for c in word), (min(c.x0 for c in word), min(c.y0 for c in word),
                                                                      max(c.x1 for c in word), max(c.y1 for c in word))))
                    word = []
        elif hasattr(item, "__iter__"):
            for child in item:
                walk(child)

    walk(page)
    return words, (page.width, page.height), min(sizes)


@pytest.mark.slow
@pytest.mark.parametrize("size, scales", [("1280x720", (0.75, 1.0, 1.5)), ("960x720", (0.75, 1.0))])
def test_long_titles_and_labels_stay_on_the_page_as_text(tmp_path, size, scales):
    """The last frame as PDF: the title's and every label's words are there, as text, each
    inside the page; no letter smaller than the smallest text size (or the scene's own, if
    the font scale makes that smaller)."""
    import viz

    for scale in scales:
        path = tmp_path / f"long_{scale}.pdf"
        viz.render(long_scene(), path, size=size, font_scale=scale)
        words, (width, height), smallest = pdf_words(str(path))
        found = [word for word, _ in words]
        for word in TITLE.split():  # a title is wrapped, never cut
            assert word in found, (scale, word)
        said = " ".join(found)
        for label in LABELS:  # a label is whole (its value after it), or shortened where it says so ("…")
            assert label in said or (label.split()[0] in said and "…" in said), (scale, label)
        for word, (x0, y0, x1, y1) in words:
            assert 0 <= x0 and x1 <= width and 0 <= y0 and y1 <= height, (scale, word)
        assert smallest >= min(MIN_POINTS, 13 * scale * 0.833) - 0.05, scale


@pytest.mark.slow
def test_svg_keeps_text_as_text(tmp_path):
    import viz

    path = tmp_path / "long.svg"
    viz.render(long_scene(), path, size="960x720")
    svg = path.read_text()
    assert "<text" in svg and "Kingma" in svg and "slide" in svg


@pytest.mark.slow
def test_a_larger_font_scale_never_makes_the_caption_smaller(small):
    """The issue's caption that shrank at --font-scale 1.3 (about 7 px tall at 4:3)."""
    from viz.render.frames import Frames
    from viz.render.options import Options

    def caption(**options):
        figure = Frames(small, "s", options=Options.of(**options)).figure
        keys = [t for legend in figure.legends for t in legend.get_texts()]  # (the key over the curves)
        text = next(t for t in keys if t.get_text().replace("\n", " ").startswith("all training rows"))
        return text.get_fontsize() * figure.dpi / 72  # pixels

    assert caption(size=(1280, 720), font_scale=1.3) >= caption(size=(1280, 720), font_scale=1.0) >= 12
    assert caption(size=(960, 720)) >= 12


def test_the_counter_says_the_epoch_the_axis_shows(small):
    """Step 150 of 300 at 60 steps an epoch is epoch 2.5 (as on the curves' axis), not "3"."""
    from viz.render.frames import Frames

    frames = Frames(small, "s", [0, 7, 15])
    assert small.steps_per_epoch == 15
    assert [frames.counter_text(np.full(2, step)) for step in (0, 7, 15)] == [
        "epoch 0.0 / 1    step 0 / 15", "epoch 0.5 / 1    step 7 / 15", "epoch 1.0 / 1    step 15 / 15"]


def test_a_note_breaks_at_its_wide_gap():
    from viz.render.text import lines

    note = "lines: every step, all training rows    markers: Keras History"
    assert lines(note, 2) == "lines: every step, all training rows\nmarkers: Keras History"
    assert lines("a long title that has to go onto two lines", 2) == "a long title that has\nto go onto two lines"


def test_dejavu_sans_draws_every_latin_character_the_glyph_check_skips():
    import unicodedata

    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from viz.render.text import COVERED

    drawn = set(FT2Font(font_manager.findfont("DejaVu Sans")).get_charmap())
    assert [hex(c) for c in range(0x20, COVERED) if c not in drawn and unicodedata.category(chr(c)) != "Cc"] == []


@pytest.mark.slow
def test_no_title_leaves_the_title_off_the_frame_and_keeps_it_in_the_words(tmp_path):
    import json

    import viz

    scene = Scene(title="A bowl for the slide", problem=surfaces.get("booth"), optimizers={"SGD": "sgd"},
                  learning_rate=0.05, steps=5)
    for shown in (True, False):
        path = tmp_path / f"bowl_{shown}.pdf"
        viz.render(scene, path, size="640x360", show_title=shown)  # (the second reuses the recording)
        found = [word for word, _ in pdf_words(str(path))[0]]
        assert ("slide" in found) == shown
        manifest = json.loads(path.with_name(path.name + ".json").read_text())
        assert manifest["title"] == "A bowl for the slide" and "bowl for the slide" in manifest["alt"]
