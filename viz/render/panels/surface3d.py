"""The 3D view of a surface scene: f(x, y) as a shaded surface, drawn once, with the paths
lying on it. Same protocol as the contour panel: static part at construction,
``animated_artists``, ``update(steps)``.

Surfaces that span decades (Rosenbrock: 0 .. 2,509) hide their valley on a linear z axis, so
where the contour panel spaces its levels logarithmically, z is log10 f with the tick labels
giving f itself, and values below a floor lie on it (see :class:`ZScale`)."""

import numpy as np
from matplotlib.colors import LightSource, LinearSegmentedColormap, Normalize
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from viz.render.panels.clip import clipped_polyline
from viz.render.panels.occlusion import Occlusion, split_hidden
from viz.render.text import fit, short_number
from viz.render.panels.paths import PathPanel, _place, add_keys, path_styles
from viz.render.spacing import ROOM, apart, crowded, shown
from viz.render.theme import LIGHT

# (elevation, azimuth) in degrees, per surface: the paths and the valley floor in view.
CAMERAS = {
    "rosenbrock": (70, -100),  # high over the valley, along it: 1% of the paths' points hidden, not 49% at (50, -60)
    "beale": (70, -125),  # higher: 0% of the paths' points hidden, not 49% at (50, -125)
    "himmelblau": (80, -110),  # from above: the minima are deep pits on the log scale (2% hidden, 61% at (55, -120))
    "saddle": (45, -30),  # down the way the paths escape: 3% of their points hidden, not 39% at (30, -120)
    "valley": (35, -60),
}
DEFAULT_CAMERA = (45, -115)
GRID_CELLS = 200  # surface polygons along each axis (the plane's grid): narrow valleys too; drawn once
MESH_LINES = 21  # mesh lines along each axis, to show the shape
BEHIND = {"linestyle": (0, (2, 2)), "linewidth": 1.3, "alpha": 0.6}  # a path's part the surface hides
BEHIND_HEAD = 0.45  # the opacity of a head the surface hides


