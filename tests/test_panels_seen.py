"""What issue 28 saw on the panels' frames (points 11 to 21), pinned on what a render wrote:
the decoded pixels of a PNG or the text boxes of a PDF (tests/layout_rules.py), never the
layout code's own numbers."""

import numpy as np
import pytest
from PIL import Image

from viz import Scene, record, surfaces
from viz.render.a11y import GRAPHICS, SIMULATIONS, contrast, lab, linear
from viz.render.a11y import rgb as a11y_rgb
from viz.render.animation import render
from viz.render.looks import looks
from viz.render.panels.boundary import CLASS_LOOKS
from viz.render.theme import THEMES


def pixels(path):
    """The RGB pixels [height, width, 3] of the PNG at ``path`` (ints)."""
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def rgb(colour):
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])


def count(picture, colour, alpha=1.0, background="#ffffff", within=14):
    """How many pixels of ``picture`` are ``colour`` (drawn with ``alpha`` over ``background``)."""
    seen = alpha * rgb(colour) + (1 - alpha) * rgb(background)
    return int((np.abs(picture - seen).max(axis=-1) <= within).sum())


@pytest.fixture(scope="module")
def fan():
    """SGD at four rates on Himmelblau, 30 steps."""
    return record(Scene(title="fan", problem=surfaces.get("himmelblau"), optimizers={"SGD": "sgd"},
                        learning_rate=[0.001, 0.003, 0.01, 0.03], steps=30))


@pytest.mark.slow
def test_the_rates_panel_colours_each_rate_as_its_path(fan, tmp_path):
    """Point 21: each rate's point, the best one's star included, in its path's colour; the line
    joining them in none of them."""
    theme = THEMES["light"]
    render(fan, tmp_path / "f.png", "fan", size=(960, 540), extras=("rates",))
    picture = pixels(tmp_path / "f.png")
    panel = picture[int(0.62 * 540):, int(0.58 * 960):]  # the rates panel, under the curves
    colours = [look["color"] for look in looks(list(fan.names), theme).values()]
    assert len(set(colours)) == 4
    for label, colour in zip(fan.names, colours):
        assert count(panel, colour, within=12) >= 5, label


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_two_classes_have_colours_of_their_own(small, tmp_path, theme):
    """Point 14: the boundary panel's classes in two colours (their shapes kept) that no path
    has, both on the frame."""
    render(small, tmp_path / "b.png", "b", size=(640, 360), boundary=True, theme=theme)
    picture = pixels(tmp_path / "b.png")
    ground = THEMES[theme].background
    drawn = [count(picture, colour, alpha, ground, within=10) for _, colour, alpha in CLASS_LOOKS[theme]]
    assert min(drawn) >= 20, drawn
    for _, colour, _ in CLASS_LOOKS[theme]:  # colours, not greys, and none a path's
        assert np.ptp(rgb(colour)) >= 0.3 * 255 and contrast(colour, ground) >= GRAPHICS
    classes = [colour for _, colour, _ in CLASS_LOOKS[theme]]
    for simulation in [None, *SIMULATIONS]:  # far from every path colour and from each other, for every eye
        seen = {c: lab(linear(np.array(a11y_rgb(c))) @ (SIMULATIONS[simulation].T if simulation else np.eye(3)))
                for c in [*classes, *THEMES[theme].paths]}
        assert min(np.linalg.norm(seen[c] - seen[other]) for c in classes for other in seen if other != c) > 24


@pytest.mark.slow
def test_the_rate_now_is_said_in_full_at_the_counters_size(tmp_path):
    """Point 18: each scheduled optimizer's rate now, on a line of its own under the clock, in
    the frame, at a size the back row reads (it was 7 px and cut off at 4:3)."""
    import keras

    from viz.render.rates import scheduled_rates
    from tests.layout_rules import read_pdf, rule_1

    decay = keras.optimizers.schedules.ExponentialDecay
    recording = record(Scene(title="Two schedules", problem=surfaces.get("rosenbrock", start=(-1.5, 2.0)), steps=12,
                             optimizers={"SGD momentum decayed": keras.optimizers.SGD(momentum=0.9,
                                                                                      learning_rate=decay(0.001, 5, 0.5)),
                                         "Adam decayed slowly": keras.optimizers.Adam(learning_rate=decay(0.05, 10, 0.7)),
                                         "RMSprop": "rmsprop"}))
    render(recording, tmp_path / "s.pdf", "Two schedules", size=(640, 480))
    lines, _, page = read_pdf(tmp_path / "s.pdf", 640)
    assert not rule_1(lines, page)
    rates = scheduled_rates(recording)
    assert len(rates) == 2
    for label, values in rates.items():
        said = [line for line in lines if f"{values[-1]:.3g}" in line.text and label[:10] in line.text]
        assert len(said) == 1, (label, [line.text for line in lines])
        assert said[0].box[3] - said[0].box[1] >= 0.02 * 480, said  # (the clock's own: 0.027)


