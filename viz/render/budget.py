"""A GIF size budget in one pass: the size of each smaller try (fewer colours, fewer frames, a
smaller size) is predicted from a few runs of frames drawn once, and only a try predicted to
fit is rendered (then measured: the budget is kept whatever the prediction said)."""

import numpy as np

from viz.render.writers import halves
from viz.render.writers.gif import TRANSPARENT, Indexer, colour_keys, difference, encoded, palette

PLACES = 8  # runs of frames drawn, spread over the animation
GAPS = (1, 2, 4, 8)  # frames apart: every frame, every second (half the frames), ...
SLACK = 1.1  # a try predicted at most this much over the budget is rendered and measured (within 5% on the lesson)
HEADER = 800  # bytes: the header, the palette, the loop block


class Sizes:
    """Predicted GIF bytes of ``frames`` (a :class:`~viz.render.frames.Joined`) with fewer
    colours and fewer frames (every ``gap``-th), from :data:`PLACES` runs of frames and the
    first, middle and last frame (for the palettes), drawn once each. ``colours``: the largest
    and smallest palette sizes to predict for (those between are interpolated); ``path_colours``: the optimizers' (kept exact); ``transparent``:
    every frame stored whole. ``extra``: bytes written besides the frames (the alt text)."""

    def __init__(self, frames, colours, path_colours, transparent=False, extra=0):
        for part in frames.parts:
            part.replaying = False  # a frame out of order: drawn as it is, not after all the ones before it
        count = len(frames)
        self.count, self.transparent, self.extra = count, transparent, extra
        sample = [frames[i].copy() for i in (0, count // 2, count - 1)]
        lookups = {c: Indexer(palette(sample, path_colours, c)) for c in colours}
        self.first = {c: _size(lookup(colour_keys(sample[0])), transparent) for c, lookup in lookups.items()}
        gaps = [gap for gap in GAPS if gap < count] or [1]
        ends = np.linspace(0, max(count - 1 - gaps[-1], 0), PLACES + 1)
        starts = np.unique(((ends[:-1] + ends[1:]) / 2).astype(int))  # each in the middle of its share
        half = len(starts) // 2  # (the later runs drawn by a second process, where one can be)
        first, later = halves.both(lambda: _runs(frames, starts[:half], gaps, lookups, transparent),
                                   lambda: _runs(frames, starts[half:], gaps, lookups, transparent))
        self.bytes = {key: first[key] + later[key] for key in first}  # in the runs' order: one process's sums
        for part in frames.parts:
            part.replaying = True
        self.gaps = gaps

    def predict(self, colours, count):
        """The bytes of the GIF with ``colours`` colours and ``count`` of the frames, spread evenly."""
        gap = (self.count - 1) / max(count - 1, 1)
        known = sorted(self.first)
        at = [HEADER + self.extra + self.first[c] + (count - 1) * float(np.interp(
            np.log2(max(gap, 1)), np.log2(self.gaps), [np.mean(self.bytes[c, g] or [0.0]) for g in self.gaps]))
            for c in known]
        return float(np.interp(np.log2(colours), np.log2(known), at))  # bytes fall about evenly as colours halve


def _runs(frames, starts, gaps, lookups, transparent):
    """The bytes of each frame a gap apart in the runs of ``frames`` from ``starts`` ({(colours,
    gap): [bytes]}), through each palette's ``lookups``."""
    sizes = {(c, gap): [] for c in lookups for gap in gaps}
    for start in starts:  # every pair of a run's frames that are a gap apart, from its first frame on
        run, before = {c: [] for c in lookups}, None
        for index in range(start, min(start + gaps[-1], len(frames) - 1) + 1):
            keys = colour_keys(np.asarray(frames[index]))
            moved = None if before is None else keys != before  # (only those pixels looked up again)
            for c, lookup in lookups.items():
                run[c].append(lookup(keys) if moved is None else _looked_up(lookup, keys, moved, run[c][-1]))
                for gap in gaps:
                    if len(run[c]) > gap and (len(run[c]) - 1) % gap == 0:
                        sizes[c, gap].append(_size(run[c][-1], transparent, run[c][-1 - gap]))
            before = keys
    return sizes


def _looked_up(lookup, keys, moved, before):
    """The palette indices of colours ``keys`` (:func:`colour_keys`) through ``lookup``, given
    ``before``, those of a frame that differs from it only where ``moved``."""
    indexed = before.copy()
    indexed[moved] = lookup(keys[moved])
    return indexed


def _size(indexed, transparent, before=None):
    """Bytes of one frame of palette indices (a patch over ``before``, if given)."""
    if before is None or transparent:
        return sum(len(chunk) for chunk in encoded(indexed, (0, 0), duration=40))
    patch, offset = difference(before, indexed)
    return sum(len(chunk) for chunk in encoded(patch, offset, duration=40, transparency=TRANSPARENT, disposal=1))
