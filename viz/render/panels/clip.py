"""Drawing only what lies in the view: a path as a polyline clipped to a box (the contour
panel's view, the 3D panel's box), in 2D or 3D."""

import numpy as np

from viz.plane import inside


def clipped_polyline(points, low, high):
    """A path's points [n, k] as a polyline clipped to the box ``low``..``high`` (each [k]):
    vertices [m, k], with NaN rows where the path leaves the box, and for each step the number
    of vertices drawn up to it. A step that leaves the box ends at the border; a step with both
    ends outside draws nothing, even where the straight line between them would cross the box
    (the optimizer jumped, it was never there: no chords through the view)."""
    dims = points.shape[1]
    vertices, counts = [], []

    def move_to(point):  # a new piece of the line
        if vertices and np.isfinite(vertices[-1]).all():
            vertices.append(np.full(dims, np.nan))
        vertices.append(point)

    pen_down = bool(inside(points[0], low, high))
    if pen_down:
        move_to(points[0])
    counts.append(len(vertices))
    for start, end in zip(points[:-1], points[1:]):
        kept = None
        if inside(start, low, high) or inside(end, low, high):
            kept = clip_segment(start, end, low, high)
        if kept is not None:
            entry, leave = kept
            if entry > 0 or not pen_down:
                move_to(start + entry * (end - start))
            vertices.append(end if leave == 1 else start + leave * (end - start))
        pen_down = kept is not None and kept[1] == 1
        counts.append(len(vertices))
    return np.array(vertices).reshape(-1, dims), np.array(counts)


def clip_segment(start, end, low, high):
    """The part (t_entry, t_leave) of the segment start + t (end - start), 0 <= t <= 1, inside
    the box, or None (Liang and Barsky's clipping)."""
    if not (np.isfinite(start).all() and np.isfinite(end).all()):
        return None
    entry, leave = 0.0, 1.0
    for a, b, lo, hi in zip(start, end, low, high):
        delta = b - a
        if delta == 0:
            if not lo <= a <= hi:
                return None
            continue
        t0, t1 = sorted(((lo - a) / delta, (hi - a) / delta))
        entry, leave = max(entry, t0), min(leave, t1)
        if entry > leave:
            return None
    return entry, leave