def test_the_sharpness_axis_fits_the_data_and_names_its_limits(tmp_path):
    """Point 12: the sharpness panel's axis fits the sharpness (2 on this valley), not a
    limit 100 times above it; a limit near it is a line labelled "2/lr" with its value, one far
    off is named in the note above the panel."""
    from tests.layout_rules import NUMBER, read_pdf, rule_1

    recording = record(Scene(title="Limits", problem=surfaces.get("valley"), steps=8,
                             optimizers={"SGD lr 0.5": {"class_name": "SGD", "config": {"learning_rate": 0.5}},
                                         "SGD lr 0.01": {"class_name": "SGD", "config": {"learning_rate": 0.01}}}))
    render(recording, tmp_path / "s.pdf", "Limits", size=(640, 360), extras=("sharpness",))
    lines, _, page = read_pdf(tmp_path / "s.pdf", 640)
    assert not rule_1(lines, page)
    words = [line.text for line in lines]
    assert "2/lr 4" in words and any("off this scale: 200" in text for text in words), words
    label = next(line for line in lines if line.text == "sharpness")
    ticks = [float(line.text.replace("−", "-")) for line in lines if NUMBER.fullmatch(line.text)
             and label.box[2] < line.box[0] < label.box[2] + 40 and line.box[3] < label.box[3] + 20]
    assert ticks and max(ticks) <= 10 and min(ticks) >= 0, ticks  # the sharpness (2) and its limit (4) in view


def _spine(curves, width):
    """The contour panel's bottom spine (the lowest long level line in the frame's left half)
    as (x0, x1, y)."""
    flat = [(min(x for x, _ in c), max(x for x, _ in c), c[0][1]) for c in curves
            if len(c) == 2 and abs(c[0][1] - c[1][1]) < 0.1 and abs(c[0][0] - c[1][0]) > 0.3 * width
            and min(x for x, _ in c) < 0.5 * width]
    return min(flat, key=lambda line: line[2])


def test_the_lowest_in_view_star_is_inside_the_panel(small, tmp_path):
    """Point 19: the lesson's lowest loss in view lies on the panel's right edge; its star is
    drawn whole inside the panel, not half over the border."""
    from tests.layout_rules import read_pdf

    render(small, tmp_path / "l.pdf", "l", size=(640, 360))
    lines, curves, _ = read_pdf(tmp_path / "l.pdf", 640)
    assert any("lowest" in line.text for line in lines)
    x0, x1, _ = _spine(curves, 640)
    size = 18 / 72 * 360 / 7.2  # a star marker's 18 points, in pixels of this frame
    stars = [c for c in curves if len(c) in (10, 11) and  # its ten tips and notches
             0.6 * size < np.ptp([x for x, _ in c]) < 1.2 * size and 0.6 * size < np.ptp([y for _, y in c]) < 1.2 * size]
    assert stars and all(x0 <= x <= x1 + 0.5 for star in stars for x, _ in star), (x0, x1, stars)


@pytest.mark.slow
def test_the_inset_says_what_it_shows_and_only_comes_when_it_shows_more(tmp_path):
    """Point 19: a zoomed view's inset is labelled "whole domain"; a view of most of the domain
    (where Nesterov flies at lr 0.01) gets none."""
    from tests.layout_rules import read_pdf

    nesterov = {"class_name": "SGD", "config": {"momentum": 0.3, "nesterov": True}}
    for optimizers, expected in (({"Adam": "adam", "SGD": "sgd"}, True),
                                 ({"Adam": "adam", "SGD": "sgd", "Nesterov": nesterov}, False)):  # (it flies far)
        scene = Scene(title="Inset", problem=surfaces.get("rosenbrock", start=(-1.2, 1.0)), optimizers=optimizers,
                      learning_rate=0.01, steps=12)
        render(record(scene), tmp_path / "i.pdf", "Inset", size=(640, 360))
        lines, _, _ = read_pdf(tmp_path / "i.pdf", 640)
        assert any(line.text == "whole domain" for line in lines) == expected, [line.text for line in lines]


