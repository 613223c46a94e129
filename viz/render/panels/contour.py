"""The contour panel: loss contours on the 2D view, a colour bar with the loss values, and the
paths growing over them."""

import numpy as np
from matplotlib.colors import BoundaryNorm

from viz.plane import spaced_levels
from viz.render.framing import add_inset, visited_view, within
from viz.render.panels.curves import start_groups
from viz.render.panels.labels import DirectLabels
from viz.render.panels.paths import PathPanel, add_keys
from viz.render.panels.seeds import SeedPaths, seed_paths
from viz.render.text import short_number
from viz.render.theme import LIGHT


STAR_ROOM = 0.3  # inches between the panel and its colour bar: a star on the border stays clear of it


class ContourPanel(PathPanel):
    """Loss contours on the 2D view with the paths growing over them; with a ``trail`` length,
    the paths fade with age. The view is where the paths go (:mod:`viz.render.framing`): zoomed
    in, with its own levels and an inset of the whole grid, when they use a small part of it."""

    def __init__(self, ax, cax, recording, theme=LIGHT, trail=None):
        plane, figure = recording.plane, ax.get_figure()
        room = ax.get_position()
        others = seed_paths(recording) if recording.spread else ()
        self.view, zoomed = visited_view(plane, room.width * figure.get_figwidth() /
                                         (room.height * figure.get_figheight()), others)
        grid_x, grid_y, grid_loss = within(plane, self.view) if zoomed else (plane.grid_x, plane.grid_y,
                                                                             plane.grid_loss)
        levels = spaced_levels(grid_loss, plane.spacing) if zoomed else plane.levels  # for the loss in view
        cmap = theme.contour_cmap
        norm = BoundaryNorm(levels, cmap.N)
        filled = ax.contourf(grid_x, grid_y, grid_loss, levels=levels, cmap=cmap, norm=norm, extend="both")
        ax.contour(grid_x, grid_y, grid_loss, levels=levels, colors=theme.contour_lines, linewidths=0.5)
        colorbar = figure.colorbar(filled, cax=cax, format=short_number)
        colorbar.set_label(("training loss on this plane" + (", BatchNorm statistics of the best end"
                                                             if "plane_state" in recording.meta else ""))
                           if recording.steps_per_epoch else "f(x, y)")
        starts = np.unique(plane.xy[:, 0][np.isfinite(plane.xy[:, 0]).all(axis=1)], axis=0)
        label = (("start" if len(starts) == 1 else "starts")  # several seeds: whose paths these are
                 + (f", seed {recording.spread['seeds'][0]} (in front)" if recording.spread else ""))
        low, high = np.array(self.view).T
        self.seeds = SeedPaths(ax, recording, theme, (low, high)) if recording.spread else None
        add_keys(ax, starts, label, plane.marks, plane.marks_label, theme, clip=False,
                 extra=[self.seeds.key] if self.seeds else ())
        named = [path.get("initializer") for path in recording.meta.get("paths", [])]
        if "zeros" in named:  # initializers compared: the all-zeros start said (the others are their paths' colours)
            ax.annotate("zeros: all weights 0", plane.xy[named.index("zeros"), 0], xytext=(-8, -8),
                        textcoords="offset points", ha="right", va="top", fontsize="small", fontweight="bold",
                        color=theme.ink, zorder=4)
        elif len(starts) > 1 and not recording.spread:  # numbered as the curves' panels are, one per start
            for number, group in enumerate(start_groups(recording)):
                start = plane.xy[group[0], 0]
                away = np.nan_to_num(np.nanmean(plane.xy[group, 1:20] - start, axis=(0, 1)))  # where its paths go
                away = -away / (np.hypot(*away) or 1.0)  # the number on the other side, off the paths
                ax.annotate(str(number + 1), start, xytext=tuple(11 * away), textcoords="offset points", ha="center",
                            va="center", fontsize="small", fontweight="bold", color=theme.ink, zorder=4)
        ax.set_aspect("equal", adjustable="box")  # equal scales: distances and angles are true
        ax.set_xlim(*self.view[0])
        ax.set_ylim(*self.view[1])
        ax.set_xlabel(plane.axis_labels[0])
        ax.set_ylabel(plane.axis_labels[1])
        # room for half a star (the minimum on the border) between the panel and its colour bar
        offset = max(cax.get_position().x0 - ax.get_position().x1, STAR_ROOM / figure.get_figwidth())
        ax.apply_aspect()  # a view wider than tall shrinks the box: the colour bar follows it
        box, bar = ax.get_position(), cax.get_position()
        cax.set_position((box.x1 + offset, box.y0, bar.width, box.height))
        room = max(3, int(12 * box.height / bar.height))  # tick labels that fit the bar's height
        colorbar.set_ticks(levels[:: -(-len(levels) // room)])
        self.inset = add_inset(ax, plane, self.view, cmap, BoundaryNorm(plane.levels, cmap.N), theme) if zoomed else None
        self.add_paths(ax, recording, theme, self.view, trail=trail, clip=False)
        self.labels = DirectLabels(self, recording, theme)

    def ax_pixels(self, path, step):
        """The path drawn up to ``step``, in the panel's pixels."""
        return self.lines[path].axes.transData.transform(self.points(path, step))

    def head(self, path, step):
        return self.head_xy[path, step]

    @property
    def animated_artists(self):
        return [*(self.seeds.animated_artists if self.seeds else ()), *super().animated_artists,
                *self.labels.animated_artists]

    def as_vector(self):
        """The direct labels as text, for an SVG or PDF."""
        self.labels.as_vector()

    def rewind(self):
        """Forget the direct labels' places (frames are drawn again from the first)."""
        self.labels.choice.clear()

    def update(self, steps):
        if self.seeds:
            self.seeds.update(steps)
        super().update(steps)
        self.labels.update(steps)
