"""Small multiples: one contour panel per optimizer, all on the same view, colour scale and
clock, each titled with its optimizer and its loss now (``--layout grid``). What overlapping
paths hide on one panel, each optimizer's own panel shows."""

import math

import numpy as np

from viz.divergence import diverged_steps
from viz.render.panels.contour import ContourPanel
from viz.render.panels.overlays import OverlayPanel
from viz.render.panels.paths import labels_and_styles
from viz.render.spacing import ROOM
from viz.render.text import overflow, shortened, unique, value_words

RISE = 10  # points between a panel's top and its title: room for half a star (a minimum on the border)


def grid_shape(count, width, height, gap_x=0.0, gap_y=0.0, shape_of=lambda room: room, pitch=0.0, least=0.0):
    """(rows, columns, panel width, panel height, distance between columns' left edges) for
    ``count`` panels in a ``width`` x ``height`` room (inches), with at least ``gap_x``
    between columns and ``gap_y`` above each row: the arrangement whose panels are largest,
    of those whose columns can be ``pitch`` apart (their titles' room) if any can, and of those
    whose panels are ``least`` high and wide if any are (else the one whose smaller side is
    largest: seven tall views in a row are larger, but too narrow to read, than two rows of four).
    ``shape_of(aspect)``: the width / height of what a panel of that aspect shows (a view
    widened to it as far as it goes), which the panel then takes (six in a wide room: 2 x 3)."""
    best = None
    for rows in range(1, count + 1):
        columns = math.ceil(count / rows)
        room_w, room_h = (width - (columns - 1) * gap_x) / columns, (height - rows * gap_y) / rows
        if room_w <= 0 or room_h <= 0:
            continue
        shape = shape_of(room_w / room_h)
        panel_w = min(room_w, room_h * shape)
        step = max(panel_w + gap_x, pitch) if columns > 1 else panel_w + gap_x
        fits = (columns - 1) * step + panel_w <= width + 1e-9
        side = min(panel_w, panel_w / shape)
        score = (fits, side >= least, panel_w * panel_w / shape if side >= least else side)
        if best is None or score > best[0]:
            best = (score, rows, columns, panel_w, panel_w / shape, step if fits else panel_w + gap_x)
    return best[1:]


class GridPanel:
    """A :class:`ContourPanel` per optimizer label on ``axes`` (one each, in the scene's
    order), all showing ``view``; the colour bar on ``cax`` beside the first row's last panel;
    the key (start, minimum) and the overlays' legend above the first panel, ``keys_at`` its
    heights up. Each panel's title says its optimizer (drawn once) and, under it, its loss now
    (the label's first path; "diverged" once it has)."""

    def __init__(self, axes, cax, recording, theme, view, trail=None, overlays=(), keys_at=1.0, columns=1):
        labels, label_of = labels_and_styles(recording.names)
        label_of = np.asarray(label_of)
        self.cells, self.overlays, self.titles, self.bar, self.axes = [], [], [], cax, [*axes, cax]
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

    def after_layout(self, renderer):
        """Each cell's words placed once the cells' boxes are final (see
        :meth:`ContourPanel.after_layout`).

        Args:
            renderer: the figure's renderer, to measure the words with.
        """
        for cell in self.cells:
            cell.after_layout(renderer)

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
    what another of ``labels`` could be, even where that is wider (:func:`title_pitch` keeps
    the columns apart for it)."""
    text.set_text(name)
    for limit in range(len(name) - 1, 3, -1):
        if overflow(text, width) <= 1:
            break
        cut = shortened(name, labels, limit)
        if unique(cut, name, labels):
            text.set_text(cut)
    return text.get_text()


def title_pitch(figure, recording):
    """The least distance (inches) between the centres of two cells side by side for their
    titles to keep twice :data:`~viz.render.spacing.ROOM` pixels apart: the widest of each name at
    its shortest that no other name could be, and of the loss words the cells will say."""
    labels = list(dict.fromkeys(recording.names))
    finite = recording.loss[np.isfinite(recording.loss)]
    words = {f"loss {value_words(v)}" for v in (finite.min(), finite.max())} if finite.size else set()
    for name in labels:
        cuts = [shortened(name, labels, limit) for limit in range(4, len(name))]
        words.add(next((cut for cut in cuts if unique(cut, name, labels)), name))
    text = figure.text(0, 0, "", fontsize="small")
    renderer, widest = figure.canvas.get_renderer(), 0.0
    for each in words | {"diverged"}:
        text.set_text(each)
        widest = max(widest, text.get_window_extent(renderer).width)
    text.remove()
    return (widest + 2 * ROOM) / figure.dpi  # (twice: a PDF draws text a little wider than the frame)