@pytest.mark.slow
def test_a_head_that_left_by_the_top_does_not_cover_the_key(tmp_path):
    """Point 19: a path that diverges out of the panel's top waits on the border under the key
    ("start", "global minimum"): the key's words stay clear of its colour."""
    from tests.layout_rules import read_pdf

    saddle = surfaces.custom(lambda x, y: (x + 1.8) ** 2 - y**2, domain=((-2, 2), (-2, 2)), start=[(-1.82, 0.4)],
                             minima=[(-1.8, 0.0)], name="saddle up")
    scene = Scene(title="Up and away", problem=saddle, optimizers={"SGD": "sgd"}, learning_rate=0.45, steps=12)
    recording = record(scene)
    colour = looks(list(recording.names), THEMES["light"])["SGD"]["color"]
    for fmt in ("pdf", "png"):
        render(recording, tmp_path / f"u.{fmt}", "Up and away", size=(640, 360))
    lines, _, (width, height) = read_pdf(tmp_path / "u.pdf", 640)
    picture = pixels(tmp_path / "u.png")
    key = [line for line in lines if line.text in ("start", "global minimum")]
    assert len(key) == 2
    for line in key:
        x0, y0, x1, y1 = (round(v) for v in line.box)
        assert count(picture[int(height) - y1: int(height) - y0, x0: x1], colour, within=40) == 0, line.text


def bright_spikes(picture):
    """Pixels of the frame's left half (the 3D panel) a floor-white one pixel wide: brighter
    than both neighbours on their row by more than 30 levels of grey."""
    grey = picture[int(0.2 * len(picture)): int(0.9 * len(picture)), : picture.shape[1] // 2].mean(axis=-1)
    middle = grey[:, 1:-1]
    return int(((middle - grey[:, :-2] > 30) & (middle - grey[:, 2:] > 30) & (middle >= 230)).sum())


@pytest.fixture(scope="module")
def valley3d():
    """Adam for 4 steps in Rosenbrock's valley."""
    return record(Scene(title="Rosenbrock in 3D", problem=surfaces.get("rosenbrock", start=(-1.2, 1.0)),
                        optimizers={"Adam": "adam"}, learning_rate=0.01, steps=4))


@pytest.mark.slow
def test_rosenbrocks_valley_floor_in_3d_is_not_a_comb_of_spikes(valley3d, tmp_path):
    """Point 17: under a floor the grid resolves only as single points, the narrow valley was a
    comb of one-pixel white spikes (about 100 at 640x360); the floor is now one the grid
    resolves (below 1, drawn at 1)."""
    render(valley3d, tmp_path / "v.png", "3d", size=(640, 360), view="3d")
    assert bright_spikes(pixels(tmp_path / "v.png")) < 60  # (40 now: the mesh lines' crossings, the path)


@pytest.mark.slow
def test_the_3d_view_has_one_y_label_beside_the_curves(valley3d, tmp_path):
    """Point 20: the surface's height is said under the 3D panel, not by a turned z label that
    reads as a second y label of the curves beside it; that note and the curves' label overlap
    nothing (the 3D axes' own tick labels still crowd at this size: not checked here)."""
    from tests.layout_rules import read_pdf, rule_1

    for size in ((640, 360), (640, 480)):
        render(valley3d, tmp_path / "v.pdf", "3d", size=size, view="3d")
        lines, _, page = read_pdf(tmp_path / "v.pdf", size[0])
        turned = [line.text for line in lines if line.box[3] - line.box[1] > 2 * (line.box[2] - line.box[0])
                  and len(line.text) > 3]
        assert turned == ["f along each path"], turned
        assert any(line.text.startswith("height: f(x, y), log scale") for line in lines)
        assert not [broken for broken in rule_1(lines, page) if "height" in broken or "f along" in broken]


def test_a_larger_font_scale_at_4_3_is_taken_and_its_text_holds(small, tmp_path):
    """Point 16: at 4:3 a font scale up to 1.25 is taken (above 1 was refused), and the lesson's
    frame with its boundary panel keeps its text apart and inside the frame."""
    from tests.layout_rules import read_pdf, rule_1
    from viz.errors import OptionError
    from viz.pipeline import checked

    from pathlib import Path

    options, _ = checked(Path("x.pdf"), size=(640, 480), font_scale=1.25, panels="contour,curves,boundary")
    with pytest.raises(OptionError, match="must be between 0.75 and 1.25 at 640x480"):
        checked(Path("x.pdf"), size=(640, 480), font_scale=1.3)
    render(small, tmp_path / "f.pdf", "Six optimizers, one logistic regression", size=options.output.size,
           font_scale=options.look.font_scale, boundary=options.layout.boundary)
    lines, _, page = read_pdf(tmp_path / "f.pdf", 640)
    assert not rule_1(lines, page)
    assert any(line.text.startswith("skewness") for line in lines)


def blobs_model(batch_size, epochs):
    """A 2-2-1 network on 64 points of two blobs."""
    import keras

    from viz import problems

    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-1, 0.6, (32, 2)), rng.normal(1, 0.6, (32, 2))]).astype("float32")
    y = np.repeat([0.0, 1.0], 32).astype("float32")

    def build():
        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="tanh"),
                                 keras.layers.Dense(1, activation="sigmoid")])

    return problems.keras_model(build, x, y, batch_size=batch_size, epochs=epochs, name="2-2-1 on two blobs")


