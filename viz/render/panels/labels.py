"""Direct labels (Distill's "Why Momentum Really Works" style): each optimizer's name and its
current loss beside its head, where there is room: inside the panel, over no drawn path, no
head and no other label. Where there is none the label is left out (the legend says it)."""

import functools

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.transforms import IdentityTransform

from viz.render.panels.paths import labels_and_styles, path_styles
from viz.render.text import shortened, value_words

GAP = 5  # pixels between a head's edge and its label
APART = 3  # pixels between two labels, or a label and another head
NEAR, FAR = 1.0, 2.6  # candidate distances, in head radii plus the gap
CLEAR = 1.5  # every other head at least this many times as far from a label as its own (plus APART)
SPACING = 3  # pixels between the points of a drawn path checked for being under a label
STILL = 9  # pixels a head moves before its label follows (a label that moves every frame costs GIF bytes)


class DirectLabels:
    """A label per optimizer next to the head of its first path on the paths panel ``paths``
    (a :class:`~viz.render.panels.paths.PathPanel`), moved every frame; none when an optimizer
    has several paths (several starts: the legend is clearer there).

    Drawing text is the dearest thing in a frame, so each label is drawn once per wording into
    a picture (a sprite) that the frames place as pixels; the loss is written to two
    significant digits, so there are few wordings. The labels' text artists follow along for
    the one full draw of an SVG or PDF (:meth:`as_vector`), where text stays text."""

    def __init__(self, paths, recording, theme):
        self.paths, self.loss = paths, recording.loss
        labels, label_of = labels_and_styles(recording.names)
        self.ax = ax = paths.heads[0].axes
        self.first = [label_of.index(i) for i in range(len(labels))] if len(labels) == len(recording.names) else []
        styles = path_styles(recording.names, theme)
        self.texts, self.choice, self.anchors = [], {}, {}  # (anchors: where each label was placed from)
        for path in self.first:
            text = ax.text(0, 0, "", fontsize="small", color=theme.ink, animated=True, zorder=7, clip_on=False,
                           bbox={"boxstyle": "round,pad=0.2", "facecolor": theme.background, "alpha": 0.8,
                                 "edgecolor": styles[path]["color"], "linewidth": 1.4})
            text.name = shortened(recording.names[path], labels)
            self.texts.append(text)
        renderer = ax.figure.canvas.get_renderer()
        self.sizes = []  # each label's box (its frame's padding in) with a 5-character number, and a digit's width
        for text in self.texts:
            pad = 0.4 * text.get_fontsize() * ax.figure.dpi / 72
            widths = []
            for sample in (f"{text.name}: 0.000", f"{text.name}: 0.0000"):
                text.set_text(sample)
                widths.append(text.get_window_extent(renderer).width)
            self.sizes.append((widths[0] + pad, text.get_window_extent(renderer).height + pad, widths[1] - widths[0]))
        self.radius = paths.heads[0].get_markersize() * ax.figure.dpi / 72 / 2 if self.texts else 0
        self.sprites = [ax.figure.add_artist(Sprite()) for _ in self.texts]
        self.drawn = {}  # wording -> its sprite, RGBA
        self.log, self.seen = [], 0  # each frame's steps and placements since the first, and how many seen since then
        self.pixels = None  # each path's points in pixels, densely, and how many cover its first k vertices
        self.blocked = []  # boxes no label covers (start rings, the minimum, the overview inset), in pixels
        plane = recording.plane  # the start rings and the minimum's star stay uncovered too
        self.keys = np.concatenate([plane.xy[:, 0], np.reshape(plane.marks, (-1, 2))]).reshape(-1, 2)

    @property
    def animated_artists(self):
        return self.sprites

    def as_vector(self):
        """Show the labels as text, for one full draw (an SVG or PDF)."""
        figure = self.ax.figure
        for text, sprite in zip(self.texts, self.sprites):  # pixels of this frame -> shares of the figure, as
            x, y = text.get_position()                       # a PDF is drawn at 72 dpi, not the frame's
            text.set_transform(figure.transFigure)
            text.set_position((x / figure.bbox.width, y / figure.bbox.height))
            text.set_animated(False)
            text.set_visible(sprite.get_visible())
            sprite.set_visible(False)

    def sprite(self, text):
        """``text`` (placed in pixels, left and bottom aligned) drawn alone, cut to what it
        covers: an RGBA picture [h, w, 4] and where its lower left corner is from the text's
        position, in pixels."""
        words = text.get_text()
        if words not in self.drawn:
            margin, position = 40, text.get_position()
            renderer = self.ax.figure.canvas.get_renderer()
            text.set_position((margin, margin))
            extent = text.get_window_extent(renderer)
            scratch = RendererAgg(int(extent.x1) + margin, int(extent.y1) + margin, self.ax.figure.dpi)
            text.set_animated(False)  # (an animated artist draws only when asked by name)
            text.draw(scratch)
            text.set_animated(True)
            text.set_position(position)
            picture = np.asarray(scratch.buffer_rgba())
            rows, columns = np.nonzero(picture[..., 3])
            cut = picture[rows.min(): rows.max() + 1, columns.min(): columns.max() + 1].copy()
            self.drawn[words] = cut, columns.min() - margin, len(picture) - 1 - rows.max() - margin
        return self.drawn[words]

    def words(self, path, step):
        value = self.loss[path, step]
        name = self.texts[self.first.index(path)].name
        return f"{name}: {value_words(value)}" if np.isfinite(value) else name

    def rewind(self):
        """Forget where the labels were: frames are seen again from the first (as before:
        the placements logged are given again while the frames' steps are the same)."""
        self.choice.clear()
        self.anchors.clear()
        self.seen = 0

    def update(self, steps):
        """Place the labels for the frame at ``steps``: as logged if the frames since the first
        are those seen before (the GIF's palette sample draws frames out of order, then all in
        order), else afresh."""
        if not self.texts:
            return
        key = np.asarray(steps).tobytes()
        if self.seen < len(self.log) and self.log[self.seen][0] == key:
            self._give(self.log[self.seen][1])
        else:
            del self.log[self.seen:]
            self._place(steps)
            self.log.append((key, self._taken()))
        self.seen += 1

    def _taken(self):
        """What :meth:`_place` decided: each label's text and sprite as set, where each label
        was placed from."""
        return ([(text.get_visible(), text.get_text(), text.get_transform(), text.get_position(),
                  text.get_horizontalalignment(), text.get_verticalalignment(), sprite.get_visible(), sprite.picture,
                  sprite.drawing, sprite.x, sprite.y) for text, sprite in zip(self.texts, self.sprites)],
                dict(self.choice), dict(self.anchors))

    def _give(self, taken):
        """Set the labels as :meth:`_taken` kept them."""
        labels, choice, anchors = taken
        for text, sprite, (shown, words, transform, position, ha, va, visible, picture, drawing, x, y) in zip(
                self.texts, self.sprites, labels):
            text.set_visible(shown)  # (one setter each: Artist.set is several times dearer)
            text.set_text(words)
            text.set_transform(transform)
            text.set_position(position)
            text.set_horizontalalignment(ha)
            text.set_verticalalignment(va)
            sprite.picture, sprite.drawing, sprite.x, sprite.y = picture, drawing, x, y
            sprite.set_visible(visible)
        self.choice, self.anchors = dict(choice), dict(anchors)

    def _place(self, steps):
        to_pixels = self.ax.transData.transform
        inside = self.ax.bbox
        if self.pixels is None:  # the paths in pixels, once: they only grow from frame to frame
            box = np.array([[inside.x0, inside.y0], [inside.x1, inside.y1]]) + [[-50], [50]]  # far: at the border
            self.pixels = [dense_prefixes(np.clip(to_pixels(vertices), *box)) for vertices, _ in self.paths.polylines]
            renderer = self.ax.figure.canvas.get_renderer()  # the overview inset and its words stay uncovered
            keys = to_pixels(self.keys[np.isfinite(self.keys).all(axis=1)]) if len(self.keys) else []
            self.blocked = [(x - self.radius, y - self.radius, x + self.radius, y + self.radius) for x, y in keys]
            self.blocked += [tuple(inset.get_tightbbox(renderer).extents) for inset in self.ax.child_axes]
        drawn = [samples[: upto[self.paths.shown(path, step)]]
                 for path, ((samples, upto), step) in enumerate(zip(self.pixels, steps))]
        drawn = np.concatenate(drawn) if drawn else np.empty((0, 2))
        shown = [path for path in self.first if steps[path] >= 0]
        heads = dict(zip(shown, to_pixels(np.reshape([self.paths.head(path, steps[path]) for path in shown], (-1, 2)))))
        taken = [(x - self.radius, y - self.radius, x + self.radius, y + self.radius)
                 for x, y in heads.values()] + self.blocked
        tries, rows = [], {}  # each label's anchors: where it was placed from (if its head moved little), its head
        for path, text in zip(self.first, self.texts):
            if path in heads:
                anchor = self.anchors.get(path)
                moved = anchor is None or np.abs(heads[path] - anchor).max() > STILL
                text.set_text(self.words(path, steps[path]))
                rows[path] = range(len(tries), len(tries) + 2 - moved)
                tries += [(path, heads[path] if moved else anchor)] + ([] if moved else [(path, heads[path])])
        spots = self._spots(tries, heads, taken, inside)
        placed = []  # the boxes of the labels placed so far in this frame
        for path, text, sprite in zip(self.first, self.texts, self.sprites):
            text.set_visible(path in heads)
            sprite.set_visible(False)
            if path not in heads:
                continue
            first, *afresh = rows[path]
            spot = self._first(path, spots, first, placed, drawn)
            if afresh and (spot is None or spot[0] != self.choice.get(path)):
                first = afresh[0]  # the label's spot no longer fits where it was: placed afresh
                spot = self._first(path, spots, first, placed, drawn)
            self.anchors[path] = tries[first][1]
            if spot is None:
                text.set_visible(False)
                continue
            self.choice[path] = spot[0]
            x0, y0 = spot[1]
            placed.append(spot[2])
            pad = 0.2 * text.get_fontsize() * self.ax.figure.dpi / 72
            text.set_transform(IdentityTransform())  # pixels
            text.set_position((x0 + pad, y0 + pad))
            text.set_horizontalalignment("left")
            text.set_verticalalignment("bottom")
            sprite.place_drawn(functools.partial(self.sprite, text), x0 + pad, y0 + pad)  # (drawn if shown)

    def _spots(self, tries, heads, taken, inside):
        """The candidate spots (:data:`CANDIDATES`) around each of ``tries`` ((path, anchor):
        a label around where its head was when it was last moved, or around its head), all at
        once: their corners in pixels (x0, y0, x1, y1), [tries, candidates] each, and whether
        each is free but for the labels placed in this frame and the drawn paths (see
        :meth:`_first`): inside the panel, a gap from every box in ``taken`` (the heads, the
        marks, the inset), clearly nearer its own head than any other of ``heads``
        (:data:`CLEAR`)."""
        paths = [path for path, _ in tries]
        anchors = np.reshape([anchor for _, anchor in tries], (-1, 2))
        width, height = np.zeros((2, len(tries), 1))
        for row, path in enumerate(paths):
            text = self.texts[self.first.index(path)]
            wide, height[row], digit = self.sizes[self.first.index(path)]
            width[row] = wide + (len(text.get_text()) - len(text.name) - 7) * digit  # the number's characters past five
        dx, dy, distance = CANDIDATES.T
        reach = self.radius + GAP + (distance - 1) * self.radius * 2
        x0 = anchors[:, :1] + dx * reach - np.where(dx < 0, width, np.where(dx > 0, 0, width / 2))
        y0 = anchors[:, 1:] + dy * reach - np.where(dy < 0, height, np.where(dy > 0, 0, height / 2))
        x1, y1 = x0 + width, y0 + height
        free = ~((x0 < inside.x0) | (x1 > inside.x1) | (y0 < inside.y0) | (y1 > inside.y1))
        boxes = np.reshape(taken, (-1, 4))
        corners = (x0[..., None], y0[..., None], x1[..., None], y1[..., None])
        free &= ~((corners[0] < boxes[:, 2] + APART) & (boxes[:, 0] < corners[2] + APART) &
                  (corners[1] < boxes[:, 3] + APART) & (boxes[:, 1] < corners[3] + APART)).any(axis=-1)
        if len(heads) > 1:  # clearly nearer its own head than another: else it could name that one
            far = _reach(np.array(list(heads.values())), corners)  # [tries, candidates, heads]
            rows, own = np.arange(len(tries)), np.array([list(heads).index(path) for path in paths], dtype=int)
            mine = far[rows, :, own]
            far[rows, :, own] = np.inf
            free &= ~(far.min(axis=-1) <= CLEAR * mine + APART)
        return x0, y0, x1, y1, free

    def _first(self, path, spots, row, placed, drawn):
        """Where in row ``row`` of :meth:`_spots` ``path``'s label goes: the last frame's spot
        if it is still free, else the first free one in :data:`CANDIDATES`' order, a gap from
        every box ``placed`` (the labels placed in this frame) and over no ``drawn`` path
        point [n, 2]. Its index, lower-left corner and box; None if there is none."""
        x0, y0, x1, y1, free = (spot[row] for spot in spots)
        order = np.flatnonzero(free).tolist()
        if path in self.choice and free[self.choice[path]]:
            order.insert(0, self.choice[path])
        for at in order:
            box = x0[at], y0[at], x1[at], y1[at]
            if any(box[0] < bx1 + APART and bx0 < box[2] + APART and box[1] < by1 + APART and by0 < box[3] + APART
                   for bx0, by0, bx1, by1 in placed):
                continue
            if not np.any((drawn[:, 0] > box[0] - 1) & (drawn[:, 0] < box[2] + 1) &
                          (drawn[:, 1] > box[1] - 1) & (drawn[:, 1] < box[3] + 1)):
                return at, (float(box[0]), float(box[1])), box
        return None


