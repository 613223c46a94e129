"""Options and a recording -> the frame's figure: which panels go where, the title, the
optimizers' legend, the counter and the end card. The one place that decides: a new panel is
a class in :mod:`viz.render.panels` and a line here."""

from typing import NamedTuple

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from viz.divergence import diverged_steps
from viz.errors import OptionError, SpecError
from viz.render.framing import visited_view
from viz.render.panels.boundary import BoundaryPanel, LinearBoundaryPanel
from viz.render.panels.caption import CaptionBand
from viz.render.panels.contour import ContourPanel
from viz.render.panels.curves import ByStart, CurvePanel, SpreadPanel, start_groups
from viz.render.panels.extras import extra_grid, extra_panels, split_below
from viz.render.panels.grid import GridPanel, grid_shape, title_pitch
from viz.render.panels.hidden import HiddenPanel
from viz.render.panels.honesty import PlaneReadout, has_readout
from viz.render.panels.overlays import OverlayPanel
from viz.render.panels.legend import NoLegend, place_legend
from viz.render.panels.notes import key_above, note_above
from viz.render.panels.predictions import under_curves
from viz.render.panels.range_test import fans, refusal
from viz.render.panels.surface3d import SurfacePanel3D
from viz.render.room import PLANS, fits, least, past_right, plans, side_by_side
from viz.render.spacing import ROOM, clear_corners, clear_of, clear_stacked
from viz.render.text import fit, fit_or_drop, overflow
from viz.render.theme import THEMES
from viz.spread import BAND_LABEL, claims, summary

HEIGHT_INCHES = 7.2  # text sizes are relative to this height, so every size looks the same
PATH_VALUE = "f along each path"  # the curves' y label: not the colour bar's "f(x, y)" again beside it


class Layout(NamedTuple):
    """A frame's figure with its panels in place (the paths panel first), the counter (its
    words set per frame), the end card (shown on the last frame; None without one), the
    caption band (None without captions) and the legend's words (set per frame)."""

    figure: Figure
    panels: list
    counter: Text
    end_card: Text | None
    caption: CaptionBand | None
    legend: object


def lay_out(recording, title, options, counter_words, like=(), captions=()):
    """The figure of ``recording`` as the render ``options`` say, its static part drawn (the
    animated artists are left to the frames): on the left the contours (with ``overlays``,
    faded by a ``trail``) or, ``view`` "3d", the surface; on the right :func:`curve_panels`;
    above them the title, the legend and the counter, fitted to ``counter_words`` (the
    longest it will say); the legend is laid out as for the recordings ``like`` too (the other
    parts of one animation); under everything a band for the ``captions`` (texts), if any."""
    check(recording, options)
    width, height = options.output.size
    dpi = height / HEIGHT_INCHES
    with style(options):
        placed, sizes = [], []  # each plan's figure and how it keeps the least sizes, until one keeps them all
        for plan in plans(options, bool(recording.samples)):
            figure = Figure(figsize=(width / dpi, HEIGHT_INCHES), dpi=dpi)
            FigureCanvasAgg(figure)
            placed.append(_place(figure, recording, title, options, counter_words, like, captions, plan))
            sizes.append(fits(figure, options.look.font_scale))
            if sizes[-1] >= 1:
                layout = placed[-1]
                break
        else:  # none does: the first within a pixel of the one that comes nearest (kept, not placed again)
            pixel = 1 / placed[0].figure.bbox.height / least(options.look.font_scale)
            layout = next(layout for layout, size in zip(placed, sizes) if size >= max(sizes) - pixel)
        layout.figure.canvas.draw()  # the static part, once: animated artists are skipped
    return layout


