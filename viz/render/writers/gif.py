"""An endlessly looping GIF with one palette for all frames, written frame by frame."""

import shutil
import struct

import numpy as np
from PIL import GifImagePlugin, Image, ImageColor

from viz.render.writers import halves

GIF_MAX_FPS = 50  # GIF delays are whole 1/100 s; browsers slow delays under 2/100 s to 1/10 s
TRANSPARENT = 255  # GIF palette index kept free to mean "unchanged since the last frame" (or "clear")
MAX_COLOURS = TRANSPARENT  # the other 255 entries


def palette(sample, exact=(), size=MAX_COLOURS):
    """One palette for the whole GIF, as a "P" image whose 256 entries are: the ``exact``
    colours as given (the optimizers' own, which thin lines cover too few pixels of to win a
    place by count), then the colours that cover most of a sample of RGBA frames (e.g. the
    first, middle and last) exactly as they are (the ground, the contours' greys: a median
    cut would average them into tinted ones, white into 252 grey), then a median cut of the
    rest, ``size`` (at most 255) in all. The entries past them, index 255 (transparency)
    among them, repeat entry 0, so no pixel is mapped to them."""
    exact = [ImageColor.getrgb(colour)[:3] for colour in dict.fromkeys(exact)]
    stacked = np.concatenate([frame[..., :3] for frame in sample], axis=0)
    keys = np.concatenate([colour_keys(np.ascontiguousarray(frame)).ravel() for frame in sample])  # 0xBBGGRR
    packed = ((keys & 0xFF) << 16) | (keys & 0xFF00) | (keys >> 16)  # 0xRRGGBB
    values, counts = np.unique(packed, return_counts=True)
    common = values[np.argsort(-counts, kind="stable")][: size // 2]
    common = common[np.sort(counts)[::-1][: len(common)] >= 0.0005 * packed.size]  # each over 0.05% of the pixels
    exact += [c for c in ((int(v) >> 16, (int(v) >> 8) & 255, int(v) & 255) for v in common) if c not in exact]
    exact = exact[:size - 1]
    colours = [value for colour in exact for value in colour]
    if size - len(exact) > 0:
        frequent = Image.fromarray(stacked).quantize(colors=size - len(exact), dither=Image.Dither.NONE)
        colours += frequent.getpalette()[: 3 * (size - len(exact))]
    colours += colours[:3] * (256 - len(colours) // 3)
    table = Image.new("P", (1, 1))
    table.putpalette(colours)
    return table


def indices(rgb, table):
    """The palette index of each pixel of ``rgb`` [h, w, 3] in the palette image ``table``: a
    colour that is in the palette, its own entry (Pillow's lookup alone may pick a near one:
    white as 252 grey), any other the nearest Pillow finds."""
    nearest = np.asarray(Image.fromarray(rgb).quantize(palette=table, dither=Image.Dither.NONE))
    entries = np.reshape(table.getpalette()[: 3 * MAX_COLOURS], (-1, 3)).astype(np.uint32)
    keys = (entries << np.array([16, 8, 0], np.uint32)).sum(axis=1)
    order = np.unique(keys, return_index=True)[1]  # each colour's first entry
    known, where = keys[order], order
    packed = _packed(rgb)
    at = np.clip(np.searchsorted(known, packed), 0, len(known) - 1)
    return np.where(known[at] == packed, where[at], nearest).astype(np.uint8)


def delays(count, fps, hold_seconds):
    """Frame delays in 1/100 s whose running total stays on the exact time (so 30 fps gives
    3, 3, 4, 3, 3, 4, ...); the last frame also holds for ``hold_seconds``."""
    ticks = np.round(np.arange(count + 1) * 100 / fps).astype(int)
    each = np.diff(ticks)
    each[-1] += round(hold_seconds * 100)
    return each


class Indexer:
    """Palette indices of colours through a table of every colour met so far (2^24 entries,
    touched only where a colour is met): each new colour is looked up once, with
    :func:`indices`, so a frame costs a table read, however many frames there are."""

    def __init__(self, table):
        self.table = table
        self.known = np.zeros(1 << 24, np.uint16)  # a colour's index + 1; 0: not met yet

    def __call__(self, keys):
        """The palette index of each colour of ``keys`` (:func:`colour_keys`), as
        :func:`indices` gives it."""
        found = self.known[keys]
        if not found.all():
            new = np.unique(keys[found == 0])
            colours = np.stack([new & 255, (new >> 8) & 255, new >> 16], axis=-1).astype(np.uint8)[None]
            self.known[new] = indices(colours, self.table)[0].astype(np.uint16) + 1
            found = self.known[keys]
        return (found - 1).astype(np.uint8)


def colour_keys(rgba):
    """Each pixel of ``rgba`` [h, w, 4] (uint8, each pixel's 4 bytes together) as one number
    of its colour, without its opacity: 0xBBGGRR."""
    return rgba.view("<u4")[..., 0] & np.uint32(0xFFFFFF)


def _packed(rgb):
    """Each pixel of ``rgb`` [..., 3] as one number, 0xRRGGBB."""
    return (rgb.astype(np.uint32) << np.array([16, 8, 0], np.uint32)).sum(axis=-1, dtype=np.uint32)


def changed_box(changed):
    """The rows and columns (top, bottom, left, right; end exclusive) that hold every True of
    the [h, w] mask ``changed``, or None if it holds none."""
    rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
    if not rows.size:
        return None
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


def difference(before, after):
    """The patch that turns palette indices ``before`` into ``after`` (both [h, w]): the
    rectangle of the pixels that changed, the others transparent, and its corner (x, y)."""
    changed = after != before
    top, bottom, left, right = changed_box(changed) or (0, 1, 0, 1)
    window = np.s_[top:bottom, left:right]
    return np.where(changed[window], after[window], TRANSPARENT), (int(left), int(top))


def encoded(patch, offset, **params):
    """The GIF blocks of one frame: ``patch`` (palette indices [h, w]) at ``offset`` (x, y);
    ``params``: Pillow's (duration, transparency, disposal)."""
    patch = np.ascontiguousarray(patch, dtype=np.uint8)
    image = Image.frombuffer("P", patch.shape[::-1], patch, "raw", "P", 0, 1)
    return GifImagePlugin.getdata(image, offset, **params)


def write(frames, path, context):
    """The frames with one palette of ``context.colours`` colours (the optimizers' own kept
    exact) from the first, middle and last frame, and no dithering. After the first frame,
    each frame stores only the rectangle that changed, with unchanged pixels transparent, so
    the file stays small and frames are written as they come; only the pixels that changed
    since the frame before are looked up in the palette. ``context.transparent``: pixels
    under half opaque are clear; as a moving head must be able to clear a pixel again, every
    frame is then stored whole. The later frames' blocks may be made by a second process
    (:mod:`~viz.render.writers.halves`): the bytes are the same."""
    sample = [frames[i].copy() for i in (0, len(frames) // 2, len(frames) - 1)]
    table = palette(sample, context.path_colours, context.colours)
    lookup = Indexer(table)
    height, width = sample[0].shape[:2]
    timing = delays(len(frames), context.fps, context.hold)
    cut = halves.cut(len(frames))
    with open(path, "wb") as out:
        out.write(b"GIF89a" + struct.pack("<HHBBB", width, height, 0xF7, 0, 0) + bytes(table.getpalette()))
        out.write(b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")  # loop forever
        if context.words:  # the short text as a comment extension, in blocks of at most 255 bytes
            text = context.words.alt.encode("utf-8")
            out.write(b"!\xfe" + b"".join(bytes([len(text[i:i + 255])]) + text[i:i + 255]
                                           for i in range(0, len(text), 255)) + b"\x00")
        if cut is None:
            _blocks(frames, 0, len(frames), out, context, lookup, timing)
        else:
            def later(part, own):
                with open(part, "wb") as file:
                    _blocks(frames, cut, len(frames), file, own, lookup, timing)

            with halves.Second(later, context, cut, len(frames), ".gif") as second:
                _blocks(frames, 0, cut, out, second.context, lookup, timing)
                with open(second.join(), "rb") as part:
                    shutil.copyfileobj(part, out)
        out.write(b";")


def _blocks(frames, start, stop, out, context, lookup, timing):
    """Write the blocks of frames ``start`` to ``stop`` (exclusive) to ``out``: each the
    change from the frame before (from frame ``start - 1``, drawn again here, if ``start``),
    the first frame whole."""
    keys = previous = None  # the frame before: its colours (colour_keys) and palette indices
    if start and not context.transparent:
        keys = colour_keys(np.asarray(frames[start - 1]))
        previous = lookup(keys)
    for frame, delay in zip(context.stream(frames, start, stop), timing[start:stop]):
        frame = np.asarray(frame)
        if context.transparent:
            patch = np.where(frame[..., 3] < 128, TRANSPARENT, lookup(colour_keys(frame)))
            offset, params = (0, 0), {"transparency": TRANSPARENT, "disposal": 2}
        elif previous is None:
            keys = colour_keys(frame)
            previous = lookup(keys)
            patch, offset, params = previous, (0, 0), {}
        else:
            now_keys = colour_keys(frame)
            moved = now_keys != keys
            top, bottom, left, right = changed_box(moved) or (0, 1, 0, 1)
            window = np.s_[top:bottom, left:right]
            now = previous[window].copy()
            now[moved[window]] = lookup(now_keys[window][moved[window]])
            patch, (x, y) = difference(previous[window], now)
            offset, params = (int(left + x), int(top + y)), {"transparency": TRANSPARENT, "disposal": 1}
            keys, previous[window] = now_keys, now
        for chunk in encoded(patch, offset, duration=int(delay) * 10, **params):
            out.write(chunk)
