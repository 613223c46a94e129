"""The words beside every picture, written from the recording: a short alternative text (what
the animation shows and who ends lowest, at most :data:`ALT_LIMIT` characters), a long
description (every path in the scene's order: where it starts and ends, and what happened to
it and when, from :mod:`viz.events`) and a transcript (those plus the captions with their
times), for readers who cannot see the animation (WCAG 2.1: 1.1.1 and 1.2.1). No drawing."""

import math
from typing import NamedTuple

import numpy as np

from viz.divergence import diverged_steps
from viz.events import events, names

ALT_LIMIT = 250  # characters: what screen readers and PowerPoint read out comfortably


class Words(NamedTuple):
    """A picture's words: ``alt`` (short), ``summary`` (the title and every optimizer's final
    value in one line: PowerPoint's alt text), ``description`` (every path, in paragraphs)."""

    alt: str
    summary: str
    description: str


def number(value):
    """``value`` to two significant digits as a reader wants it: 0.14, 2.9e-05, 120, never 0.00."""
    value = float(value)
    if not math.isfinite(value):
        return "not a number" if math.isnan(value) else ("infinite" if value > 0 else "minus infinite")
    if value == 0:
        return "0"
    value = float(f"{value:.1e}")  # two significant digits first: 9.99 -> 10, 0.0009996 -> 0.0010
    if 1e-3 <= abs(value) < 1e4:
        digits = 1 - math.floor(math.log10(abs(value)))
        return f"{round(value, digits):.{max(digits, 0)}f}"
    return f"{value:.1e}"


def describe(recording, title="", alt=None, description=None):
    """The :class:`Words` of ``recording`` shown under ``title``; ``alt`` and ``description``,
    when given (a scene's own words), replace the generated ones.

    Args:
        recording: a :class:`~viz.recording.Recording`.
        title: the scene's title.
        alt: the scene's own short text, or None.
        description: the scene's own long description, or None.

    Returns:
        A :class:`Words`.
    """
    paths = names(recording)
    finals, gone = _finals(recording), diverged_steps(recording)
    every = recording.every
    ends = [None if step is not None else value for value, step in zip(finals, gone)]
    ranked = [index for index in np.argsort([np.inf if v is None else v for v in ends], kind="stable")
              if ends[index] is not None]
    named = title.strip().rstrip(".") or "Optimizers compared"
    said = [f"{path} {number(value)}" + (" (lowest)" if index == ranked[0] else "")
            if value is not None else f"{path} diverged at step {gone[index] * every}"
            for index, (path, value) in enumerate(zip(paths, ends))]
    summary = f"{named}: {_count(len(paths))} animated over the loss contours. Final loss: {', '.join(said)}."
    return Words(alt or _alt(named, paths, ranked, ends, summary), summary,
                 description or _description(recording, named, paths, finals, gone))


def _finals(recording):
    """Each path's loss at its last recorded point."""
    loss = np.asarray(recording.loss, dtype=np.float64)
    return [float(loss[index, end]) for index, end in enumerate(recording.ends)]


def _count(n):
    return "one optimizer" if n == 1 else f"{n} optimizers"


def _alt(named, paths, ranked, ends, summary):
    """The summary if it is short enough, else the optimizers and the lowest, shortened to fit."""
    if len(summary) <= ALT_LIMIT:
        return summary
    best = (f"{paths[ranked[0]]} ends lowest, at {number(ends[ranked[0]])}." if ranked
            else "Every path diverges.")
    for shown in range(len(paths), 0, -1):
        listed = ", ".join(paths[:shown]) + (f" and {len(paths) - shown} more" if shown < len(paths) else "")
        text = f"{named}: {_count(len(paths))} ({listed}) animated over the loss contours. {best}"
        if len(text) <= ALT_LIMIT:
            return text
    return (f"{named[:ALT_LIMIT - len(best) - 40].rstrip()}…: {_count(len(paths))}. {best}")[:ALT_LIMIT]


def _description(recording, named, paths, finals, gone):
    """A paragraph for the scene, then one per path (scene order): start, end, events."""
    loss = np.asarray(recording.loss, dtype=np.float64)
    every, last = recording.every, int(recording.optimizer_steps[-1])
    happened = events(recording)
    lines = [f"{named}. The animation shows {_count(len(paths))} moving over the contours of the loss for "
             f"{last} steps, each path with its own colour, line style and marker: {', '.join(paths)}."]
    for index, path in enumerate(paths):
        label = recording.names[index]
        start = number(loss[index, 0])
        if gone[index] is not None:
            end = f"diverges at step {gone[index] * every} (its loss passes a million times its start)"
        else:
            end = f"ends at {number(finals[index])} at step {int(recording.point_steps()[index, recording.ends[index]])}"
        what = [event.text[len(event.who) + 1:] for event in happened  # "leaves the view at step 12"
                if event.who in (path, label) and event.kind != "diverged"]
        lines.append(f"{path} starts at loss {start} and {end}" + (f"; it {', '.join(what)}." if what else "."))
    return "\n\n".join(lines)


def transcript(words, cues=(), title=""):
    """The text alternative of a video: ``title``, the short and long words, then every caption
    and event with its time.

    Args:
        words: a :class:`Words`.
        cues: ``(seconds, text)`` pairs, by time.
        title: the scene's title.

    Returns:
        The transcript as text (UTF-8, one blank line between parts).
    """
    parts = [f"Transcript: {title}" if title else "Transcript", words.alt, words.description]
    if cues:
        parts.append("Captions and events:\n" + "\n".join(f"{clock(seconds)}  {text}" for seconds, text in cues))
    return "\n\n".join(parts) + "\n"


def clock(seconds):
    """``m:ss.s``."""
    minutes, rest = divmod(max(float(seconds), 0.0), 60)
    return f"{int(minutes)}:{rest:04.1f}"
