"""How an optimizer's path looks, the same in every panel and scene: its colour, line style
and head marker, its legend entry, and the line and head that the contour and the 3D panel
draw and move (:class:`PathPanel`)."""

import numpy as np
from matplotlib.lines import Line2D

from viz.render.looks import looks
from viz.render.panels.trail import FadingPath
from viz.render.rates import legend_texts
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


def divergence_steps(loss):
    """For each path, the first step whose loss is not finite, or None."""
    return [int(np.argmax(~np.isfinite(row))) if not np.isfinite(row).all() else None for row in loss]


def legend_handles(recording, theme=LIGHT, show_rates=None):
    """One legend entry per optimizer: colour, line style and head marker; its learning rate
    when the optimizers' rates differ or one follows a schedule (see
    :func:`viz.render.rates.legend_texts`); where it diverged, if it did."""
    diverged = {}
    for name, step in zip(recording.names, divergence_steps(recording.loss)):
        if step is not None:
            diverged.setdefault(name, step)
    texts = legend_texts(recording, show_rates)
    return [
        Line2D([], [], linewidth=2.2, markersize=9, markeredgecolor=theme.outline, markeredgewidth=1.0,
               label=f"{text} (diverged at step {diverged[label]})" if label in diverged else text, **style)
        for (label, style), text in zip(looks(recording.names, theme).items(), texts.values())
    ]


def last_finite(values):
    """For each row and step, the index of the last finite value up to that step (-1: none)."""
    finite = np.isfinite(values)
    steps = np.where(finite, np.arange(values.shape[-1]), -1)
    return np.maximum.accumulate(steps, axis=-1)


class HeadLooks:
    """Where a path's head is and how it looks at a step: at the path's last finite point, with
    the optimizer's marker, or a black-edged cross once the path has diverged."""

    def __init__(self, recording, theme=LIGHT):
        self.index = last_finite(recording.loss)  # [n_paths, steps+1]: the point the head marks
        self.diverged_at = divergence_steps(recording.loss)
        self.markers = [style["marker"] for style in path_styles(recording.names, theme)]
        self.edges = (theme.outline, theme.ink)  # a head's edge, and a diverged head's

    def apply(self, head, path, step):
        """Give ``head`` the marker and edge of ``path`` at ``step``."""
        diverged = self.diverged_at[path] is not None and step >= self.diverged_at[path]
        head.set_marker("X" if diverged else self.markers[path])
        head.set_markeredgecolor(self.edges[1 if diverged else 0])


def heads_in_view(xy, index, view):
    """Where each path's head is drawn at each step [n_paths, steps+1, 2]: at its point
    ``xy[path, index[path, step]]`` when that is in ``view`` ((x0, x1), (y0, y1)); out of it,
    where the path last crossed the view's border on its way out (or, if it never was inside,
    the nearest border point)."""
    (x0, x1), (y0, y1) = view
    low, high = np.array([x0, y0]), np.array([x1, y1])
    heads = np.empty(index.shape + (2,))
    for path, (points, shown) in enumerate(zip(xy, index)):
        inside = np.all((points >= low) & (points <= high), axis=1)
        last_inside = np.maximum.accumulate(np.where(inside, np.arange(len(points)), -1))
        for step, at in enumerate(shown):
            point, before = points[at], last_inside[at]
            if inside[at] or before < 0:
                heads[path, step] = np.clip(point, low, high)
                continue
            start, away = points[before], points[before + 1] - points[before]  # the segment that leaves
            with np.errstate(divide="ignore", invalid="ignore"):
                reach = np.where(away > 0, (high - start) / away, np.where(away < 0, (low - start) / away, np.inf))
            heads[path, step] = start + min(1.0, reach.min()) * away
    return heads


def add_keys(ax, starts, start_label, marks, marks_label, theme, clip=True):
    """The key above a paths panel: the start points [k, 2 or 3] as rings and the ``marks``
    (minima; may be empty) as stars; ``clip`` False draws a star on the border whole."""
    keys = ax.plot(*starts.T, marker="o", markersize=11, markerfacecolor="none", markeredgecolor=theme.ink,
                   markeredgewidth=2, linestyle="none", zorder=4, label=start_label)
    if len(marks):
        keys += ax.plot(*marks.T, marker="*", markersize=18, color=theme.background, markeredgecolor=theme.ink,
                        linestyle="none", zorder=4, clip_on=clip, label=marks_label)
    ax.legend(handles=keys, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, frameon=False,
              borderaxespad=0.2, handletextpad=0.3, fontsize="small")


class PathPanel:
    """What the contour and the 3D panel share: each path's line and head in its optimizer's
    style, moved to a step by the panel's ``points(path, step)`` (the path drawn up to it,
    [n, 2 or 3]) and ``head(path, step)`` (where the head is drawn, step >= 0)."""

    def add_paths(self, ax, recording, theme, view, dims=2, trail=None, clip=True):
        """One empty line and head per path on ``ax``. ``view`` ((x0, x1), (y0, y1)): where
        heads stay (see :func:`heads_in_view`); ``trail``: lines that fade with age (see
        :class:`FadingPath`); ``clip`` False: heads on the border drawn whole."""
        self.xy = recording.plane.xy
        self.head_looks = HeadLooks(recording, theme)
        self.head_xy = heads_in_view(self.xy, self.head_looks.index, view)
        empty = [[]] * dims
        self.lines, self.heads = [], []
        for style in path_styles(recording.names, theme):
            if trail:
                line = FadingPath(ax, trail, style, zorder=5)
            else:
                line, = ax.plot(*empty, color=style["color"], linestyle=style["linestyle"], linewidth=2.6,
                                zorder=5, animated=True)
            head, = ax.plot(*empty, color=style["color"], marker=style["marker"], markersize=HEAD_SIZE,
                            markeredgecolor=theme.outline, markeredgewidth=1.4, linestyle="none",
                            zorder=6 + 0.01 * SLIM.find(style["marker"]),  # slim markers over bulky ones
                            clip_on=clip, animated=True)
            self.lines.append(line)
            self.heads.append(head)

    @property
    def animated_artists(self):
        return [*self.lines, *self.heads]

    def update(self, steps):
        for path, (line, head, step) in enumerate(zip(self.lines, self.heads, steps)):
            drawn = self.points(path, step)
            _place(line, drawn)
            _place(head, drawn[:0] if step < 0 else np.array([self.head(path, step)]))
            if step >= 0:
                self.head_looks.apply(head, path, step)


def _place(line, points):
    """Set a 2D or 3D line's data to ``points`` [n, 2 or 3]."""
    if points.shape[1] == 3:
        line.set_data_3d(*points.T)
    else:
        line.set_data(*points.T)
