"""How to draw and encode an animation: the render options (checked before they are made, by
:mod:`viz.settings` from the option table), and which recorded step each frame shows."""

import math
from dataclasses import field, make_dataclass, replace

import numpy as np

from viz.choices import MIN_FRAMES
from viz.options import TABLE
from viz.render.writers import MAX_COLOURS, WRITERS

FORMATS = tuple(WRITERS)
STILLS = tuple(fmt for fmt, writer in WRITERS.items() if writer.still)  # the last frame only
CLEAR_FORMATS = tuple(fmt for fmt, writer in WRITERS.items() if writer.transparent)  # can be transparent
DEFAULT_FPS = {fmt: writer.fps for fmt, writer in WRITERS.items() if not writer.still}
DEFAULT_SIZE = (1280, 720)


def _frame_rate(self):
    """Frames per second: ``fps``, or the format's default (stills: irrelevant, 1)."""
    return DEFAULT_FPS.get(self.fmt, 1) if self.fps is None else self.fps


Options = make_dataclass("Options", [
    ("fmt", str, "gif"), ("size", tuple, DEFAULT_SIZE), ("fps", float | None, None), ("pace", float | None, None),
    ("colours", int, MAX_COLOURS),  # the GIF palette's size
    ("boundary", bool, False), ("hidden", bool, False), ("extras", tuple, ()),
    ("features", tuple, ("variance", "skewness")),
    *[(option.name, object, field(default=option.check(option.default))) for option in TABLE if option.drawn],
], frozen=True, namespace={"frame_rate": property(_frame_rate), "__module__": __name__})
Options.__doc__ = """How to draw and encode an animation: everything but the recording and the file.

``fmt``, ``size`` and ``fps`` (None: the format's default) are the output's; ``pace``, when
the fps is a quality preset's, the format's own fps, at which the steps move (the animation
lasts as long at every quality: the preset draws more or fewer frames); ``colours`` is
the GIF palette's size; ``boundary`` shows decision boundaries instead of the accuracy (a
two-input model's, or the lesson's on ``features``: two feature names, or ``("pca",)`` for the
principal components); ``hidden`` shows a model's two hidden units' outputs for its rows
instead; ``extras`` are the panels drawn under the curves ("sharpness", "rates", "line").
Every other field is an option of the table (:data:`viz.options.TABLE`) that the renderer
reads as it was read, with the table's default: the look (theme, font_scale, view, camera,
overlays, trail, readout), the timing (hold, duration, max_frames, sequence, time, pause_at,
pause, events) and the layout. Made by the pipeline once every option has been checked;
made directly (in tests), it is taken as given."""


def schedule(steps, options):
    """The recorded step each frame shows. One frame per step up to ``max_frames`` (more are
    spread evenly); with a ``duration``, exactly ``duration * fps`` frames: fewer steps are
    each shown for several frames, more are subsampled. Always from step 0 to the last.
    ``time`` "log": as many frames, spread by :func:`eased`. With a ``pace`` (a quality
    preset's fps) and no ``duration``, the duration one frame per step at that pace takes."""
    if options.duration is None and options.pace and options.pace != options.frame_rate:
        options = replace(options, duration=min(steps + 1, options.max_frames) / options.pace)
    count = options.max_frames if options.duration is None else max(MIN_FRAMES, round(options.duration * options.frame_rate))
    if options.time == "log":
        return eased(count if options.duration is not None else min(count, steps + 1), steps)
    if options.duration is not None and steps + 1 < count:
        return np.minimum(np.arange(count) * (steps + 1) // (count - 1), steps)
    if steps + 1 <= count:
        return np.arange(steps + 1)
    return np.unique(np.round(np.linspace(0, steps, count)).astype(int))


EASED_HOLD = 3  # frames at most per step on a log time scale: slow motion, never a standstill


def eased(count, steps, hold=EASED_HOLD):
    """``count`` frames from step 0 to ``steps`` on a log time scale: frame k of count shows
    step a·((1 + steps/a)^(k/(count-1)) − 1), rounded, so equal times cover equal ratios
    (steps 10 to 100 as long as 100 to 1,000) once past a; a is the smallest that shows no
    step for more than ``hold`` frames (few steps for many frames: closer to linear)."""
    position = np.linspace(0, 1, count)
    target = (count - 1) / hold  # a·ln(1 + steps/a), the first frames' steps per unit of time, must reach it
    if steps <= target:
        return np.round(position * steps).astype(int)
    low, high = 1e-3, float(steps)  # a·ln(1 + steps/a) grows with a, to steps
    for _ in range(60):
        middle = math.sqrt(low * high)
        low, high = (middle, high) if middle * math.log1p(steps / middle) < target else (low, middle)
    return np.minimum(np.round(high * np.expm1(position * math.log1p(steps / high))).astype(int), steps)


def frame_steps(recording, options):
    """The recorded step each frame shows: :func:`schedule`, or with ``sequence`` per path
    [frames, n_paths]: the optimizers (labels) in turn, each running through its block of
    frames while the ones before it stay at their end and the ones after it are hidden (-1).
    ``max_frames`` and ``duration`` are then for the whole animation, shared evenly: each
    optimizer gets ``schedule()`` of ``max_frames // labels`` frames, or ``duration / labels``
    seconds (at least 2 frames), so there are labels x that many frames."""
    if recording.epoch is not None:  # paths of different lengths: time in epochs
        return in_epochs(recording, schedule(recording.steps, options))
    if not options.sequence:
        return schedule(recording.steps, options)
    from viz.render.panels.overlays import sequence_steps  # a panel module: matplotlib, only for sequences

    labels = len(set(recording.names))
    share = replace(options, max_frames=max(MIN_FRAMES, options.max_frames // labels),
                    duration=None if options.duration is None else options.duration / labels)
    return sequence_steps(recording.names, schedule(recording.steps, share))


def in_epochs(recording, longest):
    """Per-frame, per-path steps [frames, n_paths] that advance every path by the same
    fraction of an epoch per frame: ``longest``, the steps a path of the most points shows,
    as epochs; each path at its last point not past that epoch."""
    epochs = recording.epoch
    clock = recording.clock[np.asarray(longest)]  # [frames]
    with np.errstate(invalid="ignore"):
        reached = epochs[None, :, :] <= clock[:, None, None] + 1e-9  # [frames, n_paths, points]
    return reached.sum(axis=2) - 1