def _marker_left_of(line, curves, width=40):
    """Whether a small closed shape (a legend's marker) lies just left of ``line``, level with it."""
    x0, y0, x1, y1 = line.box
    for curve in curves:
        xs, ys = [x for x, _ in curve], [y for _, y in curve]
        if 3 <= len(curve) <= 6 and 3 < np.ptp(xs) < 15 and x0 - width < max(xs) <= x0 and y0 - 4 < np.mean(ys) < y1 + 4:
            return True
    return False


@pytest.mark.slow
def test_the_key_says_what_the_keras_history_markers_are(tmp_path):
    """Point 13: the markers (Keras History, an epoch's mean over its batches) sit off the lines
    (the loss on all rows at a step): a key entry with the marker itself says so, in words
    at the note's size, over the curves."""
    import viz
    from tests.layout_rules import read_pdf, rule_1, texts

    viz.render(Scene(title="Blobs", problem=blobs_model(16, 2), optimizers={"SGD": "sgd", "Adam": "adam"}),
               tmp_path / "k.pdf", last_frame=True, size=(640, 360), time_budget=1)
    lines, curves, page = read_pdf(tmp_path / "k.pdf", 640)
    assert not rule_1(lines, page)
    said = [(words, group) for words, group in texts(lines) if "Keras History" in words]
    assert len(said) == 1 and "Keras History: the mean over each epoch's batches" in said[0][0], said
    assert any(_marker_left_of(line, curves) for line in said[0][1] if line.text.startswith("Keras"))
    assert any(line.text == "all training rows, after each step" for line in lines)


@pytest.mark.slow
def test_a_full_batch_run_has_few_epoch_ticks(tmp_path):
    """Point 11: 120 epochs of one batch each: at most 11 epoch tick labels, none touching
    (they ran together as "1000120014001600"); no marker shape on the loss panel."""
    import viz
    from tests.layout_rules import NUMBER, read_pdf, rule_1

    viz.render(Scene(title="Full batch", problem=blobs_model(64, 120), optimizers={"GD": "sgd"}, learning_rate=0.5),
               tmp_path / "e.pdf", last_frame=True, size=(640, 360), time_budget=1)
    lines, curves, page = read_pdf(tmp_path / "e.pdf", 640)
    assert not rule_1(lines, page)
    label = next(line for line in lines if line.text == "training loss")
    loss = [c for c in curves if 4 <= len(c) <= 20 and 2 < np.ptp([x for x, _ in c]) < 12 and 2 < np.ptp([y for _, y in c]) < 12
            and label.box[2] < min(x for x, _ in c) and label.box[1] - 10 < np.mean([y for _, y in c]) < label.box[3] + 10]
    assert not loss, loss[:3]  # no marker shape beside the loss label's height (the panel's middle)
    epoch = next(line for line in lines if line.text == "epoch")
    ticks = [line for line in lines if NUMBER.fullmatch(line.text) and 0 < line.box[1] - epoch.box[3] < 25
             and line.box[0] > label.box[2]]  # the curves' epoch axis, not the contours' x axis
    assert 3 <= len(ticks) <= 11, [line.text for line in ticks]


