"""Learning curves against steps or epochs: one line per path (:class:`CurvePanel`), or a
median and a band over several initializations (:class:`SpreadPanel`)."""

import math

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.transforms import ScaledTranslation

from viz.render.panels.paths import path_styles
from viz.render.text import fit, lines, overflow, value_words
from viz.render.theme import LIGHT
from viz.spread import bands


MARKS = 40  # Keras History markers on a curve at most: more would bury the lines (every n-th epoch's)


class CurvePanel:
    """One learning curve per path, drawn up to the current step: a thin line for the value
    after every step and, optionally, Keras' History per epoch as markers at epoch ends (joined
    by lines when there is no value per step: a model's own metric). ``diverged``: each path's
    divergence step or None (:func:`viz.divergence.diverged_steps`): the axes fit the values
    before it, and a cross marks it (on the panel's edge if the value is off it). ``epochs``:
    each point's epoch [n_paths, points] where paths differ in steps per epoch (batch sizes)."""

    def __init__(self, ax, names, per_step, ylabel, steps_per_epoch=0, per_epoch=None, unit_range=False,
                 theme=LIGHT, at=None, diverged=(), epochs=None):
        points = per_step.shape[1]
        self.per_step = per_step
        self.per_epoch = per_epoch
        by_epoch = per_epoch is not None and not np.isfinite(per_step).any()
        at = np.arange(points) if at is None else np.asarray(at)  # the optimizer step of each point
        self.x = epochs if epochs is not None else np.tile(at / (steps_per_epoch or 1),
                                                           (len(per_step), 1))  # [n_paths, points]
        self.diverged = list(diverged) or [None] * len(names)
        before = np.array([np.arange(points) < (points if step is None else step) for step in self.diverged])
        _curve_axes(ax, np.nanmax(self.x, axis=0), ylabel, steps_per_epoch, unit_range,
                    per_epoch if by_epoch else np.where(before, per_step, np.nan), theme)
        self.crosses = Crosses(ax, self.x, per_step, self.diverged, path_styles(names, theme), theme)
        self.off = OffScale(ax, np.where(before, per_step if not by_epoch else np.nan, np.nan), theme)
        self.lines, self.marks = [], []
        self.marked = {}  # each mark line's (epochs, y limits) as last set: a line given data is recached when drawn
        for style in path_styles(names, theme):
            line, = ax.plot([], [], color=style["color"], linestyle=style["linestyle"], linewidth=1.6,
                            animated=True)
            self.lines.append(line)
            if per_epoch is not None and (by_epoch or steps_per_epoch != 1):  # (an epoch of one step: the line says it)
                mark, = ax.plot([], [], color=style["color"], marker=style["marker"], markersize=7,
                                markeredgecolor=theme.halo, markeredgewidth=1.0, clip_on=False, animated=True,
                                linestyle=style["linestyle"] if by_epoch else "none", linewidth=1.6,
                                zorder=2.1)  # over every line, in a full redraw (svg, pdf) as in the animation
                self.marks.append(mark)

    @property
    def animated_artists(self):
        return [*self.lines, *self.marks, *self.crosses.values(), self.off.text]

    def after_layout(self, renderer):
        """The "off scale" words sized to the panel as the layout leaves it (see :class:`OffScale`),
        the crosses of values off it moved onto its edge (see :class:`Crosses`).

        Args:
            renderer: the figure's renderer, to measure the words with.
        """
        self.off.place(renderer)
        self.crosses.place_all()

    def update(self, steps):
        self.off.update(steps)
        for path, (line, step) in enumerate(zip(self.lines, steps)):
            line.set_data(self.x[path, : step + 1], self.per_step[path, : step + 1])
        self.crosses.show(steps)
        every = max(1, math.ceil(self.per_epoch.shape[1] / MARKS)) if self.marks else 1
        for path, (mark, step) in enumerate(zip(self.marks, steps)):
            epochs_done = int(np.floor(self.x[path, step] + 1e-9)) if step >= 0 else 0
            low, high = mark.axes.get_ylim()  # a marker off the axis is not drawn over what lies beyond it
            if self.marked.get(path) == (epochs_done, low, high):
                continue  # (set only when an epoch ends)
            self.marked[path] = epochs_done, low, high
            values = self.per_epoch[path, :epochs_done]
            shown = np.where((values >= low) & (values <= high), values, np.nan)
            epochs = np.arange(1, epochs_done + 1)
            mark.set_data(epochs[every - 1::every], shown[every - 1::every])  # at most MARKS of them


