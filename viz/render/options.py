"""How to draw and encode an animation: the render options, checked when they are made, and
which recorded step each frame shows."""

import math
from dataclasses import dataclass, replace

import numpy as np

from viz.errors import OptionError
from viz.render.theme import ASPECTS, FONT_SCALES, THEMES, TIMES
from viz.render.writers import GIF_MAX_FPS, MAX_COLOURS, WRITERS

FORMATS = tuple(WRITERS)
STILLS = tuple(fmt for fmt, writer in WRITERS.items() if writer.still)  # the last frame only
CLEAR_FORMATS = tuple(fmt for fmt, writer in WRITERS.items() if writer.transparent)  # can be transparent
DEFAULT_FPS = {fmt: writer.fps for fmt, writer in WRITERS.items() if not writer.still}
DEFAULT_SIZE = (1280, 720)
DEFAULT_HOLD = 2.0
MIN_ASPECT = ASPECTS["4:3"]  # and wider: the contour panel is square and the curves need room beside it
MAX_FPS = 120
MAX_HOLD = 600  # seconds; a GIF frame cannot last longer than 655.35 s
MAX_DURATION = 600  # seconds: ten minutes of animation is plenty, and bounds the frame count
DEFAULT_MAX_FRAMES = 600  # 24 s at 25 fps; longer recordings are subsampled evenly
MIN_FRAMES = 2
MIN_COLOURS = 16
VIEWS = ("2d", "3d")  # the left panel: contours, or a surface scene in 3D
OVERLAYS = ("gradient", "step")  # arrows at each optimizer's current point: -gradient, next step
LAYOUTS = ("single", "grid")  # every path on one contour panel, or one panel per optimizer
DEFAULT_PAUSE = 1.5  # seconds an animation holds at a pause step


