"""Measures of a picture's accessibility (WCAG 2.1), in plain NumPy: contrast ratios (1.4.3,
1.4.11), how far apart colours stay under simulated colour blindness (1.4.1; Machado, Oliveira
and Fernandes 2009, severity 1.0, on linear sRGB; CIE76 ΔE*ab), and flashes per second on
decoded frames (2.3.1)."""

import itertools

import numpy as np

# Machado et al. 2009, Table 1 at severity 1.0: linear RGB -> linear RGB as the dichromat sees it
SIMULATIONS = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],  # linear sRGB -> CIE XYZ (D65)
                [0.2126729, 0.7151522, 0.0721750],
                [0.0193339, 0.1191920, 0.9503041]])
WHITE = XYZ.sum(axis=1)  # D65's XYZ, from sRGB white
MIN_DELTA_E = 10.0  # colours this far apart (CIE76) read as different at a glance
HALO = 4.0  # points: a path's halo band is this much wider than its line (2 pt each side, at least 2.5 px)
GRAPHICS, TEXT = 3.0, 4.5  # WCAG 1.4.11 (non-text) and 1.4.3 (text) contrast minimums


def halo_side(pixels_per_point):
    """Pixels of halo on each side of a path's line: :data:`HALO` / 2 points, at least 2.5 pixels
    (so that a small frame's halo is still a band, not an antialiased edge)."""
    return max(HALO / 2 * pixels_per_point, 2.5)


def rgb(colour):
    """``#rrggbb`` (or an array of 0-255 or 0-1 values) as sRGB floats in 0-1 [..., 3]."""
    if isinstance(colour, str):
        return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255.0
    colour = np.asarray(colour, dtype=np.float64)[..., :3]
    return colour / 255.0 if colour.max(initial=0) > 1 else colour


def linear(srgb):
    """sRGB (0-1) to linear light."""
    srgb = np.asarray(srgb, dtype=np.float64)
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def luminance(colour):
    """WCAG's relative luminance of colours [..., 3] (or ``#rrggbb``)."""
    return linear(rgb(colour)) @ np.array([0.2126, 0.7152, 0.0722])


# each channel's share of the relative luminance, for each of its 256 values (a frame's pixels
# looked up rather than computed: the flash meter sees every frame)
LEVELS = linear(np.arange(256) / 255.0)[None, :] * np.array([0.2126, 0.7152, 0.0722])[:, None]


def contrast(a, b):
    """WCAG's contrast ratio (1 to 21) between colours ``a`` and ``b`` (elementwise)."""
    la, lb = luminance(a), luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


def lab(linear_rgb):
    """CIE L*a*b* (D65) of linear sRGB colours [..., 3]."""
    xyz = np.clip(linear_rgb, 0, 1) @ XYZ.T / WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def min_delta_e(colours, simulation=None):
    """The smallest CIE76 ΔE*ab between any two of ``colours`` (``#rrggbb``), as seen with
    ``simulation`` (a key of :data:`SIMULATIONS`; None: normal vision)."""
    light = linear(np.array([rgb(c) for c in colours]))
    if simulation is not None:
        light = light @ SIMULATIONS[simulation].T
    points = lab(light)
    return float(min(np.linalg.norm(a - b) for a, b in itertools.combinations(points, 2)))


def palette(colours):
    """{"normal" and each simulation: the smallest ΔE between ``colours``}, rounded to 0.1."""
    return {name: round(min_delta_e(colours, None if name == "normal" else name), 1)
            for name in ("normal", *SIMULATIONS)}


