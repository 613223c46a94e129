"""``--trail N``: a path whose last N steps are drawn strong and whose older parts fade."""

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba

OLDER_ALPHA = 0.7   # the band just before the trail
FADE = 0.7          # each older band of N steps: its alpha times this
FLOOR_ALPHA = 0.35  # the oldest parts stay visible (on a projector too): where the path came from
WIDTHS = (2.6, 2.0)  # the trail's line width, the older parts'


def band_alphas(count):
    """Alpha of each band, newest first: the trail, then older bands of the same length."""
    return np.maximum(np.concatenate([[1.0], OLDER_ALPHA * FADE ** np.arange(count - 1)]), FLOOR_ALPHA)[:count]


class FadingPath(LineCollection):
    """One path as bands of ``length`` steps, newest to oldest, each a polyline (so dashes run
    on within a band) with its own alpha: 1 for the last ``length`` steps, less for each older
    band. Moved like a line, with :meth:`set_data`."""

    def __init__(self, ax, length, style, zorder=5):
        super().__init__([], linestyles=style["linestyle"], zorder=zorder, animated=True, capstyle="round")
        self.length = length
        self.rgb = to_rgba(style["color"])[:3]
        ax.add_collection(self, autolim=False)

    def bands(self, xy):
        """The polylines of the path ``xy`` [n, 2], newest first; neighbours share a point."""
        ends = np.arange(len(xy) - 1, 0, -self.length)  # each band runs from its end back `length` steps
        return [xy[max(end - self.length, 0): end + 1] for end in ends]

    def set_data(self, x, y):
        """Show the path through the points ``x``, ``y``, faded by age."""
        bands = self.bands(np.column_stack([x, y]))
        self.set_segments(bands)
        self.set_color([(*self.rgb, alpha) for alpha in band_alphas(len(bands))])
        self.set_linewidth([WIDTHS[0]] + [WIDTHS[1]] * (len(bands) - 1))
