"""The optimizers' legend above the panels, and what its entries say frame by frame: what
happened to a path only from the step it happened ("diverged at step N"; "left the view at
step N" while it is out of the view), and each path's final value once it has arrived, so the
last frame states every path's value even where no direct label found room."""

import math

import numpy as np
from matplotlib.artist import Artist
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from viz.divergence import diverged_steps
from viz.render.panels.clip import inside
from viz.render.panels.paths import legend_handles, view_box
from viz.render.rates import legend_texts
from viz.render.text import MIN_POINTS, lines, value_words


def place_legend(figure, recording, theme, scale, ceiling, like=None):
    """The optimizers' legend from ``ceiling`` (a fraction of the height) down: in as few rows
    as fit the width, long labels wrapped (never cut, never shrunk below the smallest text),
    laid out for the longest thing each entry will say, as for the longest of ``like`` (other
    recordings of the same animation, so it does not reflow between them).

    Returns:
        Its bottom (a fraction of the height) and the :class:`LiveLegend` that words it.
    """
    shown = _rates_shown(recording, like)
    handles = legend_handles(recording, theme, show_rates=shown)
    live = LiveLegend(recording, [h.get_label() for h in handles])
    every = [LiveLegend(r, [h.get_label() for h in legend_handles(r, theme, show_rates=shown)]).longest
             for r in [recording, *(like or ())]]
    longest = [max(texts, key=len) for texts in zip(*every)]
    words = live.longest
    fontsize = max(MIN_POINTS, 12.5 * scale if sum(map(len, longest)) * scale <= 80 * figure.get_figwidth() / 12.8
                   else 11.5 * scale)
    tries = [(rows, limit) for limit in (None, 40, 32, 26, 20, 16) for rows in range(1, min(3, len(handles)) + 1)]
    for rows, limit in tries + [(rows, 16) for rows in range(4, len(handles) + 1)]:
        columns = math.ceil(len(handles) / rows)
        counts = [1 if limit is None else math.ceil(len(long) / limit) for long in longest]
        for handle, text, long, count in zip(handles, words, longest, counts):
            handle.set_label(_padded(figure, lines(text, count), lines(long, count), fontsize))
        legend = figure.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, ceiling), ncol=columns,
                               frameon=False, handlelength=2.4, columnspacing=1.2, fontsize=fontsize,
                               labelspacing=0.4, borderaxespad=0.0, borderpad=0.1)
        box = legend.get_window_extent(figure.canvas.get_renderer())
        if box.width <= 0.94 * figure.bbox.width:  # (a PDF draws text a little wider than the frame)
            break
        legend.remove()
    else:
        figure.legends.append(legend)  # one optimizer a row and still too wide: as it is
        legend.set_figure(figure)
    live.attach(figure, legend, counts)
    return box.y0 / figure.bbox.height, live


