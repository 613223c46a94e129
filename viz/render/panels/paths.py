"""How an optimizer's path looks, the same in every panel and scene: its colour, line style
and head marker, its legend entry, and the line and head that the contour and the 3D panel
draw and move (:class:`PathPanel`)."""

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path
from matplotlib.patheffects import AbstractPathEffect, Normal
from matplotlib.transforms import Affine2D

from viz.divergence import diverged_steps
from viz.render.panels.clip import clipped_polyline, inside
from viz.render.looks import looks
from viz.render.panels.trail import FadingPath
from viz.render.rates import legend_texts
from viz.render.a11y import halo_side
from viz.render.theme import LIGHT

HEAD_SIZE = 12  # points: 2.3% of the frame's height (its text sizes scale the same way)
SLIM = "<>^vPd"  # head markers that leave a bulky one under them visible: drawn on top


def labels_and_styles(names):
    """The distinct optimizer labels in order, and for each path the index of its label (paths
    of one optimizer from several starts share a style)."""
    labels = list(dict.fromkeys(names))
    return labels, [labels.index(name) for name in names]


def path_styles(names, theme=LIGHT):
    """Each path's colour, line style and head marker: its optimizer's look (see
    :func:`viz.render.looks.looks`)."""
    chosen = looks(names, theme)
    return [chosen[name] for name in names]


def legend_handles(recording, theme=LIGHT, show_rates=None):
    """One legend entry per optimizer: colour, line style and head marker; its learning rate
    when the optimizers' rates differ or one follows a schedule (see
    :func:`viz.render.rates.legend_texts`). What happened to it is said frame by frame (see
    :mod:`viz.render.panels.legend`)."""
    texts = legend_texts(recording, show_rates)
    return [
        Line2D([], [], linewidth=2.2, markersize=9, markeredgecolor=theme.outline, markeredgewidth=1.0,
               label=text, **style)
        for style, text in zip(looks(recording.names, theme).values(), texts.values())
    ]


def view_box(plane):
    """The contour panel's view: (low, high) corners [2] of the plane's grid."""
    return np.array([plane.grid_x[0], plane.grid_y[0]]), np.array([plane.grid_x[-1], plane.grid_y[-1]])


def last_finite(values):
    """For each row and step, the index of the last finite value up to that step (-1: none)."""
    finite = np.isfinite(values)
    steps = np.where(finite, np.arange(values.shape[-1]), -1)
    return np.maximum.accumulate(steps, axis=-1)


class HeadLooks:
    """Where a path's head is and how it looks at a step: at the path's last finite point up to
    the step it diverged (it stays there), with the optimizer's marker, or a black-edged cross
    once the path has diverged (:func:`viz.divergence.diverged_steps` decides)."""

    def __init__(self, recording, theme=LIGHT):
        self.diverged_at = diverged_steps(recording)
        ends = np.array([len(row) if step is None else step for row, step in zip(recording.loss, self.diverged_at)])
        self.index = np.minimum(last_finite(recording.loss), ends[:, None])  # [n_paths, steps+1]: the point shown
        self.markers = [style["marker"] for style in path_styles(recording.names, theme)]
        self.edges = (theme.outline, theme.ink)  # a head's edge, and a diverged head's
        self.given = {}  # head -> whether it was last given the diverged look

    def apply(self, head, path, step):
        """Give ``head`` the marker and edge of ``path`` at ``step`` (when they change: a new
        marker is a new object matplotlib prepares again)."""
        diverged = self.diverged_at[path] is not None and step >= self.diverged_at[path]
        if self.given.get(head) == diverged:
            return
        self.given[head] = diverged
        head.set_marker("X" if diverged else self.markers[path])
        head.set_markeredgecolor(self.edges[1 if diverged else 0])