class OffScale:
    """Where a curve runs off its panel (above its top, below its foot), the panel says so
    and how far, in one text at its upper right: "↑ off scale: up to 1.8", from the step the
    curve first does (rule 2 of the layout)."""

    def __init__(self, ax, values, theme):
        self.ax, self.values, self.peak, self.gap = ax, values, None, "  "
        below_top = ScaledTranslation(0, -4 / 72, ax.figure.dpi_scale_trans)  # (a share of a small cell: on its title)
        self.text = ax.text(0.99, 1, "", transform=ax.transAxes + below_top, ha="right", va="top", fontsize="small",
                            color=theme.ink, animated=True, zorder=3, visible=False,
                            bbox={"boxstyle": "round,pad=0.2", "facecolor": theme.background, "edgecolor": "none",
                                  "alpha": 0.85})

    def place(self, renderer):
        """What the text will say, from the panel's limits as the layout leaves them (several panels
        may share them: set later), on as few lines as fit the panel's width, as ``renderer``
        measures them: called once, before the first :meth:`update`."""
        low, high = self.ax.get_ylim()
        with np.errstate(invalid="ignore"):
            self.peak = np.fmax.accumulate(np.where(self.values > high, self.values, np.nan), axis=1)
            self.trough = np.fmin.accumulate(np.where(self.values < low, self.values, np.nan), axis=1)
        self.count = 1
        last = np.full(len(self.peak), self.peak.shape[1] - 1)
        words = self.words(last)  # the most it says: at the end
        if words:  # (measured while shown: a hidden text has no extent)
            width = self.ax.get_position().width * 0.96  # within its panel
            self.text.set(text=words, visible=True)
            if overflow(fit(self.text, width, max_lines=2, renderer=renderer), width, renderer=renderer) > 1:
                self.gap = " "  # a line each way still too wide: wrapped anywhere, on up to four lines
                self.text.set_text(self.words(last))
                fit(self.text, width, max_lines=4, renderer=renderer)
            self.count = self.text.get_text().count("\n") + 1
            self.text.set_visible(False)  # (shown from the step a curve first runs off)

    def update(self, steps):
        words = self.words(steps)
        self.text.set_text(lines(words, self.count) if words else "")
        self.text.set_visible(bool(words))

    def words(self, steps):
        """What the text says with the curves drawn up to ``steps``."""
        paths = np.arange(len(self.peak))
        at = np.clip(np.asarray(steps), 0, self.peak.shape[1] - 1)
        shown = np.asarray(steps) >= 0
        peak, trough = self.peak[paths, at][shown], self.trough[paths, at][shown]
        said = []
        if np.isfinite(peak).any():
            said.append(f"\N{UPWARDS ARROW} off scale: up to {value_words(np.nanmax(peak))}")
        if np.isfinite(trough).any():
            said.append(f"\N{DOWNWARDS ARROW} off scale: down to {value_words(np.nanmin(trough))}")
        return self.gap.join(said)


