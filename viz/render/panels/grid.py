"""Small multiples: one contour panel per optimizer, all on the same view, colour scale and
clock, each titled with its optimizer and its loss now (``--layout grid``). What overlapping
paths hide on one panel, each optimizer's own panel shows."""

import math

import numpy as np

from viz.divergence import diverged_steps
from viz.render.panels.contour import ContourPanel
from viz.render.panels.overlays import OverlayPanel
from viz.render.panels.paths import labels_and_styles
from viz.render.text import overflow, shortened, value_words

RISE = 10  # points between a panel's top and its title: room for half a star (a minimum on the border)


def grid_shape(count, width, height, gap_x=0.0, gap_y=0.0, shape_of=lambda room: room):
    """(rows, columns, panel width, panel height) for ``count`` panels in a ``width`` x
    ``height`` room (inches), with ``gap_x`` between columns and ``gap_y`` above each row:
    the arrangement whose panels are largest. ``shape_of(aspect)``: the width / height of
    what a panel of that aspect shows (a view widened to it as far as it goes), which the
    panel then takes (six in a wide room: 2 x 3)."""
    best = None
    for rows in range(1, count + 1):
        columns = math.ceil(count / rows)
        room_w, room_h = (width - (columns - 1) * gap_x) / columns, (height - rows * gap_y) / rows
        if room_w <= 0 or room_h <= 0:
            continue
        shape = shape_of(room_w / room_h)
        panel_w = min(room_w, room_h * shape)
        if best is None or panel_w * panel_w / shape > best[2] * best[3]:
            best = (rows, columns, panel_w, panel_w / shape)
    return best


class GridPanel:
    """A :class:`ContourPanel` per optimizer label on ``axes`` (one each, in the scene's
    order), all showing ``view``; the colour bar on ``cax`` beside the first row's last panel;
    the key (start, minimum) and the overlays' legend above the first panel, ``keys_at`` its
    heights up. Each panel's title says its optimizer (drawn once) and, under it, its loss now
    (the label's first path; "diverged" once it has)."""

    def __init__(self, axes, cax, recording, theme, view, trail=None, overlays=(), keys_at=1.0, columns=1):
        labels, label_of = labels_and_styles(recording.names)
        label_of = np.asarray(label_of)
        self.cells, self.overlays, self.titles, self.bar = [], [], [], cax
        self.loss, self.diverged = recording.loss, diverged_steps(recording)
        self.first = [int(np.flatnonzero(label_of == k)[0]) for k in range(len(labels))]
        for ax in axes:
            ax.grid_cell = True  # the overlays' legend may run over the panels' row (see overlays)
        for k, (ax, label) in enumerate(zip(axes, labels)):
            paths = np.flatnonzero(label_of == k)
            self.cells.append(ContourPanel(ax, cax if k == min(columns, len(labels)) - 1 else None, recording, theme,
                                           trail, view=view, paths=paths, keys_at=keys_at if k == 0 else None))
            if overlays:
                self.overlays.append(OverlayPanel(ax, recording, overlays, theme, paths=paths, legend=k == 0))
            name = ax.annotate("", (0.5, 1.0), xycoords="axes fraction", xytext=(0, 0), textcoords="offset points",
                               ha="center", va="bottom", fontsize="small", color=theme.ink, annotation_clip=False)
            name.set_position((0, RISE + 1.45 * name.get_fontsize()))  # a line above the loss
            _fitted(name, label, ax.get_position().width, labels)  # drawn once, with the static part
            self.titles.append(ax.annotate("", (0.5, 1.0), xycoords="axes fraction", xytext=(0, RISE),
                                           textcoords="offset points", ha="center", va="bottom", fontsize="small",
                                           color=theme.ink, annotation_clip=False, animated=True))

    @property
    def animated_artists(self):
        return [artist for part in (*self.cells, *self.overlays) for artist in part.animated_artists] + self.titles

    def update(self, steps):
        for part in (*self.cells, *self.overlays):
            part.update(steps)
        for title, path in zip(self.titles, self.first):
            step, gone = steps[path], self.diverged[path]
            value = self.loss[path, max(step, 0)]
            title.set_text("" if step < 0 or not np.isfinite(value) and gone is None else
                           "diverged" if gone is not None and step >= gone else f"loss {value_words(value)}")


def _fitted(text, name, width, labels):
    """``name`` as ``text`` shows it on one line within ``width`` (a fraction of the figure),
    at the size of every other cell's title: shortened with "…" as far as it must, never to
    what another of ``labels`` could be."""
    limit = len(name)
    text.set_text(name)
    while overflow(text, width) > 1 and limit > 4:
        limit -= 1
        text.set_text(shortened(name, labels, limit))
    return text.get_text()
