"""The range-test panel (Smith 2017, "Cyclical learning rates for training neural networks"):
each optimizer's loss against its learning rate on a log axis, one point per rate of a fan,
at the current step (the final loss on the last frame), the best rate marked."""

import numpy as np
from matplotlib.ticker import NullFormatter

from viz.divergence import diverged_mask, view_range
from viz.errors import SpecError
from viz.render.looks import looks
from viz.render.panels.line import loss_limits
from viz.render.panels.paths import path_styles
from viz.render.path_info import number_rate, paths_of
from viz.render.text import fit, lines
from viz.render.theme import LIGHT


def fans(recording):
    """Each optimizer's paths by learning rate: ``{optimizer: [(rate, path), ...]}``, rates
    increasing (paths of one optimizer at one rate, e.g. from several starts: the first)."""
    grouped = {}
    for index, path in enumerate(paths_of(recording)):
        rate = number_rate(path["learning_rate"])
        if rate is not None:
            grouped.setdefault(path["optimizer"], {}).setdefault(float(rate), index)
    return {label: sorted(rates.items()) for label, rates in grouped.items()}


def refusal(groups):
    """Why a range test cannot be drawn from ``groups`` (:func:`fans`), or ""."""
    few = [label for label, rates in groups.items() if len(rates) < 2]
    if not groups or few:
        who = f" ({', '.join(few)} has {'one' if few else 'none'})" if few else ""
        return ("the rates panel plots loss against learning rate: it needs at least two learning rates for every "
                f"optimizer{who}; give the scene a list, e.g. learning_rate=[0.001, 0.01, 0.1]")
    return ""


def check_scene(scene):
    """Refuse (:class:`SpecError`), before training, a scene whose optimizers do not each run at
    two learning rates or more: the fans :func:`fans` would find in its recording, from the
    scene's paths (each at its own rate, else the scene's)."""
    groups = {}
    for path in scene.paths():
        rate = scene.learning_rate if path.learning_rate is None else path.learning_rate
        groups.setdefault(path.optimizer, {})[repr(rate)] = None  # (a schedule is a dict: not hashable)
    reason = refusal({label: list(rates) for label, rates in groups.items()})
    if reason:
        raise SpecError(reason)


class RangeTestPanel:
    """Loss against learning rate: for each optimizer a grey line (in its line style) through
    its rates at the current step, each rate's point (and the star at the best rate) in the
    colour of that rate's path, a cross on the top edge for a rate whose run diverged, and
    above the panel each optimizer's best rate."""

    def __init__(self, ax, recording, theme=LIGHT):
        self.groups = fans(recording)  # one rate an optimizer is refused before (render.layout.check)
        self.loss = recording.loss
        self.gone = diverged_mask(recording.loss, view_range(recording.plane))
        rates = [rate for fan in self.groups.values() for rate, _ in fan]
        ax.set_xscale("log")
        ax.set_xlim(min(rates) / 1.6, max(rates) * 1.6)
        ax.xaxis.set_minor_formatter(NullFormatter())
        every_rate = sorted(set(rates))
        if len(every_rate) <= 5 or max(rates) / min(rates) < 100:  # the rates themselves as ticks, every
            skip = -(-len(every_rate) // 3)                          # so many labelled (they are long)
            ax.set_xticks(every_rate, [f"{rate:g}" if i % skip == 0 else "" for i, rate in enumerate(every_rate)])
        ax.set_xlabel("learning rate")
        ax.set_ylabel("loss at this step")
        ax.grid(True, color=theme.grid, linewidth=0.8)
        loss_limits(ax, self.loss[~self.gone & np.isfinite(self.loss)], self.loss[:, 0])
        self.top = ax.get_ylim()[1]
        chosen = looks(list(self.groups), theme)
        self.colours = [style["color"] for style in path_styles(recording.names, theme)]  # each rate's, as its path
        self.lines, self.points, self.crosses, self.bests, self.words = [], [], [], [], []
        for row, label in enumerate(self.groups):
            style = chosen[label]
            line, = ax.plot([], [], color=theme.muted, linestyle=style["linestyle"], linewidth=1.4, animated=True)
            self.points.append(ax.scatter([], [], s=30, marker=style["marker"], edgecolors=theme.outline,
                                          linewidths=0.6, animated=True, zorder=2.1))
            cross, = ax.plot([], [], color=theme.muted, marker="X", markersize=8, markeredgecolor=theme.ink,
                             linestyle="none", clip_on=False, animated=True, zorder=2.2)
            best, = ax.plot([], [], color=theme.muted, marker="*", markersize=15, markeredgecolor=theme.outline,
                            markeredgewidth=0.8, linestyle="none", animated=True, zorder=3)
            self.lines.append(line)
            self.crosses.append(cross)
            self.bests.append(best)
        self.word = ax.text(0, 1.02, "", transform=ax.transAxes, ha="left", va="bottom", fontsize="x-small",
                            color=theme.ink, animated=True)  # above the points, never over one
        widest = max((f"{rate:g}" for rate in rates), key=len)
        self.word.set_text(";  ".join(f"{label} best: lr {widest}" for label in self.groups))
        fit(self.word, ax.get_position().width, max_lines=2)  # its size for the longest it may say
        self.count = self.word.get_text().count("\n") + 1

    @property
    def animated_artists(self):
        return [*self.lines, *self.points, *self.crosses, *self.bests, self.word]

    def update(self, steps):
        said = []
        for (label, fan), line, points, cross, best in zip(self.groups.items(), self.lines, self.points, self.crosses,
                                                           self.bests):
            started = [(rate, path) for rate, path in fan if steps[path] >= 0]
            live = [(rate, self.loss[path, steps[path]]) for rate, path in started if not self.gone[path, steps[path]]]
            paths = [path for rate, path in started if not self.gone[path, steps[path]]]
            points.set_offsets(np.reshape(live, (-1, 2)))
            points.set_facecolors([self.colours[path] for path in paths] or "none")  # the paths' own colours
            dead = [rate for rate, path in started if self.gone[path, steps[path]]]
            line.set_data([rate for rate, _ in live], [value for _, value in live])
            cross.set_data(dead, [self.top] * len(dead))
            if live:
                at = min(range(len(live)), key=lambda i: live[i][1])
                best.set_data([live[at][0]], [live[at][1]])
                best.set_markerfacecolor(self.colours[paths[at]])  # the best rate's path's colour
                said.append(f"{label} best: lr {live[at][0]:g}")
            else:
                best.set_data([], [])
        self.word.set_text(lines(";  ".join(said), self.count))
