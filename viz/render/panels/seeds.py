"""``--seeds``: every other initialization's path, faint, behind the main run's, on the one
plane of all of them (the curves beside show medians over all the seeds, so the contour panel
shows where all of them went, not the main run alone)."""

from matplotlib.lines import Line2D

from viz.divergence import divergence_steps, view_range
from viz.plane import coordinates
from viz.render.panels.clip import clipped_polyline
from viz.render.panels.paths import path_styles

ALPHA, WIDTH = 0.4, 1.1


def seed_paths(recording):
    """The other seeds' paths on the recording's plane [n_opt, n_seeds - 1, points, 2]."""
    plane = recording.plane
    return coordinates(recording.spread["params"][:, 1:], plane.origin, plane.basis)


class SeedPaths:
    """The paths of ``recording.spread``'s seeds after the first (the main run, drawn by the
    contour panel), clipped to ``view`` ((low, high) corners) up to where they diverge, each in
    its optimizer's colour and line style, thin and faint, under the main paths."""

    def __init__(self, ax, recording, theme, view):
        spread, plane = recording.spread, recording.plane
        low, high = view
        others = seed_paths(recording)
        ends = divergence_steps(spread["loss"][:, 1:], view_range(plane))
        self.paths, self.lines = [], []  # (optimizer, clipped polyline, last step shown)
        for optimizer, (style, paths, path_ends) in enumerate(zip(path_styles(recording.names, theme), others, ends)):
            for points, end in zip(paths, path_ends):
                self.paths.append((optimizer, clipped_polyline(points, low, high), end if end >= 0 else len(points)))
                line, = ax.plot([], [], color=style["color"], linestyle=style["linestyle"], linewidth=WIDTH,
                                alpha=ALPHA, zorder=4.6, animated=True)
                self.lines.append(line)
        count = len(spread["seeds"]) - 1
        seeds = spread["seeds"][1:]
        self.key = Line2D([], [], color=theme.ink, linewidth=WIDTH, alpha=ALPHA,
                          label=f"seed {seeds[0]}" if count == 1 else f"seeds {seeds[0]}–{seeds[-1]}")

    @property
    def animated_artists(self):
        return self.lines

    def update(self, steps):
        for line, (optimizer, (vertices, counts), end) in zip(self.lines, self.paths):
            step = steps[optimizer]
            shown = vertices[: counts[min(step, end)]] if step >= 0 else vertices[:0]
            line.set_data(*shown.T)
