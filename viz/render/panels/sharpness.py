"""The sharpness panel: the largest eigenvalue of the loss's Hessian at each optimizer's
point against step, with each gradient-descent optimizer's stability limit (2/lr, with
momentum 2(1+β)/lr) as a dotted line in its colour, its value beside it (a limit far off the
sharpness drawn is named in the note above the panel instead): a path whose sharpness stays
above its line cannot settle there (Cohen et al. 2021, "Gradient descent on neural networks
typically occurs at the edge of stability")."""

import math

import matplotlib
import numpy as np

from viz.divergence import diverged_steps
from viz.render.panels.curves import Crosses
from viz.render.panels.paths import path_styles
from viz.render.path_info import number_rate, optimizer_config, paths_of
from viz.render.spacing import ROOM
from viz.render.text import fit, short_number
from viz.render.theme import LIGHT
from viz.sharpness import PRECONDITIONED, stability_limit

LIMIT_DASH = (0, (1, 4))  # the stability limits' dots: no path's line style (viz.render.looks.DASHES)
NEAR = 2  # a limit this many times beyond the sharpness drawn is off the axis (named in the note)
CAP = 1e4  # the axis ends this many times above the highest start value or limit: higher is a blow-up


def limits(recording):
    """Each path's stability limit (None: no line applies; see :func:`viz.sharpness.stability_limit`)."""
    return [stability_limit(optimizer_config(recording, path), path["learning_rate"]) for path in paths_of(recording)]


def decades(low, high):
    """How many powers of ten lie between ``low`` and ``high`` (> 0): the ticks a log axis over
    them labels (one alone gives no scale)."""
    return max(0, math.floor(math.log10(high)) - math.ceil(math.log10(low)) + 1)