class Meter:
    """What a render measures for its accessibility report, fed as frames are encoded
    (:meth:`see`): the most flashes within any one second (WCAG 2.3.1), and, once the last
    frame is drawn, each path's contrast along its line on it (:meth:`see_paths`; ``paths``:
    colour -> the smallest, see :func:`along_paths`; None until measured).

    A flash is a pair of opposing changes of relative luminance by at least 0.1 (the darker
    below 0.8) from one frame to the next, over at least a quarter of one quarter of the frame
    (WCAG's "general flash" area, read on a 1024x768 screen as a quarter of the frame's
    quarters). Frames are read at every :data:`STRIDE`-th pixel."""

    STRIDE = 4

    def __init__(self, fps):
        self.restart(fps)

    def restart(self, fps):
        """Forget every frame seen (a render tried again, at ``fps``)."""
        self.fps, self.frames, self.previous, self.changes, self.paths = fps, 0, None, [], None
        self.first = None  # the first frame seen, sampled: where a meter of the frames before it goes on (join)

    def see(self, frame):
        """Take the next frame (RGBA or RGB uint8 array). Its luminance is looked at only when
        enough pixels changed since the frame before to fill a quarter of one quarter."""
        pixels = _sampled(frame, self.STRIDE)
        if self.first is None:
            self.first = pixels
        before, self.previous, self.frames = self.previous, pixels, self.frames + 1
        self._compare(before, pixels, self.frames - 1)

    def join(self, later):
        """Take in what ``later``, a meter of the frames right after these (drawn by another
        process), saw: the change from this meter's last frame to its first, then its own."""
        if later.first is None:
            return
        self._compare(self.previous, later.first, self.frames)
        self.changes += [(index + self.frames, sign) for index, sign in later.changes]
        self.frames, self.previous = self.frames + later.frames, later.previous
        self.paths = later.paths if later.paths is not None else self.paths

    def see_paths(self, frames, image, theme):
        """Measure :attr:`paths` on ``image``, the last frame of ``frames`` (a
        :class:`~viz.render.frames.Frames`, as it drew that frame; its 2D panels' path lines)."""
        self.paths = {colour: float(found.min()) for colour, found in along_paths(frames, image, theme).items()
                      if found.size}

    def _compare(self, before, pixels, index):
        """Note the flashes from ``before`` to ``pixels`` (sampled frames), the latter frame ``index``."""
        half = np.array(pixels.shape) // 2
        if before is None or np.count_nonzero(pixels != before) < 0.25 * half.prod():
            return
        before, now = (LEVELS[0][keys & 255] + LEVELS[1][(keys >> 8) & 255] + LEVELS[2][(keys >> 16) & 255]
                       for keys in (before, pixels))  # luminance(), looked up
        change, darker = now - before, np.minimum(now, before) < 0.8
        for sign in (1, -1):
            moved = (sign * change >= 0.1) & darker
            tiles = [moved[r:r + half[0], c:c + half[1]] for r in (0, half[0]) for c in (0, half[1])]
            if any(tile.size and tile.mean() >= 0.25 for tile in tiles):
                self.changes.append((index, sign))

    @property
    def flashes(self):
        """The most flashes (pairs of opposing changes) within any one second of the frames."""
        window, most = max(1, round(self.fps)), 0
        for start, _ in self.changes:
            signs = [sign for index, sign in self.changes if start <= index < start + window]
            turns = sum(1 for a, b in zip(signs, signs[1:]) if a != b)
            most = max(most, (turns + 1) // 2 if turns else 0)
        return most


def _sampled(frame, stride):
    """Every ``stride``-th pixel of every ``stride``-th row of ``frame`` (RGBA or RGB uint8
    [h, w, 4 or 3]), each as one number: 0xBBGGRR, and its opacity above that."""
    frame = np.asarray(frame)
    if frame.shape[-1] == 4 and frame.flags.c_contiguous:
        return frame.view("<u4")[::stride, ::stride, 0].copy()
    rgb = frame[::stride, ::stride, :3].astype(np.uint32)
    return rgb[..., 0] | rgb[..., 1] << 8 | rgb[..., 2] << 16


def along_paths(frames, image, theme, grey=16):
    """Each path line's contrast with what lies beside it, on ``image`` (the decoded last frame
    of ``frames``, a :class:`~viz.render.frames.Frames`, [height, width, 3+]): sampled every 2
    pixels along each line, on both sides, across its halo (the best of three pixels there),
    where the pixel could be the contours' (grey, within the luminance of ``theme``'s contour
    colours and halo: not another path, a head's outline or a mark in ink). Returns {path
    colour: the better side's contrast at each sample}. Samples near a marker (heads, the start, the minimum) or
    on a text's box (labels) are left out: their edges blend to greys too."""
    fills = luminance(np.array([rgb(c) for c in (theme.contour_low, theme.contour_high, theme.contour_lines,
                                                 theme.halo)]))
    pixels = np.asarray(image)[..., :3].astype(np.float64)
    height, width = pixels.shape[:2]
    found = {}
    for panel in frames.panels:
        for line in getattr(panel, "lines", ()):
            if not hasattr(line, "get_xydata") or not line.get_path_effects() or line.axes.name == "3d":
                continue
            points = line.get_transform().transform(line.get_xydata())
            points[:, 1] = height - points[:, 1]  # display coordinates: y up; pixels: rows down
            scale = frames.figure.dpi / 72  # pixels per point
            offset = line.get_linewidth() / 2 * scale + halo_side(scale)  # the halo's outer edge
            points = points[np.isfinite(points).all(axis=1)]
            run = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
            if len(points) < 2 or run[-1] < 8:
                continue
            spots = np.arange(3, run[-1] - 3, 2.0)  # every 2 pixels along the line, its direction over 6
            middle, ahead, behind = (np.stack([np.interp(at, run, points[:, k]) for k in (0, 1)], axis=1)
                                     for at in (spots, spots + 3, spots - 3))
            along, first, second = ahead - behind, middle - behind, ahead - middle
            length = np.linalg.norm(along, axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                bend = np.sum(first * second, axis=1) / np.linalg.norm(first, axis=1) / np.linalg.norm(second, axis=1)
            keep = (length > 5) & (bend > 0.95)  # where the line runs straight: its sides are where the normal says
            normal = np.stack([-along[keep, 1], along[keep, 0]], axis=1) / length[keep, None]
            middle, normal = _clear_of_marks(line, middle[keep], normal, height, offset)
            colour = rgb(line.get_color())
            centre = np.round(middle).astype(int)
            inside = (centre[:, 0] >= 0) & (centre[:, 0] < width) & (centre[:, 1] >= 0) & (centre[:, 1] < height)
            middle, normal, centre = middle[inside], normal[inside], centre[inside]
            shown = np.abs(pixels[centre[:, 1], centre[:, 0]] - colour * 255).max(axis=1) <= 40  # not under another
            middle, normal = middle[shown], normal[shown]
            half, side = line.get_linewidth() / 2 * scale, halo_side(scale)
            best = _beside(pixels, middle, normal, half + np.array([0.75, side / 2, side - 0.75]), colour, fills, grey)
            found[line.get_color()] = best[np.isfinite(best)]
    return found


def _beside(pixels, middle, normal, offsets, colour, fills, grey):
    """At each sample (``middle``, ``normal``), the best contrast of ``colour`` with the pixels
    ``offsets`` away on either side that could be the contours' (NaN where none could)."""
    height, width = pixels.shape[:2]
    best = np.full(len(middle), np.nan)
    for offset in offsets:
        for sign in (1, -1):
            at = np.round(middle + sign * offset * normal).astype(int)
            inside = (at[:, 0] >= 0) & (at[:, 0] < width) & (at[:, 1] >= 0) & (at[:, 1] < height)
            seen = np.zeros((len(at), 3))
            seen[inside] = pixels[at[inside, 1], at[inside, 0]] / 255
            level = luminance(seen)
            plain = inside & (np.ptp(seen * 255, axis=1) <= grey) & (level >= fills.min() - 0.01) & \
                (level <= fills.max() + 0.01)
            best = np.fmax(best, np.where(plain, contrast(colour, seen), np.nan))
    return best


def _clear_of_marks(line, middle, normal, height, offset):
    """The samples (``middle``, ``normal``) of ``line`` farther than ``offset`` plus 3 pixels
    from every marker on its axes (by its size) and outside every text's box."""
    ax, figure = line.axes, line.figure
    renderer = figure.canvas.get_renderer()
    far = np.ones(len(middle), dtype=bool)
    for other in ax.lines:
        if other.get_marker() in (None, "None", "", " ") or not len(other.get_xydata()):
            continue
        marks = other.get_transform().transform(other.get_xydata())
        marks[:, 1] = height - marks[:, 1]
        radius = other.get_markersize() / 2 * figure.dpi / 72 + offset + 3
        for mark in marks[np.isfinite(marks).all(axis=1)]:
            far &= np.linalg.norm(middle - mark, axis=1) > radius
    for text in [*ax.texts, *figure.texts]:
        if text.get_visible() and text.get_text():
            box = text.get_window_extent(renderer).padded(offset + 6)
            x, y = middle[:, 0], height - middle[:, 1]
            far &= ~((x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1))
    return middle[far], normal[far]
