"""Teaching overlays: arrows for the negative gradient and the next step at each optimizer's
current point (``--overlays``), and optimizers entering one after another (``--sequence``)."""

import math

import numpy as np
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerPatch
from matplotlib.patches import FancyArrow

from viz.divergence import diverged_steps
from viz.render.panels.paths import labels_and_styles, path_styles
from viz.render.theme import LIGHT

LABELS = {"gradient": "−gradient", "step": "next step"}
SCALE_SAMPLE = "×0.0005"  # about the widest scale written after a label
LONGEST = 0.2  # the longest arrow of a kind when its scale is set, as a share of the view's width
KEEP = (LONGEST / 8, 2 * LONGEST)  # a scale stays while the longest arrow is within these shares
NEAR = 0.04  # heads this near (share of the view's width) with alike gradients share one gradient arrow
ALIKE = 0.25  # gradients differing by less than this share of one's length are alike


def sequence_steps(names, schedule):
    """Per-frame, per-path steps [labels * len(schedule), n_paths] for optimizers entering one
    after another: during label k's block its paths follow ``schedule``, the labels before it
    stay at their last step and the ones after it are not shown yet (-1)."""
    schedule = np.asarray(schedule)
    labels, label_of = labels_and_styles(names)
    label_of = np.asarray(label_of)[None, :]
    blocks = [np.where(label_of < k, schedule[-1], np.where(label_of == k, schedule[:, None], -1))
              for k in range(len(labels))]
    return np.concatenate(blocks)


def nice_scale(raw):
    """The largest 1, 2 or 5 times a power of ten that is at most ``raw`` (> 0): arrow scales
    that read well in a legend and change only now and then."""
    power = 10.0 ** math.floor(math.log10(raw))
    return max(m * power for m in (1, 2, 5) if m * power <= raw * (1 + 1e-12))


