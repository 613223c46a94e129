"""Who is who on a frame: learning rates and schedules in words, each optimizer's look the same
in every scene, eight distinct colours, heads that show on any ground."""

import json
import math

import numpy as np
import pytest
from PIL import Image, ImageColor

from viz import SEED_OPTIMIZERS, Scene, surfaces
from viz.render.looks import looks
from viz.render.theme import DARK, LIGHT, THEMES

EIGHT = ["SGD", "momentum 0.9", "Adam", "RMSprop", "Nadam", "Adamax", "Adadelta", "AdamW", "Lion"][:8]
CUSTOM = ["SGD", "Adam", "RMSprop", "Nadam", "Adamax", "Adadelta", "AdamW", "Lion"]


def schedule_scene():
    import keras

    decay = keras.optimizers.schedules.ExponentialDecay(0.9, 50, 0.5, staircase=True)
    return Scene(title="A schedule next to constant rates", problem=surfaces.get("valley"), steps=120,
                 learning_rate=0.3, optimizers={"SGD halving": keras.optimizers.SGD(learning_rate=decay),
                                                "SGD fast": {"class_name": "SGD", "config": {"learning_rate": 0.9}},
                                                "SGD slow": "sgd"})


def lab(colour):
    """CIE L*a*b* of a colour (D65), for colour differences."""
    rgb = np.array(ImageColor.getrgb(colour)[:3]) / 255
    rgb = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ rgb
    xyz /= (0.95047, 1.0, 1.08883)
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def difference(a, b):
    return float(np.linalg.norm(lab(a) - lab(b)))


@pytest.mark.slow
def test_a_schedule_beside_constant_rates_renders_and_says_its_rate(tmp_path):
    """The crash of the issue (KeyError in the legend), the legend's words for the schedule and
    the rate now on the counter."""
    import viz
    from viz.recording import Recording
    from viz.render.frames import Frames
    from viz.render.panels import legend_handles

    report = viz.render(schedule_scene(), tmp_path / "s.png", size="640x360")
    assert report.path.exists()
    recording = viz.record(schedule_scene())
    assert isinstance(recording, Recording)
    assert [h.get_label() for h in legend_handles(recording)] == [
        "SGD halving lr 0.9 → halved every 50 steps", "SGD fast lr 0.9", "SGD slow lr 0.3"]
    frames = Frames(recording, "s", [0, 50, 51, 120])
    words = [frames.counter_text(np.full(3, step)) for step in (0, 50, 51, 120)]
    assert words == ["step 0 / 120\nlr now 0.9", "step 50 / 120\nlr now 0.9", "step 51 / 120\nlr now 0.45",
                     "step 120 / 120\nlr now 0.225"]


@pytest.mark.parametrize("rate, words", [
    ({"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 100,
                                                   "decay_rate": 0.96, "staircase": False}},
     "lr 0.1 → ×0.96 per 100 steps, smoothly"),
    ({"class_name": "PiecewiseConstantDecay", "config": {"boundaries": [100, 200], "values": [0.1, 0.01, 0.001]}},
     "lr 0.1 → 0.01 at step 100 → 0.001 at step 200"),
    ({"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.5, "decay_steps": 1000}},
     "lr 0.5, cosine decay over 1000 steps"),
    ({"class_name": "MySchedule", "config": {}}, "lr: my schedule"),
    (0.01, "lr 0.01"),
])
def test_schedules_in_words(rate, words):
    from viz.render.rates import words as rate_words

    assert rate_words(rate) == words


@pytest.mark.parametrize("label, rate, said", [
    ("Adam lr 0.01", 0.01, True), ("Adam, learning rate = 0.010", 0.01, True), ("Adam", 0.01, False),
    ("SGD momentum=0.3", 0.3, False), ("Adam lr 0.1", 0.01, False), ("SGD lr 0.9", 0.8999999761581421, True),
])
def test_a_label_that_says_its_rate_is_not_told_it_again(label, rate, said):
    from viz.render.rates import says_rate

    assert says_rate(label, rate) is said


