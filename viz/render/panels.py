"""The panels of a frame. Each draws its static part once, at construction, and owns a few
animated artists that :meth:`update` moves to a given step with ``set_data``.
"""

import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.lines import Line2D

# Okabe & Ito's colour-blind safe palette (without yellow, too faint on light contours),
# ordered so the lesson's three near-identical SGD paths get the most distinct colours.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
LINESTYLES = ("-", "--", ":", "-", "-.", (0, (6, 2)), (0, (3, 1, 1, 1, 1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
CONTOUR_CMAP = ListedColormap(
    [tuple(c) for c in np.linspace((1.0, 1.0, 1.0), (0.62, 0.64, 0.68), 12)]
)  # a light, perceptually even grey ramp: paths stay the saturated thing on the panel


def optimizer_style(index):
    """Colour, line style and head marker of the ``index``-th optimizer."""
    return {
        "color": COLOURS[index % len(COLOURS)],
        "linestyle": LINESTYLES[index % len(LINESTYLES)],
        "marker": MARKERS[index % len(MARKERS)],
    }


def legend_handles(names):
    """One legend entry per optimizer, showing its colour, line style and head marker."""
    return [
        Line2D([], [], linewidth=2.2, markersize=8, markeredgecolor="white", label=name, **optimizer_style(i))
        for i, name in enumerate(names)
    ]


def last_finite(values):
    """For each row and step, the index of the last finite value up to that step (-1: none)."""
    finite = np.isfinite(values)
    steps = np.where(finite, np.arange(values.shape[-1]), -1)
    return np.maximum.accumulate(steps, axis=-1)


def contour_levels(grid_loss, count=12):
    """Levels at quantiles of the loss in view: every band covers a similar area, so the
    valley floor gets as many contours as the walls."""
    finite = grid_loss[np.isfinite(grid_loss)]
    levels = np.unique(np.quantile(finite, np.linspace(0, 1, count + 1)))
    return levels if levels.size > 1 else np.array([finite.min(), finite.min() + 1.0])


class ContourPanel:
    """Loss contours on the 2D view with the paths growing over them."""

    def __init__(self, ax, cax, recording):
        plane = recording.plane
        levels = contour_levels(plane.grid_loss)
        norm = BoundaryNorm(levels, CONTOUR_CMAP.N)
        filled = ax.contourf(plane.grid_x, plane.grid_y, plane.grid_loss, levels=levels, cmap=CONTOUR_CMAP, norm=norm)
        ax.contour(plane.grid_x, plane.grid_y, plane.grid_loss, levels=levels, colors="#7f8288", linewidths=0.5)
        colorbar = ax.figure.colorbar(filled, cax=cax, format="%.2f")
        colorbar.set_label("training loss on this plane")
        low = np.unravel_index(np.nanargmin(plane.grid_loss), plane.grid_loss.shape)
        lowest, = ax.plot(plane.grid_x[low[1]], plane.grid_y[low[0]], marker="*", markersize=18, color="white",
                          markeredgecolor="black", linestyle="none", zorder=4, clip_on=False,
                          label="lowest loss in view")
        start, = ax.plot(*plane.xy[0, 0], marker="o", markersize=11, markerfacecolor="none", markeredgecolor="black",
                         markeredgewidth=2, linestyle="none", zorder=4, label="start")
        ax.legend(handles=[start, lowest], loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, frameon=False,
                  borderaxespad=0.2, handletextpad=0.3, fontsize="small")
        ax.set_aspect("equal", adjustable="box")  # equal scales: the picture does not exaggerate PC2
        ax.set_xlim(plane.grid_x[0], plane.grid_x[-1])
        ax.set_ylim(plane.grid_y[0], plane.grid_y[-1])
        ax.set_xlabel(plane.axis_labels[0])
        ax.set_ylabel(plane.axis_labels[1])

        self.xy = plane.xy
        self.head_index = last_finite(recording.loss)
        self.lines, self.heads = [], []
        for i in range(len(recording.names)):
            style = optimizer_style(i)
            line, = ax.plot([], [], color=style["color"], linestyle=style["linestyle"], linewidth=2.6,
                            zorder=5, animated=True)
            head, = ax.plot([], [], color=style["color"], marker=style["marker"], markersize=9,
                            markeredgecolor="white", markeredgewidth=1.2, linestyle="none", zorder=6,
                            animated=True)
            self.lines.append(line)
            self.heads.append(head)

    @property
    def animated_artists(self):
        return [*self.lines, *self.heads]

    def update(self, step):
        for i, (line, head) in enumerate(zip(self.lines, self.heads)):
            line.set_data(self.xy[i, : step + 1, 0], self.xy[i, : step + 1, 1])
            at = self.head_index[i, step]
            head.set_data(self.xy[i, at : at + 1, 0], self.xy[i, at : at + 1, 1]) if at >= 0 else head.set_data([], [])


class CurvePanel:
    """One learning curve per optimizer against epochs: the value after every step as a thin
    line, and Keras' History per epoch as markers at the end of each epoch."""

    def __init__(self, ax, per_step, per_epoch, steps_per_epoch, ylabel):
        steps = per_step.shape[1] - 1
        self.epochs_at_step = np.arange(steps + 1) / steps_per_epoch
        self.per_step = per_step
        self.per_epoch = per_epoch
        self.steps_per_epoch = steps_per_epoch
        ax.set_xlim(0, steps / steps_per_epoch)
        ax.set_ylim(0, 1)
        ax.set_xticks(np.arange(0, steps // steps_per_epoch + 1))
        ax.set_ylabel(ylabel)
        ax.grid(True, color="#dddddd", linewidth=0.8)
        self.lines, self.marks = [], []
        for i in range(per_step.shape[0]):
            style = optimizer_style(i)
            line, = ax.plot([], [], color=style["color"], linestyle=style["linestyle"], linewidth=1.6,
                            animated=True)
            mark, = ax.plot([], [], color=style["color"], marker=style["marker"], markersize=7,
                            markeredgecolor="white", markeredgewidth=1.0, linestyle="none", clip_on=False,
                            animated=True)
            self.lines.append(line)
            self.marks.append(mark)

    @property
    def animated_artists(self):
        return [*self.lines, *self.marks]

    def update(self, step):
        epochs_done = step // self.steps_per_epoch
        ends = np.arange(1, epochs_done + 1)
        for i, (line, mark) in enumerate(zip(self.lines, self.marks)):
            line.set_data(self.epochs_at_step[: step + 1], self.per_step[i, : step + 1])
            mark.set_data(ends, self.per_epoch[i, :epochs_done])
