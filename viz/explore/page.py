"""The explorer's page: one self-contained HTML file (the player's head and its
Content-Security-Policy: nothing is loaded from anywhere) holding the grid's runs as JSON,
the contour panel's picture as a ``data:`` PNG, and the scripts that draw, swap and, on a
built-in surface, run the optimizers from a clicked start (``optimizers.js``)."""

import base64
import html
import io
import json
import math
from importlib import resources

import numpy as np

from viz.render.looks import looks
from viz.render.writers.html import HEAD, filled, inline_json

PIXELS = 560  # the contour picture's longer side, in CSS pixels (drawn at twice that)


def page(grid, scene, name, scene_file, theme, surface=None):
    """The page's HTML for ``grid`` (:class:`viz.explore.grid.Grid`) of ``scene`` (named
    ``name``, from ``scene_file`` or a Scene object when None) in ``theme``; ``surface`` the
    built-in surface's name when clicks can start the optimizers there."""
    styles = looks(grid.optimizers, theme)  # an optimizer's look on every start's path
    data = {
        "title": scene.title,
        "settings": [{"name": key, "values": list(values), "own": _own(scene, key)}
                     for key, values in grid.values.items()],
        "labels": list(grid.labels),
        "optimizers": list(grid.optimizers),
        "looks": [{"color": styles[label]["color"], "dash": _dash(styles[label]["linestyle"])}
                  for label in grid.optimizers],
        "runs": grid.runs,
        "paths": [{"xy": _numbers(xy.ravel()), "loss": _numbers(loss), "steps": _numbers(steps),
                   "diverged": None if diverged is None else int(diverged), "left": left}
                  for xy, loss, steps, diverged, left in zip(grid.xy, grid.loss, grid.steps, grid.diverged, grid.left)],
        "configs": [{**config, "config": {k: v for k, v in config["config"].items() if k != "name"}}
                    for config in grid.configs],  # Keras' own names (sgd_29) are counters, not settings
        "view": _view(grid.plane, theme),
        "surface": surface,
        "steps": int(scene.last_step),
        "stepsPerEpoch": grid.steps_per_epoch,
        "file": None if scene_file is None else str(scene_file),
        "scene": name,
        "plane": None if grid.plane.kind == "surface" else {"origin": _numbers(grid.plane.origin),
                                                           "basis": [_numbers(b) for b in grid.plane.basis]},
    }
    script = resources.files("viz.explore")
    text = inline_json(json.dumps(data, separators=(",", ":"), allow_nan=False))
    return filled(HEAD + (script / "explorer.html").read_text(), {
        "SOURCES": "img-src data:", "SCHEME": theme.name, "TITLE": html.escape(scene.title),
        "BACKGROUND": theme.background, "INK": theme.ink, "MUTED": theme.muted, "GRID": theme.grid,
        "DATA": text, "OPTIMIZERS": (script / "optimizers.js").read_text(),
        "EXPLORER": (script / "explorer.js").read_text(),
        "NOTE": "" if surface else ("Click to start runs the optimizers in the page on viz's built-in surfaces "
                                    "only; this scene's paths are the recorded grid's."),
    })


def _own(scene, key):
    """The scene's own value of a varied setting, for the page to start at (None: its first)."""
    if key == "learning_rate":
        return scene.learning_rate if isinstance(scene.learning_rate, float) else None
    if key == "batch_size":
        return scene.problem.batch_size  # a model's (a surface has no batch size to vary)
    if key == "seed":
        return scene.seed
    return None


def _dash(style):
    """A matplotlib line style as a canvas dash list (in line widths)."""
    return {"-": [], "solid": [], "--": [4, 2], "dashed": [4, 2], ":": [1, 1.6], "dotted": [1, 1.6],
            "-.": [4, 1.6, 1, 1.6], "dashdot": [4, 1.6, 1, 1.6]}.get(style, list(style[1]) if isinstance(style, tuple)
                                                                     else [])


def _numbers(values):
    """Floats as JSON numbers, NaN and infinities as null (a diverged path's tail)."""
    return [float(v) if math.isfinite(v) else None for v in np.asarray(values, dtype=np.float64).ravel()]


def _view(plane, theme):
    """The contour panel's picture and where it lies: the plane's grid, filled and lined at its
    levels in the theme's colours, as a PNG covering exactly ``x`` by ``y``."""
    from matplotlib.colors import BoundaryNorm  # matplotlib: only when this runs
    from matplotlib.figure import Figure  # matplotlib: only when this runs

    x = [float(plane.grid_x.min()), float(plane.grid_x.max())]
    y = [float(plane.grid_y.min()), float(plane.grid_y.max())]
    ratio = (y[1] - y[0]) / (x[1] - x[0])
    stretched = not 1 / 3 <= ratio <= 3  # an honest (equal-scale) picture would be a sliver
    ratio = min(max(ratio, 1 / 3), 3)
    width, height = (PIXELS, round(PIXELS * ratio)) if ratio <= 1 else (round(PIXELS / ratio), PIXELS)
    figure = Figure(figsize=(width / 50, height / 50), dpi=100)
    ax = figure.add_axes((0, 0, 1, 1))
    cmap = theme.contour_cmap
    ax.contourf(plane.grid_x, plane.grid_y, plane.grid_loss, levels=plane.levels, cmap=cmap,
                norm=BoundaryNorm(plane.levels, cmap.N), extend="both")
    ax.contour(plane.grid_x, plane.grid_y, plane.grid_loss, levels=plane.levels, colors=theme.contour_lines,
               linewidths=0.6)
    ax.set_xlim(*x)
    ax.set_ylim(*y)
    ax.set_axis_off()
    png = io.BytesIO()
    figure.savefig(png, format="png")
    return {"x": x, "y": y, "width": width, "height": height, "stretched": stretched,
            "image": "data:image/png;base64," + base64.b64encode(png.getvalue()).decode(),
            "axes": list(plane.axis_labels), "marks": _numbers(np.asarray(plane.marks).ravel()),
            "levels": [float(plane.levels[0]), float(plane.levels[-1])]}
