"""The frame loop: the figure's static part is drawn once; each frame restores it, moves the
animated artists to one step and draws only those (matplotlib's blitting recipe)."""

import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from viz.render.panels import ContourPanel, CurvePanel, legend_handles

HEIGHT_INCHES = 7.2  # text sizes are relative to this height, so every size looks the same


class Frames:
    """The animation of a lesson recording: ``len(frames)`` frames, one per recorded step.

    ``frames[i]`` is the [height, width, 4] uint8 RGBA picture after step ``i``. It is a view of
    the canvas: valid until the next frame is drawn (copy it to keep it).
    """

    def __init__(self, recording, title, size=(1280, 720)):
        width, height = size
        dpi = height / HEIGHT_INCHES
        self.figure = figure = Figure(figsize=(width / dpi, HEIGHT_INCHES), dpi=dpi, facecolor="white")
        self.canvas = FigureCanvasAgg(figure)
        self.recording = recording
        with _text_sizes():
            figure.text(0.5, 0.965, title, ha="center", va="center", fontsize=19, fontweight="bold")
            figure.legend(handles=legend_handles(recording.names), loc="center", bbox_to_anchor=(0.5, 0.895),
                          ncol=len(recording.names), frameon=False, handlelength=2.4, columnspacing=1.2,
                          fontsize=12.5)
            aspect = width / height
            left = 0.06 * 16 / 9 / aspect
            side = 0.72 * HEIGHT_INCHES / (width / dpi)  # the contour panel is square
            contour_ax = figure.add_axes((left, 0.09, side, 0.72))
            colorbar_ax = figure.add_axes((left + side + 0.012, 0.09, 0.011, 0.72))
            right = left + side + 0.15
            loss_ax = figure.add_axes((right, 0.46, 0.985 - right, 0.33))
            accuracy_ax = figure.add_axes((right, 0.09, 0.985 - right, 0.33), sharex=loss_ax)
            loss_ax.tick_params(labelbottom=False)
            accuracy_ax.set_xlabel("epoch")
            spe = recording.steps_per_epoch
            self.panels = [
                ContourPanel(contour_ax, colorbar_ax, recording),
                CurvePanel(loss_ax, recording.loss, recording.history["loss"], spe, "training loss"),
                CurvePanel(accuracy_ax, recording.accuracy, recording.history["accuracy"], spe, "training accuracy"),
            ]
            figure.text(right, 0.8, "lines: every step, all training rows    markers: Keras History",
                        fontsize=10, color="#555555", va="bottom")
            self.counter = figure.text(right, 0.84, "", fontsize=14, va="bottom", animated=True)
            self.canvas.draw()  # the static part, once: animated artists are skipped
        self.background = self.canvas.copy_from_bbox(figure.bbox)
        self.artists = [artist for panel in self.panels for artist in panel.animated_artists] + [self.counter]

    def __len__(self):
        return self.recording.steps + 1

    def _counter_text(self, step):
        spe, steps = self.recording.steps_per_epoch, self.recording.steps
        epochs = math.ceil(steps / spe)
        return f"epoch {math.ceil(step / spe)} / {epochs}    step {step} / {steps}"

    def __getitem__(self, step):
        if not 0 <= step < len(self):
            raise IndexError(f"frame {step} of {len(self)}")
        self.canvas.restore_region(self.background)
        for panel in self.panels:
            panel.update(step)
        self.counter.set_text(self._counter_text(step))
        for artist in self.artists:
            self.figure.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba())

    def __iter__(self):
        return (self[step] for step in range(len(self)))


def _text_sizes():
    import matplotlib

    return matplotlib.rc_context({
        "font.size": 13, "axes.labelsize": 13, "xtick.labelsize": 12, "ytick.labelsize": 12,
        "legend.fontsize": 13, "axes.spines.top": False, "axes.spines.right": False,
    })
