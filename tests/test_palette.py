"""The default looks for colour-blind readers and contrast (WCAG 2.1 1.4.1, 1.4.3, 1.4.11): the
palette under simulated protanopia, deuteranopia and tritanopia (Machado et al. 2009), every
path colour against the background, and the paths against the contours under them, measured
on rendered pixels."""

import numpy as np
import pytest
from PIL import Image

from viz import SEED_OPTIMIZERS, Scene, record, surfaces
from viz.render.a11y import (GRAPHICS, MIN_DELTA_E, SIMULATIONS, TEXT, along_paths, contrast, lab, linear,
                             min_delta_e, palette, rgb)
from viz.render.frames import Frames
from viz.render.panels import paths
from viz.render.looks import KNOWN, as_json, looks
from viz.render.options import Options
from viz.render.theme import THEMES


def test_the_colour_science_matches_published_values():
    assert np.allclose(lab(linear(rgb("#ff0000"))), [53.24, 80.09, 67.20], atol=0.02)  # sRGB red in CIELAB (D65)
    assert np.allclose(lab(linear(rgb("#ffffff"))), [100, 0, 0], atol=1e-3)
    for matrix in SIMULATIONS.values():  # Machado's matrices keep greys grey
        assert np.allclose(matrix.sum(axis=1), 1, atol=1e-4)
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest grey for text on white


@pytest.mark.parametrize("theme", THEMES.values(), ids=list(THEMES))
def test_the_eight_colours_stay_apart_for_colour_blind_eyes_and_read_on_the_background(theme):
    colours = theme.paths[:8]
    measured = palette(colours)
    assert min(measured.values()) >= MIN_DELTA_E, measured
    for simulation in SIMULATIONS:  # the smallest distance is between two real colours, not a rounding
        assert min_delta_e(colours, simulation) == pytest.approx(measured[simulation], abs=0.05)
    assert min(contrast(colour, theme.background) for colour in colours) >= GRAPHICS
    assert contrast(theme.ink, theme.background) >= TEXT and contrast(theme.muted, theme.background) >= TEXT
    assert contrast(theme.outline, theme.background) >= GRAPHICS or theme.name == "dark"  # heads: fill reads


@pytest.mark.parametrize("count", range(1, 9))
def test_colour_is_never_the_only_cue(count):
    """Any 1-8 optimizers: each has its own marker, and no two share colour and line style."""
    labels = list(KNOWN)[:count] if count % 2 else [f"run {i}" for i in range(count)]
    for theme in THEMES.values():
        chosen = looks(labels, theme)
        assert len({look["marker"] for look in chosen.values()}) == count
        assert len({(look["color"], str(look["linestyle"])) for look in chosen.values()}) == count
        for look in chosen.values():
            written = as_json(look)
            assert written["color"].startswith("#") and len(written["color"]) == 7 and written["marker"]


SCENES = {
    "rosenbrock": Scene(title="r", problem=surfaces.get("rosenbrock", start=(-1.5, 2.0)), optimizers=SEED_OPTIMIZERS,
                        learning_rate=1e-3, steps=300),
    "himmelblau": Scene(title="h", problem=surfaces.get("himmelblau"), optimizers=SEED_OPTIMIZERS,
                        learning_rate=0.01, steps=100),
}


def along(recording, name, theme, size, tmp_path):
    """The contrasts along the paths of the last frame, read back from a PNG of it."""
    frames = Frames(recording, name, [recording.steps], Options.of(fmt="png", size=size, theme=theme))
    Image.fromarray(frames[0]).save(tmp_path / "last.png")
    measured = along_paths(frames, np.asarray(Image.open(tmp_path / "last.png")), THEMES[theme])
    return np.concatenate(list(measured.values())), {c: round(float(v.min()), 2) for c, v in measured.items() if len(v)}


@pytest.mark.slow
@pytest.mark.parametrize("name", [*SCENES, "lesson"])
def test_paths_keep_3_to_1_against_the_contours_under_them(name, request, tmp_path):
    """Sampled along every path line in its halo on the last frame (1280x720 and 854x480),
    both themes."""
    recording = request.getfixturevalue("lesson") if name == "lesson" else record(SCENES[name])
    for theme in THEMES:
        for size in ((1280, 720), (854, 480)):
            samples, lowest = along(recording, name, theme, size, tmp_path)
            assert len(samples) > 10, (name, theme, size)
            assert samples.min() >= GRAPHICS, (name, theme, size, lowest)


@pytest.mark.slow
def test_without_the_halo_the_light_paths_fail_on_the_contours(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "halo_side", lambda scale: 0.0)
    samples, lowest = along(record(SCENES["himmelblau"]), "h", "light", (1280, 720), tmp_path)
    assert samples.min() < 2, lowest
