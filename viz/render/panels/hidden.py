"""A model's hidden layer of two units: its outputs for the data's rows as a moving scatter,
with the output unit's decision line in that plane (:class:`HiddenPanel`)."""

import numpy as np

from viz.render.panels.boundary import clip_line, scatter_classes
from viz.render.panels.paths import path_styles
from viz.render.text import short
from viz.render.theme import LIGHT


def title_over_legend(ax, name, rows):
    """The panel's title as the title of its classes' legend (above the panel's right end),
    left-aligned over it, in the first of several wordings, each shorter, that fits the panel's
    width (a narrow panel drops the row count, then shortens the name); the axes give up the
    title's height at their top, as they gave up the legend's. Returns the title's text."""
    figure = ax.get_figure()
    renderer = figure.canvas.get_renderer()
    legend = ax.get_legend()
    before = legend.get_window_extent(renderer).height
    width = ax.get_window_extent(renderer).width
    for words in (f"{name}: hidden layer, {rows} rows", f"{name}: hidden layer", f"{short(name, 12)}: hidden layer",
                  "hidden layer"):
        legend.set_title(words, prop={"size": "small"})
        if legend.get_window_extent(renderer).width <= width:
            break
    legend.set_alignment("left")
    box = ax.get_position()
    taller = (legend.get_window_extent(renderer).height - before) / figure.bbox.height
    ax.set_position((box.x0, box.y0, box.width, box.height - taller))
    return legend.get_title()


class HiddenPanel:
    """The two hidden units' outputs for each row (a point each, by class) at the current step
    of the first path, and where that path's output unit changes class in their plane (the
    line w·h + b = 0), drawn in the path's look. The axes stay fixed over the animation: they
    hold nearly every point of every step."""

    def __init__(self, ax, recording, theme=LIGHT, path=0):
        hidden = recording.hidden
        self.path, self.outputs, self.line = path, hidden["outputs"][path], hidden.get("line")
        y = hidden["y"]
        self.classes = [y == 0, y == 1]
        scatter_classes(ax, self.outputs[0], y, theme)
        self.points = ax.lines[-2:]
        for artist in self.points:
            artist.set_animated(True)
        shown = self.outputs[np.isfinite(self.outputs).all(axis=-1)]
        low, high = shown.min(axis=0), shown.max(axis=0)  # every row of every step inside the panel
        room = 0.06 * np.maximum(high - low, 1e-6)
        self.view = np.stack([low - room, high + room])
        ax.set_xlim(*self.view[:, 0])
        ax.set_ylim(*self.view[:, 1])
        ax.set_xlabel("hidden unit 1", labelpad=7)  # Keras' layer names change from run to run: not shown;
        # 7 points: 4.9 px at 360p, clear of the tick labels above it (rule 1) as the layout keeps texts apart
        ax.set_ylabel("hidden unit 2")
        self.title = title_over_legend(ax, recording.names[path], len(y))
        style = path_styles(recording.names, theme)[path]
        self.boundary, = ax.plot([], [], color=style["color"], linestyle=style["linestyle"], linewidth=2.2,
                                 animated=True)

    @property
    def lines(self):
        return [self.boundary]

    @property
    def animated_artists(self):
        return [*self.points, self.boundary]

    def update(self, steps):
        step = steps[self.path]
        shown = step >= 0 and np.isfinite(self.outputs[step]).all()
        for artist, chosen in zip(self.points, self.classes):
            artist.set_data(*(self.outputs[step][chosen].T if shown else ([], [])))
        ends = np.empty((0, 2))
        if shown and self.line is not None and np.isfinite(self.line[self.path, step]).all():
            w1, w2, bias = self.line[self.path, step]
            ends = clip_line(np.array([w1, w2]), bias, self.view)
        self.boundary.set_data(ends[:, 0], ends[:, 1])