def test_the_legend_writes_a_rate_once():
    """The issue's "Adam lr 0.01 lr 0.01"."""
    from types import SimpleNamespace

    from viz.render.rates import legend_texts

    def config(rate):
        return {"class_name": "Adam", "config": {"learning_rate": rate}}

    recording = SimpleNamespace(names=("Adam lr 0.01", "SGD", "SGD lr 0.9, halved every 50 steps"), meta={
        "optimizers": {"Adam lr 0.01": config(0.01), "SGD": config(0.3), "SGD lr 0.9, halved every 50 steps": config(
            {"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.9, "decay_steps": 50,
                                                          "decay_rate": 0.5, "staircase": True}})}})
    assert list(legend_texts(recording).values()) == ["Adam lr 0.01", "SGD lr 0.3", "SGD lr 0.9, halved every 50 steps"]


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_a_label_keeps_its_look_in_every_scene(theme):
    lesson = looks(list(SEED_OPTIMIZERS), theme)
    for scene in (["Adam"], ["RMSprop", "Adam", "SGD"], CUSTOM, EIGHT):
        for label, look in looks(scene, theme).items():
            if label in lesson:
                assert look == lesson[label], (label, scene)
    assert looks(["Adam lr 0.01"], theme)["Adam lr 0.01"] == lesson["Adam"]  # the words name the optimizer
    assert looks(["Nesterov 0.9"], theme)["Nesterov 0.9"]["color"] == lesson["SGD momentum=0.3 nesterov"]["color"]
    # a label no table knows: the same look in every scene it does not have to make room in
    assert looks(["Foo", "Adam"], theme)["Foo"] == looks(["Foo"], theme)["Foo"]


@pytest.mark.parametrize("theme", [LIGHT, DARK])
@pytest.mark.parametrize("labels", [CUSTOM, EIGHT, ["A", "B", "C", "D", "E", "F", "G", "H"],
                                    ["SGD 1", "SGD 2", "SGD 3", "SGD 4"]])
def test_eight_optimizers_get_eight_colours_and_markers_that_read(theme, labels):
    chosen = looks(labels, theme)
    colours = [look["color"] for look in chosen.values()]
    assert len(set(colours)) == len(labels) and len({look["marker"] for look in chosen.values()}) == len(labels)
    for a in range(len(colours)):
        assert difference(colours[a], theme.background) > 35, colours[a]  # reads on the ground
        if theme is DARK:  # not the ink (white: the starts, the text); the light theme has Okabe & Ito's black
            assert difference(colours[a], theme.ink) > 15, colours[a]
        for b in range(a):
            assert difference(colours[a], colours[b]) > 25, (colours[a], colours[b])


def test_more_optimizers_than_colours_still_look_different():
    labels = [f"opt {i}" for i in range(20)]
    triples = {(look["color"], str(look["linestyle"]), look["marker"]) for look in looks(labels, LIGHT).values()}
    assert len(triples) == 20


def test_the_dark_themes_momentum_and_nesterov_are_told_apart():
    lesson = looks(list(SEED_OPTIMIZERS), DARK)
    assert difference(lesson["SGD momentum=0.3"]["color"], lesson["SGD momentum=0.3 nesterov"]["color"]) > 50
    assert difference(lesson["RMSprop"]["color"], "#ffffff") > 25  # not white


