"""Text drawn as pictures: the animated texts of a frame (the counter, the readouts, the
legend's words) are drawn once per wording and place into a picture of their own, and each
frame puts the picture on the canvas as pixels. Laying out and rasterizing a line of text
costs more than anything else in a frame; a text that says the same as a frame before costs
a copy."""

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.text import Text

KEPT = 48  # pictures kept per text: a counter says something new every frame, a legend a few things


class TextPictures:
    """Draw texts on ``figure``'s canvas through pictures (see the module). A text is redrawn
    when anything that changes its pixels changes: words, place, colour, font, alignment,
    rotation, opacity, box."""

    def __init__(self, figure):
        self.figure = figure
        self.scratch = None  # a renderer of the figure's size, for drawing one text alone
        self.kept = {}  # id(text) -> {state: (picture [h, w, 4] rows bottom up, x, y) or None}

    def draw(self, artist, renderer):
        """Draw ``artist``: a :class:`~matplotlib.text.Text` as a picture; an artist whose
        ``draw`` draws only the texts of its ``shown`` list (the live legend's), each of those
        as a picture; any other as itself."""
        texts = [artist] if isinstance(artist, Text) else getattr(artist, "shown", None)
        if not (isinstance(texts, list) and all(isinstance(text, Text) for text in texts)):
            self.figure.draw_artist(artist)
            return
        if not artist.get_visible():
            return
        for text in texts:
            if text.get_visible() and text.get_text():
                picture = self.picture(text, renderer)
                if picture is not None:
                    gc = renderer.new_gc()
                    renderer.draw_image(gc, picture[1], picture[2], picture[0])
                    gc.restore()

    def picture(self, text, renderer):
        """``text`` drawn alone, cut to the pixels it covers: the picture, rows from the bottom
        up, and its lower left corner on the canvas in pixels (None: it covers none)."""
        kept = self.kept.setdefault(id(text), {})
        state = _state(text)
        if state not in kept:
            if len(kept) >= KEPT:
                del kept[next(iter(kept))]  # the oldest
            kept[state] = self._draw_alone(text, renderer)
        return kept[state]

    def _draw_alone(self, text, renderer):
        width, height = int(renderer.width), int(renderer.height)
        if self.scratch is None or (self.scratch.width, self.scratch.height) != (width, height):
            self.scratch = RendererAgg(width, height, self.figure.dpi)
        self.scratch.clear()
        text.draw(self.scratch)
        pixels = np.asarray(self.scratch.buffer_rgba())
        covered = pixels[..., 3] > 0
        rows, columns = np.flatnonzero(covered.any(axis=1)), np.flatnonzero(covered.any(axis=0))
        if not rows.size:
            return None
        cut = pixels[rows[0]: rows[-1] + 1, columns[0]: columns[-1] + 1][::-1].copy()
        return cut, int(columns[0]), int(height - 1 - rows[-1])


def _state(text):
    """What decides ``text``'s pixels."""
    anchor = text.get_transform().transform(text.get_unitless_position())
    patch = text.get_bbox_patch()
    box = (tuple(patch.get_facecolor()), tuple(patch.get_edgecolor()), patch.get_linewidth(),
           str(patch.get_boxstyle())) if patch is not None else None
    return (text.get_text(), tuple(np.round(anchor, 3)), str(text.get_color()), text.get_alpha(),
            text.get_fontproperties(), text.get_horizontalalignment(), text.get_verticalalignment(),
            text.get_rotation(), text._get_multialignment(), text._linespacing, box)
