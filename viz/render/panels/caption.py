"""The caption band: one line or a few of text across the foot of the frame, under every panel
(so it covers no path), saying what the lecturer wants said at this point of the animation."""

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg

from viz.render.panels.labels import Sprite
from viz.render.text import MIN_POINTS, fit

WIDTH = 0.94  # of the frame's width
MAX_LINES = 3  # a long caption wraps onto this many lines before its text gets smaller
FONT_SIZE = 15  # points at font scale 1, before fitting


class CaptionBand:
    """A text at the foot of ``figure`` that shows one of ``texts`` (or none) per frame. Every
    text is wrapped (and, past :data:`MAX_LINES`, made smaller) once, here, to fit the width;
    the band is as tall as the tallest of them (:attr:`height`, a fraction of the frame's
    height), so the panels above it never move. Captions change rarely, so each is drawn once
    into a picture that the frames place as pixels (:attr:`sprite`, the animated artist); an
    SVG or PDF gets the text itself (:meth:`as_vector`), selectable."""

    def __init__(self, figure, texts, scale, colour, bottom=0.012):
        self.artist = figure.text(0.5, bottom, "", ha="center", va="bottom", fontsize=FONT_SIZE * scale,
                                  color=colour, linespacing=1.15, multialignment="center", animated=True)
        renderer, size = figure.canvas.get_renderer(), FONT_SIZE * scale
        self.fitted, self.height, self.pictures = {}, 0.0, {}
        self.sprite = figure.add_artist(Sprite())
        for text in texts:
            self.artist.set_fontsize(size)
            self.artist.set_text(text)
            fit(self.artist, WIDTH, max_lines=MAX_LINES, floor=max(MIN_POINTS, 0.8 * size))
            self.fitted[text] = (self.artist.get_text(), self.artist.get_fontsize())
            extent = self.artist.get_window_extent(renderer)
            self.height = max(self.height, extent.height / figure.bbox.height)
        self.top = bottom + self.height
        self.show(None)

    def show(self, text):
        """Say ``text`` (one of the texts given) on the frames from now on; None: nothing."""
        words, size = self.fitted.get(text, ("", self.artist.get_fontsize()))
        self.artist.set_text(words)
        self.artist.set_fontsize(size)
        self.artist.set_visible(bool(words))
        if not words:
            self.sprite.set_visible(False)
            return
        if text not in self.pictures:
            self.pictures[text] = self._picture()
        self.sprite.place(*self.pictures[text])

    def _picture(self):
        """The text as it stands, drawn alone: an RGBA picture cut to what it covers, and its
        lower left corner in the frame's pixels."""
        figure = self.artist.get_figure()
        scratch = RendererAgg(int(figure.bbox.width), int(figure.bbox.height), figure.dpi)
        self.artist.set_animated(False)  # (an animated artist draws only when asked by name)
        self.artist.draw(scratch)
        self.artist.set_animated(True)
        picture = np.asarray(scratch.buffer_rgba())
        rows, columns = np.nonzero(picture[..., 3])
        cut = picture[rows.min(): rows.max() + 1, columns.min(): columns.max() + 1].copy()
        return cut, int(columns.min()), int(len(picture) - 1 - rows.max())

    def as_vector(self):
        """The caption as text, for the one full draw of an SVG or PDF."""
        self.sprite.set_visible(False)
        self.artist.set_animated(False)
