"""The panels of a frame. Each draws its static part once, at construction, and owns a few
animated artists that :meth:`update` moves with ``set_data``.

The panel protocol: ``animated_artists`` (a list) and ``update(steps)``, where ``steps`` is an
int array [n_paths], each path's current recorded step; -1: the path is not shown yet (an
optimizer waiting for its turn in a ``--sequence``).
"""

import numpy as np
from contourpy import contour_generator
from matplotlib.collections import PolyCollection
from matplotlib.colors import BoundaryNorm
from matplotlib.lines import Line2D

from viz.problems.logreg import check_feature_axes
from viz.render.trail import FadingPath
from viz.render.theme import LIGHT
from viz.spread import bands

# Cycles of coprime lengths (7 colours, 6 styles and markers): no two of the first 42 look alike.
LINESTYLES = ("-", "--", ":", "-", "-.", (0, (6, 2)))
MARKERS = ("o", "s", "^", "D", "v", "P")


def optimizer_style(index, theme=LIGHT):
    """Colour, line style and head marker of the ``index``-th optimizer."""
    return {
        "color": theme.paths[index % len(theme.paths)],
        "linestyle": LINESTYLES[index % len(LINESTYLES)],
        "marker": MARKERS[index % len(MARKERS)],
    }


def labels_and_styles(names):
    """The distinct optimizer labels in order, and for each path the index of its label (paths
    of one optimizer from several starts share a style)."""
    labels = list(dict.fromkeys(names))
    return labels, [labels.index(name) for name in names]


def divergence_steps(loss):
    """For each path, the first step whose loss is not finite, or None."""
    return [int(np.argmax(~np.isfinite(row))) if not np.isfinite(row).all() else None for row in loss]


def legend_handles(recording, theme=LIGHT):
    """One legend entry per optimizer: colour, line style and head marker; its learning rate
    when the optimizers' rates differ; where it diverged, if it did."""
    labels, _ = labels_and_styles(recording.names)
    diverged = {}
    for name, step in zip(recording.names, divergence_steps(recording.loss)):
        if step is not None:
            diverged.setdefault(name, step)
    rates = learning_rates(recording)
    shown = [label + (f" lr {rates[label]:.3g}" if len(set(rates.values())) > 1 else "") for label in labels]
    return [
        Line2D([], [], linewidth=2.2, markersize=8, markeredgecolor=theme.halo,
               label=f"{text} (diverged at step {diverged[label]})" if label in diverged else text,
               **optimizer_style(i, theme))
        for i, (label, text) in enumerate(zip(labels, shown))
    ]


def learning_rates(recording):
    """Each optimizer's learning rate, where it is a number (not a schedule)."""
    configs = recording.meta.get("optimizers", {})
    rates = {label: configs[label]["config"].get("learning_rate") for label in configs}
    return {label: rate for label, rate in rates.items() if isinstance(rate, (int, float))}


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
        _, style_of = labels_and_styles(recording.names)
        self.markers = [optimizer_style(index)["marker"] for index in style_of]
        self.edges = (theme.halo, theme.ink)  # a head's edge, and a diverged head's

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


