"""An image classifier's sample images (one of each class) with what the optimizer in front
predicts for each at the current step: a tick for a right answer, a cross and the true class
for a wrong one (symbols, not colour alone, tell them apart)."""

import math

import matplotlib
import numpy as np

from viz.render.room import LEAST_IMAGE
from viz.render.text import fit, lines, overflow, short
from viz.render.theme import LIGHT


def under_curves(figure, recording, theme, column, scale, one_row=False, shown=True):
    """The sample images of ``recording`` at the foot of the curves' room (or, not ``shown``, a
    note there saying they were left out: no room for them).

    Args:
        figure: the frame's figure.
        recording: an image classifier's recording (with ``samples``).
        theme: the frame's theme.
        column: (left, bottom, width, height) of the curves' room (their x labels under its bottom).
        scale: the font scale.
        one_row: ten images a row, as high as images of 1.2 times their least side need, from
            just over the readout; else two rows of five over 38% of the room.
        shown: False: no images, only a muted note in their place, so that the curves keep their
            least size where the images and the curves cannot both have theirs.

    Returns:
        ([the :class:`PredictionsPanel`], how much higher the curves' bottom goes).
    """
    left, bottom, width, height = column
    count = len(recording.samples["labels"])
    if not shown:
        note = fit(figure.text(left, bottom - 0.085 * scale, "sample images left out: no room for them at this size",
                               fontsize="small", color=theme.muted, va="bottom"), width, max_lines=2)
        return [], note.get_window_extent(figure.canvas.get_renderer()).height / figure.bbox.height
    if not one_row:
        room = 0.38 * height
        return [PredictionsPanel(figure, (left, bottom - 0.06 * scale, width, room - 0.035), recording, theme)], room
    line = matplotlib.rcParams["font.size"] * 1.2 / 72 / figure.get_figheight()  # a line of "medium" text
    columns = min(count, 10)
    each = 1.2 * LEAST_IMAGE / 0.92 + 0.833 * line * 1.1  # a row: an image and its answer, as __init__ sizes them
    high = line * 1.25 + math.ceil(count / columns) * each  # (and the heading)
    return [PredictionsPanel(figure, (left, bottom - 0.085 * scale, width, high), recording, theme, columns)], high


class PredictionsPanel:
    """The recording's ``samples`` in a strip of small images over ``box`` (figure fractions),
    a heading naming the optimizer shown (the one whose final training loss is lowest, the
    same on every frame) and, under each image, its prediction: a right one in the muted
    colour, a wrong one in bold ink."""

    def __init__(self, figure, box, recording, theme=LIGHT, columns=None):
        samples = recording.samples
        self.labels, self.predicted = samples["labels"], samples["predicted"]
        self.loss, self.names = recording.loss, recording.names
        count = len(self.labels)
        columns = columns or min(count, 10 if box[2] / box[3] > 4 else 5)  # (images a row: given, or by the box)
        rows = math.ceil(count / columns)
        left, bottom, width, height = box
        wide, tall = figure.get_figwidth(), figure.get_figheight()  # inches: the images stay square
        cell_w = width / columns
        self.shown = self.best(recording.loss)
        self.heading = figure.text(left, bottom + height, "", fontsize="medium", va="top", color=theme.ink,
                                   animated=True)  # (ink: the path colours are for lines, not words)
        self.heading.set_text(self.said(self.shown, count))
        self.full = overflow(self.heading, width) <= 1  # why this optimizer, where one line has room for it
        self.heading.set_text(self.said(self.shown, count, self.full))
        fit(self.heading, width, max_lines=2)  # the longest heading it shows: on two lines before smaller
        self.heading_lines = self.heading.get_text().count("\n") + 1
        heading_room = self.room(self.heading) * 1.25
        self.heading.set_text("")
        self.answers = [figure.text(0, 0, "", ha="center", va="top", fontsize="small", color=theme.ink,
                                    animated=True) for _ in range(count)]
        self.wrapped = self.answers_fit(cell_w * 0.88)
        answer_room = self.room(self.answers[0]) * 1.1
        for answer in self.answers:
            answer.set_text("")
        cell_h = (height - heading_room) / rows
        side = max(min(cell_w * 0.8 * wide, (cell_h - answer_room) * 0.92 * tall), 0.05)  # inches
        for index, (image, answer) in enumerate(zip(samples["images"], self.answers)):
            row, column = divmod(index, columns)
            x0, top = left + column * cell_w, bottom + height - heading_room - row * cell_h
            ax = figure.add_axes((x0 + (cell_w - side / wide) / 2, top - side / tall, side / wide, side / tall))
            ax.imshow(image, cmap="gray_r" if theme.name == "light" else "gray", vmin=0, vmax=1,
                      interpolation="nearest")
            ax.set_axis_off()
            answer.set_position((x0 + cell_w / 2, top - side / tall))
        self.ink, self.muted = theme.ink, theme.muted

    @staticmethod
    def room(text):
        """The height of ``text`` as drawn, a fraction of the figure's."""
        figure = text.get_figure()
        return text.get_window_extent(figure.canvas.get_renderer()).height / figure.bbox.height

    def answers_fit(self, width):
        """Size the answers so that the widest one ("8 \u2717 (3)" in bold) fits ``width`` (a
        fraction of the figure), and two side by side never touch: smaller down to the least
        size, then on two lines ("8 \u2717" over "(3)"). Returns whether they are on two lines."""
        classes = [str(value) for value in np.unique(np.concatenate([self.labels, self.predicted.ravel()]))]
        widest = max(classes, key=len)
        probe = self.answers[0]
        probe.set(fontweight="bold", text=self.answer(widest, widest, False))
        fit(probe, width)
        for answer in self.answers:
            answer.set(fontsize=probe.get_fontsize(), text=probe.get_text())
        return "\n" in probe.get_text()

    @staticmethod
    def answer(guess, label, right, wrapped=False):
        """What an image's answer says: "3 \u2713" when ``right``, else "8 \u2717 (3)" (on two
        lines if ``wrapped``)."""
        if right:
            return f"{guess} \u2713"
        return f"{guess} \u2717" + ("\n" if wrapped else " ") + f"({label})"

    @staticmethod
    def best(loss):
        """The path whose last finite training loss is the lowest (the first if none is finite)."""
        last = [values[np.isfinite(values)][-1] if np.isfinite(values).any() else np.inf for values in loss]
        return int(np.argmin(last))

    def said(self, path, right, full=True):
        """The heading: whose readings are shown (and, if ``full``, why them), and how many are right."""
        why = " (lowest final loss)" if full else ""
        return f"{short(self.names[path], 22)}{why}: {right} of {len(self.labels)} right"

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
        self.heading.set_text(lines(self.said(path, right, self.full), self.heading_lines))
        for answer, guess, label in zip(self.answers, guesses, self.labels):
            correct = guess == label
            answer.set_text(self.answer(guess, label, correct, self.wrapped))
            answer.set(color=self.muted if correct else self.ink, fontweight="normal" if correct else "bold")