def _place(figure, recording, title, options, counter_words, like=(), captions=(), plan=PLANS[0]):
    """The panels, title, legend, counter, end card and caption band on ``figure`` (see
    :func:`lay_out`), shared as ``plan`` says (:class:`viz.render.room.Plan`)."""
    theme, scale, inches = THEMES[options.look.theme], options.look.font_scale, figure.get_figwidth()
    figure.set_facecolor(matplotlib.rcParams["figure.facecolor"])
    heading = fit(figure.text(0.5, 1 - 0.013 * scale, title, ha="center", va="top", fontsize=19 * scale,
                              fontweight="bold", linespacing=1.1), 0.96, max_lines=2, floor=13)
    alone = not plan.curves and not recording.samples  # the grid without the curves' column (see room.plans)
    if alone:  # its cells' titles name each optimizer and say its loss: a legend would repeat them (its rows: cells')
        below, legend = _bottom(heading) - 0.012, NoLegend()
    else:
        below, legend = place_legend(figure, recording, theme, scale, _bottom(heading) - 0.012, like)
    # Vertically, fractions of the height; horizontally, inches of room that the text needs
    # (left of the contours, and between them and the curves), so any aspect ratio works.
    band = CaptionBand(figure, captions, scale, theme.ink) if captions else None
    readout = (options.look.readout and options.look.view == "2d" and options.layout.layout != "grid"  # under the contours
               and has_readout(recording))
    lines = counter_words.count("\n") + 1  # the clock, and a scheduled rate now under it (one line each)
    ceiling = 0.81 - 0.16 * (scale - 1) if title else 1  # --no-title: the panels take the title's room
    top = min(ceiling, below - 0.065 * scale - 0.034 * scale * (lines - 1))
    bottom = (0.135 if readout else 0.09) * scale + (band.top if band else 0)  # room for the readout and captions
    left, gap = 0.77 * scale, 2.37 * scale
    extras, foot = options.layout.extras, None
    if extras and plan.below:  # the other panels in a row along the frame's foot, under the rest
        bottom += 0.04 * scale if options.look.view == "3d" else 0  # (over the 3D view's note)
        foot = (left / inches, bottom, 0.97 - left / inches, 1.2 * least(scale))  # (room for a line's label in it)
        bottom += foot[3] + 0.14 * scale  # (the x labels above, their titles)
    tall = (top - bottom) * HEIGHT_INCHES
    side = min(tall, 0.97 * inches - left - gap - 0.3 * inches)  # the contour panel's width: at most square
    side *= (1 - 0.15 * max(len(extras) - 1, 0) * (foot is None)) * plan.contour  # panels below the curves: room
    high = min(tall, side) if plan.contour < 1 else tall  # (narrowed for room: square, centred in its height)
    box = (left / inches, bottom + (tall - high) / 2 / HEIGHT_INCHES, side / inches, high / HEIGHT_INCHES)  # its view
    # fills it (see framing)
    right = (left + side + gap) / inches
    if options.layout.layout == "grid":
        right = 0.97 - max(2.3, 0.25 * inches) * min(scale, 1) / inches  # the curves: a narrower column (the grid
        # takes what larger text would add to it: its cells have titles to hold)
        right = 0.97 + (gap - 0.9 * scale) / inches if alone else right  # (alone: room for the colour bar)
        grid = (left / inches, bottom, right - gap / inches - left / inches, top - bottom)
        panels = [_grid(figure, recording, options, theme, grid)]
        past = past_right(panels[0].bar)
        if past > 0:  # the colour bar's tick labels past the frame's edge: the grid again, narrower
            for ax in panels[0].axes:  # (its own: the cells and the colour bar)
                ax.remove()
            panels = [_grid(figure, recording, options, theme, (grid[0], grid[1], grid[2] - past, grid[3]))]
        bar = panels[0].bar
    elif options.look.view == "3d":  # the surface in 3D, over the contour panel's room and its colour bar's
        panels = [SurfacePanel3D(figure, (0.1 * scale / inches, bottom, right - 1.2 * scale / inches, top - bottom),
                                 recording, theme, options.look.camera)]
    else:
        contour_ax = figure.add_axes(box)
        colorbar_ax = figure.add_axes((box[0] + box[2] + 0.15 / inches, box[1], 0.14 / inches, box[3]))
        panels = [ContourPanel(contour_ax, colorbar_ax, recording, theme, options.look.trail)]
        bar = colorbar_ax
        for ax in (contour_ax, colorbar_ax):  # long axis labels (the plane's) within their panel
            fit(ax.yaxis.label, height=ax.get_position().height, max_lines=2)
        fit(contour_ax.xaxis.label, width=contour_ax.get_position().width + box[0], max_lines=2)
        _inside_left(contour_ax, colorbar_ax)
    area, strip = (right, bottom, 0.97 - right, top - bottom - 0.02), []
    if recording.samples:  # an image classifier: its sample images under the curves
        strip, room = under_curves(figure, recording, theme, (right, bottom, 0.97 - right, top - bottom), scale,
                                   plan.strip, plan.samples)
        area = (right, bottom + room, 0.97 - right, top - bottom - 0.02 - room)
    if foot:
        columns, row = len(extras), foot
    elif extras and plan.beside:  # the other panels a column each, beside the curves
        columns = len(extras)
        area, *row = side_by_side(area, columns + 1, 0.85 * scale / inches)
    elif extras:  # the curves on top, the other panels in rows below them
        columns, rows = extra_grid(figure, area, len(options.layout.extras), scale)
        area, row = split_below(area, scale, rows)
    curves = [] if alone else curve_panels(figure, area, recording, options, theme, plan.beside)
    if extras and plan.beside and not foot:  # their tops level with the curves' (the notes above them)
        top_of = max(ax.get_position().y1 for panel in curves for ax in {line.axes for line in panel.lines})
        row = (row[0][0], row[0][1], row[-1][0] + row[-1][2] - row[0][0], top_of - row[0][1])
    for panel in curves:  # long axis labels (a boundary panel's) within their panel, or the frame's right margin
        for ax in {line.axes for line in panel.lines}:
            fit_or_drop(ax.yaxis.label, ax.get_position().height, ", per epoch")  # (the key says History's per epoch)
            fit(ax.xaxis.label, width=ax.get_position().width + 0.05, max_lines=2)
    panels += curves + strip
    if options.layout.extras:
        panels += extra_panels(figure, row, recording, extras, theme, scale, columns, 1.3 if foot else 0.85)
    column = [ax for ax in figure.axes if ax.get_position().x0 >= right - 1e-9]
    if options.look.view == "2d":  # the curves' labels a letter's width from the colour bar's: nearer, the two
        clear_of(figure, [bar], column, max(ROOM, bar.yaxis.label.get_fontsize() * figure.dpi / 72))  # read as one
    renderer = figure.canvas.get_renderer()
    for panel in panels:  # the boxes' widths are final: words placed and sized to them, once
        if hasattr(panel, "after_layout"):
            panel.after_layout(renderer)
    clear_stacked(figure, [ax for ax in figure.axes if ax.name == "rectilinear"] if foot else column)  # (the foot's too)
    if readout:
        box = contour_ax.get_position()
        panels.insert(2 if options.look.overlays else 1,  # the curves stay last, the overlays second
                      PlaneReadout(figure, box.x0, 0.012 + (band.top if band else 0),
                                   0.97 - box.x0 if not options.layout.extras else right - box.x0, recording, theme))
    if options.look.overlays and options.layout.layout != "grid":  # placed once the curves are: its legend keeps clear of them
        panels.insert(1, OverlayPanel(contour_ax, recording, options.look.overlays, theme))
    counter = figure.text(0.97 if alone else right, top + 0.025 * scale, "", fontsize=14 * scale, va="bottom",
                          ha="right" if alone else "left", animated=True)  # (the grid alone: at the right)
    end_card = (_end_card(contour_ax, recording, theme)  # the lesson: always 2D
                if recording.spread and options.layout.layout != "grid" else None)
    counter.set_text(counter_words)
    room = 0.35 if alone else 0.98 - right  # (the grid alone: the key at the left)
    if lines == 1:
        fit(counter, room)
    for _ in range(3):  # the rates' lines as they are, smaller if they must be (their labels are cut short)
        counter.set_fontsize(counter.get_fontsize() / max(1.0, overflow(counter, room)))
    clear_corners(figure)
    return Layout(figure, panels, counter, end_card, band, legend)


