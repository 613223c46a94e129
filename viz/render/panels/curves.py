"""Learning curves against steps or epochs: one line per path (:class:`CurvePanel`), or a
median and a band over several initializations (:class:`SpreadPanel`)."""

import numpy as np
from matplotlib.collections import PolyCollection

from viz.render.panels.paths import path_styles
from viz.render.theme import LIGHT
from viz.spread import bands


class CurvePanel:
    """One learning curve per path, drawn up to the current step: a thin line for the value
    after every step and, optionally, Keras' History per epoch as markers at epoch ends (joined
    by lines when there is no value per step: a model's own metric). ``diverged``: each path's
    divergence step or None (:func:`viz.divergence.diverged_steps`): the axes fit the values
    before it, and a cross marks it (on the panel's edge if the value is off it)."""

    def __init__(self, ax, names, per_step, ylabel, steps_per_epoch=0, per_epoch=None, unit_range=False,
                 theme=LIGHT, every=1, diverged=()):
        points = per_step.shape[1]
        self.per_step = per_step
        self.per_epoch = per_epoch
        by_epoch = per_epoch is not None and not np.isfinite(per_step).any()
        self.steps_per_epoch, self.every = steps_per_epoch, every  # every: steps between recorded points
        self.x = np.arange(points) * every / (steps_per_epoch or 1)
        self.diverged = list(diverged) or [None] * len(names)
        before = np.array([np.arange(points) < (points if step is None else step) for step in self.diverged])
        _curve_axes(ax, self.x, ylabel, steps_per_epoch, unit_range,
                    per_epoch if by_epoch else np.where(before, per_step, np.nan), theme)
        self.crosses = _crosses(ax, self.x, per_step, self.diverged, path_styles(names, theme), theme)
        self.lines, self.marks = [], []
        for style in path_styles(names, theme):
            line, = ax.plot([], [], color=style["color"], linestyle=style["linestyle"], linewidth=1.6,
                            animated=True)
            self.lines.append(line)
            if per_epoch is not None:
                mark, = ax.plot([], [], color=style["color"], marker=style["marker"], markersize=7,
                                markeredgecolor=theme.halo, markeredgewidth=1.0, clip_on=False, animated=True,
                                linestyle=style["linestyle"] if by_epoch else "none", linewidth=1.6,
                                zorder=2.1)  # over every line, in a full redraw (svg, pdf) as in the animation
                self.marks.append(mark)

    @property
    def animated_artists(self):
        return [*self.lines, *self.marks, *self.crosses.values()]

    def update(self, steps):
        for path, (line, step) in enumerate(zip(self.lines, steps)):
            line.set_data(self.x[: step + 1], self.per_step[path, : step + 1])
        for path, cross in self.crosses.items():
            cross.set_visible(bool(steps[path] >= self.diverged[path]))
        for path, (mark, step) in enumerate(zip(self.marks, steps)):
            epochs_done = max(step * self.every // self.steps_per_epoch, 0)
            mark.set_data(np.arange(1, epochs_done + 1), self.per_epoch[path, :epochs_done])


def _crosses(ax, x, values, diverged, styles, theme):
    """A cross per diverged path at its divergence step, at its value or, off the panel, on
    its edge: {path: artist}."""
    low, high = ax.get_ylim()
    crosses = {}
    for path, (style, step) in enumerate(zip(styles, diverged)):
        if step is None:
            continue
        value = values[path, step]
        at = high if not np.isfinite(value) or value > high else max(value, low)
        crosses[path], = ax.plot([x[step]], [at], marker="X", markersize=9, color=style["color"],
                                 markeredgecolor=theme.ink, linestyle="none", clip_on=False, zorder=2.2,
                                 animated=True, visible=False)
    return crosses


def _curve_axes(ax, x, ylabel, epochs, unit_range, values, theme):
    """Steps or, with ``epochs`` (steps per epoch), epochs along x up to ``x[-1]``; y from 0 to
    1 if ``unit_range``, else fitted to ``values`` (see :func:`_auto_range`)."""
    ax.set_xlim(0, x[-1])
    ax.set_ylabel(ylabel)
    ax.grid(True, color=theme.grid, linewidth=0.8)
    if epochs:
        ax.set_xticks(np.arange(0, round(x[-1]) + 1))
    if unit_range:
        ax.set_ylim(0, 1)
    else:
        _auto_range(ax, values)


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


class SpreadPanel:
    """A learning curve over several initializations: each optimizer's median as a line and the
    middle half of the initializations as a band around it, both drawn up to the current step."""

    def __init__(self, ax, names, per_seed, ylabel, steps_per_epoch, unit_range=False, theme=LIGHT, every=1,
                 higher_is_worse=True):
        # a diverged run is the worst value, drawn off the panel (clipped to stay drawable)
        self.median, self.low, self.high = (np.clip(values, -1e6, 1e6) for values in bands(per_seed, higher_is_worse))
        self.x = np.arange(per_seed.shape[-1]) * every / steps_per_epoch
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


