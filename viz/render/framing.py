"""Where the contour panel looks: the region the paths visit (with their starts and the marked
minima), widened to the panel's shape within the recorded grid. When that is much less than
the grid, the view is a zoom and a small inset shows the whole grid with the view on it.
Decided when rendering, from the recording: another framing never trains again."""

import numpy as np
from matplotlib.patches import Rectangle

from viz.plane import grid_view
from viz.render.spacing import ROOM, ticked

MARGIN = 0.08  # room around the visited region, as a share of its larger side
SMALLEST = 0.04  # the view spans at least this share of the grid on each side
ZOOM = 0.7  # a view of less than this share of the grid's area is a zoom (and gets an inset)
INSET = 0.3  # the inset's larger side, as a share of the panel's
OVERVIEW = 0.45  # a view of at least this share of the grid's area gets no inset: it would show little else


def visited_view(plane, aspect, others=()):
    """The view ((x0, x1), (y0, y1)) of ``plane`` for a panel ``aspect`` (width / height) wide,
    and whether it zooms in: every finite path point on the grid (``others``: more points
    [..., 2], e.g. other seeds' paths), the starts and the marks (minima) in view with a margin,
    widened to ``aspect`` where the grid reaches (equal scales are kept: where it does not, the
    panel narrows)."""
    (gx0, gx1), (gy0, gy1) = grid_view(plane)
    low, high = np.array([gx0, gy0]), np.array([gx1, gy1])
    points = np.concatenate([plane.xy.reshape(-1, 2), np.asarray(others, dtype=float).reshape(-1, 2),
                             np.asarray(plane.marks, dtype=float).reshape(-1, 2)])
    points = points[np.isfinite(points).all(axis=1)]
    points = points[np.all((points >= low) & (points <= high), axis=1)]
    if not len(points):
        return grid_view(plane), False
    lowest, highest = points.min(axis=0), points.max(axis=0)
    half = np.maximum(highest - lowest, SMALLEST * (high - low)) / 2
    half = half + MARGIN * 2 * half.max()
    if half[0] < half[1] * aspect:
        half[0] = half[1] * aspect
    else:
        half[1] = half[0] / aspect
    half = np.minimum(half, (high - low) / 2)
    centre = np.clip((lowest + highest) / 2, low + half, high - half)
    if np.prod(2 * half) >= ZOOM * np.prod(high - low):
        return grid_view(plane), False
    (x0, y0), (x1, y1) = centre - half, centre + half
    return ((float(x0), float(x1)), (float(y0), float(y1))), True


def within(plane, view):
    """The grid's coordinates and loss over ``view``, one grid step beyond it on each side."""
    (x0, x1), (y0, y1) = view
    step_x, step_y = np.diff(plane.grid_x[:2])[0], np.diff(plane.grid_y[:2])[0]
    columns = (plane.grid_x >= x0 - step_x) & (plane.grid_x <= x1 + step_x)
    rows = (plane.grid_y >= y0 - step_y) & (plane.grid_y <= y1 + step_y)
    return plane.grid_x[columns], plane.grid_y[rows], plane.grid_loss[np.ix_(rows, columns)]


def wants_inset(plane, view):
    """Whether a zoomed ``view`` leaves out enough of ``plane``'s grid for an inset to show it."""
    (gx0, gx1), (gy0, gy1) = grid_view(plane)
    (x0, x1), (y0, y1) = view
    return (x1 - x0) * (y1 - y0) < OVERVIEW * (gx1 - gx0) * (gy1 - gy0)


