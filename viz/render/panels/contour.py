"""The contour panel: loss contours on the 2D view, a colour bar with the loss values, and the
paths growing over them."""

import numpy as np
from matplotlib.colors import BoundaryNorm

from viz.render.panels.labels import DirectLabels
from viz.render.panels.paths import PathPanel, add_keys
from viz.render.theme import LIGHT


class ContourPanel(PathPanel):
    """Loss contours on the 2D view with the paths growing over them; with a ``trail`` length,
    the paths fade with age."""

    def __init__(self, ax, cax, recording, theme=LIGHT, trail=None):
        plane = recording.plane
        cmap = theme.contour_cmap
        norm = BoundaryNorm(plane.levels, cmap.N)
        filled = ax.contourf(plane.grid_x, plane.grid_y, plane.grid_loss, levels=plane.levels, cmap=cmap,
                             norm=norm, extend="both")
        ax.contour(plane.grid_x, plane.grid_y, plane.grid_loss, levels=plane.levels, colors=theme.contour_lines,
                   linewidths=0.5)
        colorbar = ax.figure.colorbar(filled, cax=cax, format=short_number)
        colorbar.set_label("training loss on this plane" if recording.steps_per_epoch else "f(x, y)")
        starts = np.unique(plane.xy[:, 0][np.isfinite(plane.xy[:, 0]).all(axis=1)], axis=0)
        label = (("start" if len(starts) == 1 else "starts")  # several seeds: whose paths these are
                 + (f", seed {recording.spread['seeds'][0]}" if recording.spread else ""))
        add_keys(ax, starts, label, plane.marks, plane.marks_label, theme, clip=False)
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
        self.add_paths(ax, recording, theme, (plane.grid_x[[0, -1]], plane.grid_y[[0, -1]]), trail=trail, clip=False)
        self.labels = DirectLabels(self, recording, theme)

    @property
    def animated_artists(self):
        return [*super().animated_artists, *self.labels.animated_artists]

    def update(self, steps):
        super().update(steps)
        self.labels.update(steps)

    def points(self, path, step):
        return self.xy[path, : step + 1]

    def ax_pixels(self, path, step):
        """The path drawn up to ``step``, in the panel's pixels."""
        return self.lines[path].axes.transData.transform(self.points(path, step))

    def head(self, path, step):
        return self.head_xy[path, step]


def short_number(value, _position=None):
    """Three significant digits, without exponents: 0.187, 21.6, 765, 2,509."""
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    return text.replace("-", "\N{MINUS SIGN}")  # as matplotlib's own tick labels write it