def _grid(figure, recording, options, theme, box):
    """Small multiples in ``box`` (fractions of the figure): a contour panel per optimizer on
    one view (widened to the panels' shape), their titles above them, the key above the
    first, tick labels on the outer panels only, the colour bar beside the first row's last."""
    scale, inches = options.look.font_scale, figure.get_figwidth()
    left, bottom, width, height = box
    title, gap = (0.5 * scale + 0.14) / HEIGHT_INCHES, 0.4 * scale / inches  # a title's two lines; between columns
    labels, plane = list(dict.fromkeys(recording.names)), recording.plane

    def shape_of(aspect):
        (x0, x1), (y0, y1) = visited_view(plane, aspect)[0]
        return (x1 - x0) / (y1 - y0)

    rows, columns, cell_w, cell_h, step = grid_shape(len(labels), width * inches, height * HEIGHT_INCHES,
                                                     gap * inches, title * HEIGHT_INCHES, shape_of,
                                                     title_pitch(figure, recording), least(scale) * HEIGHT_INCHES)
    gap = step / inches - cell_w / inches  # (wider between columns where the titles need it)
    view, _ = visited_view(plane, cell_w / cell_h)
    cell_w, cell_h = cell_w / inches, cell_h / HEIGHT_INCHES
    below = bottom + (height - rows * (cell_h + title)) / 2  # the panels' block, centred in the room
    axes = []
    for k in range(len(labels)):
        row, column = divmod(k, columns)
        top = below + rows * (cell_h + title) - (row + 1) * title - row * cell_h
        axes.append(figure.add_axes((left + column * (cell_w + gap), top - cell_h, cell_w, cell_h)))
    first_row = axes[min(columns, len(axes)) - 1].get_position()  # the colour bar: beside its last panel
    beside = max(first_row.x1 + 0.15 / inches, (first_row.x0 + first_row.x1 + step / inches) / 2)  # past the titles
    cax = figure.add_axes((beside, first_row.y0, 0.14 / inches, cell_h))
    panel = GridPanel(axes, cax, recording, theme, view, options.look.trail, options.look.overlays, 1 + title / cell_h,
                      columns)
    corner = (rows - 1) * columns  # the bottom row's first: the x label, centred under the grid
    for k, ax in enumerate(axes):
        if k + columns < len(axes):  # a panel below it: no x tick labels
            ax.tick_params(labelbottom=False)
        if k != corner:
            ax.set_xlabel("")
        else:
            ax.xaxis.label.set_x((columns * cell_w + (columns - 1) * gap) / 2 / cell_w)
            fit(ax.xaxis.label, width=width, max_lines=2)
        if k % columns:
            ax.tick_params(labelleft=False)
        if k:
            ax.set_ylabel("")
        else:  # the y label, centred beside the grid
            middle = below + (rows * cell_h + (rows - 1) * title) / 2
            ax.yaxis.label.set_y((middle - ax.get_position().y0) / cell_h)
            fit(ax.yaxis.label, height=rows * cell_h + (rows - 1) * title, max_lines=2)
    fit(cax.yaxis.label, height=cax.get_position().height, max_lines=2)
    _inside_left(axes[0], *axes[1:], cax)
    return panel


