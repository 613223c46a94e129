"""The frame loop: the figure's static part is drawn once; each frame restores it, moves the
animated artists to one step and draws only those (matplotlib's blitting recipe)."""

import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from viz.render.panels import ContourPanel, CurvePanel, legend_handles

HEIGHT_INCHES = 7.2  # text sizes are relative to this height, so every size looks the same


def frame_steps(steps, max_frames):
    """The recorded steps that become frames: all ``steps + 1`` of them, or ``max_frames``
    spread evenly from the start to the last step (both always included)."""
    if steps + 1 <= max_frames:
        return np.arange(steps + 1)
    return np.unique(np.round(np.linspace(0, steps, max_frames)).astype(int))


class Frames:
    """The animation of a recording: one frame per recorded step, or per step of ``steps``.

    ``frames[i]`` is the [height, width, 4] uint8 RGBA picture after the ``i``-th of those
    steps. It is a view of the canvas: valid until the next frame is drawn (copy it to keep it).
    """

    def __init__(self, recording, title, size=(1280, 720), steps=None):
        self.steps = np.arange(recording.steps + 1) if steps is None else np.asarray(steps)
        width, height = size
        dpi = height / HEIGHT_INCHES
        self.figure = figure = Figure(figsize=(width / dpi, HEIGHT_INCHES), dpi=dpi, facecolor="white")
        self.canvas = FigureCanvasAgg(figure)
        self.recording = recording
        with _text_sizes():
            figure.text(0.5, 0.965, title, ha="center", va="center", fontsize=19, fontweight="bold")
            handles = legend_handles(recording)
            one_row = len(handles) <= 6 and sum(len(h.get_label()) for h in handles) <= 80
            figure.legend(handles=handles, loc="center", bbox_to_anchor=(0.5, 0.895 if one_row else 0.892),
                          ncol=len(handles) if one_row else math.ceil(len(handles) / 2), frameon=False,
                          handlelength=2.4, columnspacing=1.2, fontsize=12.5 if one_row else 11.5,
                          labelspacing=0.25)
            aspect = width / height
            left = 0.06 * 16 / 9 / aspect
            side = 0.72 * HEIGHT_INCHES / (width / dpi)  # the contour panel's room is square
            contour_ax = figure.add_axes((left, 0.09, side, 0.72))
            colorbar_ax = figure.add_axes((left + side + 0.012, 0.09, 0.011, 0.72))
            right = left + side + 0.185
            self.panels = [ContourPanel(contour_ax, colorbar_ax, recording)]
            self.panels += self._curve_panels(figure, (right, 0.09, 0.97 - right, 0.70))
            self.counter = figure.text(right, 0.835, "", fontsize=14, va="bottom", animated=True)
            self.canvas.draw()  # the static part, once: animated artists are skipped
        self.background = self.canvas.copy_from_bbox(figure.bbox)
        self.artists = [artist for panel in self.panels for artist in panel.animated_artists] + [self.counter]

    def _curve_panels(self, figure, box):
        """The lesson's loss and accuracy against epochs, or the loss per step on a surface."""
        recording = self.recording
        left, bottom, width, height = box
        if not recording.steps_per_epoch:
            ax = figure.add_axes(box)
            ax.set_xlabel("step")
            figure.text(left, bottom + height + 0.01, "the value at each step's point", fontsize=10,
                        color="#555555", va="bottom")
            return [CurvePanel(ax, recording.names, recording.loss, "f(x, y)")]
        half = (height - 0.04) / 2
        loss_ax = figure.add_axes((left, bottom + half + 0.04, width, half))
        accuracy_ax = figure.add_axes((left, bottom, width, half), sharex=loss_ax)
        loss_ax.tick_params(labelbottom=False)
        accuracy_ax.set_xlabel("epoch")
        figure.text(left, bottom + height + 0.01, "lines: every step, all training rows    markers: Keras History",
                    fontsize=10, color="#555555", va="bottom")
        spe, history = recording.steps_per_epoch, recording.history
        return [
            CurvePanel(loss_ax, recording.names, recording.loss, "training loss", spe, history["loss"], True),
            CurvePanel(accuracy_ax, recording.names, recording.accuracy, "training accuracy", spe,
                       history["accuracy"], True),
        ]

    def __len__(self):
        return len(self.steps)

    def _counter_text(self, step):
        spe, steps = self.recording.steps_per_epoch, self.recording.steps
        if not spe:
            return f"step {step} / {steps}"
        return f"epoch {math.ceil(step / spe)} / {math.ceil(steps / spe)}    step {step} / {steps}"

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"frame {index} of {len(self)}")
        step = int(self.steps[index])
        self.canvas.restore_region(self.background)
        for panel in self.panels:
            panel.update(step)
        self.counter.set_text(self._counter_text(step))
        for artist in self.artists:
            self.figure.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba())

    def __iter__(self):
        return (self[index] for index in range(len(self)))


def _text_sizes():
    import matplotlib

    return matplotlib.rc_context({
        "font.size": 13, "axes.labelsize": 13, "xtick.labelsize": 12, "ytick.labelsize": 12,
        "legend.fontsize": 13, "axes.spines.top": False, "axes.spines.right": False,
    })
