"""The frames' lines (the paths with their halos, the heads, the learning curves and their
History marks) drawn as :meth:`matplotlib.lines.Line2D.draw` draws them, with the same calls
into the renderer, less its bookkeeping: a line's graphics contexts and its marker's path are
set up once per look, and its data go to the renderer without the line's cache of them. That
bookkeeping was half of a frame's line drawing; the pixels are the same
(``tests/test_frames.py``)."""

from numbers import Real

import numpy as np
from matplotlib import colors
from matplotlib.lines import Line2D
from matplotlib.path import Path

MOST = 1000  # points above which Line2D draws only those in view (its subslice): left to it


class Lines:
    """Draw a frame's lines (:meth:`draw`); other artists are left to the caller."""

    def __init__(self):
        self.kept = {}  # (id(line), "line" or "markers") -> (the look it was set up for, what was set up)
        self.affines = {}  # id(transform) -> its affine part, for this frame: lines on one axes share it

    def begin(self):
        """A new frame: transforms are read afresh."""
        self.affines.clear()

    def draw(self, artist, renderer):
        """Draw ``artist`` if it is a :class:`~matplotlib.lines.Line2D` drawn as a stroked path
        and/or markers at its points (no steps, sketch, gap colour, marker subsampling or
        subslice; path effects drawn as Line2D draws them); whether it was."""
        if type(artist) is not Line2D or not _simple(artist):
            return False
        if not artist.get_visible():
            return True
        x, y = artist.get_data(orig=True)
        if np.ma.isMaskedArray(x) or np.ma.isMaskedArray(y):
            return False  # (masked points: Line2D's own conversion)
        if not len(x):
            return True
        transform = artist.get_transform()
        path = Path(np.column_stack(np.broadcast_arrays(x, y)).astype(float))
        affine = self.affines.get(id(transform))
        if affine is None:
            affine = self.affines[id(transform)] = transform.get_affine().frozen()
        if Line2D._lineStyles[artist.get_linestyle()] != "_draw_nothing":
            self._stroke(artist, renderer, transform.transform_path_non_affine(path), affine)
        if artist.get_marker() not in (None, "None", "", " ") and artist.get_markersize() > 0:
            points = Path(transform.transform_non_affine(path.vertices))
            gc, marks, face = self._set_up(artist, "markers", renderer, _markers)
            for marker_path, marker_transform, fill in marks:
                renderer.draw_markers(gc, marker_path, marker_transform, points, affine, face[fill])
        artist.stale = False
        return True

    def _stroke(self, line, renderer, path, affine):
        gc = self._set_up(line, "line", renderer, _line)
        effects = line.get_path_effects()
        if effects:
            for effect in effects:  # (as PathEffectRenderer.draw_path does)
                effect.draw_path(renderer, gc, path, affine, None)
        else:
            renderer.draw_path(gc, path, affine)

    def _set_up(self, line, part, renderer, make):
        """What ``make(line, renderer)`` sets up for drawing ``part`` of ``line``, kept while
        the line's look is the same."""
        look = (line.get_color(), line.get_alpha(), line.get_linewidth(), line.get_linestyle(), line.get_antialiased(),
                line.get_snap(), line.get_url(), line.get_clip_on(), id(line.get_clip_box()), id(line.get_clip_path()),
                line.get_dash_capstyle(), line.get_dash_joinstyle(), line.get_solid_capstyle(),
                line.get_solid_joinstyle(), line._dash_pattern, id(line.get_path_effects()))
        if part == "markers":
            look += (line.get_marker(), line.get_fillstyle(), line.get_markersize(), line.get_markeredgewidth(),
                     line.get_markeredgecolor(), line.get_markerfacecolor(), line.get_markerfacecoloralt(),
                     renderer.points_to_pixels(1.0))
        look = tuple(value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
                     for value in look)  # (colours and markers may be arrays: those compared as text, every digit)
        kept = self.kept.get((id(line), part))
        if kept is None or kept[0] != look:
            kept = self.kept[id(line), part] = look, make(line, renderer)
        return kept[1]


def _line(line, renderer):
    """The graphics context Line2D.draw strokes ``line`` with."""
    gc = renderer.new_gc()
    line._set_gc_clip(gc)
    gc.set_url(line.get_url())
    gc.set_antialiased(line.get_antialiased())
    gc.set_linewidth(line.get_linewidth())
    dashed = line.is_dashed()
    gc.set_joinstyle(line.get_dash_joinstyle() if dashed else line.get_solid_joinstyle())
    gc.set_capstyle(line.get_dash_capstyle() if dashed else line.get_solid_capstyle())
    gc.set_snap(line.get_snap())
    gc.set_foreground(colors.to_rgba(line.get_color(), line.get_alpha()), isRGBA=True)
    gc.set_dashes(*line._dash_pattern) if line.get_linewidth() > 0 else gc.set_dashes(0, None)
    return gc


def _markers(line, renderer):
    """What Line2D.draw draws ``line``'s markers with: a graphics context, each marker path with
    its transform and which face colour it takes (0: the face, 1: the alternate), and the two
    face colours."""
    alpha, marker = line.get_alpha(), line._marker
    gc = renderer.new_gc()
    line._set_gc_clip(gc)
    gc.set_url(line.get_url())
    gc.set_linewidth(line.get_markeredgewidth())
    gc.set_antialiased(line.get_antialiased())
    edge = colors.to_rgba(line.get_markeredgecolor(), alpha)
    face = colors.to_rgba(line.get_markerfacecolor(), alpha)
    alternate = colors.to_rgba(line.get_markerfacecoloralt(), alpha)
    if _same(line._markeredgecolor, "auto") and str(line.get_markerfacecolor()).lower() != "none":
        edge = edge[:3] + (face[3],)  # (an "auto" edge takes the face's alpha)
    gc.set_foreground(edge, isRGBA=True)
    size = renderer.points_to_pixels(line.get_markersize())
    snap = marker.get_snap_threshold()
    gc.set_snap(size >= snap if isinstance(snap, Real) else snap)
    gc.set_joinstyle(marker.get_joinstyle())
    gc.set_capstyle(marker.get_capstyle())
    transform = marker.get_transform()
    if marker.get_marker() == ",":
        gc.set_linewidth(0)
    else:
        transform = transform.scale(size)  # (scales a copy: MarkerStyle.get_transform gives a frozen one)
    marks = [(marker.get_path(), transform, 0)]
    if marker.get_alt_path():
        marks.append((marker.get_alt_path(), marker.get_alt_transform().scale(size), 1))
    return gc, marks, (face, alternate)


def _same(value, text):
    return isinstance(value, str) and value == text


def _simple(line):
    """Whether Line2D.draw would draw ``line`` as a stroked path and markers at its points only."""
    return (line.get_drawstyle() == "default" and line.get_sketch_params() is None and line.get_gapcolor() is None
            and line.get_markevery() is None and len(line.get_data(orig=True)[0]) <= MOST)
