"""An image classifier's sample images (one of each class) with what the optimizer in front
predicts for each at the current step: a tick for a right answer, a cross and the true class
for a wrong one (symbols, not colour alone, tell them apart)."""

import math

import matplotlib
import numpy as np

from viz.render.text import fit, short
from viz.render.theme import LIGHT


class PredictionsPanel:
    """The recording's ``samples`` in a strip of small images over ``box`` (figure fractions),
    a heading naming the optimizer shown (the one whose final training loss is lowest, the
    same on every frame) and, under each image, its prediction: a right one in the muted
    colour, a wrong one in bold ink."""

    def __init__(self, figure, box, recording, theme=LIGHT):
        samples = recording.samples
        self.labels, self.predicted = samples["labels"], samples["predicted"]
        self.loss, self.names = recording.loss, recording.names
        count = len(self.labels)
        columns = min(count, 10 if box[2] / box[3] > 4 else 5)
        rows = math.ceil(count / columns)
        left, bottom, width, height = box
        wide, tall = figure.get_figwidth(), figure.get_figheight()  # inches: the images stay square
        points = matplotlib.rcParams["font.size"]
        heading_room = 1.5 * points / 72 / tall  # a line of "medium" text
        answer_room = 1.3 * 0.833 * points / 72 / tall  # a line of "small" text under each image
        cell_w, cell_h = width / columns, (height - heading_room) / rows
        self.shown = self.best(recording.loss)
        self.heading = figure.text(left, bottom + height, "", fontsize="medium", va="top", color=theme.ink,
                                   animated=True)  # (ink: the path colours are for lines, not words)
        self.heading.set_text(self.said(self.shown, count))
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
        self.ink, self.muted = theme.ink, theme.muted

    @staticmethod
    def best(loss):
        """The path whose last finite training loss is the lowest (the first if none is finite)."""
        last = [values[np.isfinite(values)][-1] if np.isfinite(values).any() else np.inf for values in loss]
        return int(np.argmin(last))

    def said(self, path, right):
        """The heading: whose readings are shown, and how many are right."""
        return f"{short(self.names[path], 22)} (lowest final loss): {right} of {len(self.labels)} right"

    @property
    def animated_artists(self):
        return [self.heading, *self.answers]

    def update(self, steps):
        path, step = self.shown, steps[self.shown]
        if step < 0 or not np.isfinite(self.loss[path, step]):
            self.heading.set_text("")
            for answer in self.answers:
                answer.set_text("")
            return
        guesses = self.predicted[path, step]
        right = int((guesses == self.labels).sum())
        self.heading.set_text(self.said(path, right))
        for answer, guess, label in zip(self.answers, guesses, self.labels):
            correct = guess == label
            answer.set_text(f"{guess} \u2713" if correct else f"{guess} \u2717 ({label})")
            answer.set(color=self.muted if correct else self.ink, fontweight="normal" if correct else "bold")