@dataclass(frozen=True)
class Options:
    """How to draw and encode an animation: everything but the recording and the file.

    ``fps`` None is the format's default; ``duration`` (seconds, without the hold) fits the
    steps into that time, subsampling or holding steps, instead of one frame per step up to
    ``max_frames``; ``colours`` is the GIF palette's size; ``boundary`` shows decision
    boundaries instead of the accuracy (a two-input model's, or the lesson's on ``features``:
    two feature names, or ``("pca",)`` for the principal components); ``hidden`` shows a
    model's two hidden units' outputs for its rows instead; ``extras`` are the panels drawn
    under the curves: "sharpness" (the Hessian's largest eigenvalue and each optimizer's
    stability line), "rates" (loss against learning rate), "line" (the loss along the line from
    the start through each head); ``view`` "3d" draws a
    surface scene's f(x, y) as a 3D surface instead of contours, seen from ``camera``
    (elevation, azimuth in degrees; None: the surface's own default);
    ``overlays`` draws arrows (-gradient, next step) at each optimizer's current point;
    ``trail`` fades all but the last ``trail`` steps of each path; ``sequence`` lets the
    optimizers run one after another, each in its share of the frames (see :func:`frame_steps`);
    ``time`` "log" gives early steps more frames (see :func:`eased`); ``layout`` "grid" draws
    one contour panel per optimizer (small multiples); ``events`` adds captions made from the
    recording (see :mod:`viz.events`); ``pause_at`` holds those optimizer steps (and, with
    "events" among them, every event's) for ``pause`` seconds (see :mod:`viz.render.story`).
    """

    fmt: str = "gif"
    size: tuple = DEFAULT_SIZE
    fps: float | None = None
    hold: float = DEFAULT_HOLD
    max_frames: int = DEFAULT_MAX_FRAMES
    duration: float | None = None
    theme: str = "light"
    font_scale: float = 1.0
    transparent: bool = False
    colours: int = MAX_COLOURS
    boundary: bool = False
    hidden: bool = False
    extras: tuple = ()
    features: tuple = ("variance", "skewness")
    view: str = "2d"
    camera: tuple | None = None
    overlays: tuple = ()
    trail: int | None = None
    sequence: bool = False
    time: str = "linear"
    layout: str = "single"
    events: bool = False
    pause_at: tuple = ()
    pause: float = DEFAULT_PAUSE

    @property
    def frame_rate(self):
        """Frames per second: ``fps``, or the format's default (stills: irrelevant, 1)."""
        return DEFAULT_FPS.get(self.fmt, 1) if self.fps is None else self.fps

    def check(self):
        """Raise :class:`~viz.errors.OptionError` (a ``ValueError``) naming the first option
        that cannot work, by its keyword."""
        fmt, (width, height), fps = self.fmt, self.size, self.frame_rate
        if fmt not in FORMATS:
            raise OptionError("format", fmt, f"choose one of {', '.join(FORMATS)}")
        if width < 160 or height < 90 or width % 2 or height % 2:
            raise OptionError("size", f"{width}x{height}", "width and height must be even, at least 160x90")
        if 3 * width < 4 * height:
            raise OptionError("size", f"{width}x{height}", "the frame is laid out for slides, 4:3 or wider "
                              "(16:9 is 1280x720, 4:3 960x720)")
        if not (math.isfinite(fps) and 1 <= fps <= MAX_FPS):
            raise OptionError("fps", fps, f"must be between 1 and {MAX_FPS}")
        if fmt == "gif" and fps > GIF_MAX_FPS:
            raise OptionError("fps", fps, f"a GIF cannot play faster than {GIF_MAX_FPS} fps")
        if not 0 <= self.hold <= MAX_HOLD:
            raise OptionError("hold", self.hold, f"must be between 0 and {MAX_HOLD} seconds")
        if self.max_frames < MIN_FRAMES:
            raise OptionError("max_frames", self.max_frames, f"must be at least {MIN_FRAMES} (the start and the end)")
        if self.duration is not None and not (MIN_FRAMES / fps <= self.duration <= MAX_DURATION):
            raise OptionError("duration", self.duration,
                              f"must be between {MIN_FRAMES / fps:g} and {MAX_DURATION} seconds")
        if self.theme not in THEMES:
            raise OptionError("theme", self.theme, f"choose one of {', '.join(THEMES)}")
        low, high = FONT_SCALES
        # the text's room beside the square contour panel shrinks with the width: 4:3 takes up to 1
        wide = min(1.0, (width / height - MIN_ASPECT) / (ASPECTS["16:9"] - MIN_ASPECT))
        high = round(1 + (high - 1) * wide, 2)
        if not low <= self.font_scale <= high:
            raise OptionError("font_scale", self.font_scale, f"must be between {low:g} and {high:g} at {width}x{height}")
        if self.transparent and fmt not in CLEAR_FORMATS:
            raise OptionError("transparent", True, f"{fmt.upper()} video has no transparency; use "
                              f"{', '.join(CLEAR_FORMATS[:-1])} or {CLEAR_FORMATS[-1]}")
        if not MIN_COLOURS <= self.colours <= MAX_COLOURS:
            raise OptionError("colours", self.colours, f"a GIF palette has {MIN_COLOURS} to {MAX_COLOURS} colours")
        if self.view not in VIEWS:
            raise OptionError("view", self.view, f"choose one of {', '.join(VIEWS)}")
        if self.camera is not None:
            elevation, azimuth = self.camera
            if self.view != "3d":
                raise OptionError("camera", f"{elevation:g},{azimuth:g}", "turns the 3D view: use it with view 3d")
            if not (math.isfinite(azimuth) and -90 <= elevation <= 90):
                raise OptionError("camera", f"{elevation:g},{azimuth:g}", "the elevation is between -90 and 90 "
                                  "degrees and the azimuth a finite angle, e.g. 35,-120")
        unknown = [name for name in self.overlays if name not in OVERLAYS]
        if unknown or len(set(self.overlays)) < len(self.overlays):
            what = f"unknown overlay {unknown[0]!r}" if unknown else "an overlay twice"
            raise OptionError("overlays", ",".join(self.overlays),
                              f"{what}; choose {', '.join(OVERLAYS)} or both, comma-separated")
        if self.trail is not None and (type(self.trail) is not int or self.trail < 1):
            raise OptionError("trail", self.trail, "must be a whole number of steps, at least 1")
        if self.time not in TIMES:
            raise OptionError("time", self.time, f"choose one of {', '.join(TIMES)}")
        if self.view == "3d" and (self.overlays or self.trail is not None):
            raise OptionError("view", "3d", "overlays and trails are drawn on the contour panel: use them "
                              "with the 2d view")
        if self.layout not in LAYOUTS:
            raise OptionError("layout", self.layout, f"choose one of {', '.join(LAYOUTS)}")
        if self.layout == "grid" and self.view == "3d":
            raise OptionError("layout", "grid", "the grid is of contour panels: use it with the 2d view")
        if not (math.isfinite(self.pause) and 0 < self.pause <= MAX_HOLD):
            raise OptionError("pause", self.pause, f"must be more than 0 and at most {MAX_HOLD} seconds")
        for step in self.pause_at:
            if step != "events" and (type(step) is not int or step < 0):
                raise OptionError("pause_at", ",".join(map(str, self.pause_at)),
                                  "takes steps (whole numbers from 0) and 'events', comma-separated")
        if "events" in self.pause_at and not self.events:
            raise OptionError("pause_at", ",".join(map(str, self.pause_at)), "pauses at events: turn events on too")


def schedule(steps, options):
    """The recorded step each frame shows. One frame per step up to ``max_frames`` (more are
    spread evenly); with a ``duration``, exactly ``duration * fps`` frames: fewer steps are
    each shown for several frames, more are subsampled. Always from step 0 to the last.
    ``time`` "log": as many frames, spread by :func:`eased`."""
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
    from viz.render.panels.overlays import sequence_steps

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