def heads_in_view(xy, index, view):
    """Where each path's head is drawn at each step [n_paths, steps+1, 2]: at its point
    ``xy[path, index[path, step]]`` when that is in ``view`` ((x0, x1), (y0, y1)); out of it,
    where the path last crossed the view's border on its way out (or, if it never was inside,
    the nearest border point). Also the direction it left in [n_paths, steps+1, 2] (NaN while
    the head is in view; the segment that left, or towards the point, outside)."""
    (x0, x1), (y0, y1) = view
    low, high = np.array([x0, y0]), np.array([x1, y1])
    heads, away = np.empty(index.shape + (2,)), np.full(index.shape + (2,), np.nan)
    for path, (points, shown) in enumerate(zip(xy, index)):
        within = inside(points, low, high)
        last_inside = np.maximum.accumulate(np.where(within, np.arange(len(points)), -1))
        for step, at in enumerate(shown):
            point, before = points[at], last_inside[at]
            if within[at] or before < 0:
                heads[path, step] = np.clip(point, low, high)
                if not within[at]:
                    away[path, step] = point - heads[path, step]
                continue
            start, leaving = points[before], points[before + 1] - points[before]  # the segment that leaves
            with np.errstate(divide="ignore", invalid="ignore"):
                reach = np.where(leaving > 0, (high - start) / leaving,
                                 np.where(leaving < 0, (low - start) / leaving, np.inf))
            heads[path, step] = start + min(1.0, reach.min()) * leaving
            away[path, step] = leaving
    return heads, away


def exit_marker(direction):
    """A small arrowhead just beyond a head, pointing in ``direction`` [2] (display = data
    directions: the contour panel's scales are equal): the path left the view that way."""
    angle = np.degrees(np.arctan2(direction[1], direction[0]))
    return MarkerStyle(EXIT_ARROW, transform=Affine2D().rotate_deg(angle))


# An arrowhead pointing along +x, off the centre: a marker drawn at the head lies beyond it.
EXIT_ARROW = Path([(0.45, -0.32), (1.0, 0.0), (0.45, 0.32), (0.45, -0.32)], closed=True)


def add_keys(ax, starts, start_label, marks, marks_label, theme, clip=True, extra=(), at=1.0):
    """The key above a paths panel: the start points [k, 2 or 3] as rings and the ``marks``
    (minima; may be empty) as stars, then the ``extra`` handles; ``clip`` False draws a star
    on the border whole. ``at``: the key's bottom, in the panel's heights (None: the rings and
    stars without a key)."""
    keys = ax.plot(*starts.T, marker="o", markersize=11, markerfacecolor="none", markeredgecolor=theme.ink,
                   markeredgewidth=2, linestyle="none", zorder=4, label=start_label)
    if len(marks):
        keys += ax.plot(*marks.T, marker="*", markersize=18, color=theme.background, markeredgecolor=theme.ink,
                        linestyle="none", zorder=4, clip_on=clip, label=marks_label)
    if at is not None:
        ax.legend(handles=keys + list(extra), loc="lower left", bbox_to_anchor=(0.0, at), ncol=2, frameon=False,
                  borderaxespad=0.2, handletextpad=0.3, fontsize="small")


def halo(theme):
    """Path effects that draw a path's line over a solid band of the theme's halo colour (its
    background), :func:`~viz.render.a11y.halo_side` wider on each side, dashes or not: the
    path keeps its own contrast with the background (at least 3:1, WCAG 1.4.11) whatever
    contour colour lies under it."""

    class Band(AbstractPathEffect):
        def draw_path(self, renderer, gc, tpath, affine, rgbFace=None):
            scale = renderer.points_to_pixels(1.0)
            band = renderer.new_gc()
            band.copy_properties(gc)
            band.set_linewidth(gc.get_linewidth() + 2 * halo_side(scale) / scale)
            band.set_foreground(theme.halo)
            band.set_dashes(0, None)  # solid under a dashed line too: the dashes read on it
            renderer.draw_path(band, tpath, affine, rgbFace)
            band.restore()

    return [Band(), Normal()]


