"""An image classifier's sample images (one of each class) with what the optimizer in front
predicts for each at the current step: a tick for a right answer, a cross and the true class
for a wrong one (symbols, not colour alone, tell them apart)."""

import math

import numpy as np

from viz.render.panels.paths import path_styles
from viz.render.text import short
from viz.render.theme import LIGHT


class PredictionsPanel:
    """The recording's ``samples`` in a strip of small images over ``box`` (figure fractions),
    a heading naming the optimizer in front (the lowest training loss at the step) and, under
    each image, its prediction."""

    def __init__(self, figure, box, recording, theme=LIGHT):
        samples = recording.samples
        self.labels, self.predicted = samples["labels"], samples["predicted"]
        self.loss, self.names = recording.loss, recording.names
        self.colours = [style["color"] for style in path_styles(recording.names, theme)]
        count = len(self.labels)
        columns = min(count, 10 if box[2] / box[3] > 4 else 5)
        rows = math.ceil(count / columns)
        left, bottom, width, height = box
        heading_room = 0.045
        cell_w, cell_h = width / columns, (height - heading_room) / rows
        self.heading = figure.text(left, bottom + height, "", fontsize="medium", va="top", color=theme.ink,
                                   animated=True)
        self.answers = []
        for index, image in enumerate(samples["images"]):
            row, column = divmod(index, columns)
            x0, y0 = left + column * cell_w, bottom + height - heading_room - (row + 1) * cell_h
            side = min(cell_w * 0.8 * figure.get_figwidth(), cell_h * 0.55 * figure.get_figheight())
            ax = figure.add_axes((x0 + (cell_w - side / figure.get_figwidth()) / 2,
                                  y0 + cell_h - 0.01 - side / figure.get_figheight(),
                                  side / figure.get_figwidth(), side / figure.get_figheight()))
            ax.imshow(image, cmap="gray_r" if theme.name == "light" else "gray", vmin=0, vmax=1,
                      interpolation="nearest")
            ax.set_axis_off()
            self.answers.append(figure.text(x0 + cell_w / 2, y0 + 0.005, "", ha="center", va="bottom",
                                            fontsize="small", color=theme.ink, animated=True))

    @property
    def animated_artists(self):
        return [self.heading, *self.answers]

    def front(self, steps):
        """The path with the lowest finite loss at its current step, or None."""
        shown = [(self.loss[path, step], path) for path, step in enumerate(steps)
                 if step >= 0 and np.isfinite(self.loss[path, step])]
        return min(shown)[1] if shown else None

    def update(self, steps):
        path = self.front(steps)
        if path is None:
            self.heading.set_text("")
            for answer in self.answers:
                answer.set_text("")
            return
        step = steps[path]
        guesses = self.predicted[path, step]
        right = int((guesses == self.labels).sum())
        self.heading.set_text(f"{short(self.names[path], 22)} (lowest loss now): {right} of {len(self.labels)} right")
        self.heading.set_color(self.colours[path])
        for answer, guess, label in zip(self.answers, guesses, self.labels):
            answer.set_text(f"{guess} \u2713" if guess == label else f"{guess} \u2717 ({label})")
