"""The panels that explain why the paths move (sharpness, the learning-rate range test, the
loss along a line), in rows under the curves: how many fit side by side, and each in place."""

import math

from viz.render.panels.line import LinePanel
from viz.render.panels.range_test import RangeTestPanel
from viz.render.panels.sharpness import SharpnessPanel
from viz.render.text import fit


EXTRAS = {"sharpness": SharpnessPanel, "rates": RangeTestPanel, "line": LinePanel}


PANEL_INCHES = 1.9  # the narrowest an extra panel gets, its tick labels and y label included


def extra_grid(figure, area, count, scale):
    """Columns and rows for ``count`` panels below the curves in ``area``: side by side where
    each gets :data:`PANEL_INCHES`, else in more rows."""
    columns = max(1, min(count, int(area[2] * figure.get_figwidth() // (PANEL_INCHES * scale))))
    return columns, math.ceil(count / columns)


def split_below(area, scale, rows=1):
    """The curves' room ``area`` cut in two: the curves above, ``rows`` rows for the other
    panels below (their titles, tick labels and the curves' x label between them)."""
    left, bottom, width, height = area
    room = 0.15 * scale
    lower = (height - room) * (0.48 if rows == 1 else 0.66)
    return (left, bottom + lower + room, width, height - lower - room), (left, bottom, width, lower)


def extra_panels(figure, box, recording, names, theme, scale=1.0, columns=None, apart=0.85):
    """The panels ``names`` (sharpness, rates, line) in ``box``, ``columns`` side by side (all
    by default), in rows from the top, ``apart`` inches (times ``scale``) between columns."""
    left, bottom, width, height = box
    columns = columns or len(names)
    rows = math.ceil(len(names) / columns)
    gap = apart * scale / figure.get_figwidth()  # inches for the tick labels and y label
    room = 0.12 * scale if rows > 1 else 0.0  # between rows: the x label above, the title below
    each = (width - gap * (columns - 1)) / columns
    tall = (height - room * (rows - 1)) / rows
    panels = []
    for index, name in enumerate(names):
        row, column = divmod(index, columns)
        ax = figure.add_axes((left + column * (each + gap), bottom + (rows - 1 - row) * (tall + room), each, tall))
        panels.append(EXTRAS[name](ax, recording, theme))
        fit(ax.yaxis.label, height=tall, max_lines=2)
        fit(ax.xaxis.label, width=each + gap * 0.8, max_lines=2)
    return panels