class Sprite(Artist):
    """An RGBA picture put on the canvas pixel for pixel, its lower left corner at (x, y) in
    pixels: no resampling, so it costs a copy."""

    def __init__(self):
        super().__init__()
        self.set_animated(True)
        self.set_zorder(7)
        self.picture, self.drawing, self.x, self.y = None, None, 0, 0

    def place(self, picture, x, y):
        self.picture, self.drawing, self.x, self.y = picture, None, x, y
        self.set_visible(True)

    def place_drawn(self, drawing, x, y):
        """Show the picture ``drawing()`` gives, with its corner's offset from (x, y): (picture,
        dx, dy); it is called only when the sprite is drawn (a frame seen but not drawn costs
        no picture)."""
        self.picture, self.drawing, self.x, self.y = None, drawing, x, y
        self.set_visible(True)

    def draw(self, renderer):
        if self.get_visible() and self.drawing is not None:
            self.picture, dx, dy = self.drawing()
            self.drawing, self.x, self.y = None, round(self.x + dx), round(self.y + dy)
        if self.get_visible() and self.picture is not None:
            gc = renderer.new_gc()
            renderer.draw_image(gc, self.x, self.y, self.picture[::-1])  # (rows from the bottom up)
            gc.restore()


def _reach(points, box):
    """How far each of ``points`` [n, 2] is from ``box`` (x0, y0, x1, y1), in pixels; with
    the box's corners as arrays [..., 1], from each of those boxes: [..., n]."""
    x0, y0, x1, y1 = box
    return np.hypot(np.maximum(np.maximum(x0 - points[:, 0], points[:, 0] - x1), 0),
                    np.maximum(np.maximum(y0 - points[:, 1], points[:, 1] - y1), 0))