def check(recording, options):
    """Raise :class:`SpecError` if ``recording`` lacks what ``options`` ask to draw: gradients
    for the arrows, a model's decision regions or hidden layer, two learning rates for each
    optimizer of the rates panel. The pipeline refuses each of these before training
    (:mod:`viz.checks`: the problem's ``records_gradients``, ``check`` and ``check_panels``, the
    rates panel's ``check_scene``): no check runs after training; this one guards frames made
    directly from a recording."""
    if "gradient" in options.look.overlays and recording.gradient_on_plane() is None:
        raise OptionError("overlays", "gradient", "this recording has no gradients (its problem records none)")
    if options.layout.boundary and not (recording.regions or recording.data):
        raise SpecError(recording.meta.get("no_regions") or
                        "decision boundaries take the lesson or a keras_model with two inputs")
    if options.layout.hidden and not recording.hidden:
        raise SpecError(recording.meta.get("no_hidden") or "the hidden-layer panel takes a keras_model whose chosen "
                        "layer has two units")
    reason = refusal(fans(recording)) if "rates" in options.layout.extras else ""
    if reason:  # (a scene of fewer than two rates is refused before training: an optimizer setting its own, here)
        raise SpecError(reason)


def curve_panels(figure, box, recording, options, theme, beside=False):
    """The loss and a metric (the lesson's accuracy) against epochs, the loss and decision
    boundaries (``options.layout.boundary``), or the loss per step on a surface; the loss and
    the other side by side if ``beside``, else the loss above it."""
    left, bottom, width, height = box
    if not recording.steps_per_epoch:
        diverged = diverged_steps(recording)
        height -= note_above(figure, box, "the value at each step's point", theme)
        if len(start_groups(recording)) > 1:  # several starts: a panel each, numbered as on the contours
            return [ByStart(figure, (left, bottom, width, height - 0.03), recording, PATH_VALUE, theme, diverged)]
        ax = figure.add_axes((left, bottom, width, height))
        ax.set_xlabel("step")
        return [CurvePanel(ax, recording.names, recording.loss, PATH_VALUE, theme=theme, diverged=diverged)]
    spe, history = recording.steps_per_epoch, recording.history
    # the lesson's per-step accuracy, or a model's first own metric (known per epoch only)
    metric = "accuracy" if recording.accuracy is not None else next(
        (key for key in history if key != "loss" and not key.startswith("val_")), None)
    if recording.spread and "accuracy" not in recording.spread:
        metric = None  # a model's own metric is known per epoch of the main run only: the loss alone
    drawn = "each step" if recording.every == 1 else f"every {recording.every} steps"
    coarse = f"contours: a {recording.meta.get('grid')}x{recording.meta.get('grid')} grid (time budget)" \
        if "grid" in recording.meta.get("reduced", ()) else ""  # the time budget made the loss grid coarse: say so
    if options.layout.extras:
        metric = None  # other panels below: the loss alone here
    # History's markers: at epoch ends, or on a metric known per epoch only (a full batch's loss: its line says it)
    marked = spe != 1 or (metric is not None and recording.accuracy is None
                          and not (options.layout.boundary or options.layout.hidden))
    if recording.spread:
        height -= note_above(figure, box, f"lines: median of {len(recording.spread['seeds'])} initializations, "
                                     f"bands: {BAND_LABEL}", theme)
    else:  # what the lines and the markers are (an epoch's mean over its batches sits above the line)
        height -= key_above(figure, box, [(Line2D([], [], color=theme.ink, linewidth=1.6),
                                      f"all training rows, after {drawn}"),
                                     *([(Line2D([], [], color=theme.ink, marker="D", markersize=6, linestyle="none"),
                                         "Keras History: the mean over each epoch's batches")] if marked else []),
                                     *([(Line2D([], [], alpha=0), coarse)] if coarse else [])], theme)
    box = (left, bottom, width, height)
    if metric is None and not (options.layout.boundary or options.layout.hidden):
        loss_ax = figure.add_axes(box)
        loss_ax.set_xlabel("epoch")
        return [_loss_panel(loss_ax, recording, theme)]
    data_panel = options.layout.boundary or options.layout.hidden  # a panel with axes of its own below the loss: room for "epoch"
    gap = 0.09 * options.look.font_scale if data_panel else 0.04
    half = (height - gap) / 2
    if beside:  # the loss on the left, the other panel on the right (room between them for its y label)
        loss_box, other_box = side_by_side(box, 2, 0.85 * options.look.font_scale / figure.get_figwidth())
        loss_ax = figure.add_axes(loss_box)
    else:
        loss_ax = figure.add_axes((left, bottom + half + gap, width, half))
    if data_panel:  # the data's panel the larger share: its key takes its top, its scales are equal
        lower = (height - gap) * 0.58
        if not beside:
            loss_ax.set_position((left, bottom + lower + gap, width, height - gap - lower))
        loss_ax.set_xlabel("epoch", labelpad=4)  # (clear of its tick labels, in a PDF too)
        boundary_ax = figure.add_axes(other_box if beside else (left, bottom, width, lower))
        data = (HiddenPanel(boundary_ax, recording, theme) if options.layout.hidden
                else BoundaryPanel(boundary_ax, recording, theme) if recording.regions
                else LinearBoundaryPanel(boundary_ax, recording, options.layout.features, theme))
        boundary_ax.xaxis.labelpad = max(boundary_ax.xaxis.labelpad, 4)  # (its x label clear of its tick labels)
        return [_loss_panel(loss_ax, recording, theme), data]
    lower_ax = figure.add_axes(other_box if beside else (left, bottom, width, half), sharex=loss_ax)
    loss_ax.tick_params(labelbottom=beside)
    lower_ax.set_xlabel("epoch")
    if beside:
        loss_ax.set_xlabel("epoch")
    if recording.spread:
        return [_loss_panel(loss_ax, recording, theme),
                SpreadPanel(lower_ax, recording.names, recording.spread["accuracy"], "training accuracy", spe, True,
                            theme, recording.optimizer_steps, higher_is_worse=False)]
    per_step = recording.accuracy if recording.accuracy is not None else np.full_like(recording.loss, np.nan)
    return [_loss_panel(loss_ax, recording, theme),
            CurvePanel(lower_ax, recording.names, per_step,
                       f"training {metric}" + ("" if recording.accuracy is not None else ", per epoch"),
                       spe, history[metric], "acc" in metric, theme, recording.optimizer_steps, diverged_steps(recording),
                       recording.epoch)]


