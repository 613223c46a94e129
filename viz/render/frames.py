"""The frame loop: the figure's static part is drawn once; each frame restores it, moves the
animated artists to one step and draws only those (matplotlib's blitting recipe)."""

import math

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from viz.store.atomic import atomic_path
from viz.errors import SpecError
from viz.render.panels import (LESSON_FEATURES, BoundaryPanel, ContourPanel, CurvePanel, LinearBoundaryPanel,
                               SpreadPanel, legend_handles)
from viz.render.surface3d import SurfacePanel3D, refuse_unless_surface
from viz.render.teaching import OverlayPanel
from viz.render.theme import LIGHT
from viz.spread import BAND_LABEL, claims, summary

HEIGHT_INCHES = 7.2  # text sizes are relative to this height, so every size looks the same


class Frames:
    """The animation of a recording: one frame per recorded step, or per row of ``steps``:
    [frames] (every path at that step) or [frames, n_paths] (each path at its own step, -1 for
    not shown yet: see :func:`viz.render.teaching.sequence_steps`).

    ``frames[i]`` is the [height, width, 4] uint8 RGBA picture after the ``i``-th of those
    steps. It is a view of the canvas: valid until the next frame is drawn (copy it to keep it).
    ``overlays``: arrows on the contour panel ("gradient", "step"); ``trail``: the number of
    recent steps drawn strong, older parts fading (None: whole paths). ``view`` "3d" draws a
    surface scene's left panel as a 3D surface, from ``camera`` (elevation, azimuth; None:
    the surface's default).
    """

    def __init__(self, recording, title, size=(1280, 720), steps=None, theme=LIGHT, font_scale=1.0,
                 transparent=False, boundary=False, features=LESSON_FEATURES, view="2d", camera=None, overlays=(),
                 trail=None):
        steps = np.arange(recording.steps + 1) if steps is None else np.asarray(steps, dtype=int)
        self.steps = steps if steps.ndim == 2 else np.repeat(steps[:, None], len(recording.names), axis=1)
        if "gradient" in overlays and recording.grads is None:
            raise SpecError("this recording has no gradients (recorded by an older viz): record it again "
                            "for --overlays gradient")
        self.recording, self.theme = recording, theme
        if boundary and not (recording.regions or recording.data):
            raise SpecError(recording.meta.get("no_regions") or
                            "decision boundaries take the lesson or a keras_model with two inputs")
        self.boundary = boundary  # the lower right panel: decision boundaries instead of accuracy
        self.features = features  # the lesson's boundary panel: two feature names, or ("pca",)
        if view == "3d":
            refuse_unless_surface(recording)
        width, height = size
        dpi = height / HEIGHT_INCHES
        inches = width / dpi  # the figure's width; its height is HEIGHT_INCHES
        self.figure = figure = Figure(figsize=(inches, HEIGHT_INCHES), dpi=dpi)
        self.canvas = FigureCanvasAgg(figure)
        scale = font_scale  # of every text
        with _style(theme, scale, transparent):
            figure.set_facecolor(matplotlib.rcParams["figure.facecolor"])
            _fit(figure.text(0.5, 1 - 0.035 * scale, title, ha="center", va="center", fontsize=19 * scale,
                             fontweight="bold"), 0.96)
            handles = legend_handles(recording, theme)
            characters = sum(len(h.get_label()) for h in handles) * scale
            one_row = len(handles) <= 6 and characters <= 80 * inches / 12.8
            figure.legend(handles=handles, loc="center", bbox_to_anchor=(0.5, (0.895 if one_row else 0.892) - 0.07 * (scale - 1)),
                          ncol=len(handles) if one_row else math.ceil(len(handles) / 2), frameon=False,
                          handlelength=2.4, columnspacing=1.2, fontsize=(12.5 if one_row else 11.5) * scale,
                          labelspacing=0.25)
            # Vertically, fractions of the height; horizontally, inches of room that the text needs
            # (left of the contours, and between them and the curves), so any aspect ratio works.
            top, bottom = 0.81 - 0.16 * (scale - 1), 0.09 * scale
            left, gap = 0.77 * scale, 2.37 * scale
            tall = (top - bottom) * HEIGHT_INCHES
            side = min(tall, 0.97 * inches - left - gap - 0.3 * inches)  # the contour panel's room is square
            lift = (tall - side) / 2 / HEIGHT_INCHES
            box = (left / inches, bottom + lift, side / inches, side / HEIGHT_INCHES)
            right = (left + side + gap) / inches
            if view == "3d":  # the surface in 3D, over the contour panel's room and its colour bar's
                self.panels = [SurfacePanel3D(figure, (0.1 * scale / inches, bottom, right - 1.2 * scale / inches,
                                                       top - bottom), recording, theme, camera)]
            else:
                contour_ax = figure.add_axes(box)
                colorbar_ax = figure.add_axes((box[0] + box[2] + 0.15 / inches, box[1], 0.14 / inches, box[3]))
                self.panels = [ContourPanel(contour_ax, colorbar_ax, recording, theme, trail)]
                for ax in (contour_ax, colorbar_ax):  # long axis labels (the plane's) within their panel
                    _fit(ax.yaxis.label, height=ax.get_position().height)
                _fit(contour_ax.xaxis.label, width=contour_ax.get_position().width + box[0])
                _inside_left(contour_ax, colorbar_ax)
            curves = self._curve_panels(figure, (right, bottom, 0.97 - right, top - bottom - 0.02))
            for panel in curves:  # long axis labels (a boundary panel's) within their panel
                for ax in {line.axes for line in panel.lines}:
                    _fit(ax.yaxis.label, height=ax.get_position().height)
            self.panels += curves
            if overlays:  # placed once the curves are: its legend keeps clear of them
                self.panels.insert(1, OverlayPanel(contour_ax, recording, overlays, theme))
            self.counter = figure.text(right, top + 0.025 * scale, "", fontsize=14 * scale, va="bottom", animated=True)
            self.end_card = self._end_card(contour_ax) if recording.spread else None  # the lesson: always 2D
            self.counter.set_text(max(map(self.counter_text, self.steps), key=len))  # the longest, to fit once
            for _ in range(3):  # text width is not quite proportional to the font size: again until it fits
                _fit(self.counter, 0.98 - right)
            self.canvas.draw()  # the static part, once: animated artists are skipped
        self.background = self.canvas.copy_from_bbox(figure.bbox)
        artists = [artist for panel in self.panels for artist in panel.animated_artists] + [self.counter]
        artists += [self.end_card] if self.end_card else []
        self.artists = sorted(artists, key=lambda artist: artist.get_zorder())  # as a full redraw layers them

    def _end_card(self, ax):
        """The last frame's statement of what several initializations showed, at the foot of the
        contour panel (the principal plane puts the paths along its middle)."""
        lines = claims(summary(self.recording))
        text = f"Final loss, {len(self.recording.spread['seeds'])} initializations:\n" + "\n".join(lines)
        card = ax.text(0.97, 0.03, text, transform=ax.transAxes, ha="right", va="bottom", fontsize="small",
                       multialignment="left", animated=True, visible=False, zorder=10, linespacing=1.35,
                       bbox={"boxstyle": "round,pad=0.45", "facecolor": self.theme.background,
                             "edgecolor": self.theme.ink, "alpha": 0.92, "linewidth": 0.8})
        renderer = self.canvas.get_renderer()
        card.update_bbox_position_size(renderer)
        share = card.get_bbox_patch().get_window_extent(renderer).width / ax.get_window_extent(renderer).width
        if share > 0.94:  # the box, frame and padding included, within the panel
            card.set_fontsize(card.get_fontsize() * 0.94 / share)
        return card

    def _curve_panels(self, figure, box):
        """The loss and a metric (the lesson's accuracy) against epochs, the loss and decision
        boundaries, or the loss per step on a surface."""
        recording = self.recording
        left, bottom, width, height = box
        if not recording.steps_per_epoch:
            ax = figure.add_axes(box)
            ax.set_xlabel("step")
            _fit(figure.text(left, bottom + height + 0.01, "the value at each step's point", fontsize="small",
                             color=self.theme.muted, va="bottom"), width)
            return [CurvePanel(ax, recording.names, recording.loss, "f(x, y)", theme=self.theme)]
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
        _fit(figure.text(left, bottom + height + 0.01, note, fontsize="small", color=self.theme.muted, va="bottom"),
             width)
        if metric is None and not self.boundary:
            loss_ax = figure.add_axes(box)
            loss_ax.set_xlabel("epoch")
            return [self._loss_panel(loss_ax)]
        gap = 0.09 if self.boundary else 0.04  # the boundary panel has axes of its own: room for "epoch"
        half = (height - gap) / 2
        loss_ax = figure.add_axes((left, bottom + half + gap, width, half))
        if self.boundary:
            loss_ax.set_xlabel("epoch", labelpad=1)
            boundary_ax = figure.add_axes((left, bottom, width, half))
            return [self._loss_panel(loss_ax),
                    BoundaryPanel(boundary_ax, recording, self.theme) if recording.regions
                    else LinearBoundaryPanel(boundary_ax, recording, self.features, self.theme)]
        lower_ax = figure.add_axes((left, bottom, width, half), sharex=loss_ax)
        loss_ax.tick_params(labelbottom=False)
        lower_ax.set_xlabel("epoch")
        if recording.spread:
            return [self._loss_panel(loss_ax),
                    SpreadPanel(lower_ax, recording.names, recording.spread["accuracy"], "training accuracy", spe, True,
                                self.theme, recording.every, higher_is_worse=False)]
        per_step = recording.accuracy if recording.accuracy is not None else np.full_like(recording.loss, np.nan)
        return [self._loss_panel(loss_ax),
                CurvePanel(lower_ax, recording.names, per_step,
                           f"training {metric}" + ("" if recording.accuracy is not None else ", per epoch"),
                           spe, history[metric],
                           "acc" in metric, self.theme, recording.every)]

    def _loss_panel(self, ax):
        recording = self.recording
        if recording.spread:
            return SpreadPanel(ax, recording.names, recording.spread["loss"], "training loss",
                               recording.steps_per_epoch, recording.accuracy is not None, self.theme, recording.every)
        return CurvePanel(ax, recording.names, recording.loss, "training loss", recording.steps_per_epoch,
                          recording.history["loss"], recording.accuracy is not None, self.theme, recording.every)

    def __len__(self):
        return len(self.steps)

    def counter_text(self, steps):
        """The counter's words at ``steps`` (one per path): "epoch 3 / 5    step 150 / 300" or
        "step 150 / 300"; when the paths are at different steps (a sequence), the last optimizer
        shown and its step: "Adam: step 150 / 300" (its epoch is where its curve ends)."""
        spe, every = self.recording.steps_per_epoch, self.recording.every
        steps = np.atleast_1d(steps)
        last, step = running(steps)
        step, total = step * every, self.recording.steps * every
        if not (steps == steps[0]).all():
            return f"{self.recording.names[last]}: step {step} / {total}"
        if not spe:
            return f"step {step} / {total}"
        return f"epoch {math.ceil(step / spe)} / {math.ceil(total / spe)}    step {step} / {total}"

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"frame {index} of {len(self)}")
        steps = self.steps[index]
        self.canvas.restore_region(self.background)
        for panel in self.panels:
            panel.update(steps)
        self.counter.set_text(self.counter_text(steps))
        if self.end_card:
            self.end_card.set_visible(index == len(self) - 1)
        for artist in self.artists:
            self.figure.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba())

    def save_vector(self, path, fmt):
        """Write the last frame as SVG or PDF, every line and letter as vectors (for Beamer and
        print): the animated artists become ordinary ones for this one full draw."""
        self[len(self) - 1]
        for artist in self.artists:
            artist.set_animated(False)
        with atomic_path(path) as temporary:
            self.figure.savefig(temporary, format=fmt, facecolor=self.figure.get_facecolor())

    def __iter__(self):
        return (self[index] for index in range(len(self)))


