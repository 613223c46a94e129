"""How honest a model's plane is, said under the contour panel: how far the paths are from the
plane (the largest distance so far) and how far the loss the contours show under the heads is
from the true loss there; a warning when the plane holds less than :data:`VARIANCE` of the
paths' variance or that gap passes :data:`GAP`."""

import numpy as np

from viz.render.text import fit, short_number
from viz.render.theme import LIGHT

VARIANCE = 0.8  # below this share of the paths' variance, the plane hides much of the motion
GAP = 0.05      # the loss under a head on the plane differs from the true loss by more than this share


def has_readout(recording):
    """Whether ``recording``'s plane says how far the paths are from it (a model's does)."""
    return recording.plane.offset.size > 0


def percent(share):
    """A share as a whole percentage, "<1%" below one (not "0%" for 0.4%)."""
    return "<1%" if share < 0.01 else f"{share:.0%}"


class PlaneReadout:
    """One line of text at ``(x, y)`` (figure fractions), ``width`` wide at most, updated with
    the steps, in a student's words: "the paths run up to 0.12 off this flat view · at the
    heads, the contours are 3% off" (the loss the contours show there, against the true one),
    with a ⚠ warning when the view shows too little of the motion or the gap is too large."""

    def __init__(self, figure, x, y, width, recording, theme=LIGHT):
        plane = recording.plane
        self.plane_loss, self.loss = plane.loss, recording.loss
        self.reach = np.fmax.accumulate(plane.offset, axis=1)  # each path's largest offset up to each point
        self.theme = theme
        self.weak = plane.explained < VARIANCE
        self.lead = f"⚠ this view shows only {percent(plane.explained)} of how the paths move · " if self.weak else ""
        self.text = figure.text(x, y, "", fontsize="small", color=theme.ink if self.weak else theme.muted,
                                va="bottom", animated=True)
        widest = f"{self.lead}⚠ the paths run up to 8,888 off this flat view · at the heads, the contours are 888% off"
        self.text.set_text(widest)
        fit(self.text, width, max_lines=1)  # the font size that fits the widest words it will say

    def gaps(self, steps):
        """The relative gap between the plane's and the true loss at each head (NaN where none)."""
        rows = np.arange(len(steps))
        true, shown = self.loss[rows, steps], self.plane_loss[rows, steps]
        with np.errstate(all="ignore"):
            return np.abs(shown - true) / np.maximum(np.abs(true), 1e-12)

    def words(self, steps):
        """What the line says with the paths drawn up to ``steps``."""
        steps = np.maximum(np.asarray(steps), 0)
        far = np.nanmax(self.reach[np.arange(len(steps)), steps], initial=0.0)
        gap = np.nanmax(self.gaps(steps), initial=0.0)
        warn = "⚠ " if gap > GAP and not self.weak else ""
        return (f"{self.lead}{warn}the paths run up to {short_number(far)} off this flat view · at the heads, "
                f"the contours are {percent(gap)} off")

    @property
    def animated_artists(self):
        return [self.text]

    def update(self, steps):
        words = self.words(steps)
        self.text.set_text(words)
        self.text.set_color(self.theme.ink if "⚠" in words else self.theme.muted)  # a warning: darker, not bold
