"""Decision boundaries in the data: a two-input model's (:class:`BoundaryPanel`), or the
lesson's linear boundary on two axes of its feature space (:class:`LinearBoundaryPanel`)."""

import numpy as np
from contourpy import contour_generator

from viz.render.panels.paths import path_styles
from viz.render.theme import LIGHT


# Each class's (marker, colour, alpha) per theme: circles and triangles in two colours of their
# own, chosen by a search over sRGB for the largest distance from the eight path colours and
# from each other in normal vision and under simulated protanopia, deuteranopia and tritanopia
# (CIE76 ΔE*ab, as viz.render.a11y measures the palette: light at least 30.9, dark 24.3) among
# chromatic colours (channels 30% apart) at least 3:1 against the background as drawn (with their
# alpha; WCAG's contrast for graphics), the two classes 1.5:1 apart in lightness too. The data
# does not say which class is which (viz/data/README.md): "class 0", "class 1".
CLASS_LOOKS = {"light": (("o", "#8800FF", 0.6), ("^", "#662200", 0.75)),
               "dark": (("o", "#AA33FF", 0.85), ("^", "#BBFF88", 0.85))}


def scatter_classes(ax, x, y, theme=LIGHT):
    """The data points [rows, 2] of a binary classification, each class in its shape and a
    colour no path uses (see ``CLASS_LOOKS``), with a small legend above the panel's right end (inside it
    would cover points and boundaries): the axes give up the legend's height at their top, so
    that it stays clear of what lies above the panel (the loss panel's "epoch")."""
    for label, (marker, colour, alpha) in enumerate(CLASS_LOOKS.get(theme.name, CLASS_LOOKS["light"])):
        chosen = y == label
        ax.plot(*x[chosen].T, linestyle="none", marker=marker, markersize=3.5, alpha=alpha, color=colour,
                markeredgewidth=0, label=f"class {label}")
    legend = ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False, borderaxespad=0.1,
                       handletextpad=0.2, columnspacing=0.8, fontsize="small", markerscale=1.6)
    figure = ax.get_figure()
    tall = legend.get_window_extent(figure.canvas.get_renderer()).height / figure.bbox.height
    box = ax.get_position()
    ax.set_position((box.x0, box.y0, box.width, box.height - tall))


def equal_scales(ax, view):
    """``view`` [[x0, y0], [x1, y1]] widened about its centre on one axis so that a unit is as
    long on x as on y in ``ax`` (slopes drawn true), set as the axes' limits; returns it."""
    box = ax.get_position()
    pixels = np.array([box.width * ax.get_figure().bbox.width, box.height * ax.get_figure().bbox.height])
    per_pixel = (view[1] - view[0]) / pixels
    centre, half = view.mean(axis=0), per_pixel.max() * pixels / 2
    view = np.stack([centre - half, centre + half])
    ax.set_xlim(*view[:, 0])
    ax.set_ylim(*view[:, 1])
    return view


class Boundaries:
    """What the two boundary panels share: one animated line per path, drawn each step where
    the panel's ``boundary(path, step)`` puts it ([points, 2], empty to hide it)."""

    @property
    def animated_artists(self):
        return self.lines

    def after_layout(self, renderer):
        """One scale on both axes again, on the panel's final box (the layout may have moved
        its column off a colour bar's label, narrowing it).

        Args:
            renderer: the figure's renderer (unused: nothing here is measured).
        """
        self.view = equal_scales(self.lines[0].axes, self.wanted)

    def update(self, steps):
        for path, (line, step) in enumerate(zip(self.lines, steps)):
            points = self.boundary(path, step)
            line.set_data(points[:, 0], points[:, 1])


def boundary_lines(ax, names, theme, linewidth):
    """One empty animated line per path, in its optimizer's colour and style."""
    lines = []
    for style in path_styles(names, theme):
        line, = ax.plot([], [], color=style["color"], linestyle=style["linestyle"], linewidth=linewidth, animated=True)
        lines.append(line)
    return lines