def _loss_panel(ax, recording, theme):
    """The training loss per epoch: median and bands over initializations, or one line per path."""
    if recording.spread:
        return SpreadPanel(ax, recording.names, recording.spread["loss"], "training loss",
                           recording.steps_per_epoch, recording.accuracy is not None, theme, recording.optimizer_steps)
    return CurvePanel(ax, recording.names, recording.loss, "training loss", recording.steps_per_epoch,
                      recording.history["loss"], recording.accuracy is not None, theme, recording.optimizer_steps,
                      diverged_steps(recording), recording.epoch)


def _bottom(text):
    """The bottom of ``text``, as a fraction of the figure's height."""
    figure = text.get_figure()
    return text.get_window_extent(figure.canvas.get_renderer()).y0 / figure.bbox.height


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
    margin = 4 + 0.3 * ax.yaxis.label.get_fontsize() * figure.dpi / 72  # a reader's box of a letter is its font's
    # whole height, the decorations only; get_tightbbox sets the ticks as drawn: no draw pass here
    overflow = margin - ax.get_tightbbox(renderer, bbox_extra_artists=[]).x0
    if overflow > 0:
        for each in (ax, *others):  # as placed, not as a draw left them (a colour bar shortened for its
            box = each.get_position(original=True)  # extensions would be shortened twice)
            each.set_position((box.x0 + overflow / figure.bbox.width, box.y0, box.width, box.height))


def style(options):
    """matplotlib settings to lay out and draw the static part in: the theme's colours, text
    sizes times the font scale, and a see-through background if transparent."""
    scale, clear = options.look.font_scale, (0, 0, 0, 0)
    return matplotlib.rc_context({
        **THEMES[options.look.theme].rc(),
        **({"figure.facecolor": clear, "axes.facecolor": clear, "savefig.facecolor": clear}
           if options.output.transparent else {}),
        "font.size": 13 * scale, "axes.labelsize": 13 * scale, "xtick.labelsize": 12 * scale,
        "ytick.labelsize": 12 * scale, "legend.fontsize": 13 * scale,
        "axes.spines.top": False, "axes.spines.right": False,
    })