class SharpnessPanel:
    """Sharpness against step (or epoch) for every path, drawn up to the current step, on a
    log axis where it stays positive; the stability limits as dotted lines in the paths'
    colours; a note saying which optimizers no such line binds and, when the sharpness was
    computed at evenly spread steps only (a big model's time budget), how far apart."""

    def __init__(self, ax, recording, theme=LIGHT):
        values = recording.sharpness
        points = values.shape[1]
        spe = recording.steps_per_epoch
        epochs = recording.epochs()  # each path's time: epochs (paths of different batch sizes), or steps
        self.x = epochs if epochs is not None else recording.point_steps().astype(float)  # [n_paths, points]
        self.values = values
        styles = path_styles(recording.names, theme)
        bounds = limits(recording)
        found = diverged_steps(recording)
        diverged = [points if step is None else step for step in found]
        before = np.array([np.arange(points) <= step for step in diverged])
        shown = values[before & np.isfinite(values)]
        lines = [bound for bound in bounds if bound is not None]
        ax.set_xlim(0, np.nanmax(self.x))
        ax.grid(True, color=theme.grid, linewidth=0.8)
        ax.set_xlabel("epoch" if spe else "step")
        ax.set_ylabel("sharpness")
        if shown.size:
            starts = values[:, 0][np.isfinite(values[:, 0])]
            cap = CAP * max(np.abs(np.concatenate([starts, lines])).max(initial=1.0), 1.0)
            shown = shown[np.abs(shown) <= cap]
        near = [bound for bound in lines if not shown.size or shown.min() / NEAR <= bound <= shown.max() * NEAR]
        every_value = np.concatenate([shown, near]) if shown.size or near else np.array([1.0])
        low, high = every_value.min(), every_value.max()  # the data, and the limits near it
        if low > 0 and high / low > 10 and decades(low / 1.5, high * 1.5) >= 2:  # two labelled ticks, or plain
            ax.set_yscale("log")
            ax.set_ylim(low / 1.5, high * 1.5)
        else:
            room = 0.08 * (high - low) or 0.1 * abs(high) or 1.0
            ax.set_ylim(low - room, high + room)
        bottom, top = ax.get_ylim()
        self.said, self.dotted = [], []  # the limits' words (placed where no curve runs by after_layout), lines
        colours = {}
        for style, bound in zip(styles, bounds):
            if bound is not None and bottom <= bound <= top:  # thin and sparsely dotted: no path's style
                ax.axhline(bound, color=style["color"], linestyle=LIMIT_DASH, linewidth=1.0, zorder=1.5)
                self.dotted.append(bound)
                colours.setdefault(bound, set()).add(style["color"])
        line = 1.6 * 9 * ax.figure.dpi / 72 * matplotlib.rcParams["font.size"] / 13  # a line of text, in pixels
        if colours:  # a line of words' room under the lowest limit and over the highest (no curve runs past them)
            room_beyond(ax, min(colours), 1.3 * line + 3 * ROOM)
            bottom, top = room_beyond(ax, max(colours), 1.3 * line + 3 * ROOM, above=True)
        for group in close_groups(sorted(colours), lambda bound: ax.transData.transform((0, bound))[1], line):
            shades = set().union(*(colours[bound] for bound in group))
            said = ax.annotate(limit_words(group), (1, group[-1]), xycoords=("axes fraction", "data"), xytext=(-3, 1),
                               textcoords="offset points", va="bottom", ha="right", fontsize="x-small",
                               color=next(iter(shades)) if len(shades) == 1 else theme.muted)  # over the top line's end
            self.said.append((said, group, shades))
        self.muted = theme.muted
        away = list(dict.fromkeys(short_number(bound) for bound in sorted(lines) if not bottom <= bound <= top))
        free = list(dict.fromkeys(path["optimizer"] for path in paths_of(recording)
                                  if optimizer_config(recording, path).get("class_name") in PRECONDITIONED))
        notes = []
        if len(away) < len(lines):
            notes.append("dots: limits 2/lr")
        if away:
            notes.append(f"limits 2/lr off this scale: {', '.join(away)}")
        if free:  # (the names, where they fit on a line of a narrow panel)
            names = ", ".join(free)
            notes.append(f"not bound: {names if len(names) <= 32 else f'{len(free)} adaptive optimizers'}")
        schedules = [p["optimizer"] for p, bound in zip(paths_of(recording), bounds)
                     if bound is None and number_rate(p["learning_rate"]) is not None and
                     not isinstance(p["learning_rate"], (int, float))]
        if schedules:
            notes.append(f"scheduled, no line: {', '.join(dict.fromkeys(schedules))}")
        every = int(recording.meta.get("sharpness_every", 1))
        if every > 1:
            notes.append(f"computed every {every * recording.every} steps (time budget)")
        if notes:
            fit(ax.set_title("; ".join(notes), fontsize="x-small", loc="left", pad=3, color=theme.muted),
                width=ax.get_position().width, max_lines=len(notes))
        self.computed = [np.flatnonzero(np.isfinite(row)) for row in values]
        self.diverged = diverged
        self.crosses = Crosses(ax, self.x, values, found, styles, theme)
        self.lines, self.heads = [], []
        for style in styles:
            line, = ax.plot([], [], color=style["color"], linestyle=style["linestyle"], linewidth=1.6, animated=True)
            head, = ax.plot([], [], color=style["color"], marker=style["marker"], markersize=6,
                            markeredgecolor=theme.outline, markeredgewidth=0.8, linestyle="none", animated=True,
                            zorder=2.1, clip_on=False)  # whole at the last step (on the right edge); over every
            # line, in a full redraw (svg, pdf) as in the animation
            self.lines.append(line)
            self.heads.append(head)

    @property
    def animated_artists(self):
        return [*self.lines, *self.heads, *self.crosses.values()]

    def after_layout(self, renderer):
        """The crosses of values off the panel moved onto its edge, once its limits are final,
        and each limit's words where no curve runs (see :meth:`place_limit`).

        Args:
            renderer: the figure's renderer, to measure the words.
        """
        self.crosses.place_all()
        runs = []  # each path's whole curve in pixels, as its last frame draws it
        for path, line in enumerate(self.lines):
            done = self.computed[path][self.computed[path] <= self.diverged[path]]
            points = line.axes.transData.transform(np.c_[self.x[path, done], self.values[path, done]])
            runs.append(points[np.isfinite(points).all(axis=1)])
        to_pixels = self.lines[0].axes.transData.transform
        dots = [to_pixels((0, bound))[1] for bound in self.dotted]
        said = list(self.said)
        while True:  # words with no clear place name their neighbours' limits too (the nearer group's), as one
            missed = [k for k, (words, group, _) in enumerate(said)
                      if not place_limit(words, runs, renderer, dots, (group[-1], group[0]))]
            if not missed or len(said) == 1:
                break
            k = missed[0]
            j = min((j for j in (k - 1, k + 1) if 0 <= j < len(said)),
                    key=lambda j: abs(to_pixels((0, said[j][1][0]))[1] - to_pixels((0, said[k][1][0]))[1]))
            (first, low, one), (other, high, two) = said[min(j, k)], said[max(j, k)]
            other.remove()
            first.set(text=limit_words(low + high), color=next(iter(one | two)) if len(one | two) == 1 else self.muted)
            said[min(j, k):max(j, k) + 1] = [(first, low + high, one | two)]
        self.said = said

    def update(self, steps):
        self.crosses.show(steps)
        for path, (line, head, step) in enumerate(zip(self.lines, self.heads, steps)):
            done = self.computed[path][self.computed[path] <= min(step, self.diverged[path])]
            line.set_data(self.x[path, done], self.values[path, done])
            low, high = sorted(head.axes.get_ylim())
            shown = done[-1:][(low <= self.values[path, done[-1:]]) & (self.values[path, done[-1:]] <= high)]
            head.set_data(self.x[path, shown], self.values[path, shown])  # (unclipped: none off the axis)