class Crosses(dict):
    """A cross per diverged path at its divergence step, at its value or, off the panel, on its
    edge, inside it (over the edge it would cover the title above): {path: artist}. Placed by
    :meth:`place_all` once the panel's y limits are final (panels sharing them set them later)."""

    def __init__(self, ax, x, values, diverged, styles, theme):
        super().__init__()
        self.diverged = diverged
        for path, (style, step) in enumerate(zip(styles, diverged)):
            if step is not None:
                self[path], = ax.plot([x[path, step]], [values[path, step]], marker="X", markersize=9,
                                      color=style["color"], markeredgecolor=theme.ink, linestyle="none",
                                      clip_on=False, zorder=2.2, animated=True, visible=False)

    def place_all(self):
        """Each cross moved onto its panel's edge if its value is off the panel (see :meth:`place`):
        called once, when the layout is final."""
        for cross in self.values():
            self.place(cross)

    def show(self, steps):
        """Show each path's cross from its divergence step on."""
        for path, cross in self.items():
            cross.set_visible(bool(steps[path] >= self.diverged[path]))

    @staticmethod
    def place(cross):
        """Move ``cross`` from its value, if off its panel (or not finite), to the edge, inside."""
        ax, value = cross.axes, cross.get_ydata()[0]
        low, high = sorted(ax.get_ylim())
        if low <= value <= high:
            return
        top = not value < low  # (not finite: a blow-up, at the top)
        half = (cross.get_markersize() / 2 + cross.get_markeredgewidth() + 1) / 72  # inches, and a point clear
        cross.set(ydata=[high if top else low], transform=ax.transData + ScaledTranslation(
            0, -half if top else half, ax.figure.dpi_scale_trans))


def _curve_axes(ax, x, ylabel, epochs, unit_range, values, theme):
    """Steps or, with ``epochs`` (steps per epoch), epochs along x up to ``x[-1]``; y from 0 to
    1 if ``unit_range``, else fitted to ``values`` (see :func:`_auto_range`)."""
    ax.set_xlim(0, x[-1])
    ax.set_ylabel(ylabel)
    ax.grid(True, color=theme.grid, linewidth=0.8)
    if epochs:
        ax.set_xticks(np.arange(0, round(x[-1]) + 1, max(1, math.ceil(round(x[-1]) / 10))))  # at most 11 ticks
    if unit_range:
        ax.set_ylim(*unit_limits(values))
    else:
        _auto_range(ax, values)