class PathPanel:
    """What the contour and the 3D panel share: each path's line and head in its optimizer's
    style, moved to a step. The line is the path clipped to the view (``polylines``: see
    :func:`clipped_polyline`) up to the point the head shows; the head is where
    ``head(path, step)`` says (step >= 0). A head out of the view waits on its border with an
    arrowhead beside it, pointing where the path went (2D; in 3D a ring around it)."""

    def add_paths(self, ax, recording, theme, view, dims=2, trail=None, clip=True, polylines=None):
        """One empty line and head per path on ``ax``. ``view`` ((x0, x1), (y0, y1)): where
        heads stay (see :func:`heads_in_view`); ``polylines``: each path's clipped polyline
        (default: the 2D path clipped to ``view``); ``trail``: lines that fade with age (see
        :class:`FadingPath`); ``clip`` False: heads on the border drawn whole."""
        self.xy = recording.plane.xy
        self.head_looks = HeadLooks(recording, theme)
        self.head_xy, self.away = heads_in_view(self.xy, self.head_looks.index, view)
        low, high = np.array(view).T
        self.polylines = polylines or [clipped_polyline(points, low, high) for points in self.xy]
        empty = [[]] * dims
        self.lines, self.heads, self.exits = [], [], []
        for style in path_styles(recording.names, theme):
            if trail:
                line = FadingPath(ax, trail, style, zorder=5)
            else:
                line, = ax.plot(*empty, color=style["color"], linestyle=style["linestyle"], linewidth=2.6,
                                zorder=5, animated=True, path_effects=halo(theme))
            head, = ax.plot(*empty, color=style["color"], marker=style["marker"], markersize=HEAD_SIZE,
                            markeredgecolor=theme.outline, markeredgewidth=1.4, linestyle="none",
                            zorder=6 + 0.01 * SLIM.find(style["marker"]),  # slim markers over bulky ones
                            clip_on=clip, animated=True)
            gone, = ax.plot(*empty, linestyle="none", zorder=6.1, clip_on=False, animated=True,
                            **({"marker": "o", "markersize": 17, "markerfacecolor": "none", "markeredgewidth": 1.6,
                                "markeredgecolor": theme.ink} if dims == 3 else
                               {"markersize": 30, "color": style["color"], "markeredgecolor": theme.ink,
                                "markeredgewidth": 0.9}))
            self.lines.append(line)
            self.heads.append(head)
            self.exits.append(gone)
        self.directional = dims == 2
        self.shown_paths = list(range(len(self.lines)))  # a grid's cell: its optimizer's only

    @property
    def animated_artists(self):
        shown = self.shown_paths
        return [*(self.lines[i] for i in shown), *(self.heads[i] for i in shown), *(self.exits[i] for i in shown)]

    def shown(self, path, step):
        """How many vertices of the path's clipped polyline are drawn at ``step`` (0 before it
        is shown, step -1): up to the point its head shows."""
        return 0 if step < 0 else self.polylines[path][1][self.head_looks.index[path, step]]

    def points(self, path, step):
        """The path's clipped polyline as drawn at ``step``."""
        return self.polylines[path][0][: self.shown(path, step)]

    def update(self, steps):
        for path in self.shown_paths:
            line, head, gone, step = self.lines[path], self.heads[path], self.exits[path], steps[path]
            drawn = self.points(path, step)
            _place(line, drawn)
            _place(head, drawn[:0] if step < 0 else np.array([self.head(path, step)]))
            out = step >= 0 and np.isfinite(self.away[path, step]).all()
            _place(gone, np.array([self.head(path, step)]) if out else drawn[:0])
            gone.set_visible(bool(out))  # (an empty line still costs a draw)
            if out and self.directional:
                gone.set_marker(exit_marker(self.away[path, step]))
            if step >= 0:
                self.head_looks.apply(head, path, step)


def _place(line, points):
    """Set a 2D or 3D line's data to ``points`` [n, 2 or 3]."""
    if points.shape[1] == 3:
        line.set_data_3d(*points.T)
    else:
        line.set_data(*points.T)
