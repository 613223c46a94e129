"""Text drawn once per wording: the animated texts of a frame (the counter, the readouts, the
legend's words) and the keys drawn over the paths (a legend that does not change once laid
out) are drawn onto the canvas, and the pixels of the rectangle they were drawn in, before and
after, are kept with what decides them. A later frame that says the same in the same place over
the same pixels gets the kept pixels back: exactly what drawing it again would give, for the
cost of a copy. Laying out and rasterizing text costs more than anything else in a frame."""

import numpy as np
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox

KEPT = 48  # drawings kept per text: a counter says something new several times a second, a legend a few things
MARGIN = 4  # pixels around a text's box (and its frame's) that its antialiased edges may reach


class TextPictures:
    """Draw texts on ``figure``'s canvas, each wording once (see the module). A text is drawn
    again when anything that changes its pixels changes: words, place, colour, font,
    alignment, rotation, opacity, box, or what lies beneath it."""

    def __init__(self, figure):
        self.figure = figure
        self.kept = {}  # id(text) -> {state: (rectangle, pixels beneath, pixels drawn)}

    def draw(self, artist, renderer):
        """Draw ``artist``: a :class:`~matplotlib.text.Text` or a
        :class:`~matplotlib.legend.Legend` as above; an artist whose ``draw`` draws only the
        texts of its ``shown`` list (the live legend's), each of those as above; any other as
        itself."""
        if isinstance(artist, Legend):
            if artist.get_visible():
                self._draw(artist, renderer)
            return
        texts = [artist] if isinstance(artist, Text) else getattr(artist, "shown", None)
        if not (isinstance(texts, list) and all(isinstance(text, Text) for text in texts)):
            artist.draw(renderer)  # (as Figure.draw_artist does, without asking the canvas for its renderer again)
            return
        if artist.get_visible():
            for text in texts:
                if text.get_visible() and text.get_text():
                    self._draw(text, renderer)

    def _draw(self, text, renderer):
        canvas = np.asarray(self.figure.canvas.buffer_rgba())
        kept = self.kept.setdefault(id(text), {})
        state = _legend_state(text) if isinstance(text, Legend) else _state(text)
        if state in kept:
            (top, bottom, left, right), beneath, drawn = kept[state]
            if np.array_equal(canvas[top:bottom, left:right], beneath):
                canvas[top:bottom, left:right] = drawn
                return
        top, bottom, left, right = _rectangle(text, renderer, canvas.shape)
        beneath = canvas[top:bottom, left:right].copy()
        text.draw(renderer)
        if len(kept) >= KEPT and state not in kept:
            del kept[next(iter(kept))]  # the oldest
        kept[state] = (top, bottom, left, right), beneath, canvas[top:bottom, left:right].copy()


def _rectangle(text, renderer, shape):
    """The rows and columns (top, bottom, left, right; ends exclusive) that drawing ``text`` (or
    a legend) can change: its box and its frame's, with :data:`MARGIN` around."""
    box = text.get_window_extent(renderer)
    patch = None if isinstance(text, Legend) else text.get_bbox_patch()
    if patch is not None:
        text.update_bbox_position_size(renderer)
        frame = patch.get_window_extent(renderer)
        box = Bbox.union([box, frame])
    height, width = shape[:2]
    top, bottom = int(height - box.y1) - MARGIN, int(np.ceil(height - box.y0)) + MARGIN
    left, right = int(box.x0) - MARGIN, int(np.ceil(box.x1)) + MARGIN
    return max(top, 0), min(max(bottom, 0), height), max(left, 0), min(max(right, 0), width)


def _state(text):
    """What decides ``text``'s pixels, beside what lies beneath it."""
    anchor = text.get_transform().transform(text.get_unitless_position())
    patch = text.get_bbox_patch()
    box = (tuple(patch.get_facecolor()), tuple(patch.get_edgecolor()), patch.get_linewidth(),
           str(patch.get_boxstyle())) if patch is not None else None
    colour = text.get_color()  # (a string, or an array: its numbers, not their printout, which is slow)
    colour = colour if isinstance(colour, str) else tuple(np.ravel(colour).tolist())
    return (text.get_text(), tuple(np.round(anchor, 3)), colour, text.get_alpha(),
            text.get_fontproperties(), text.get_horizontalalignment(), text.get_verticalalignment(),
            text.get_rotation(), text._get_multialignment(), text._linespacing, box)


def _legend_state(legend):
    """What decides a legend's pixels, beside what lies beneath it: its words, where it is
    anchored and its frame (its handles and fonts are set when it is made)."""
    frame = legend.get_frame()
    return (tuple(text.get_text() for text in legend.get_texts()), legend.get_bbox_to_anchor().bounds, legend._loc,
            frame.get_visible(), tuple(frame.get_facecolor()), legend.get_alpha())