def running(steps):
    """The last path shown at ``steps`` (one per path, -1 for not shown yet) and its recorded
    step: in a sequence, the optimizer that is running; (0, 0) before any is shown."""
    shown = np.flatnonzero(steps >= 0)
    return (int(shown[-1]), int(steps[shown[-1]])) if shown.size else (0, 0)


class Joined:
    """Animations (:class:`Frames`) one after the other, each but the last ending with its last
    frame repeated ``pause`` times; one part behaves as that part alone."""

    def __init__(self, parts, pause=0):
        self.parts, self.pause = parts, pause

    @property
    def steps(self):
        """The recorded step each frame shows."""
        held = [np.concatenate([part.steps, np.repeat(part.steps[-1:], self.pause, axis=0)])
                for part in self.parts[:-1]]
        return np.concatenate([*held, self.parts[-1].steps])

    def __len__(self):
        return sum(len(part) for part in self.parts) + self.pause * (len(self.parts) - 1)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"frame {index} of {len(self)}")
        for part in self.parts[:-1]:
            if index < len(part) + self.pause:
                return part[min(index, len(part) - 1)]
            index -= len(part) + self.pause
        return self.parts[-1][index]

    def __iter__(self):
        return (self[index] for index in range(len(self)))

    def save_vector(self, path, fmt):
        """The last part's last frame as SVG or PDF (see :meth:`Frames.save_vector`)."""
        self.parts[-1].save_vector(path, fmt)


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


def _style(theme, scale, transparent):
    """matplotlib settings for the static part: the theme's colours, text sizes times
    ``scale``, and a see-through background if ``transparent``."""
    clear = (0, 0, 0, 0)
    return matplotlib.rc_context({
        **theme.rc(),
        **({"figure.facecolor": clear, "axes.facecolor": clear, "savefig.facecolor": clear} if transparent else {}),
        "font.size": 13 * scale, "axes.labelsize": 13 * scale, "xtick.labelsize": 12 * scale,
        "ytick.labelsize": 12 * scale, "legend.fontsize": 13 * scale,
        "axes.spines.top": False, "axes.spines.right": False,
    })