@pytest.mark.slow
def test_the_manifest_records_each_look_and_the_gif_keeps_them_exact(tmp_path):
    import viz

    scene = Scene(title="eight", problem=surfaces.get("booth"), steps=6, learning_rate=0.05,
                  optimizers={label.split()[0]: label.split()[0].lower() for label in CUSTOM})
    report = viz.render(scene, tmp_path / "e.gif", size="320x180", theme="dark")
    manifest = json.loads(report.manifest.read_text())
    assert manifest["looks"] == {label: {"color": look["color"].lower(), "linestyle": look["linestyle"]
                                         if isinstance(look["linestyle"], str) else [0, list(look["linestyle"][1])],
                                         "marker": look["marker"]} for label, look in looks(CUSTOM, DARK).items()}
    assert manifest["looks"]["Adam"]["color"] == looks(list(SEED_OPTIMIZERS), DARK)["Adam"]["color"].lower()
    with Image.open(report.path) as gif:
        palette = {tuple(entry) for entry in np.reshape(gif.getpalette(), (-1, 3)).tolist()}
    assert all(ImageColor.getrgb(look["color"]) in palette for look in manifest["looks"].values())


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_heads_are_outlined_and_big_enough_at_the_smallest_preset(small, theme):
    """Decoded pixels at -q l (854x480): around each head a ring in the outline colour (it shows
    on the white low-loss ground) and a filled head at least 9 px across (11 with its outline)."""
    from viz.render.frames import Frames
    from viz.render.options import Options

    frames = Frames(small, "s", options=Options.of(size=(854, 480), theme=theme))
    picture = frames[len(frames) - 1][..., :3].astype(int)
    outline, styles = THEMES[theme].outline, looks(small.names, THEMES[theme])
    ax = frames.panels[0].lines[0].axes
    for path, name in enumerate(small.names):
        x, y = ax.transData.transform(frames.panels[0].head(path, small.steps))
        row, col = int(round(480 - y)), int(round(x))
        window = picture[row - 12: row + 13, col - 12: col + 13]
        near = lambda colour: (np.abs(window - ImageColor.getrgb(colour)[:3]).max(axis=-1) <= 30)  # noqa: E731
        fill = near(styles[name]["color"])
        assert near(outline).sum() >= 20, name
        rows, cols = np.nonzero(fill)
        assert rows.max() - rows.min() + 1 >= 9 and cols.max() - cols.min() + 1 >= 9, name  # was 6 px


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_direct_labels_name_each_head_beside_it_and_cover_no_path(small, theme):
    """At every frame a shown label says its optimizer's name and loss, sits within a few head
    sizes of its head, inside the panel, over no drawn path point and no other label; at the end
    of this roomy scene every optimizer has one."""
    from viz.render.frames import Frames
    from viz.render.options import Options
    from viz.render.panels.labels import dense

    frames = Frames(small, "s", options=Options.of(size=(854, 480), theme=theme))
    contour = frames.panels[0]
    renderer = frames.figure.canvas.get_renderer()
    for index in range(len(frames)):
        frames[index]
        steps = frames.steps[index]
        drawn = np.concatenate([dense(contour.ax_pixels(path, step)) for path, step in enumerate(steps)])
        boxes = []
        for path, text in enumerate(contour.labels.texts):
            if not text.get_visible():
                continue
            loss = float(f"{small.loss[path, steps[path]]:.2g}")  # two significant digits: few wordings to draw
            assert text.get_text() == f"{small.names[path]}: {loss:.{max(0, 1 - math.floor(math.log10(loss)))}f}"
            text.update_bbox_position_size(renderer)  # (the text is not drawn in frames: its picture is)
            box = text.get_bbox_patch().get_window_extent(renderer)
            sprite = contour.labels.sprites[path]  # the label's picture, which the frame shows, is where its text is
            assert sprite.get_visible() and abs(sprite.x - box.x0) <= 2 and abs(sprite.y - box.y0) <= 2
            assert contour.heads[0].axes.bbox.contains(box.x0, box.y0) and contour.heads[0].axes.bbox.contains(box.x1, box.y1)
            inside = (drawn[:, 0] > box.x0) & (drawn[:, 0] < box.x1) & (drawn[:, 1] > box.y0) & (drawn[:, 1] < box.y1)
            assert not inside.any(), (index, text.get_text())
            head = contour.heads[0].axes.transData.transform(contour.head(path, steps[path]))
            reach = np.hypot(max(box.x0 - head[0], 0, head[0] - box.x1), max(box.y0 - head[1], 0, head[1] - box.y1))
            assert reach < 5 * contour.labels.radius, (index, text.get_text())
            assert not any(box.overlaps(other) for other in boxes)
            boxes.append(box)
    assert len(boxes) == len(small.names)