def add_inset(ax, plane, view, cmap, norm, theme):
    """A small map of the whole grid in the corner of ``ax`` that the paths, starts and marks
    use least, the ``view`` outlined on it, labelled ("whole domain", or for a model's plane
    "whole plane") on its side towards the panel's middle. Returns the inset's axes."""
    (gx0, gx1), (gy0, gy1) = grid_view(plane)
    figure = ax.get_figure()
    box = ax.get_position()
    width, height = box.width * figure.get_figwidth(), box.height * figure.get_figheight()  # inches
    shape = (gx1 - gx0) / (gy1 - gy0)
    w, h = (INSET * max(width, height), INSET * max(width, height) / shape) if shape >= 1 else \
        (INSET * max(width, height) * shape, INSET * max(width, height))
    scale = min(1.0, 0.38 * width / w, 0.38 * height / h)
    w, h = w * scale / width, h * scale / height  # axes fractions
    pad = 0.02
    (x0, x1), (y0, y1) = view
    between = [plane.xy[:, :-1] + share * np.diff(plane.xy, axis=1) for share in (0.25, 0.5, 0.75)]  # the lines too
    points = np.concatenate([plane.xy.reshape(-1, 2), *(part.reshape(-1, 2) for part in between),
                             np.repeat(np.asarray(plane.marks, dtype=float).reshape(-1, 2), 50, axis=0)])
    points = points[np.isfinite(points).all(axis=1)]
    fractions = (points - [x0, y0]) / [x1 - x0, y1 - y0]
    corners = [(1 - pad - w, 1 - pad - h), (1 - pad - w, pad), (pad, 1 - pad - h), (pad, pad)]

    def crowding(corner):
        inside = np.all((fractions >= np.array(corner) - pad) & (fractions <= np.array(corner) + [w + pad, h + pad]),
                        axis=1)
        return inside.sum()

    corner = min(corners, key=crowding)
    inset = ax.inset_axes((*corner, w, h), zorder=4.5)  # under the paths (5), as blitting draws them
    step = max(1, len(plane.grid_x) // 100)
    inset.contourf(plane.grid_x[::step], plane.grid_y[::step], plane.grid_loss[::step, ::step], levels=norm.boundaries,
                   cmap=cmap, norm=norm, extend="both", rasterized=True)
    inset.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor=theme.ink, linewidth=1.4))
    inset.set_xlim(gx0, gx1)
    inset.set_ylim(gy0, gy1)
    inset.set_xticks([])
    inset.set_yticks([])
    for spine in inset.spines.values():
        spine.set_visible(True)
        spine.set_edgecolor(theme.ink)
        spine.set_linewidth(0.9)
    top = corner[1] > 0.5
    inset.text(0.5, -0.03 if top else 1.03, "whole domain" if plane.kind == "surface" else "whole plane",
               transform=inset.transAxes, ha="center", va="top" if top else "bottom", fontsize="x-small",
               color=theme.ink, bbox={"boxstyle": "round,pad=0.15", "facecolor": theme.background,
                                      "edgecolor": "none", "alpha": 0.85})
    return inset


def keep_label_in(ax, inset, renderer, marks=(), half=0.0):
    """Put ``inset``'s label (see :func:`add_inset`) on two lines and, if that is not enough,
    slide it along its side, as little as it takes, until it keeps 1.5 times
    :data:`~viz.render.spacing.ROOM` pixels from ``ax``'s y tick labels beside it and from
    ``ax``'s right edge; then, if it covers one of the ``marks``, slide it off the mark (to the
    nearer side where it stays clear of the rest). Call once ``ax``'s box is final.

    Args:
        ax: the panel the inset is in.
        inset: the inset's axes.
        renderer: the figure's renderer, to measure the label with.
        marks: the marked points (minima) of ``ax``, [k, 2] in its data.
        half: a mark's half-width in pixels (its star's centre to its tips).
    """
    ticked(ax, renderer)  # the panel and the inset where a draw puts them, the panel's tick labels too
    ticked(inset, renderer)
    label, room = inset.texts[0], 1.5 * ROOM  # (a PDF draws text a little wider than the frame)
    ticks = [tick.label1.get_window_extent(renderer) for tick in ax.yaxis.get_major_ticks()
             if tick.label1.get_visible() and tick.label1.get_text()]

    def shift():
        box = label.get_window_extent(renderer)
        reach = max((tick.x1 for tick in ticks if tick.y0 < box.y1 + room and box.y0 - room < tick.y1),
                    default=-np.inf)
        return max(0.0, reach + room - box.x0) or min(0.0, ax.bbox.x1 - room - box.x1)

    if shift():  # on two lines, narrower, before it slides towards the paths
        label.set_text(label.get_text().replace(" ", "\n", 1))
    label.set_x(label.get_position()[0] + shift() / inset.bbox.width)
    box, clear = label.get_window_extent(renderer), half + room
    spots = ax.transData.transform(np.reshape(np.asarray(marks, dtype=float), (-1, 2)))
    under = spots[(np.abs(spots[:, 1] - (box.y0 + box.y1) / 2) < box.height / 2 + clear)
                  & (spots[:, 0] > box.x0 - clear) & (spots[:, 0] < box.x1 + clear)]
    if len(under):  # a minimum under the words: beside it instead, where they keep clear of the ticks and the edge
        moves = [under[:, 0].min() - clear - box.x1, under[:, 0].max() + clear - box.x0]
        label.set_x(label.get_position()[0] + min(moves, key=abs) / inset.bbox.width)
        if shift():
            label.set_x(label.get_position()[0] + (max(moves, key=abs) - min(moves, key=abs)) / inset.bbox.width)
