"""The contour panel: loss contours on the 2D view, a colour bar with the loss values, and the
paths growing over them."""

import numpy as np
from matplotlib.colors import BoundaryNorm
from matplotlib.font_manager import FontProperties

from viz.plane import spaced_levels
from viz.render.framing import add_inset, grid_view, keep_label_in, visited_view, wants_inset, within
from viz.render.panels.curves import start_groups
from viz.render.panels.labels import DirectLabels
from viz.render.panels.paths import PathPanel, add_keys
from viz.render.panels.seeds import SeedPaths, seed_paths
from viz.render.text import short_number
from viz.render.theme import LIGHT


STAR_HALF = 10  # points from a star's centre to its tips (its marker is 18 points, edge included)
STAR_ROOM = 0.3  # inches between the panel and its colour bar: a star on the border stays clear of it


class ContourPanel(PathPanel):
    """Loss contours on the 2D view with the paths growing over them; with a ``trail`` length,
    the paths fade with age. The view is where the paths go (:mod:`viz.render.framing`): zoomed
    in, with its own levels and an inset of the whole grid, when they use a small part of it.

    A cell of small multiples (:mod:`viz.render.panels.grid`) gives the ``view`` all cells share
    and its ``paths`` (indices): only those are drawn, without direct labels, other seeds' paths
    or an inset; ``cax`` None draws no colour bar, ``keys_at`` None no key (start, minimum)
    above the panel (else its bottom, in the panel's heights)."""

    def __init__(self, ax, cax, recording, theme=LIGHT, trail=None, view=None, paths=None, keys_at=1.0):
        plane, figure = recording.plane, ax.get_figure()
        room = ax.get_position()
        cell = paths is not None
        others = seed_paths(recording) if recording.spread and not cell else ()
        if view is None:
            self.view, zoomed = visited_view(plane, room.width * figure.get_figwidth() /
                                             (room.height * figure.get_figheight()), others)
        else:
            self.view, zoomed = view, view != grid_view(plane)
        grid_x, grid_y, grid_loss = within(plane, self.view) if zoomed else (plane.grid_x, plane.grid_y,
                                                                             plane.grid_loss)
        levels = spaced_levels(grid_loss, plane.spacing) if zoomed else plane.levels  # for the loss in view
        cmap = theme.contour_cmap
        norm = BoundaryNorm(levels, cmap.N)
        filled = ax.contourf(grid_x, grid_y, grid_loss, levels=levels, cmap=cmap, norm=norm, extend="both",
                             rasterized=True)  # SVG, PDF: one image, not thousands of polygons (lines, text stay vector)
        ax.contour(grid_x, grid_y, grid_loss, levels=levels, colors=theme.contour_lines, linewidths=0.5)
        chosen = list(range(len(recording.names))) if paths is None else list(paths)
        starts = np.unique(plane.xy[chosen, 0][np.isfinite(plane.xy[chosen, 0]).all(axis=1)], axis=0)
        label = (("start" if len(starts) == 1 else "starts")  # several seeds: whose paths these are
                 + (f", seed {recording.spread['seeds'][0]}" + ("" if cell else " (in front)") if recording.spread else ""))
        low, high = np.array(self.view).T
        self.seeds = SeedPaths(ax, recording, theme, (low, high)) if recording.spread and not cell else None
        marks, marks_label = _marks_in_view(plane, self.view, grid_x, grid_y, grid_loss) if zoomed else \
            (plane.marks, plane.marks_label)
        if marks_label.startswith("lowest") and len(marks):  # the star whole inside the panel, not over its border
            per_point = max(np.ptp(self.view[0]) / (room.width * figure.get_figwidth()),  # equal scales: the larger
                            np.ptp(self.view[1]) / (room.height * figure.get_figheight())) / 72
            marks = np.clip(marks, low + STAR_HALF * per_point, high - STAR_HALF * per_point)
        before = len(ax.lines)
        add_keys(ax, starts, label, marks, marks_label, theme, clip=False,
                 extra=[self.seeds.key] if self.seeds else (), at=keys_at)
        self.rings = ax.lines[before]  # over the paths leaving them (their halos hid all but its top), under the heads
        self.rings.set(zorder=5.5, animated=True)
        self.key = ax.get_legend() if keys_at is not None else None
        if self.key:  # over the heads: a head that left the view by the top does not cover the key's words
            self.key.set(zorder=7, animated=True)
            self.key.get_frame().set(visible=True, facecolor=theme.background, edgecolor="none", alpha=1.0)
        named = [path.get("initializer") for path in recording.meta.get("paths", [])]
        ax.set_aspect("equal", adjustable="box")  # equal scales: distances and angles are true
        ax.set_xlim(*self.view[0])
        ax.set_ylim(*self.view[1])
        ax.set_xlabel(plane.axis_labels[0])
        ax.set_ylabel(plane.axis_labels[1])
        if cax is not None:
            self._colour_bar(ax, cax, filled, levels, recording)
        self.ax, self.recording, self.theme, self.zeros, self.minima = ax, recording, theme, None, marks
        if "zeros" in named and named.index("zeros") in chosen:  # initializers compared: the all-zeros start said
            self.zeros = (plane.xy[named.index("zeros"), 0],  # (the others are their paths' colours;
                          "all weights 0" if cell else "zeros: all weights 0")  # a grid: only in its own cell)
        self.numbered = self.zeros is None and len(starts) > 1 and not recording.spread and not cell
        self.inset = add_inset(ax, plane, self.view, cmap, BoundaryNorm(plane.levels, cmap.N), theme) \
            if zoomed and not cell and wants_inset(plane, self.view) else None
        self.add_paths(ax, recording, theme, self.view, trail=trail, clip=False)
        self.shown_paths = chosen
        self.labels = DirectLabels(self, recording, theme) if not cell else None

    def after_layout(self, renderer):
        """Words placed once the panel's box is final: the inset's label inside the panel, the
        all-zeros start's, or each start's number (numbered as the curves' panels are, one per start).

        Args:
            renderer: the figure's renderer, to measure the words with.
        """
        if self.inset is not None:
            keep_label_in(self.ax, self.inset, renderer, self.minima, STAR_HALF * self.ax.figure.dpi / 72)
        if self.zeros is not None:
            _say_zeros(self.ax, *self.zeros, self.view, self.theme, renderer)
        elif self.numbered:
            self._number_starts(self.ax, self.recording.plane, self.recording, self.theme)

    @staticmethod
    def _number_starts(ax, plane, recording, theme, gap=11):
        """Each start's number, ``gap`` points off it on the side away from its paths or, where
        that touches a number already placed or another start, the nearest side clear of them
        (and of the paths, where one is)."""
        ax.apply_aspect()
        groups = start_groups(recording)
        pixels = ax.transData.transform(plane.xy[[group[0] for group in groups], 0])
        paths = ax.transData.transform(plane.xy.reshape(-1, 2)[np.isfinite(plane.xy.reshape(-1, 2)).all(axis=1)])
        per_point = ax.figure.dpi / 72
        room = 1.1 * FontProperties(size="small").get_size_in_points() * per_point  # between two numbers' middles
        taken = []
        for number, group in enumerate(groups):
            start = plane.xy[group[0], 0]
            away = np.nan_to_num(np.nanmean(plane.xy[group, 1:20] - start, axis=(0, 1)))  # where its paths go
            away = -away / (np.hypot(*away) or 1.0)  # the number on the other side, off the paths
            turns = [away @ [[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]] for a in np.radians(
                [0, 45, -45, 90, -90, 135, -135, 180])]
            marks = np.array([*taken, *np.delete(pixels, number, axis=0)]).reshape(-1, 2)
            at = [pixels[number] + gap * per_point * side for side in turns]
            apart = [np.hypot(*(marks - spot).T).min(initial=np.inf) >= room for spot in at]
            clear = [np.hypot(*(paths - spot).T).min(initial=np.inf) >= 0.6 * room for spot in at]
            side = next((s for s, a, c in zip(turns, apart, clear) if a and c), None)
            side = next((s for s, a in zip(turns, apart) if a), away) if side is None else side
            taken.append(pixels[number] + gap * per_point * side)
            ax.annotate(str(number + 1), start, xytext=tuple(gap * side), textcoords="offset points", ha="center",
                        va="center", fontsize="small", fontweight="bold", color=theme.ink, zorder=4)

    @staticmethod
    def _colour_bar(ax, cax, filled, levels, recording):
        """The colour bar on ``cax``, beside ``ax`` as its aspect leaves it, with the loss values."""
        figure = ax.get_figure()
        colorbar = figure.colorbar(filled, cax=cax, format=short_number)
        if recording.steps_per_epoch:
            colorbar.set_label("training loss on this plane" + (", BatchNorm statistics of the best end"
                                                                if "plane_state" in recording.meta else ""))
        else:  # under the bar, level: beside it, it would read as a second y label of the curves
            size = cax.yaxis.get_ticklabels()[0].get_fontsize()  # the lowest tick label reaches half a line below
            cax.set_xlabel("f(x, y)", fontsize="small", loc="left", labelpad=0.8 * size + 3)
        # room for half a star (the minimum on the border) between the panel and its colour bar
        offset = max(cax.get_position().x0 - ax.get_position().x1, STAR_ROOM / figure.get_figwidth())
        ax.apply_aspect()  # a view wider than tall shrinks the box: the colour bar follows it
        box, bar = ax.get_position(), cax.get_position()
        cax.set_position((box.x1 + offset, box.y0, bar.width, box.height))
        tall = box.height * figure.get_figheight() * 72 / cax.yaxis.get_ticklabels()[0].get_fontsize()  # in lines
        room = max(3, min(int(12 * box.height / bar.height), int(tall / 2.2)))  # tick labels that fit the bar
        ticks, words = distinct_ticks(levels[:: -(-len(levels) // room)])
        colorbar.set_ticks(ticks, labels=words)

    def ax_pixels(self, path, step):
        """The path drawn up to ``step``, in the panel's pixels."""
        return self.lines[path].axes.transData.transform(self.points(path, step))

    def head(self, path, step):
        return self.head_xy[path, step]

    @property
    def animated_artists(self):
        return [*(self.seeds.animated_artists if self.seeds else ()), *super().animated_artists, self.rings,
                *(self.labels.animated_artists if self.labels else ()), *([self.key] if self.key else [])]

    def as_vector(self):
        """The direct labels as text, for an SVG or PDF."""
        if self.labels:
            self.labels.as_vector()

    def rewind(self):
        """Forget the direct labels' places (frames are drawn again from the first)."""
        if self.labels:
            self.labels.rewind()

    def remember(self, steps):
        """See the frame at ``steps`` without drawing it (the frames before one drawn out of
        order): only the direct labels remember where they were."""
        if self.labels:
            self.labels.update(steps)

    def update(self, steps):
        if self.seeds:
            self.seeds.update(steps)
        super().update(steps)
        self.remember(steps)


def _marks_in_view(plane, view, grid_x, grid_y, grid_loss):
    """The marks a zoomed contour panel shows, and their key's words: the lowest loss of the
    view's own grid (``grid_*``) where the plane marks its lowest point, else the plane's
    marks (a surface's minima) that lie in ``view``: nothing is drawn outside the panel."""
    if plane.marks_label.startswith("lowest"):
        row, column = np.unravel_index(np.nanargmin(grid_loss), grid_loss.shape)
        (x0, x1), (y0, y1) = view
        x, y = np.clip(grid_x[column], x0, x1), np.clip(grid_y[row], y0, y1)
        edge = row in (0, len(grid_y) - 1) or column in (0, len(grid_x) - 1) or (x, y) != (grid_x[column],
                                                                                      grid_y[row])
        return np.array([[x, y]]), "lowest in view, at edge" if edge else "lowest loss in view"
    marks = np.reshape(plane.marks, (-1, 2))
    (x0, x1), (y0, y1) = view
    inside = (marks[:, 0] >= x0) & (marks[:, 0] <= x1) & (marks[:, 1] >= y0) & (marks[:, 1] <= y1)
    return marks[inside], plane.marks_label


def _say_zeros(ax, start, words, view, theme, renderer):
    """``words`` beside the all-zeros ``start``, towards the middle of the ``view``, so that they
    stay inside the panel (in a grid's cell, clear of its neighbours and of the axis labels), as
    ``renderer`` measures them."""
    (x0, x1), (y0, y1) = view
    right = (start[0] - x0) / (x1 - x0) < 0.5  # near the left edge: the words run right
    below = (start[1] - y0) / (y1 - y0) > 0.3  # near the bottom edge: the words go above
    said = ax.annotate(words, start, xytext=(8 if right else -8, -8 if below else 8), textcoords="offset points",
                       ha="left" if right else "right", va="top" if below else "bottom", fontsize="small",
                       fontweight="bold", color=theme.ink, zorder=4)
    ax.apply_aspect()  # (the panel's final box) wider than the room on its side: moved back inside
    extent, box = said.get_window_extent(renderer), ax.get_window_extent()
    inside = max(box.x0 + 2 - extent.x0, 0) + min(box.x1 - 2 - extent.x1, 0)  # pixels
    said.xyann = (said.xyann[0] + inside * 72 / ax.figure.dpi, said.xyann[1])


def distinct_ticks(levels):
    """The colour bar's ticks among ``levels`` and the words each says: three significant digits
    (:func:`short_number`), 0 for a level that is zero but for rounding (3.55e-15 beside 1.79:
    under a thousandth of the step to its neighbour), and no words twice (levels a hair apart,
    0.1391 and 0.1393, would read 0.139 twice: the first is kept). Returns (ticks, words)."""
    said = {}
    for k, level in enumerate(levels):
        neighbour = levels[k + 1] if k + 1 < len(levels) else levels[k - 1] if k else level
        zero = level and abs(level) < 1e-3 * abs(neighbour - level)
        said.setdefault("0" if zero else short_number(level), level)
    return list(said.values()), list(said)
