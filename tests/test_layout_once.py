"""The layout is decided once (issue 29, point 2): the figure is drawn once, for its static part,
never to measure it; words placed by a panel's final box (the line panel's title, the start
numbers, the "off scale" words) are placed by the panel's ``after_layout``, not by a patched
draw or on the first frame."""

from matplotlib.figure import Figure
from matplotlib.text import Text

import pytest

import viz
from viz import Scene, surfaces
from viz.render import frames as frames_module


@pytest.mark.slow  # (a surface recorded with its line panel: seconds, most of them training)
def test_a_still_draws_its_figure_once_and_places_its_words_before_the_first_frame(tmp_path, monkeypatch):
    scene = Scene(title="Two starts", problem=surfaces.get("himmelblau", start=[(-0.3, 0.3), (0.8, 0.0)]),
                  optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.05, steps=8)
    draws, made = [], []
    draw, without = Figure.draw, Figure.draw_without_rendering
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: (draws.append("draw"), draw(self, renderer))[1])
    monkeypatch.setattr(Figure, "draw_without_rendering", lambda self: (draws.append("measure"), without(self))[1])
    lay_out = frames_module.lay_out

    def laid_out(*args, **kwargs):
        layout = lay_out(*args, **kwargs)
        made.append((layout, list(draws)))
        return layout

    monkeypatch.setattr(frames_module, "lay_out", laid_out)
    viz.render(scene, tmp_path / "x.png", last_frame=True, size=(640, 360), panels="contour,curves,line")
    (layout, drawn), = made
    assert drawn == ["draw"]  # the static part, once: no pass to measure the figure
    figure = layout.figure
    assert not any("draw" in vars(text) for text in figure.findobj(Text))  # no text redrawn its own way
    line = next(panel for panel in layout.panels if type(panel).__name__ == "LinePanel")
    renderer = figure.canvas.get_renderer()
    assert line.title.get_window_extent(renderer).width <= line.title.axes.get_window_extent(renderer).width
    contour = layout.panels[0]
    numbers = [text.get_text() for text in contour.ax.texts]
    assert numbers == ["1", "2"]  # each start numbered, placed by the panel's final box
