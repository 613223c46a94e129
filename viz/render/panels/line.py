"""The 1-D interpolation panel (Goodfellow et al. 2015): the loss along the straight line from
each path's start through its current point and on to 1.3 times as far, exactly as the
recording evaluated it (:mod:`viz.line`), the head marked where the line passes the point."""

import numpy as np

from viz.divergence import diverged_steps
from viz.line import HEAD
from viz.render.panels.paths import path_styles
from viz.render.text import fit
from viz.render.theme import LIGHT

CAP = 1e4  # losses this many times the highest start value are off the panel


def loss_limits(ax, values, starts):
    """The y limits of a panel of losses ``values`` (finite ones): those within CAP times the
    highest of ``starts`` shown, on a log axis when they span more than a factor of 100."""
    cap = CAP * max(np.nanmax(np.abs(starts)), 1.0)
    shown = values[np.abs(values) <= cap]
    low, high = (shown.min(), shown.max()) if shown.size else (0.0, 1.0)
    if low > 0 and high / low > 100:
        ax.set_yscale("log")
        ax.set_ylim(low / 2, high * 2)
    else:
        room = 0.06 * (high - low) or 1.0
        ax.set_ylim(low - room, high + room)


class LinePanel:
    """One line per path against the distance from its start (weight units), drawn for the
    latest recorded step with a line at or before the current one; the head at distance
    ‖point - start‖ moves right as the optimizer travels."""

    def __init__(self, ax, recording, theme=LIGHT):
        line = recording.line
        self.steps, alpha, self.values = line["steps"], line["alpha"], line["loss"]
        params = recording.params
        distance = np.linalg.norm(params[:, self.steps] - params[:, :1], axis=-1)  # [n, k]
        self.x = alpha[None, None, :] * distance[..., None]  # [n, k, a]
        gone = [params.shape[1] if step is None else step for step in diverged_steps(recording)]
        before = self.steps[None, :] < np.array(gone)[:, None]  # a blow-up's lines would set the scales
        usable = np.isfinite(self.values).all(axis=-1) & before
        self.usable = usable
        ax.set_xlim(0, np.nanmax(np.where(usable, self.x[..., -1], np.nan), initial=0.0) or 1.0)
        loss_limits(ax, self.values[usable].ravel(), self.values[:, 0, 0])
        ax.set_xlabel("distance from the start")
        ax.set_ylabel("loss on the line")
        ax.grid(True, color=theme.grid, linewidth=0.8)
        counted = f"    at {len(self.steps)} of {params.shape[1]} steps" if len(self.steps) < params.shape[1] else ""
        self.title = ax.set_title(f"start → head → 1.3×, exact{counted}", fontsize="x-small", loc="left", pad=3,
                                  color=theme.muted)  # fitted once the layout has left the panel its width
        self.lines, self.heads = [], []
        for style in path_styles(recording.names, theme):
            curve, = ax.plot([], [], color=style["color"], linestyle=style["linestyle"], linewidth=1.5, animated=True)
            head, = ax.plot([], [], color=style["color"], marker=style["marker"], markersize=7, linestyle="none",
                            markeredgecolor=theme.outline, markeredgewidth=0.8, animated=True, zorder=3)
            self.lines.append(curve)
            self.heads.append(head)

    @property
    def animated_artists(self):
        return [*self.lines, *self.heads]

    def after_layout(self, renderer):
        """The title within the panel's width as the layout leaves it (two lines, then smaller).

        Args:
            renderer: the figure's renderer, to measure the title with.
        """
        fit(self.title, width=self.title.axes.get_position().width, max_lines=2, renderer=renderer)

    def update(self, steps):
        for path, (curve, head, step) in enumerate(zip(self.lines, self.heads, steps)):
            ready = np.flatnonzero((self.steps <= step) & self.usable[path])
            if step < 0 or not ready.size:
                curve.set_data([], [])
                head.set_data([], [])
                continue
            k = ready[-1]
            curve.set_data(self.x[path, k], self.values[path, k])
            head.set_data([self.x[path, k, HEAD]], [self.values[path, k, HEAD]])