class LiveLegend:
    """The legend entries' words at each frame (see the module): each entry is laid out for
    :attr:`longest`, the most it will ever say, and its text is set and drawn with the
    animated artists (:attr:`animated_artists`, one artist that draws them all)."""

    def __init__(self, recording, texts):
        self.texts = texts  # each label's own words (with its rate, if shown)
        self.labels = list(dict.fromkeys(recording.names))
        self.paths = [[p for p, name in enumerate(recording.names) if name == label] for label in self.labels]
        self.at = recording.optimizer_steps
        self.diverged = diverged_steps(recording)
        self.ends = np.asarray(recording.ends)
        self.loss = recording.loss
        low, high = view_box(recording.plane)
        out = ~inside(recording.plane.xy, low, high)  # [n_paths, steps+1]
        last_in = np.maximum.accumulate(np.where(out, -1, np.arange(out.shape[1])), axis=1)
        self.left = np.where(out, last_in + 1, -1)  # where the current time out of the view began, or -1
        self.artists, self.counts, self.words = [], [], {}
        self.longest = [self.say(entry, None) for entry in range(len(self.labels))]

    def say(self, entry, steps):
        """Entry ``entry``'s words at ``steps`` (each path's recorded step; None: the longest
        it will say)."""
        paths, words = self.paths[entry], self.texts[entry]
        if steps is None:
            away = self.left[paths].max()
            sayings = [words + (f" (left the view at step {self.at[away]})" if away > 0 else "")]
            if all(self.diverged[p] is None for p in paths):  # (a diverged one says so instead)
                sayings[0] += ": " + ", ".join(value_words(self.loss[p, self.ends[p]]) for p in paths)
            sayings += [f"{words} (diverged at step {self.at[self.diverged[p]]})" for p in paths
                        if self.diverged[p] is not None]
            return max(sayings, key=len)
        now = [int(steps[p]) for p in paths]
        gone = [self.diverged[p] for p, s in zip(paths, now) if self.diverged[p] is not None and s >= self.diverged[p]]
        if gone:
            return f"{words} (diverged at step {self.at[min(gone)]})"
        away = [self.left[p, s] for p, s in zip(paths, now) if s >= 0 and self.left[p, s] > 0]
        if away:
            words += f" (left the view at step {self.at[min(away)]})"
        if all(s >= self.ends[p] for p, s in zip(paths, now)):
            words += ": " + ", ".join(value_words(self.loss[p, self.ends[p]]) for p in paths)
        return words

    def attach(self, figure, legend, counts):
        """Word ``legend``'s texts from the first frame on, each on its ``counts`` lines (until
        then they say the longest, which the legend is drawn for: its columns do not move)."""
        self.counts = counts
        self.artists = [figure.add_artist(_Texts(legend.get_texts(), legend.get_zorder() + 0.1))]

    @property
    def animated_artists(self):
        return self.artists

    @property
    def said(self):
        """What each entry says now."""
        return [text.get_text() for text in self.artists[0].shown]

    def update(self, steps):
        for entry, (text, count) in enumerate(zip(self.artists[0].shown, self.counts)):
            words = self.say(entry, steps)
            text.set_text(self.words.setdefault(words, lines(words, count)))


class NoLegend:
    """No legend: the grid alone, whose cells' titles name each optimizer and say its loss."""

    animated_artists, said = (), ()

    def update(self, steps):
        """Nothing to word."""


class _Texts(Artist):
    """Texts drawn over a legend's own ``texts`` (which stay hidden, saying what the legend is
    laid out for, so that a full redraw puts its columns where the first did): the same
    look and place, their words set frame by frame (:attr:`shown`)."""

    def __init__(self, texts, zorder):
        super().__init__()
        self.set_animated(True)
        self.set_zorder(zorder)
        self.shown = []
        for text in texts:
            text.set_visible(False)
            shown = Text()
            shown.update_from(text)
            shown.set_figure(text.get_figure())
            shown.set_transform(text.get_transform())  # the legend's own, moved when it is drawn
            shown.set_position(text.get_position())
            shown.set_text(text.get_text())
            shown.set_visible(True)
            self.shown.append(shown)

    def draw(self, renderer):
        for text in self.shown:
            text.draw(renderer)


def _padded(figure, text, longest, fontsize):
    """``text`` with hair spaces after its longest line, as wide as ``longest`` (to the pixel), so
    an entry takes the same room whichever part of an animation it is in."""
    if text == longest:
        return text
    renderer = figure.canvas.get_renderer()

    def width(words):
        return max(renderer.get_text_width_height_descent(line, FontProperties(size=fontsize), False)[0]
                   for line in words.split("\n"))

    hair = width("x\u200a") - width("x")
    missing = round((width(longest) - width(text)) / hair) if hair > 0 else 0
    if missing <= 0:
        return text
    rows = text.split("\n")
    widest = max(range(len(rows)), key=lambda i: width(rows[i]))
    rows[widest] += "\u200a" * missing
    return "\n".join(rows)


def _rates_shown(recording, like):
    """Whether the legend says rates: as :func:`viz.render.rates.legend_texts` decides for
    ``recording`` or any recording shown with it (``like``)."""

    return any(legend_texts(r) != {name: name for name in r.names} for r in [recording, *(like or ())]) or None