class ZScale:
    """Where f goes on the z axis. Surfaces whose contour levels are linear: f itself. Those
    with log-spaced levels: log10 f, or log10(f - lowest) where the lowest value in view is
    negative or above the floor; values below the floor (the contour panel's first level
    step, rounded down to a power of ten, or a higher power where the grid resolves the
    region under it only as a comb of single points: see :func:`thick_floor`) are drawn on it."""

    def __init__(self, plane, loss):
        gaps = np.diff(plane.levels)
        self.log = len(gaps) > 1 and gaps[-1] > 10 * gaps[0]  # the contour panel's log levels
        finite = plane.grid_loss[np.isfinite(plane.grid_loss)]
        self.low, self.floor = 0.0, None
        if not self.log:
            self.limits = (finite.min(), finite.max())
            return
        seen = loss[np.isfinite(loss)]
        lowest = min(finite.min(), seen.min()) if seen.size else finite.min()
        self.floor = thick_floor(plane.grid_loss, 10.0 ** np.floor(np.log10(gaps[0])))
        self.low = 0.0 if 0 <= lowest < self.floor else lowest
        self.limits = (np.log10(self.floor), np.log10(max(finite.max() - self.low, self.floor * 10)))

    def __call__(self, f):
        """z of the values ``f`` (NaN stays NaN)."""
        f = np.asarray(f, dtype=np.float64)
        if not self.log:
            return f
        with np.errstate(invalid="ignore"):
            return np.log10(np.maximum(f - self.low, self.floor))

    @property
    def quantity(self):
        """What z shows: f, or f minus the lowest value in view."""
        if self.low == 0:
            return "f(x, y)"
        return f"f(x, y) − {short_number(self.low)}"

    @property
    def label(self):
        return f"{self.quantity}, log scale" if self.log else self.quantity

    def ticks(self):
        """Tick positions on z and their labels (values of f, or of f - lowest)."""
        if not self.log:
            return None, None
        decades = np.arange(np.ceil(self.limits[0]), np.floor(self.limits[1]) + 1)
        decades = decades[:: -(-len(decades) // 7)]  # at most 7 labels
        return decades, FuncFormatter(lambda z, _: _power(z))


THICK = 0.5  # the share of the floor's grid points whose neighbours are all on it too, at the least


def thick_floor(grid_loss, floor):
    """The lowest of ``floor`` and the powers of ten above it (three at most) under which the
    grid's points make a region at least three points across (:data:`THICK` of them with their
    four neighbours under it too): a narrow valley (Rosenbrock's) below a lower floor is a comb
    of single grid points, drawn as white spikes."""
    for power in range(4):
        under = grid_loss < floor * 10.0**power
        inner = under[1:-1, 1:-1] & under[:-2, 1:-1] & under[2:, 1:-1] & under[1:-1, :-2] & under[1:-1, 2:]
        if under.sum() and inner.sum() >= THICK * under.sum():
            return floor * 10.0**power
    return floor * 10.0**3


def surface_cmap(theme):
    """A grey ramp from light (lowest) to darker (highest), under the saturated path colours;
    lighter than the contour panel's top so the paths stay clear, darker than the background
    at the bottom so the valley floor does not vanish into it."""
    ends = ("#f3f4f6", "#6f7582") if theme.name == "light" else ("#2c3038", "#7d8492")
    return LinearSegmentedColormap.from_list(f"viz_surface_{theme.name}", ends)


def _nearest(plane, points):
    """f at the grid points nearest to ``points`` [k, 2]."""
    columns = np.abs(plane.grid_x[None, :] - points[:, :1]).argmin(axis=1)
    rows = np.abs(plane.grid_y[None, :] - points[:, 1:]).argmin(axis=1)
    return plane.grid_loss[rows, columns]


def _keep_within(ax, box):
    """Narrow the 3D axes until their labels stay inside the figure on the left and inside
    ``box`` (figure fractions) on the right: depending on the camera the z axis is on one side
    or the other, and its label would be cut off or written into the curve panel."""
    figure = ax.get_figure()
    renderer = figure.canvas.get_renderer()
    for _ in range(4):
        extent = ax.get_tightbbox(renderer).transformed(figure.transFigure.inverted())
        left, right = max(0.0, 0.005 - extent.x0), max(0.0, extent.x1 - (box[0] + box[2]))
        if left == right == 0:
            return
        position = ax.get_position(original=True)
        ax.set_position((position.x0 + left, position.y0, position.width - left - right, position.height))


def inner_ticks(low, high):
    """At most four round tick positions strictly between ``low`` and ``high``: none at the
    box's corners, where the labels of two axes would meet."""
    ticks = MaxNLocator(4, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
    margin = 0.02 * (high - low)
    return ticks[(ticks > low + margin) & (ticks < high - margin)]


def _power(z):
    """10**z as a short number: 0.01, 1, 100, 10,000; 1e-05 below 0.001."""
    value = 10.0**z
    return f"{value:.0e}".replace("e-0", "e-") if value < 1e-3 else short_number(value)


def clear_ticks(ax, room=2 * ROOM, passes=4):
    """Keep the 3D axes' texts ``room`` pixels apart (wider than the frame needs: a PDF draws
    text a little larger): every other tick of an axis whose tick labels come closer; an axis
    label moved out from its tick labels; then a tick label left out that would touch another
    axis' (where two axes meet)."""
    figure = ax.get_figure()
    axes = (ax.xaxis, ax.yaxis, ax.zaxis)
    renderer = figure.canvas.get_renderer()
    for _ in range(passes):
        with renderer._draw_disabled():  # the 3D axes place their ticks when drawn: these axes alone, not shown
            ax.draw(renderer)
        moved = False
        for axis in axes:
            labels = shown(axis)
            boxes = [label.get_window_extent(renderer) for _, label in labels]
            if len(labels) > 2 and crowded(boxes, room):
                axis.set_major_locator(FixedLocator([at for at, _ in labels][::2]))
                moved = True
            title = axis.label.get_window_extent(renderer)
            if axis.label.get_text() and any(apart(title, box) < room for box in boxes):
                axis.labelpad += 3
                moved = True
        if not moved:
            break
    kept = []
    for axis in axes:
        for _, label in shown(axis):
            box = label.get_window_extent(renderer)
            if any(apart(box, other) < room for other in kept):
                label.set_visible(False)
            else:
                kept.append(box)


class SurfacePanel3D(PathPanel):
    """A surface scene's f(x, y) as a 3D surface with the optimizers' paths on it."""

    def __init__(self, figure, box, recording, theme=LIGHT, camera=None):
        plane = recording.plane
        self.ax = ax = figure.add_axes(box, projection="3d", computed_zorder=False)
        ax.set_facecolor((0, 0, 0, 0))
        self.z = z = ZScale(plane, recording.loss)
        (x0, x1), (y0, y1) = plane.grid_x[[0, -1]], plane.grid_y[[0, -1]]
        gx, gy = np.meshgrid(plane.grid_x, plane.grid_y)
        grid_z = z(plane.grid_loss)
        colours = surface_cmap(theme)(Normalize(*z.limits, clip=True)(grid_z))
        shaded = LightSource(azdeg=315, altdeg=50).shade_rgb(colours[..., :3], grid_z, blend_mode="soft",
                                                             vert_exag=2 / np.ptp(z.limits))
        ax.plot_surface(gx, gy, grid_z, facecolors=shaded, rcount=GRID_CELLS, ccount=GRID_CELLS, linewidth=0,
                        antialiased=False, shade=False, zorder=1, rasterized=True)  # SVG, PDF: one image
        ax.plot_wireframe(gx, gy, grid_z, rcount=MESH_LINES, ccount=MESH_LINES, color=theme.contour_lines,
                          linewidth=0.4, alpha=0.6, zorder=2)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_zlim(*z.limits)
        for axis, (low, high) in ((ax.xaxis, (x0, x1)), (ax.yaxis, (y0, y1))):  # no label at a corner,
            axis.set_major_locator(FixedLocator(inner_ticks(low, high)))  # where x's, y's and z's meet
        ticks, formatter = z.ticks()
        if ticks is not None:
            ax.zaxis.set_major_locator(FixedLocator(ticks))
            ax.zaxis.set_major_formatter(formatter)
        span = max(x1 - x0, y1 - y0)
        ax.set_box_aspect(((x1 - x0) / span, (y1 - y0) / span, 0.8), zoom=1.0)  # x and y to one scale
        ax.view_init(*(camera or CAMERAS.get(recording.meta.get("problem"), DEFAULT_CAMERA)))
        ax.set_xlabel(plane.axis_labels[0], labelpad=2)
        ax.set_ylabel(plane.axis_labels[1], labelpad=2)
        ax.tick_params(pad=1)
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            axis.set_pane_color((0, 0, 0, 0))  # the grid lines (the theme's grid colour) without grey walls

        self.plane, self.path_z = plane, z(recording.loss)
        box_low, box_high = (x0, y0, z.limits[0]), (x1, y1, z.limits[1])
        polylines = [clipped_polyline(np.column_stack([xy, path_z]), box_low, box_high)
                     for xy, path_z in zip(plane.xy, self.path_z)]
        # mplot3d draws each line whole over the surface, so a path behind a hill would show
        # through it: where the surface hides a path it is drawn thin, dashed and faint (and its
        # head faint), and the key says so.
        self.hidden = Occlusion(ax, plane.grid_x, plane.grid_y, grid_z)
        in_front, self.behind = zip(*(split_hidden(line, self.hidden(line[0])) for line in polylines))
        hides = any(np.isfinite(vertices).any() for vertices, _ in self.behind)

        start_z = z(recording.loss[:, 0])
        finite = np.isfinite(start_z)
        starts = np.column_stack([plane.xy[finite, 0], start_z[finite]])
        marks = np.column_stack([plane.marks, z(_nearest(plane, plane.marks))])  # on the floor of a log scale
        count = len(np.unique(plane.xy[finite, 0], axis=0))
        extra = [Line2D([], [], color=theme.ink, **BEHIND, label="behind the surface")] if hides else []
        add_keys(ax, starts, "start" if count == 1 else "starts", marks, plane.marks_label, theme, extra=extra)
        rows = -(-(1 + (len(marks) > 0) + len(extra)) // 2)  # the key's rows, two entries each
        if rows > 1:  # the layout left room for one above the panel: the axes give up the others' height
            tall = ax.get_legend().get_window_extent(figure.canvas.get_renderer()).height / figure.bbox.height
            position = ax.get_position()
            ax.set_position((position.x0, position.y0, position.width, position.height - tall * (rows - 1) / rows))
        clear_ticks(ax)
        _keep_within(ax, box)
        # What the height is, under the panel: a z label would stand beside the curves' y label
        # and read as a second one of theirs ("f(x, y)" by "f along each path").
        floor = short_number(z.floor) if z.log else ""
        height = f"height: {z.label}" + (f"; below {floor} drawn at {floor}" if z.log else "")
        fit(figure.text(box[0] + 0.01, 0.015, height, fontsize="small", color=theme.muted, va="bottom"),
            width=box[2] - 0.01, max_lines=2)

        self.add_paths(ax, recording, theme, ((x0, x1), (y0, y1)), dims=3, polylines=list(in_front))
        self.behind_lines = [ax.plot([], [], [], color=style["color"], zorder=4, animated=True, **BEHIND)[0]
                             for style in path_styles(recording.names, theme)]

    @property
    def animated_artists(self):
        return [*self.behind_lines, *super().animated_artists]

    def update(self, steps):
        super().update(steps)
        for path, (line, head, step) in enumerate(zip(self.behind_lines, self.heads, steps)):
            _place(line, self.behind[path][0][: len(self.points(path, step))])
            head.set_alpha(BEHIND_HEAD if step >= 0 and self.hidden(self.head(path, step))[0] else 1.0)

    def head(self, path, step):
        """Where the path's head is drawn at ``step``: its last finite point, or, out of the
        domain, where the path crossed the domain's border on its way out, on the surface (as
        the contour panel puts it)."""
        last = self.head_looks.index[path, step]
        x, y = self.head_xy[path, step]
        if (x, y) == tuple(self.xy[path, last]):
            return x, y, self.path_z[path, last]
        return x, y, self.z(_nearest(self.plane, np.array([[x, y]])))[0]