@pytest.mark.slow
def test_the_digits_panel_shows_one_optimizer_large_and_marks_wrong_answers(tmp_path):
    """Point 15: the digits' images at least 4.5% of the frame's height, the heading in ink
    (not a path colour at 2:1), wrong answers in bold apart from right ones, and one optimizer
    (the lowest final loss) on every frame."""
    import dataclasses

    from pdfminer.layout import LTChar, LTImage

    from tests.layout_rules import pdf_page
    from viz.render.frames import Frames
    from viz.render.options import Options
    from viz.scene import load_scenes

    scene = load_scenes("scenes/digits_cnn.py")["digits_cnn"]
    small = dataclasses.replace(scene.problem, x=scene.problem.x[:320], y=scene.problem.y[:320], epochs=1)
    recording = record(dataclasses.replace(scene, problem=small, optimizers={"SGD": "sgd", "Adam": "adam"}))
    render(recording, tmp_path / "d.pdf", "digits", size=(640, 360))
    objects, _, (_, _, width, height) = pdf_page(tmp_path / "d.pdf")

    def flat(items):
        for item in items:
            yield item
            yield from flat(getattr(item, "_objs", []))

    images = [o for o in flat(objects) if isinstance(o, LTImage) and o.height < 0.2 * height]  # (not the contour fill)
    assert len(images) == 10 and min(image.height for image in images) >= 0.045 * height
    chars = [o for o in flat(objects) if isinstance(o, LTChar)]
    heading = [c for c in chars if c.get_text() == "(" and c.size > 0]
    assert heading and all(tuple(c.graphicstate.ncolor or (0,)) in ((0,), (0, 0, 0)) for c in heading)
    ticks = [c for c in chars if c.get_text() == "\u2713"]
    crosses = [c for c in chars if c.get_text() == "\u2717"]
    assert len(ticks) + len(crosses) == 10
    assert all("Bold" not in c.fontname for c in ticks) and all("Bold" in c.fontname for c in crosses)
    frames = Frames(recording, "digits", options=Options.of(size=(320, 180)))
    panel = frames.panels[-1]
    shown = {(frames[i], panel.heading.get_text().split(":")[0].split(" (")[0])[1] for i in range(0, len(frames), 3)}
    assert shown == {recording.names[int(np.argmin(recording.loss[:, -1]))]}


@pytest.mark.slow
def test_the_zeros_start_is_said_once_inside_its_own_grid_cell(tmp_path):
    """Issue 28 (contact sheet): initializers in a grid say "all weights 0" only in the zeros
    cell (it was in every cell), inside it and clear of the PC2 label (it ran across the border)."""
    from viz import problems
    from tests.layout_rules import read_pdf, rule_1

    scene = Scene(title="Initializations", problem=problems.logreg(epochs=1, batch_size=160),
                  optimizers={"RMSprop": "rmsprop"}, learning_rate=0.001,
                  initializer=["zeros", "uniform", "normal", "he_normal", "lecun_uniform"])
    render(record(scene), tmp_path / "g.pdf", "Initializations", size=(854, 480), layout="grid")
    lines, _, page = read_pdf(tmp_path / "g.pdf", 854)
    assert not rule_1(lines, page)
    said = [line for line in lines if "all weights 0" in line.text]
    assert len(said) == 1, [line.text for line in lines]
    box = said[0].box
    zeros, uniform, below = (next(line for line in lines if line.text == name)
                             for name in ("zeros", "uniform", "he_normal"))
    pc2 = next(line for line in lines if line.text.startswith("PC2"))
    assert pc2.box[2] < box[0] and box[2] < uniform.box[0], (box, pc2.box, uniform.box)  # its column
    assert below.box[3] < box[1] and box[3] < zeros.box[1], (box, zeros.box, below.box)  # its row


@pytest.mark.slow
def test_several_starts_beside_a_grid_at_4_3_keep_their_cells_and_texts_apart(tmp_path):
    """Issue 28 (contact sheet): Himmelblau's four starts beside a grid at 4:3. The right-hand
    cells of the curves were squeezed to a sliver (their left neighbours' titles counted as a
    panel above them), so the "↓ off scale" words of neighbouring cells touched (rule 1); the
    cells' titles stay on one line each, one size, clear of each other."""
    from viz import SEED_OPTIMIZERS
    from tests.layout_rules import read_pdf, rule_1

    problem = surfaces.get("himmelblau", start=[(-0.3, 0.3), (-1.0, -0.6), (0.4, -1.2), (0.8, 0.0)])
    scene = Scene(title="Himmelblau's four minima, four starts (lr 0.01)", problem=problem,
                  optimizers=SEED_OPTIMIZERS, learning_rate=0.01, steps=120)
    render(record(scene), tmp_path / "h.pdf", "Himmelblau", size=(480, 360), layout="grid")
    lines, _, page = read_pdf(tmp_path / "h.pdf", 480)
    assert not rule_1(lines, page)
    titles = [next(line for line in lines if line.text.startswith(f"from {n} ")) for n in (1, 2, 3, 4)]
    assert abs(titles[0].box[1] - titles[1].box[1]) < 0.5 and abs(titles[2].box[1] - titles[3].box[1]) < 0.5, \
        [title.box for title in titles]  # cells side by side start at one height
    assert len({title.size for title in titles}) == 1, [title.size for title in titles]
    assert sum("off scale" in line.text for line in lines) == 4, [line.text for line in lines]