class ContourPanel:
    """Loss contours on the 2D view with the paths growing over them."""

    def __init__(self, ax, cax, recording, theme=LIGHT, trail=None):
        plane = recording.plane
        cmap = theme.contour_cmap
        norm = BoundaryNorm(plane.levels, cmap.N)
        filled = ax.contourf(plane.grid_x, plane.grid_y, plane.grid_loss, levels=plane.levels, cmap=cmap,
                             norm=norm, extend="both")
        ax.contour(plane.grid_x, plane.grid_y, plane.grid_loss, levels=plane.levels, colors=theme.contour_lines,
                   linewidths=0.5)
        colorbar = ax.figure.colorbar(filled, cax=cax, format=_short_number)
        colorbar.set_label("training loss on this plane" if recording.steps_per_epoch else "f(x, y)")
        keys = []
        starts = np.unique(plane.xy[:, 0][np.isfinite(plane.xy[:, 0]).all(axis=1)], axis=0)
        keys += ax.plot(starts[:, 0], starts[:, 1], marker="o", markersize=11, markerfacecolor="none",
                        markeredgecolor=theme.ink, markeredgewidth=2, linestyle="none", zorder=4,
                        label=("start" if len(starts) == 1 else "starts")  # several seeds: whose paths these are
                        + (f", seed {recording.spread['seeds'][0]}" if recording.spread else ""))
        if len(plane.marks):
            keys += ax.plot(plane.marks[:, 0], plane.marks[:, 1], marker="*", markersize=18, color=theme.background,
                            markeredgecolor=theme.ink, linestyle="none", zorder=4, clip_on=False,
                            label=plane.marks_label)
        ax.legend(handles=keys, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, frameon=False,
                  borderaxespad=0.2, handletextpad=0.3, fontsize="small")
        ax.set_aspect("equal", adjustable="box")  # equal scales: distances and angles are true
        ax.set_xlim(plane.grid_x[0], plane.grid_x[-1])
        ax.set_ylim(plane.grid_y[0], plane.grid_y[-1])
        ax.set_xlabel(plane.axis_labels[0])
        ax.set_ylabel(plane.axis_labels[1])
        offset = cax.get_position().x0 - ax.get_position().x1
        ax.apply_aspect()  # a domain wider than tall shrinks the box: the colour bar follows it
        box, bar = ax.get_position(), cax.get_position()
        cax.set_position((box.x1 + offset, box.y0, bar.width, box.height))
        room = max(3, int(12 * box.height / bar.height))  # tick labels that fit the bar's height
        colorbar.set_ticks(plane.levels[:: -(-len(plane.levels) // room)])

        self.xy = plane.xy
        self.view = (plane.grid_x[[0, -1]], plane.grid_y[[0, -1]])
        self.head_looks = HeadLooks(recording, theme)
        self.head_xy = heads_in_view(self.xy, self.head_looks.index, self.view)
        _, style_of = labels_and_styles(recording.names)
        self.lines, self.heads = [], []
        self.trail = trail  # with a trail length, the paths fade with age (see FadingPath)
        for path in range(len(recording.names)):
            style = optimizer_style(style_of[path], theme)
            if trail:
                line = FadingPath(ax, self.xy[path], trail, style, zorder=5)
            else:
                line, = ax.plot([], [], color=style["color"], linestyle=style["linestyle"], linewidth=2.6,
                                zorder=5, animated=True)
            head, = ax.plot([], [], color=style["color"], marker=style["marker"], markersize=9,
                            markeredgecolor=theme.halo, markeredgewidth=1.2, linestyle="none", zorder=6,
                            clip_on=False, animated=True)
            self.lines.append(line)
            self.heads.append(head)

    @property
    def animated_artists(self):
        return [line.collection if self.trail else line for line in self.lines] + self.heads

    def update(self, steps):
        for path, (line, head, step) in enumerate(zip(self.lines, self.heads, steps)):
            if self.trail:
                line.update(step)
            else:
                line.set_data(self.xy[path, : step + 1, 0], self.xy[path, : step + 1, 1])
            if step < 0:
                head.set_data([], [])
                continue
            x, y = self.head_xy[path, step]
            head.set_data([x], [y])
            self.head_looks.apply(head, path, step)


class CurvePanel:
    """One learning curve per path, drawn up to the current step: a thin line for the value
    after every step and, optionally, Keras' History per epoch as markers at epoch ends (joined
    by lines when there is no value per step: a model's own metric)."""

    def __init__(self, ax, names, per_step, ylabel, steps_per_epoch=0, per_epoch=None, unit_range=False,
                 theme=LIGHT, every=1):
        points = per_step.shape[1]
        self.per_step = per_step
        self.per_epoch = per_epoch
        by_epoch = per_epoch is not None and not np.isfinite(per_step).any()
        self.steps_per_epoch, self.every = steps_per_epoch, every  # every: steps between recorded points
        self.x = np.arange(points) * every / (steps_per_epoch or 1)
        ax.set_xlim(0, self.x[-1])
        ax.set_ylabel(ylabel)
        ax.grid(True, color=theme.grid, linewidth=0.8)
        if steps_per_epoch:
            ax.set_xticks(np.arange(0, round(self.x[-1]) + 1))
        if unit_range:
            ax.set_ylim(0, 1)
        else:
            _auto_range(ax, per_epoch if by_epoch else per_step)
        _, style_of = labels_and_styles(names)
        self.lines, self.marks = [], []
        for path in range(per_step.shape[0]):
            style = optimizer_style(style_of[path], theme)
            line, = ax.plot([], [], color=style["color"], linestyle=style["linestyle"], linewidth=1.6,
                            animated=True)
            self.lines.append(line)
            if per_epoch is not None:
                mark, = ax.plot([], [], color=style["color"], marker=style["marker"], markersize=7,
                                markeredgecolor=theme.halo, markeredgewidth=1.0, clip_on=False, animated=True,
                                linestyle=style["linestyle"] if by_epoch else "none", linewidth=1.6)
                self.marks.append(mark)

    @property
    def animated_artists(self):
        return [*self.lines, *self.marks]

    def update(self, steps):
        for path, (line, step) in enumerate(zip(self.lines, steps)):
            line.set_data(self.x[: step + 1], self.per_step[path, : step + 1])
        for path, (mark, step) in enumerate(zip(self.marks, steps)):
            epochs_done = max(step * self.every // self.steps_per_epoch, 0)
            mark.set_data(np.arange(1, epochs_done + 1), self.per_epoch[path, :epochs_done])


def _short_number(value, _position=None):
    """Three significant digits, without exponents: 0.187, 21.6, 765, 2,509."""
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    return text.replace("-", "\N{MINUS SIGN}")  # as matplotlib's own tick labels write it


def _auto_range(ax, values):
    """A log scale where the values are positive and span more than two decades, else linear;
    limits from the finite values with a little room. Values past 10^4 times the largest
    start value are a divergence: those curves leave the panel at the top."""
    cap = 1e4 * max(np.nanmax(np.abs(values[:, 0])), 1.0)
    finite = values[np.isfinite(values) & (np.abs(values) <= cap)]
    low, high = finite.min(), finite.max()
    positive = finite[finite > 0]
    if low >= 0 and positive.size and high / positive.min() > 100:
        floor = max(np.quantile(positive, 0.01), high * 1e-12)
        ax.set_yscale("log", nonpositive="clip")  # a path that reached 0 exactly runs along the floor
        ax.set_ylim(floor / 2, high * 2)
    else:
        room = 0.05 * (high - low) or 1.0
        ax.set_ylim(low - room, high + room)


def scatter_classes(ax, x, y, theme=LIGHT):
    """The data points [rows, 2] of a binary classification, class 0 as light circles and class 1
    as dark triangles (greys: the optimizers own the colours), with a small legend above the
    panel's right end (inside it would cover points and boundaries)."""
    for label, marker, colour, alpha in ((0, "o", theme.contour_high, 0.55), (1, "^", theme.ink, 0.35)):
        chosen = y == label
        ax.plot(*x[chosen].T, linestyle="none", marker=marker, markersize=3.5, alpha=alpha, color=colour,
                markeredgewidth=0, label=f"class {label}")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False, borderaxespad=0.1,
              handletextpad=0.2, columnspacing=0.8, fontsize="small", markerscale=1.6)


class Boundaries:
    """What the two boundary panels share: one animated line per path, drawn each step where
    the panel's ``boundary(path, step)`` puts it ([points, 2], empty to hide it)."""

    @property
    def animated_artists(self):
        return self.lines

    def update(self, steps):
        for path, (line, step) in enumerate(zip(self.lines, steps)):
            points = self.boundary(path, step)
            line.set_data(points[:, 0], points[:, 1])


def boundary_lines(ax, names, theme, linewidth):
    """One empty animated line per path, in its optimizer's colour and style."""
    _, style_of = labels_and_styles(names)
    lines = []
    for index in style_of:
        style = optimizer_style(index, theme)
        line, = ax.plot([], [], color=style["color"], linestyle=style["linestyle"], linewidth=linewidth, animated=True)
        lines.append(line)
    return lines


class BoundaryPanel(Boundaries):
    """A two-input model's data in its own two features, with each optimizer's decision
    boundary (where the model's output crosses 0.5, or 0 for logits) at the current step."""

    def __init__(self, ax, recording, theme=LIGHT):
        regions = recording.regions
        self.grid_x, self.grid_y, self.outputs = regions["grid_x"], regions["grid_y"], regions["outputs"]
        self.level = float(regions["level"])
        self.finite = np.isfinite(recording.loss)
        scatter_classes(ax, regions["data_x"], regions["data_y"], theme)
        ax.set_xlim(self.grid_x[0], self.grid_x[-1])
        ax.set_ylim(self.grid_y[0], self.grid_y[-1])
        ax.set_xlabel("feature 1")
        ax.set_ylabel("feature 2")
        self.lines = boundary_lines(ax, recording.names, theme, linewidth=2.0)

    def boundary(self, path, step):
        """The boundary of the path's model at ``step`` as one polyline (pieces NaN-separated)."""
        if step < 0 or not self.finite[path, step]:
            return np.empty((0, 2))
        pieces = contour_generator(self.grid_x, self.grid_y, self.outputs[path, step]).lines(self.level)
        joined = [np.vstack([piece, [np.nan, np.nan]]) for piece in pieces]
        return np.concatenate(joined) if joined else np.empty((0, 2))



class SpreadPanel:
    """A learning curve over several initializations: each optimizer's median as a line and the
    middle half of the initializations as a band around it, both drawn up to the current step."""

    def __init__(self, ax, names, per_seed, ylabel, steps_per_epoch, unit_range=False, theme=LIGHT, every=1,
                 higher_is_worse=True):
        # a diverged run is the worst value, drawn off the panel (clipped to stay drawable)
        self.median, self.low, self.high = (np.clip(values, -1e6, 1e6) for values in bands(per_seed, higher_is_worse))
        self.x = np.arange(per_seed.shape[-1]) * every / steps_per_epoch
        ax.set_xlim(0, self.x[-1])
        ax.set_xticks(np.arange(0, round(self.x[-1]) + 1))
        ax.set_ylabel(ylabel)
        ax.grid(True, color=theme.grid, linewidth=0.8)
        if unit_range:
            ax.set_ylim(0, 1)
        else:
            _auto_range(ax, self.median)
        _, style_of = labels_and_styles(names)
        self.lines, self.bands = [], []
        for path in range(per_seed.shape[0]):
            style = optimizer_style(style_of[path], theme)
            band = PolyCollection([], facecolors=style["color"], alpha=0.16, linewidths=0, animated=True)
            ax.add_collection(band, autolim=False)
            line, = ax.plot([], [], color=style["color"], linestyle=style["linestyle"], linewidth=1.8, animated=True)
            self.bands.append(band)
            self.lines.append(line)

    @property
    def animated_artists(self):
        return [*self.bands, *self.lines]

    def band(self, path, step):
        """The band's outline up to ``step``: upper quartile forward, lower quartile back
        (empty before the start, step -1)."""
        x = self.x[: step + 1]
        return np.column_stack([np.concatenate([x, x[::-1]]),
                                np.concatenate([self.high[path, : step + 1], self.low[path, : step + 1][::-1]])])

    def update(self, steps):
        for path, (line, band, step) in enumerate(zip(self.lines, self.bands, steps)):
            line.set_data(self.x[: step + 1], self.median[path, : step + 1])
            band.set_verts([self.band(path, step)])


LESSON_FEATURES = ("variance", "skewness")  # the pair that separates the banknotes best


class LinearBoundaryPanel(Boundaries):
    """The lesson's training rows on two axes of feature space (two features, or ``("pca",)``
    for the two principal components of the standardised features) and, per optimizer, the line where its
    decision boundary w·x + b = 0 crosses that plane (the other directions at 0, the features'
    mean), moving with the step."""

    def __init__(self, ax, recording, features=LESSON_FEATURES, theme=LIGHT):
        data = recording.data
        x, names = data["x"], [str(name) for name in data["feature_names"]]
        if check_feature_axes(features) == ("pca",):
            self.axes = principal_axes(x)
            shares = self.axes @ np.cov(x.T) @ self.axes.T
            share = np.diag(shares) / np.trace(np.cov(x.T))
            labels = [f"PC{i + 1} of the features ({share[i]:.0%})" for i in range(2)]
        else:
            self.axes = np.eye(len(names))[[names.index(name) for name in features]]
            labels = [f"{name} (standardised)" for name in features]
        shown = x @ self.axes.T
        scatter_classes(ax, shown, data["y"], theme)
        low, high = np.quantile(shown, [0.005, 0.995], axis=0)
        room = 0.08 * (high - low)
        self.view = np.stack([low - room, high + room])  # [[x0, y0], [x1, y1]]
        ax.set_xlim(*self.view[:, 0])
        ax.set_ylim(*self.view[:, 1])
        ax.set_xlabel(labels[0], labelpad=1)
        ax.set_ylabel(labels[1])
        self.params = recording.params
        self.lines = boundary_lines(ax, recording.names, theme, linewidth=2.2)

    def boundary(self, path, step):
        """The two ends [2, 2] of the path's boundary line within the view at ``step`` (empty
        if it misses the view, the path diverged or is not shown yet, step -1)."""
        if step < 0 or not np.isfinite(self.params[path, step]).all():
            return np.empty((0, 2))
        weights = self.params[path, step]
        return clip_line(self.axes @ weights[:-1], weights[-1], self.view)



def principal_axes(x):
    """The two principal directions [2, d] of the rows of ``x`` (unit vectors, largest first,
    each signed so that its largest component is positive)."""
    _, _, vt = np.linalg.svd(x - x.mean(axis=0), full_matrices=False)
    axes = vt[:2]
    return axes * np.sign(axes[np.arange(2), np.argmax(np.abs(axes), axis=1)])[:, None]


def clip_line(normal, offset, view):
    """The segment of the line ``normal · z + offset = 0`` inside the box ``view``
    [[x0, y0], [x1, y1]], as its two ends [2, 2]; empty [0, 2] if the line misses the box."""
    (x0, y0), (x1, y1) = view
    a, b = normal
    ends = []
    if b != 0:
        ends += [(x, -(offset + a * x) / b) for x in (x0, x1)]
    if a != 0:
        ends += [(-(offset + b * y) / a, y) for y in (y0, y1)]
    tolerance = 1e-9 * max(x1 - x0, y1 - y0)
    inside = [end for end in ends
              if x0 - tolerance <= end[0] <= x1 + tolerance and y0 - tolerance <= end[1] <= y1 + tolerance]
    if len(inside) < 2:
        return np.empty((0, 2))
    inside = np.array(inside)
    far = np.argmax(np.linalg.norm(inside - inside[0], axis=1))
    return inside[[0, far]]