def dense(points):
    """The finite pixel points [n, 2] of a polyline with points added along each segment, at
    most :data:`SPACING` apart, so a label over a long segment covers some of them."""
    points = points[np.isfinite(points).all(axis=1)]
    if len(points) < 2:
        return points
    segments = np.diff(points, axis=0)
    counts = np.clip(np.ceil(np.hypot(*segments.T) / SPACING).astype(int), 1, 2000)
    starts = np.repeat(points[:-1], counts, axis=0)
    first = np.repeat(np.cumsum(counts) - counts, counts)  # each sample's segment's first sample
    shares = (np.arange(counts.sum()) - first) / np.repeat(counts, counts)
    return np.vstack([starts + np.repeat(segments, counts, axis=0) * shares[:, None], points[-1:]])


def dense_prefixes(points):
    """:func:`dense` of ``points`` [n, 2] and, for each k from 0 to n, how many of its samples
    are those of ``points[:k]`` (a path drawn up to its k-th vertex)."""
    finite = np.isfinite(points).all(axis=1)
    samples = dense(points)
    kept = points[finite]
    counts = np.clip(np.ceil(np.hypot(*np.diff(kept, axis=0).T) / SPACING).astype(int), 1, 2000)
    upto = np.concatenate([[0, 1][: len(kept) + 1], np.cumsum(counts) + 1])  # samples covering kept[:j]
    return samples, upto[np.concatenate([[0], np.cumsum(finite)])]


CANDIDATES = np.array([(dx, dy, distance) for distance in (NEAR, FAR)  # (dx, dy, distance) of the spots
                       for dx, dy in [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)]])
"""The spots tried around a head, in order: right, left, above, below, the diagonals, near and
then farther."""
