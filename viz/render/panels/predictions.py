"""An image classifier's sample images (one of each class) with what the optimizer in front
predicts for each at the current step: a tick for a right answer, a cross and the true class
for a wrong one (symbols, not colour alone, tell them apart)."""

import math

import matplotlib
import numpy as np

from viz.render.panels.paths import path_styles
from viz.render.text import fit, short
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
        wide, tall = figure.get_figwidth(), figure.get_figheight()  # inches: the images stay square
        points = matplotlib.rcParams["font.size"]
        heading_room = 1.5 * points / 72 / tall  # a line of "medium" text
        answer_room = 1.3 * 0.833 * points / 72 / tall  # a line of "small" text under each image
        cell_w, cell_h = width / columns, (height - heading_room) / rows
        self.heading = figure.text(left, bottom + height, "", fontsize="medium", va="top", color=theme.ink,
                                   animated=True)
        self.heading.set_text(max((self.said(path, count) for path in range(len(self.names))), key=len))
        fit(self.heading, width, max_lines=1)  # the font size that fits the longest heading it will show
        self.heading.set_text("")
        side = max(min(cell_w * 0.8 * wide, (cell_h - answer_room) * 0.92 * tall), 0.05)  # inches
        self.answers = []
        for index, image in enumerate(samples["images"]):
            row, column = divmod(index, columns)
            x0, top = left + column * cell_w, bottom + height - heading_room - row * cell_h
            ax = figure.add_axes((x0 + (cell_w - side / wide) / 2, top - side / tall, side / wide, side / tall))
            ax.imshow(image, cmap="gray_r" if theme.name == "light" else "gray", vmin=0, vmax=1,
                      interpolation="nearest")
            ax.set_axis_off()
            self.answers.append(figure.text(x0 + cell_w / 2, top - side / tall, "", ha="center", va="top",
                                            fontsize="small", color=theme.ink, animated=True))

    def said(self, path, right):
        """The heading: whose readings are shown, and how many are right."""
        return f"{short(self.names[path], 22)} (lowest loss now): {right} of {len(self.labels)} right"

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
        self.heading.set_text(self.said(path, right))
        self.heading.set_color(self.colours[path])
        for answer, guess, label in zip(self.answers, guesses, self.labels):
            answer.set_text(f"{guess} \u2713" if guess == label else f"{guess} \u2717 ({label})")