def unit_limits(values):
    """A 0-1 axis (the lesson's loss and accuracy), unless after the first 5% of the steps
    every value keeps to its lowest quarter (a loss at a well-tuned rate) or its highest (an
    accuracy): then 0 to 0.25 or 0.5, or 0.5 or 0.75 to 1, so the curves are not a line along
    the bottom or top. The first steps may then leave the panel: its ticks say so."""
    later = values[..., max(1, values.shape[-1] // 20):]
    later = later[np.isfinite(later)]
    if not later.size:
        return 0, 1
    high, low = np.quantile(later, 0.99), np.quantile(later, 0.01)
    for top in (0.25, 0.5):
        if high < 0.9 * top:
            return 0, top
    for bottom in (0.75, 0.5):
        if low > bottom + 0.1 * (1 - bottom):
            return bottom, 1
    every = values[np.isfinite(values)]
    top = every[every <= 1.5 * max(high, 1)].max()  # a first spike may run off (and says so)
    return 0, max(1, math.ceil(top * 4) / 4)  # a loss above 1 (an outlier's) stays in view


FLOOR = 1e-6  # a log axis ends six decades below the highest start: lower is round-off, not progress


def _auto_range(ax, values):
    """A log scale where the values are positive and span more than two decades, else linear;
    limits from the finite values with a little room. The log axis ends at :data:`FLOOR` times
    the highest start value at the lowest (a curve that goes further runs off its foot). Values
    past 10^4 times the largest start value are a divergence: those curves leave the panel at
    the top."""
    cap = 1e4 * max(np.nanmax(np.abs(values[:, 0])), 1.0)
    finite = values[np.isfinite(values) & (np.abs(values) <= cap)]
    low, high = finite.min(), finite.max()
    positive = finite[finite > 0]
    if low >= 0 and positive.size and high / positive.min() > 100:
        floor = max(np.quantile(positive, 0.01), FLOOR * np.nanmax(np.abs(values[:, 0])))
        ax.set_yscale("log", nonpositive="clip")  # a path that reached 0 exactly runs along the floor
        ax.set_ylim(floor / 2, high * 2)
    else:
        room = 0.05 * (high - low) or 1.0
        ax.set_ylim(low - room, high + room)


class SpreadPanel:
    """A learning curve over several initializations: each optimizer's median as a line and the
    middle half of the initializations as a band around it, both drawn up to the current step."""

    def __init__(self, ax, names, per_seed, ylabel, steps_per_epoch, unit_range=False, theme=LIGHT, at=None,
                 higher_is_worse=True):
        # a diverged run is the worst value, drawn off the panel (clipped to stay drawable)
        self.median, self.low, self.high = (np.clip(values, -1e6, 1e6) for values in bands(per_seed, higher_is_worse))
        self.x = (np.arange(per_seed.shape[-1]) if at is None else np.asarray(at)) / steps_per_epoch
        _curve_axes(ax, self.x, ylabel, steps_per_epoch, unit_range, self.median, theme)
        self.lines, self.bands = [], []
        for style in path_styles(names, theme):
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




def start_groups(recording):
    """The paths from each start point, starts in the order they first appear: [[path, ...], ...]."""
    starts = recording.params[:, 0]
    firsts = [index for index, start in enumerate(starts) if not np.any(np.all(starts[:index] == start, axis=1))]
    return [np.flatnonzero(np.all(starts == starts[first], axis=1)) for first in firsts]


class ByStart:
    """Several starts of a surface: one small curve panel per start (the paths from that start,
    "from 1 (x, y)" as the contour panel numbers it), side by side in rows of two, sharing
    their y axis: the curves of one start are told apart by optimizer, the starts by panel."""

    def __init__(self, figure, box, recording, ylabel, theme=LIGHT, diverged=()):
        left, bottom, width, height = box
        diverged = list(diverged) or [None] * len(recording.names)
        self.groups = start_groups(recording)
        columns = min(2, len(self.groups))
        rows = -(-len(self.groups) // columns)
        gap_x, gap_y = 0.025, 0.06
        cell_w, cell_h = (width - gap_x * (columns - 1)) / columns, (height - gap_y * (rows - 1)) / rows
        self.panels, titles, first = [], [], None
        for number, group in enumerate(self.groups):
            row, column = divmod(number, columns)
            ax = figure.add_axes((left + column * (cell_w + gap_x), bottom + (rows - 1 - row) * (cell_h + gap_y),
                                  cell_w, cell_h), sharey=first)
            first = first or ax
            x, y = recording.params[group[0], 0]
            title = ax.set_title(f"from {number + 1}  ({x:.3g}, {y:.3g})", fontsize="small", loc="left", pad=3)
            titles.append(fit(title, cell_w + gap_x / 2))  # one line, not over the title of the cell to its right
            self.panels.append(CurvePanel(ax, [recording.names[i] for i in group], recording.loss[group],
                                          ylabel if column == 0 else "", theme=theme,
                                          diverged=[diverged[i] for i in group]))
            ax.set_xlabel("step" if row == rows - 1 else "")
            ax.tick_params(labelleft=column == 0, labelbottom=row == rows - 1)
        _auto_range(first, recording.loss)  # one y axis for all starts
        size = min(title.get_fontsize() for title in titles)  # the cells' titles keep one size
        for title, panel in zip(titles, self.panels):
            title.set_fontsize(size)
            panel.off.text.set_fontsize(size)  # the cells' "off scale" words: the cell's size, not the frame's

    @property
    def lines(self):
        """Each path's line, in the recording's order of paths."""
        by_path = {path: line for panel, group in zip(self.panels, self.groups) for path, line in zip(group, panel.lines)}
        return [by_path[path] for path in sorted(by_path)]

    @property
    def animated_artists(self):
        return [artist for panel in self.panels for artist in panel.animated_artists]

    def after_layout(self, renderer):
        """Each cell's "off scale" words fitted to it (see :meth:`CurvePanel.after_layout`), then
        all at the smallest of their sizes.

        Args:
            renderer: the figure's renderer, to measure the words with.
        """
        for panel in self.panels:
            panel.after_layout(renderer)
        size = min(panel.off.text.get_fontsize() for panel in self.panels)
        for panel in self.panels:
            panel.off.text.set_fontsize(size)

    def update(self, steps):
        steps = np.asarray(steps)
        for panel, group in zip(self.panels, self.groups):
            panel.update(steps[group])
