"""How to draw and encode an animation: the render options, grouped as the option table's
help groups are (checked before they are made, by :mod:`viz.settings` from the table), and
which recorded step each frame shows."""

import math
from dataclasses import dataclass, field, fields, make_dataclass, replace

import numpy as np

from viz.choices import MIN_FRAMES
from viz.options import GROUPS, OPTIONS, TABLE
from viz.render.writers import MAX_COLOURS, WRITERS

FORMATS = tuple(WRITERS)
STILLS = tuple(fmt for fmt, writer in WRITERS.items() if writer.still)  # the last frame only
CLEAR_FORMATS = tuple(fmt for fmt, writer in WRITERS.items() if writer.transparent)  # can be transparent
DEFAULT_FPS = {fmt: writer.fps for fmt, writer in WRITERS.items() if not writer.still}
DEFAULT_SIZE = (1280, 720)

# the fields the rules between options make (viz.settings.combine): (name, the table's row it
# comes from, which gives its group, default)
MADE = (("fmt", "format", "gif"), ("size", "size", DEFAULT_SIZE), ("colours", "max_size", MAX_COLOURS),
        ("fps", "fps", None), ("pace", "fps", None), ("boundary", "panels", False), ("hidden", "panels", False),
        ("extras", "panels", ()), ("features", "features", ("variance", "skewness")))
# every field the renderer reads -> (its group, its default): the table's drawn rows and the made ones
FIELDS = {**{row.name: (row.group, row.check(row.default)) for row in TABLE if row.drawn},
          **{name: (OPTIONS[row].group, default) for name, row, default in MADE}}
Output, Look, Timing, Layout = (
    make_dataclass(group, [(name, object, field(default=default)) for name, (where, default) in FIELDS.items()
                           if where == group], frozen=True, namespace={"__module__": __name__})
    for group in GROUPS if group != "Recording")  # the recording's options are the pipeline's (viz.options.read)


@dataclass(frozen=True)
class Options:
    """How to draw and encode an animation: everything but the recording and the file, in the
    option table's groups (:data:`viz.options.GROUPS`), each field in the group of the row it
    comes from: ``options.look.theme``, ``options.timing.hold``.

    Every field of a group is an option of the table (:data:`viz.options.TABLE`, its drawn
    rows) that the renderer reads as it was read, with the table's default, or one the rules
    between options make (:data:`MADE`): the output's ``fmt``, ``size`` and ``colours`` (the
    GIF palette's size); the timing's ``fps`` (None: the format's default) and ``pace`` (when
    the fps is a quality preset's, the format's own fps, at which the steps move: the
    animation lasts as long at every quality); the layout's ``boundary`` (decision boundaries
    instead of the accuracy: a two-input model's, or the lesson's on ``features``, two feature
    names or ``("pca",)``), ``hidden`` (a model's two hidden units' outputs for its rows) and
    ``extras`` (the panels under the curves: "sharpness", "rates", "line"). Made once by the
    pipeline when every option has been checked; made directly (:meth:`of`, in tests), it is
    taken as given.
    """

    output: Output = field(default_factory=Output)
    look: Look = field(default_factory=Look)
    timing: Timing = field(default_factory=Timing)
    layout: Layout = field(default_factory=Layout)

    @classmethod
    def of(cls, **values):
        """The defaults with ``values`` (fields by name, e.g. ``size=(640, 360)``), each in its group."""
        return cls().replace(**values)

    def replace(self, **values):
        """These options with ``values`` (fields by name), each in its group. Raises
        ``TypeError`` for a name that is no field."""
        if not values:
            return self
        unknown = set(values) - set(FIELDS)
        if unknown:
            raise TypeError(f"no render option {sorted(unknown)[0]!r}")
        groups = {}
        for name, value in values.items():
            groups.setdefault(FIELDS[name][0].lower(), {})[name] = value
        return replace(self, **{group: replace(getattr(self, group), **changed) for group, changed in groups.items()})

    def flat(self):
        """Every field by name (as the manifest's ``"render"`` entry keeps them)."""
        return {each.name: getattr(part, each.name) for part in (getattr(self, group.name) for group in fields(self))
                for each in fields(part)}

    @property
    def frame_rate(self):
        """Frames per second: ``fps``, or the format's default (stills: irrelevant, 1)."""
        return DEFAULT_FPS.get(self.output.fmt, 1) if self.timing.fps is None else self.timing.fps


def schedule(steps, options):
    """The recorded step each frame shows. One frame per step up to ``max_frames`` (more are
    spread evenly); with a ``duration``, exactly ``duration * fps`` frames: fewer steps are
    each shown for several frames, more are subsampled. Always from step 0 to the last.
    ``time`` "log": as many frames, spread by :func:`eased`. With a ``pace`` (a quality
    preset's fps) and no ``duration``, the duration one frame per step at that pace takes."""
    timing, rate = options.timing, options.frame_rate
    duration = timing.duration
    if duration is None and timing.pace and timing.pace != rate:
        duration = min(steps + 1, timing.max_frames) / timing.pace
    count = timing.max_frames if duration is None else max(MIN_FRAMES, round(duration * rate))
    if timing.time == "log":
        return eased(count if duration is not None else min(count, steps + 1), steps)
    if duration is not None and steps + 1 < count:
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
    if not options.timing.sequence:
        return schedule(recording.steps, options)
    from viz.render.panels.overlays import sequence_steps  # a panel module: matplotlib, only for sequences

    labels = len(set(recording.names))
    timing = options.timing
    share = options.replace(max_frames=max(MIN_FRAMES, timing.max_frames // labels),
                            duration=None if timing.duration is None else timing.duration / labels)
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