def arrow_scales(longest, span):
    """One scale per step for a kind of arrow whose longest at each step is ``longest`` [steps]
    (0 or NaN: none shown) on a view ``span`` wide. Set so that the longest (the largest within
    a few steps either side) is :data:`LONGEST` of the view (a :func:`nice_scale`), then kept
    while it stays within :data:`KEEP`: it changes rarely, and the legend writes it."""
    longest = np.nan_to_num(np.asarray(longest, dtype=np.float64))
    reach = max(1, len(longest) // 50)
    padded = np.pad(longest, reach)
    smooth = np.max([padded[i: i + len(longest)] for i in range(2 * reach + 1)], axis=0)
    scales, scale = np.full(len(longest), np.nan), None
    for step, length in enumerate(smooth):
        if length > 0 and (scale is None or not KEEP[0] * span <= length * scale <= KEEP[1] * span):
            scale = nice_scale(LONGEST * span / length)
        scales[step] = np.nan if scale is None else scale
    first = scales[np.isfinite(scales)]
    return np.where(np.isfinite(scales), scales, first[0] if first.size else 1.0)


def _scale_text(scale):
    return f"×{scale:g}" if 1e-3 <= scale < 1e5 else f"×{scale:.0e}".replace("e-0", "e-").replace("e+0", "e")


def _arrow_handle(legend, orig_handle, xdescent, ydescent, width, height, fontsize):
    return FancyArrow(0, height / 2, width, 0, width=height * 0.28, head_width=height * 0.85,
                      head_length=height * 0.7, length_includes_head=True)


def _place_legend(ax, handles, labels):
    """The arrows' legend above the contour panel ``ax``: on the row of the panel's key (start,
    minimum) right after it if it fits left of the curves, else in a row above the key if there
    is room below the optimizers' legend, else after the key in a smaller font. After each
    label it leaves room for a scale ("×0.0005"), written there frame by frame."""
    figure = ax.figure
    renderer = figure.canvas.get_renderer()
    key = ax.get_legend().get_window_extent(renderer)
    curves = [other for other in figure.axes if other.get_position().x0 > ax.get_position().x1 + 0.05  # not the bar
              and not getattr(other, "grid_cell", False)]  # nor the grid's other panels
    right = min([other.get_tightbbox(renderer, bbox_extra_artists=[]).x0 for other in curves]  # axis decorations
                or [figure.bbox.x1]) - 0.01 * figure.bbox.width
    ceiling = min((legend.get_window_extent(renderer).y0 for legend in figure.legends), default=figure.bbox.y1)
    sample = figure.text(0, 0, f" {SCALE_SAMPLE}", fontsize="small")
    room = sample.get_window_extent(renderer).width / (sample.get_fontsize() * figure.dpi / 72)  # in font sizes
    sample.remove()

    def legend(anchor, fontsize, loc="lower left"):
        made = Legend(ax, handles, labels, loc=loc, bbox_to_anchor=figure.transFigure.inverted().transform(anchor),
                      bbox_transform=figure.transFigure, ncol=len(handles), frameon=False, borderaxespad=0,
                      borderpad=0.2, handletextpad=0.4, columnspacing=1.0 + room, fontsize=fontsize, handlelength=2.0,
                      handler_map={FancyArrow: HandlerPatch(patch_func=_arrow_handle)})
        extent = made.get_window_extent(renderer)
        extent.x1 += room * made.get_texts()[0].get_fontsize() * figure.dpi / 72  # the last label's scale
        return made, extent

    middle = (key.y0 + key.y1) / 2
    beside, extent = legend((key.x1, middle), "small", "center left")
    if extent.x1 <= right:
        return beside
    fontsize = beside.get_texts()[0].get_fontsize()
    pad = 0.8 * fontsize * figure.dpi / 72  # the legends' blank borders may overlap
    above, higher = legend((key.x0, key.y1 - pad / 2), "small")
    if higher.y1 - pad <= ceiling:  # narrowed to fit left of the curves if need be
        return above if higher.x1 <= right else legend((key.x0, key.y1 - pad / 2),
                                                       fontsize * (right - key.x0) / higher.width)[0]
    return legend((key.x1, middle), fontsize * (right - key.x1) / extent.width, "center left")[0]


class OverlayPanel:
    """Arrows on the contour panel at each shown path's current point: the negative gradient
    of the loss the panel shows (projected on the view) and the step the optimizer takes next.
    All arrows of a kind share one scale, kept for the whole animation unless the arrows grow
    or shrink far out of sight (:func:`arrow_scales`), written after its label in the legend
    above the panel: the legend is static, only the scales are redrawn. Step arrows lie over
    the heads, gradient arrows under the paths; heads at one spot share one gradient arrow.
    A cell of small multiples draws the arrows of its ``paths`` (indices) only, and the legend
    only if ``legend`` (the scales are the same in every cell)."""

    def __init__(self, ax, recording, kinds, theme=LIGHT, paths=None, legend=True):
        plane = recording.plane
        self.kinds, self.xy = kinds, plane.xy
        self.mine = np.ones(len(recording.names), dtype=bool)  # the scales: of every path, the same in each cell
        self.ends = np.array([np.inf if step is None else step for step in diverged_steps(recording)])
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()  # the contour panel's view (zoomed or not)
        self.view = np.array([[x0, y0], [x1, y1]])
        self.span = x1 - x0
        self.vectors = {}
        if "gradient" in kinds:
            self.vectors["gradient"] = -recording.gradient_on_plane()  # [n_paths, points, 2]
        if "step" in kinds:
            after = np.full_like(plane.xy, np.nan)
            after[:, :-1] = plane.xy[:, 1:] - plane.xy[:, :-1]  # the last point has no next step
            self.vectors["step"] = after
        colours = [style["color"] for style in path_styles(recording.names, theme)]
        count = len(recording.names)
        looks = {  # hollow ink-edged arrows: the landscape's; filled, in the path's colour: the optimizer's
            "gradient": {"facecolor": theme.halo, "edgecolor": theme.ink, "linewidth": 1.3, "width": 0.009,
                         "zorder": 4.9},  # under the paths and heads: the landscape's
            "step": {"facecolor": colours, "edgecolor": theme.ink, "linewidth": 0.6, "width": 0.007,
                     "zorder": 6.2},  # over the heads, whose markers would hide a short step
        }
        every = np.repeat(np.arange(plane.xy.shape[1])[:, None], count, axis=1)  # each step, every path
        self.by_step = {kind: arrow_scales([self._lengths(kind, steps).max(initial=0.0) for steps in every], self.span)
                        for kind in self.vectors}
        if paths is not None:
            self.mine = np.isin(np.arange(len(recording.names)), paths)
        self.quivers, self.scales, handles = {}, {}, []
        for kind in kinds:
            look = looks[kind]
            self.quivers[kind] = ax.quiver(np.zeros(count), np.zeros(count), np.zeros(count), np.zeros(count),
                                           angles="xy", scale_units="xy", scale=1, minlength=0, headwidth=3.2,
                                           headlength=3.5, headaxislength=3.1, animated=True, **look)
            handles.append(FancyArrow(0, 0, 1, 0, facecolor=look["facecolor"] if kind == "gradient" else theme.muted,
                                      edgecolor=theme.ink, linewidth=look["linewidth"]))
        if not legend:
            self.factors = []
            return
        self.legend = _place_legend(ax, handles, [LABELS[kind] for kind in kinds])
        ax.add_artist(self.legend)
        self.factors = [ax.annotate("", xy=(1, 0), xycoords=label, xytext=(0.25 * label.get_fontsize(), 0),
                                    textcoords="offset points", va="bottom", fontsize=label.get_fontsize(),
                                    color=label.get_color(), annotation_clip=False, animated=True)
                        for label in self.legend.get_texts()]  # placed after the labels when drawn

    @property
    def animated_artists(self):
        return [*self.quivers.values(), *self.factors]

    def _visible(self, kind, steps):
        """Which paths show an arrow of ``kind`` at ``steps`` (one per path), and its vectors:
        paths shown, in view and not diverged, with a finite vector; of heads nearer than
        :data:`NEAR` of the view to an earlier one, with a gradient :data:`ALIKE` to its, only
        that one's gradient arrow."""
        paths = np.arange(len(steps))
        points = self.xy[paths, np.maximum(steps, 0)]
        vectors = self.vectors[kind][paths, np.maximum(steps, 0)]
        with np.errstate(invalid="ignore"):  # paths out of view (on the border) or diverged: no arrows
            visible = (self.mine & (steps >= 0) & (steps < self.ends) & (points >= self.view[0]).all(axis=1) & (points <= self.view[1]).all(axis=1)
                       & np.isfinite(vectors).all(axis=1))
        if kind == "gradient":
            for path in np.flatnonzero(visible):
                earlier = (visible[:path] & (np.hypot(*(points[:path] - points[path]).T) < NEAR * self.span)
                           & (np.hypot(*(vectors[:path] - vectors[path]).T) < ALIKE * np.hypot(*vectors[path])))
                visible[path] = not earlier.any()
        return visible, points, vectors

    def _lengths(self, kind, steps):
        visible, _, vectors = self._visible(kind, steps)
        return np.hypot(*vectors[visible].T)

    def update(self, steps):
        at = int(np.max(steps))  # a sequence: the running optimizer's step
        for number, kind in enumerate(self.kinds):
            visible, points, vectors = self._visible(kind, steps)
            self.scales[kind] = self.by_step[kind][max(at, 0)]
            arrows = np.where(visible[:, None], vectors * self.scales[kind], 0.0)
            quiver = self.quivers[kind]
            quiver.set_offsets(np.where(visible[:, None], points, 0.0))
            hidden = np.repeat(~visible[:, None], 2, axis=1)
            quiver.set_UVC(np.ma.array(arrows[:, 0], mask=hidden[:, 0]), np.ma.array(arrows[:, 1], mask=hidden[:, 1]))
            if self.factors:
                self.factors[number].set_text(_scale_text(self.scales[kind]) if visible.any() else "")
