"""How a frame looks: the light and dark themes (their names are the option table's,
:data:`viz.choices.THEMES`). A theme is plain data; the panels read their colours from it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    """The colours of a frame. ``paths`` are the eight colour slots of the optimizers' looks
    (see :mod:`viz.render.looks`)."""

    name: str
    background: str
    ink: str          # text, axes, the start circle, a diverged head's edge
    muted: str        # notes under the panels
    grid: str
    paths: tuple
    contour_low: str  # the contour ramp runs from the lowest loss to the highest; the lowest is tinted, never
    # the background's colour (a band of it reads as no data, the lowest-loss star seemingly outside the fill)
    contour_high: str
    contour_lines: str
    halo: str         # the edge around markers on the curves, to lift them off the lines
    outline: str = "#000000"  # the edge of a path's head: it shows on any contour colour

    @property
    def contour_cmap(self):
        from matplotlib.colors import LinearSegmentedColormap  # matplotlib: a theme is plain data until drawn

        return LinearSegmentedColormap.from_list(f"viz_{self.name}", [self.contour_low, self.contour_high])

    def rc(self):
        """matplotlib settings for the static part of a frame in this theme."""
        return {
            "figure.facecolor": self.background, "axes.facecolor": self.background,
            "savefig.facecolor": self.background, "text.color": self.ink, "axes.labelcolor": self.ink,
            "axes.edgecolor": self.ink, "xtick.color": self.ink, "ytick.color": self.ink,
            "legend.labelcolor": self.ink, "grid.color": self.grid,
        }


# The eight colour slots of viz.render.looks (SGD, momentum, Nesterov, Adam, Adagrad, RMSprop,
# Nadam, AdamW first). Each at least 3:1 against its theme's background (WCAG 1.4.11), and any two
# at least 10 apart (CIE76 ΔE*ab) under simulated protanopia, deuteranopia and tritanopia
# (Machado et al. 2009, severity 1.0): found by a search from Okabe & Ito's eight (light) and
# the earlier dark set, moving each colour as little as that allows; tests/test_palette.py
# measures it (light: 12.1 at the least, dark 14.1), while in normal vision any two stay 25 apart.
# Light: the yellow turned olive and the blues deeper, to read on white. Dark: no white (that is
# the ink); Nesterov green, not yellow.
LIGHT = Theme(
    name="light", background="#ffffff", ink="#000000", muted="#555555", grid="#dddddd",
    paths=("#0064AA", "#BE5000", "#009669", "#C373A0", "#C88200", "#0F9BD2", "#000000", "#A0913C"),
    contour_low="#f0f1f3", contour_high="#9ea3ad", contour_lines="#7f8288", halo="#ffffff",
)
DARK = Theme(
    name="dark", background="#16181d", ink="#e8e8e8", muted="#a8a8a8", grid="#3a3d45",
    paths=("#87C3FA", "#E6A000", "#3CD7A5", "#EB91C8", "#F0E646", "#AA9BFF", "#FA6450", "#D2A573"),
    contour_low="#202329", contour_high="#5b606b", contour_lines="#6f7480", halo="#16181d",
    outline="#050608",
)
THEMES = {theme.name: theme for theme in (LIGHT, DARK)}