def room_beyond(ax, value, room, above=False):
    """Move the y axis' bottom of ``ax`` (log or linear) down, or with ``above`` its top up,
    until ``value`` stands at least ``room`` pixels from it; the new (bottom, top)."""
    bottom, top = ax.get_ylim()
    log = ax.get_yscale() == "log"
    scale = np.log10 if log else (lambda y: y)
    near, far = (top, bottom) if above else (bottom, top)  # the end to move, the one that stays
    high = ax.bbox.height
    if high * abs(scale(value) - scale(near)) / (scale(top) - scale(bottom)) < room < high:
        wanted = room * abs(scale(far) - scale(value)) / (high - room)  # from value to the moved end
        near = (value * 10 ** wanted if above else value / 10 ** wanted) if log else \
            (value + wanted if above else value - wanted)
        bottom, top = (bottom, near) if above else (near, top)
        ax.set_ylim(bottom, top)
    return bottom, top


def limit_words(group):
    """The words naming the limits ``group`` (increasing): "2/lr 200", or "limits 162\u2013260"."""
    low, high = short_number(group[0]), short_number(group[-1])
    return f"2/lr {low}" if low == high else f"limits {low}\u2013{high}"


def close_groups(values, pixel, apart):
    """``values`` (increasing) in runs whose neighbours' ``pixel`` positions lie less than
    ``apart`` pixels from each other: the limits one set of words names together."""
    groups = []
    for value in values:
        if groups and abs(pixel(value) - pixel(groups[-1][-1])) < apart:
            groups[-1].append(value)
        else:
            groups.append([value])
    return groups


def place_limit(said, runs, renderer, dots=(), ends=None):
    """Move limit words ``said`` (an annotation at the right end of the line it names) to the
    rightmost spot along its lines, above the highest of ``ends`` (the values of the highest and
    lowest line it names; its own line's if not given) or under the lowest, whose box keeps
    :data:`ROOM` pixels from every curve of ``runs`` (each [n, 2] pixels, x increasing), and if
    one can, from the limits' dotted lines at heights ``dots`` (pixels) beyond the line it
    stands on, and lies inside the panel; left at the right end, above (under at the top), if
    none does. Returns whether the words keep clear of the curves and the dots."""
    panel = said.axes.bbox
    highest, lowest = ends or (said.xy[1], said.xy[1])
    sides = ((highest, "bottom", 1), (lowest, "top", -1))
    for with_dots in (True, False) if len(dots) else (False,):
        for where in np.linspace(1, 0.1, 19):  # from the right end leftwards
            for end, va, rise in sides:
                said.set(va=va, position=(-3, rise))
                said.xy = (where, end)
                at = said.axes.transData.transform((0, end))[1]
                beyond = [y for y in dots if (y - at) * rise > 0] if with_dots else []
                kept = [*runs, *(np.array([[panel.x0, y], [panel.x1, y]]) for y in beyond)]
                box = said.get_window_extent(renderer).padded(ROOM)
                inside = (panel.x0 <= box.x0 and box.x1 <= panel.x1 + ROOM and panel.y0 <= box.y0
                          and box.y1 <= panel.y1)
                if inside and not any(runs_through(box, run) for run in kept):
                    return with_dots or not len(dots)
    said.xy = (1, highest)
    said.set(va="bottom", position=(-3, 1))
    if said.get_window_extent(renderer).y1 > panel.y1:
        said.xy = (1, lowest)
        said.set(va="top", position=(-3, -1))  # under the lowest line at the top: clear of the note above
    return False


def runs_through(box, run):
    """Whether the polyline ``run`` ([n, 2] pixels, x increasing) passes through ``box``: the
    values it takes over the box's width (its points there and where it crosses the box's
    sides) reach the box's height (a line takes every value between)."""
    if len(run) == 0:
        return False
    xs, ys = run[:, 0], run[:, 1]
    sides = np.interp([box.x0, box.x1], xs, ys, left=np.nan, right=np.nan)
    seen = np.concatenate([ys[(xs >= box.x0) & (xs <= box.x1)], sides[np.isfinite(sides)]])
    return bool(seen.size) and seen.min() <= box.y1 and seen.max() >= box.y0
