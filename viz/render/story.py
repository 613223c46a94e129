"""The lecture's flow on the animation's clock: which caption each frame shows, where the
animation holds a step (a pause), and the captions' times for WebVTT and the player's chapters.
Plain NumPy: decided from the recording, the render options and the scene's captions and
pauses, so the frames, the writers and the manifest all see the same timeline."""

import math
from typing import NamedTuple

import numpy as np

from viz.events import events, ranked
from viz.render.options import frame_steps
from viz.render.steps import running

SPACING = 0.5  # seconds of animation at least between two captions' appearing on the frame (events only)
EVENT_SECONDS = 4.0  # an event's caption leaves the frame after this long (a scene caption stays until the next)


class Cue(NamedTuple):
    """A caption: at optimizer ``step``, its ``text``, its ``kind`` ("scene", or an event's:
    see :data:`viz.events.KINDS`), whether it is drawn on the frame (``on_frame``; the others
    are in the WebVTT and the chapters only) and its first frame ``start``."""

    step: int
    text: str
    kind: str
    on_frame: bool
    start: int


class Story(NamedTuple):
    """The frames' recorded steps with the pauses' holds in them (``steps``, as
    :func:`viz.render.options.frame_steps`), the captions (``cues``, by start), the on-frame
    caption each frame shows (``shown``: an index into ``cues``, -1 for none), the first frame
    of each pause (``stops``) and the paused optimizer steps (``pauses``)."""

    steps: np.ndarray
    cues: list
    shown: np.ndarray
    stops: list
    pauses: list


def build(recording, options, captions=None, pauses=()):
    """The timeline of ``recording`` drawn with the render ``options``: the scene's
    ``captions`` ({optimizer step: text}) and, with ``options.timing.events``, the recording's events
    that matter most (:func:`viz.events.events`, ranked: one per :data:`EVENT_SECONDS`); the
    scene's ``pauses`` and ``options.timing.pause_at`` (optimizer steps; "events": each of those
    events') each held ``options.timing.pause`` seconds, except in html (the player stops there
    instead, at ``stops``). A caption or pause at a step between two frames' steps moves the
    first frame after it back to that step. Events appear on the frame at most one per
    :data:`SPACING` seconds, and never within it before a scene caption."""
    fps, at = options.frame_rate, recording.optimizer_steps
    said = [(step, text, "scene") for step, text in sorted((captions or {}).items())]
    steps = np.array(frame_steps(recording, options))
    running = _running(steps)
    found = _chosen(events(recording), running, [first for first, _, _ in said], recording, fps) \
        if options.timing.events else []
    said += [(int(at[event.step]), event.text, event.kind) for event in found]
    held = {*pauses, *(step for step in options.timing.pause_at if step != "events")}
    if "events" in options.timing.pause_at:
        held |= {int(at[event.step]) for event in found}

    def first_frame(step):  # the first frame at or past the optimizer step (its recorded step, rounded up)
        recorded = min(int(np.searchsorted(at, step)), recording.steps)
        frame = min(int(np.searchsorted(running, recorded)), len(running) - 1)  # (past the last frame: the last)
        if steps.ndim == 1 and steps[frame] > recorded:
            steps[frame] = running[frame] = recorded
        return frame

    starts = [first_frame(step) for step, _, _ in said]
    stops = sorted({first_frame(step) for step in held})
    extra = np.zeros(len(steps), dtype=int)
    if options.output.fmt != "html":
        extra[stops] = round(options.timing.pause * fps)
    before = np.concatenate([[0], np.cumsum(extra)[:-1]])  # frames of holds before each frame
    steps = np.repeat(steps, 1 + extra, axis=0)
    stops = [int(frame + before[frame]) for frame in stops]
    order = sorted(range(len(said)), key=lambda i: (starts[i], said[i][2] != "scene"))
    cues = _on_frame([(said[i], int(starts[i] + before[starts[i]])) for i in order], fps)
    shown = np.full(len(steps), -1)
    for index, cue in enumerate(cues):
        if cue.on_frame:
            shown[cue.start:] = index
            if cue.kind != "scene":
                shown[cue.start + round(EVENT_SECONDS * fps):] = -1
    return Story(steps, cues, shown, stops, sorted(held))


def _chosen(found, running, scene_steps, recording, fps):
    """The events of ``found`` worth a caption (:func:`viz.events.ranked`): each
    :data:`EVENT_SECONDS` of animation from every other chosen one (their captions never
    overlap) and :data:`SPACING` from the scene's captions (at ``scene_steps``)."""
    at = recording.optimizer_steps

    def frame(recorded):
        return int(np.searchsorted(running, min(recorded, recording.steps)))

    scene = [frame(int(np.searchsorted(at, step))) for step in scene_steps]

    def room(event, taken):
        start = frame(event.step)
        return all(abs(start - frame(other.step)) >= EVENT_SECONDS * fps for other in taken) and \
            all(abs(start - other) >= SPACING * fps for other in scene)

    return ranked(found, room)


def _running(steps):
    """The recorded step of each frame's running optimizer (a sequence: the one moving), never
    decreasing (for searching)."""
    if steps.ndim == 1:
        return np.maximum.accumulate(steps)
    return np.maximum.accumulate([running(row)[1] for row in steps])


def _on_frame(said, fps):
    """Cues from ``said`` [((step, text, kind), start frame)] in order: every scene caption on
    the frame, an event only :data:`SPACING` s after the last caption on it and as long before
    the next scene caption."""
    gap = SPACING * fps
    scene_starts = [start for (_, _, kind), start in said if kind == "scene"]
    cues, last = [], -math.inf
    for (step, text, kind), start in said:
        on = kind == "scene" or (start - last >= gap and all(not 0 <= other - start < gap for other in scene_starts))
        if on:
            last = start
        cues.append(Cue(step, text, kind, on, start))
    return cues


def ends(cues, end, fps):
    """Each cue's end frame: the next later cue's start, an event's at most
    :data:`EVENT_SECONDS` after its own; ``end`` for the last. Cues never overlap (cues that
    start together end together: WebVTT gets them as one)."""
    def after(cue):
        return next((other.start for other in cues if other.start > cue.start), end)

    lasting = {"scene": math.inf}
    return [min(after(cue), cue.start + lasting.get(cue.kind, round(EVENT_SECONDS * fps))) for cue in cues]


def webvtt(cues, fps, end):
    """The ``cues`` as a WebVTT file's text, times from their frames at ``fps`` (frame i is on
    screen from i / fps); the last lasts until frame ``end`` (the animation's end, its final
    hold included)."""
    blocks, together = ["WEBVTT"], {}
    for cue, stop in zip(cues, ends(cues, end, fps)):  # (cues that start together: one cue, never two at once)
        together.setdefault(cue.start, [stop, []])[1].append(_cue_text(cue.text))
    for number, (start, (stop, texts)) in enumerate(sorted(together.items()), 1):
        blocks.append(f"{number}\n{_time(start / fps)} --> {_time(stop / fps)}\n{' · '.join(texts)}")
    return "\n\n".join(blocks) + "\n"


def _cue_text(text):
    """``text`` as a WebVTT cue's text: one line (a blank one would end the cue), ``&``, ``<``
    and ``>`` as character references, so no ``-->`` ends it and no ``<`` starts a tag."""
    return " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _time(seconds):
    """``hh:mm:ss.ttt``."""
    millis = round(seconds * 1000)
    return f"{millis // 3600000:02d}:{millis // 60000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"