class BoundaryPanel(Boundaries):
    """A two-input model's data in its own two features, with each optimizer's decision
    boundary (where the model's output crosses 0.5, or 0 for logits) at the current step."""

    def __init__(self, ax, recording, theme=LIGHT):
        regions = recording.regions
        self.grid_x, self.grid_y, self.outputs = regions["grid_x"], regions["grid_y"], regions["outputs"]
        self.level = float(regions["level"])
        self.finite = np.isfinite(recording.loss)
        scatter_classes(ax, regions["data_x"], regions["data_y"], theme)
        self.wanted = np.array([[self.grid_x[0], self.grid_y[0]], [self.grid_x[-1], self.grid_y[-1]]])
        self.view = equal_scales(ax, self.wanted)
        ax.set_xlabel("feature 1")
        ax.set_ylabel("feature 2")
        self.lines = boundary_lines(ax, recording.names, theme, linewidth=2.0)

    def boundary(self, path, step):
        """The boundary of the path's model at ``step`` as one polyline (pieces NaN-separated)."""
        if step < 0 or not self.finite[path, step]:
            return np.empty((0, 2))
        pieces = contour_generator(self.grid_x, self.grid_y, self.outputs[path, step].astype(np.float64)).lines(self.level)
        joined = [np.vstack([piece, [np.nan, np.nan]]) for piece in pieces]
        return np.concatenate(joined) if joined else np.empty((0, 2))


class LinearBoundaryPanel(Boundaries):
    """The lesson's training rows on two axes of feature space (two features, or ``("pca",)``
    for the two principal components of the standardised features) and, per optimizer, the line where its
    decision boundary w·x + b = 0 crosses that plane (the other directions at 0, the features'
    mean), moving with the step. The feature names are checked before rendering."""

    def __init__(self, ax, recording, features, theme=LIGHT):
        data = recording.data
        x, names = data["x"], [str(name) for name in data["feature_names"]]
        if tuple(features) == ("pca",):
            self.axes = principal_axes(x)
            shares = self.axes @ np.cov(x.T) @ self.axes.T
            share = np.diag(shares) / np.trace(np.cov(x.T))
            # "feature PC1": not the contour panel's PC1, a direction in the weights
            labels = [f"feature PC{i + 1} ({share[i]:.0%} of their variance)" for i in range(2)]
        else:
            self.axes = np.eye(len(names))[[names.index(name) for name in features]]
            labels = [f"{name} (standardised)" for name in features]
        shown = x @ self.axes.T
        scatter_classes(ax, shown, data["y"], theme)
        low, high = shown.min(axis=0), shown.max(axis=0)  # every row inside the panel
        room = 0.05 * (high - low)
        self.wanted = np.stack([low - room, high + room])  # [[x0, y0], [x1, y1]]: every row, with room
        self.view = equal_scales(ax, self.wanted)
        ax.set_xlabel(labels[0], labelpad=3)  # (clear of its tick labels, in a PDF too)
        ax.set_ylabel(labels[1])
        self.params = recording.params
        self.lines = boundary_lines(ax, recording.names, theme, linewidth=2.2)

    def boundary(self, path, step):
        """The two ends [2, 2] of the path's boundary line within the view at ``step`` (empty
        if it misses the view, the path diverged or is not shown yet, step -1)."""
        if step < 0 or not np.isfinite(self.params[path, step]).all():
            return np.empty((0, 2))
        weights = self.params[path, step]
        return clip_line(self.axes @ weights[:-1], weights[-1], self.view)


def principal_axes(x):
    """The two principal directions [2, d] of the rows of ``x`` (unit vectors, largest first,
    each signed so that its largest component is positive)."""
    _, _, vt = np.linalg.svd(x - x.mean(axis=0), full_matrices=False)
    axes = vt[:2]
    return axes * np.sign(axes[np.arange(2), np.argmax(np.abs(axes), axis=1)])[:, None]


def clip_line(normal, offset, view):
    """The segment of the line ``normal · z + offset = 0`` inside the box ``view``
    [[x0, y0], [x1, y1]], as its two ends [2, 2]; empty [0, 2] if the line misses the box."""
    (x0, y0), (x1, y1) = view
    a, b = normal
    ends = []
    if b != 0:
        ends += [(x, -(offset + a * x) / b) for x in (x0, x1)]
    if a != 0:
        ends += [(-(offset + b * y) / a, y) for y in (y0, y1)]
    tolerance = 1e-9 * max(x1 - x0, y1 - y0)
    inside = [end for end in ends
              if x0 - tolerance <= end[0] <= x1 + tolerance and y0 - tolerance <= end[1] <= y1 + tolerance]
    if len(inside) < 2:
        return np.empty((0, 2))
    inside = np.array(inside)
    far = np.argmax(np.linalg.norm(inside - inside[0], axis=1))
    return inside[[0, far]]
