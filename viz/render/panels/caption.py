"""The caption band: one line or a few of text across the foot of the frame, under every panel
(so it covers no path), saying what the lecturer wants said at this point of the animation."""

from viz.render.text import MIN_POINTS, fit

WIDTH = 0.94  # of the frame's width
MAX_LINES = 3  # a long caption wraps onto this many lines before its text gets smaller
FONT_SIZE = 15  # points at font scale 1, before fitting


class CaptionBand:
    """A text at the foot of ``figure`` that shows one of ``texts`` (or none) per frame. Every
    text is wrapped (and, past :data:`MAX_LINES`, made smaller) once, here, to fit the width;
    the band is as tall as the tallest of them (:attr:`height`, a fraction of the frame's
    height), so the panels above it never move. The text is an animated artist: drawn as text
    in every frame (and in an SVG or PDF, selectable)."""

    def __init__(self, figure, texts, scale, colour, bottom=0.012):
        self.artist = figure.text(0.5, bottom, "", ha="center", va="bottom", fontsize=FONT_SIZE * scale,
                                  color=colour, linespacing=1.15, multialignment="center", animated=True)
        renderer, size = figure.canvas.get_renderer(), FONT_SIZE * scale
        self.fitted, self.height = {}, 0.0
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
