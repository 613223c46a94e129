"""Options and a recording -> the frame's figure: which panels go where, the title, the
optimizers' legend, the counter and the end card. The one place that decides: a new panel is
a class in :mod:`viz.render.panels` and a line here."""

import math
from typing import NamedTuple

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from viz.divergence import diverged_steps
from viz.errors import OptionError, SpecError
from viz.render.panels.boundary import BoundaryPanel, LinearBoundaryPanel
from viz.render.panels.contour import ContourPanel
from viz.render.panels.curves import ByStart, CurvePanel, SpreadPanel, start_groups
from viz.render.panels.overlays import OverlayPanel
from viz.render.panels.paths import legend_handles
from viz.render.panels.surface3d import SurfacePanel3D, refuse_unless_surface
from viz.render.theme import THEMES
from viz.spread import BAND_LABEL, claims, summary

HEIGHT_INCHES = 7.2  # text sizes are relative to this height, so every size looks the same
PATH_VALUE = "f along each path"  # the curves' y label: not the colour bar's "f(x, y)" again beside it


class Layout(NamedTuple):
    """A frame's figure with its panels in place (the paths panel first), the counter (its
    words set per frame) and the end card (shown on the last frame; None without one)."""

    figure: Figure
    panels: list
    counter: Text
    end_card: Text | None


def lay_out(recording, title, options, counter_words):
    """The figure of ``recording`` as the render ``options`` say, its static part drawn (the
    animated artists are left to the frames): on the left the contours (with ``overlays``,
    faded by a ``trail``) or, ``view`` "3d", the surface; on the right :func:`curve_panels`;
    above them the title, the legend and the counter, fitted to ``counter_words`` (the
    longest it will say)."""
    check(recording, options)
    width, height = options.size
    dpi = height / HEIGHT_INCHES
    figure = Figure(figsize=(width / dpi, HEIGHT_INCHES), dpi=dpi)
    FigureCanvasAgg(figure)
    with _style(options):
        layout = _place(figure, recording, title, options, counter_words)
        figure.canvas.draw()  # the static part, once: animated artists are skipped
    return layout


def _place(figure, recording, title, options, counter_words):
    """The panels, title, legend, counter and end card on ``figure`` (see :func:`lay_out`)."""
    theme, scale, inches = THEMES[options.theme], options.font_scale, figure.get_figwidth()
    figure.set_facecolor(matplotlib.rcParams["figure.facecolor"])
    _fit(figure.text(0.5, 1 - 0.035 * scale, title, ha="center", va="center", fontsize=19 * scale,
                     fontweight="bold"), 0.96)
    _legend(figure, recording, theme, scale)
    # Vertically, fractions of the height; horizontally, inches of room that the text needs
    # (left of the contours, and between them and the curves), so any aspect ratio works.
    top, bottom = 0.81 - 0.16 * (scale - 1), 0.09 * scale
    left, gap = 0.77 * scale, 2.37 * scale
    tall = (top - bottom) * HEIGHT_INCHES
    side = min(tall, 0.97 * inches - left - gap - 0.3 * inches)  # the contour panel's width: at most square
    box = (left / inches, bottom, side / inches, tall / HEIGHT_INCHES)  # its view fills it (see framing)
    right = (left + side + gap) / inches
    if options.view == "3d":  # the surface in 3D, over the contour panel's room and its colour bar's
        panels = [SurfacePanel3D(figure, (0.1 * scale / inches, bottom, right - 1.2 * scale / inches, top - bottom),
                                 recording, theme, options.camera)]
    else:
        contour_ax = figure.add_axes(box)
        colorbar_ax = figure.add_axes((box[0] + box[2] + 0.15 / inches, box[1], 0.14 / inches, box[3]))
        panels = [ContourPanel(contour_ax, colorbar_ax, recording, theme, options.trail)]
        for ax in (contour_ax, colorbar_ax):  # long axis labels (the plane's) within their panel
            _fit(ax.yaxis.label, height=ax.get_position().height)
        _fit(contour_ax.xaxis.label, width=contour_ax.get_position().width + box[0])
        _inside_left(contour_ax, colorbar_ax)
    curves = curve_panels(figure, (right, bottom, 0.97 - right, top - bottom - 0.02), recording, options, theme)
    for panel in curves:  # long axis labels (a boundary panel's) within their panel
        for ax in {line.axes for line in panel.lines}:
            _fit(ax.yaxis.label, height=ax.get_position().height)
    panels += curves
    if options.overlays:  # placed once the curves are: its legend keeps clear of them
        panels.insert(1, OverlayPanel(contour_ax, recording, options.overlays, theme))
    counter = figure.text(right, top + 0.025 * scale, "", fontsize=14 * scale, va="bottom", animated=True)
    end_card = _end_card(contour_ax, recording, theme) if recording.spread else None  # the lesson: always 2D
    counter.set_text(counter_words)
    for _ in range(3):  # text width is not quite proportional to the font size: again until it fits
        _fit(counter, 0.98 - right)
    return Layout(figure, panels, counter, end_card)


def check(recording, options):
    """Raise :class:`SpecError` if ``recording`` lacks what ``options`` ask to draw."""
    if "gradient" in options.overlays and recording.grads is None:
        raise OptionError("overlays", "gradient", "this recording has no gradients (recorded by an older viz): "
                          "record it again")
    if options.boundary and not (recording.regions or recording.data):
        raise SpecError(recording.meta.get("no_regions") or
                        "decision boundaries take the lesson or a keras_model with two inputs")
    if options.view == "3d":
        refuse_unless_surface(recording)


def curve_panels(figure, box, recording, options, theme):
    """The loss and a metric (the lesson's accuracy) against epochs, the loss and decision
    boundaries (``options.boundary``), or the loss per step on a surface."""
    left, bottom, width, height = box
    if not recording.steps_per_epoch:
        _fit(figure.text(left, bottom + height + 0.01, "the value at each step's point", fontsize="small",
                         color=theme.muted, va="bottom"), width)
        diverged = diverged_steps(recording)
        if len(start_groups(recording)) > 1:  # several starts: a panel each, numbered as on the contours
            return [ByStart(figure, (left, bottom, width, height - 0.03), recording, PATH_VALUE, theme, diverged)]
        ax = figure.add_axes(box)
        ax.set_xlabel("step")
        return [CurvePanel(ax, recording.names, recording.loss, PATH_VALUE, theme=theme, diverged=diverged)]
    spe, history = recording.steps_per_epoch, recording.history
    # the lesson's per-step accuracy, or a model's first own metric (known per epoch only)
    metric = "accuracy" if recording.accuracy is not None else next(
        (key for key in history if key != "loss" and not key.startswith("val_")), None)
    if recording.spread and "accuracy" not in recording.spread:
        metric = None  # a model's own metric is known per epoch of the main run only: the loss alone
    lines = "every step" if recording.every == 1 else f"every {recording.every} steps"
    note = f"lines: {lines}, all training rows    markers: Keras History"
    if recording.spread:
        note = f"lines: median of {len(recording.spread['seeds'])} initializations, bands: {BAND_LABEL}"
    _fit(figure.text(left, bottom + height + 0.01, note, fontsize="small", color=theme.muted, va="bottom"), width)
    if metric is None and not options.boundary:
        loss_ax = figure.add_axes(box)
        loss_ax.set_xlabel("epoch")
        return [_loss_panel(loss_ax, recording, theme)]
    gap = 0.09 if options.boundary else 0.04  # the boundary panel has axes of its own: room for "epoch"
    half = (height - gap) / 2
    loss_ax = figure.add_axes((left, bottom + half + gap, width, half))
    if options.boundary:
        loss_ax.set_xlabel("epoch", labelpad=1)
        boundary_ax = figure.add_axes((left, bottom, width, half))
        return [_loss_panel(loss_ax, recording, theme),
                BoundaryPanel(boundary_ax, recording, theme) if recording.regions
                else LinearBoundaryPanel(boundary_ax, recording, options.features, theme)]
    lower_ax = figure.add_axes((left, bottom, width, half), sharex=loss_ax)
    loss_ax.tick_params(labelbottom=False)
    lower_ax.set_xlabel("epoch")
    if recording.spread:
        return [_loss_panel(loss_ax, recording, theme),
                SpreadPanel(lower_ax, recording.names, recording.spread["accuracy"], "training accuracy", spe, True,
                            theme, recording.every, higher_is_worse=False)]
    per_step = recording.accuracy if recording.accuracy is not None else np.full_like(recording.loss, np.nan)
    return [_loss_panel(loss_ax, recording, theme),
            CurvePanel(lower_ax, recording.names, per_step,
                       f"training {metric}" + ("" if recording.accuracy is not None else ", per epoch"),
                       spe, history[metric], "acc" in metric, theme, recording.every, diverged_steps(recording))]


def _loss_panel(ax, recording, theme):
    """The training loss per epoch: median and bands over initializations, or one line per path."""
    if recording.spread:
        return SpreadPanel(ax, recording.names, recording.spread["loss"], "training loss",
                           recording.steps_per_epoch, recording.accuracy is not None, theme, recording.every)
    return CurvePanel(ax, recording.names, recording.loss, "training loss", recording.steps_per_epoch,
                      recording.history["loss"], recording.accuracy is not None, theme, recording.every,
                      diverged_steps(recording))


def _legend(figure, recording, theme, scale):
    """The optimizers' legend under the title: one row if it fits, else two (three if long
    labels, e.g. "left the view at step N", need them)."""
    inches = figure.get_figwidth()
    handles = legend_handles(recording, theme)
    characters = sum(len(h.get_label()) for h in handles) * scale
    one_row = len(handles) <= 6 and characters <= 80 * inches / 12.8
    columns = math.ceil(len(handles) / 2)
    rows = math.ceil(len(handles) / columns)  # matplotlib fills the legend column by column
    widest = sum(max(len(h.get_label()) for h in handles[i:i + rows]) + 6 for i in range(0, len(handles), rows)) * scale
    three = not one_row and widest > 92 * inches / 12.8  # between the title and the counter, packed closer
    columns = math.ceil(len(handles) / 3) if three else columns
    figure.legend(handles=handles, loc="center",
                  bbox_to_anchor=(0.5, (0.895 if one_row else 0.905 if three else 0.892) - 0.07 * (scale - 1)),
                  ncol=len(handles) if one_row else columns, frameon=False, borderpad=0 if three else 0.4,
                  handlelength=2.4, columnspacing=1.2, fontsize=(12.5 if one_row else 10.5 if three else 11.5) * scale,
                  labelspacing=0.15 if three else 0.25)


def _end_card(ax, recording, theme):
    """The last frame's statement of what several initializations showed, at the foot of the
    contour panel (the principal plane puts the paths along its middle)."""
    lines = claims(summary(recording))
    text = f"Final loss, {len(recording.spread['seeds'])} initializations:\n" + "\n".join(lines)
    card = ax.text(0.97, 0.03, text, transform=ax.transAxes, ha="right", va="bottom", fontsize="small",
                   multialignment="left", animated=True, visible=False, zorder=10, linespacing=1.35,
                   bbox={"boxstyle": "round,pad=0.45", "facecolor": theme.background,
                         "edgecolor": theme.ink, "alpha": 0.92, "linewidth": 0.8})
    renderer = ax.figure.canvas.get_renderer()
    card.update_bbox_position_size(renderer)
    share = card.get_bbox_patch().get_window_extent(renderer).width / ax.get_window_extent(renderer).width
    if share > 0.94:  # the box, frame and padding included, within the panel
        card.set_fontsize(card.get_fontsize() * 0.94 / share)
    return card


def _inside_left(ax, *others):
    """Move ``ax`` (and ``others`` with it) right if wide tick labels push its y label past the
    figure's left edge."""
    figure = ax.get_figure()
    renderer = figure.canvas.get_renderer()
    overflow = 4 - ax.get_tightbbox(renderer, bbox_extra_artists=[]).x0  # pixels short of a margin (decorations only)
    if overflow > 0:
        for each in (ax, *others):
            box = each.get_position()
            each.set_position((box.x0 + overflow / figure.bbox.width, box.y0, box.width, box.height))


def _fit(text, width=None, height=None):
    """Shrink ``text``'s font until it is at most ``width`` wide and ``height`` high
    (fractions of the figure)."""
    figure = text.get_figure()
    extent = text.get_window_extent(figure.canvas.get_renderer())
    shares = [extent.width / figure.bbox.width / width if width else 0,
              extent.height / figure.bbox.height / height if height else 0]
    if max(shares) > 1:
        text.set_fontsize(text.get_fontsize() / max(shares))


def _style(options):
    """matplotlib settings to lay out and draw the static part in: the theme's colours, text
    sizes times the font scale, and a see-through background if transparent."""
    scale, clear = options.font_scale, (0, 0, 0, 0)
    return matplotlib.rc_context({
        **THEMES[options.theme].rc(),
        **({"figure.facecolor": clear, "axes.facecolor": clear, "savefig.facecolor": clear}
           if options.transparent else {}),
        "font.size": 13 * scale, "axes.labelsize": 13 * scale, "xtick.labelsize": 12 * scale,
        "ytick.labelsize": 12 * scale, "legend.fontsize": 13 * scale,
        "axes.spines.top": False, "axes.spines.right": False,
    })
