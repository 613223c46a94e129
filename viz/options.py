"""THE option table: every render option (and ``viz export``'s recording options) declared
once, as one :class:`Option` row: its keyword, help group, default, choices, reader, help text,
command-line spelling, doors, and whether it changes the recording (and so the cache key).

The ``viz render`` / ``viz slides`` / ``viz export`` flags (:mod:`viz.cli.options`), the
defaults every door shares (:data:`DEFAULTS`), the one check of each option's value
(:func:`read`, before anything trains), the reference page (``docs/hooks.py``) and the test
that keeps :func:`viz.render`, :func:`viz.show` and :func:`viz.slides`' keywords equal to the
table all derive from it. Plain Python: it imports nothing from ``viz.render`` (which reads
its choices from here) and neither NumPy nor matplotlib.
"""

import math
from dataclasses import dataclass, field, fields, make_dataclass

from viz.errors import OptionError

GROUPS = ("Output", "Look", "Timing", "Layout", "Recording")
DOORS = ("render", "show", "slides", "export")
DRAWING = ("render", "show", "slides")  # the doors that draw

# choices, each spelled here only
FORMATS = ("gif", "mp4", "webm", "png", "svg", "pdf", "frames", "html")  # viz.render.writers.WRITERS' keys, in order
QUALITIES = {"l": (480, 15), "m": (720, 30), "h": (1080, 60), "k": (2160, 60)}  # manim's: height, fps at 16:9
ASPECTS = {"16:9": 16 / 9, "4:3": 4 / 3}
THEMES = ("light", "dark")  # viz.render.theme.THEMES' names
FONT_SCALES = (0.75, 1.5)
VIEWS = ("2d", "3d")  # the left panel: contours, or a surface scene in 3D
OVERLAYS = ("gradient", "step")  # arrows at each optimizer's current point: -gradient, next step
TIMES = ("linear", "log")  # how frames are spread over the steps (see viz.render.options.schedule)
LAYOUTS = ("single", "grid")  # every path on one contour panel, or one panel per optimizer
PANELS = ("contour", "curves", "boundary", "hidden", "sharpness", "rates", "line")
EXTRA_PANELS = ("sharpness", "rates", "line")  # beside the curves, in this order
PLANES = ("pca", "hessian", "random")  # a model's 2D view (see viz.record)
TUNINGS = ("tuned", "both")
MAX_SEEDS = 100
LARGEST_SEED = 2**32 - 1
MAX_FPS = 120
MAX_HOLD = 600  # seconds; a GIF frame cannot last longer than 655.35 s
MAX_DURATION = 600  # seconds: ten minutes of animation is plenty, and bounds the frame count
MIN_FRAMES = 2


@dataclass(frozen=True)
class Option:
    """One option, declared once.

    Args:
        name: the Python keyword (``font_scale``); the flag is ``--font-scale`` unless ``flags``
            says otherwise.
        group: its help group, one of :data:`GROUPS`.
        default: the default every door shares (``door_defaults`` for a door that differs).
        help: the help text of the flag and of the reference page.
        read: ``read(value)`` -> the checked value, or :class:`~viz.errors.OptionError`; takes
            Python values and the command line's text alike. None: taken as given.
        choices: the values it takes (the reader refuses others).
        kind: ``int`` or ``float``: the command line converts its text to this type first.
        flags: the command-line spelling, e.g. ``("-q", "--quality")``.
        switch: True for an on/off flag (``--events``); with a ``--no-...`` flag, it turns off.
        metavar: the placeholder in ``--help``.
        doors: where it is offered, of :data:`DOORS`.
        records: whether it changes the recording (and so the recording cache's key).
        drawn: whether the renderer reads it as read (a field of the render options).
        door_defaults: {door: default} where a door's default differs.
        bare: the value of the flag given without one (``--tune-lr`` alone is "tuned").
    """

    name: str
    group: str
    default: object
    help: str
    read: object = None
    choices: tuple = ()
    kind: type = str
    flags: tuple = ()
    switch: bool = False
    metavar: str | None = None
    doors: tuple = DRAWING
    records: bool = False
    drawn: bool = False
    door_defaults: dict = field(default_factory=dict)
    bare: object = None

    @property
    def spelled(self):
        """The command-line flags: ``flags``, or ``--name`` with dashes."""
        return self.flags or ("--" + self.name.replace("_", "-"),)

    def check(self, value):
        """``value`` read and checked (see ``read``)."""
        return self.read(value) if self.read is not None else value


# readers: each takes a Python value or the command line's text and returns the checked value

def one_of(name, choices, optional=False):
    """A reader refusing what is not one of ``choices`` (or None, if ``optional``)."""
    def read(value):
        if value is None and optional:
            return None
        if value not in choices:
            raise OptionError(name, value, f"choose one of {', '.join(choices)}")
        return value
    return read


def number(name, low, high, kind=float, optional=True, low_open=False, words=None):
    """A reader of a number from ``low`` to ``high`` (None allowed if ``optional``); ``words``
    is the refusal's reason."""
    reason = words or (f"must be between {low:g} and {high:g}" if high is not None else f"must be at least {low:g}")

    def read(value):
        if value is None and optional:
            return None
        try:
            if isinstance(value, bool) or (kind is int and isinstance(value, float)):
                raise TypeError
            number = kind(value)
        except (TypeError, ValueError, OverflowError):
            raise OptionError(name, value, reason) from None
        if not (math.isfinite(number) and (low < number if low_open else low <= number)
                and (high is None or number <= high)):
            raise OptionError(name, value, reason)
        return number
    return read


def pair(name, kind, example):
    """A reader of ``"1280x720"``, ``"35,-120"`` or a pair of numbers -> a tuple of two ``kind``."""
    def read(value):
        if value is None:
            return None
        parts = value.lower().replace("x", ",").split(",") if isinstance(value, str) else value
        try:
            first, second = (kind(part) for part in parts)
        except (TypeError, ValueError):
            raise OptionError(name, value, f"is not two numbers such as {example}") from None
        return first, second
    return read


def point(name):
    """A reader of a finite point such as ``"-1.5,2"`` or ``(-1.5, 2)`` -> two floats."""
    def read(value):
        xy = pair(name, float, "-1.5,2")(value)
        if xy is not None and not all(map(math.isfinite, xy)):
            raise OptionError(name, value, "is two finite numbers such as -1.5,2")
        return xy
    return read


def names(value):
    """``"a,b"`` or ``("a", "b")`` -> ``("a", "b")`` (stripped, lower case, no repeats)."""
    parts = value.split(",") if isinstance(value, str) else value
    return tuple(dict.fromkeys(str(part).strip().lower() for part in parts if str(part).strip()))


def read_size(value):
    """``"1280x720"`` or ``(1280, 720)``: even, at least 160x90, 4:3 or wider."""
    size = pair("size", int, "1280x720")(value)
    if size is None:
        return None
    width, height = size
    if width < 160 or height < 90 or width % 2 or height % 2:
        raise OptionError("size", f"{width}x{height}", "width and height must be even, at least 160x90")
    if 3 * width < 4 * height:
        raise OptionError("size", f"{width}x{height}", "the frame is laid out for slides, 4:3 or wider "
                          "(16:9 is 1280x720, 4:3 960x720)")
    return size


def read_camera(value):
    """``"35,-120"`` or ``(35, -120)``: elevation from -90 to 90 degrees, a finite azimuth."""
    camera = pair("camera", float, "35,-120")(value)
    if camera is not None:
        elevation, azimuth = camera
        if not (math.isfinite(azimuth) and -90 <= elevation <= 90):
            raise OptionError("camera", f"{elevation:g},{azimuth:g}", "the elevation is between -90 and 90 "
                              "degrees and the azimuth a finite angle, e.g. 35,-120")
    return camera


def read_overlays(value):
    """``"gradient,step"`` -> ``("gradient", "step")``; None -> ``()``."""
    if value is None:
        return ()
    parts = value.split(",") if isinstance(value, str) else list(value)
    chosen = [str(part).strip().lower() for part in parts if str(part).strip()]
    unknown = [name for name in chosen if name not in OVERLAYS]
    if unknown or len(set(chosen)) < len(chosen):
        what = f"unknown overlay {unknown[0]!r}" if unknown else "an overlay twice"
        raise OptionError("overlays", ",".join(chosen),
                          f"{what}; choose {', '.join(OVERLAYS)} or both, comma-separated")
    return tuple(chosen)


def read_panels(value):
    """``"contour,curves[,boundary|hidden][,sharpness][,rates][,line]"`` -> the data panel asked
    for ("boundary" or "hidden", the hidden layer's outputs) or None, and the other panels asked
    for (in :data:`EXTRA_PANELS`' order)."""
    chosen = names(value)
    strange = [name for name in chosen if name not in PANELS]
    if strange:
        raise OptionError("panels", value, f"unknown panel {strange[0]!r}; the panels are {', '.join(PANELS)}")
    if not {"contour", "curves"} <= set(chosen):
        raise OptionError("panels", value, "the contour and curves panels are always drawn: give contour,curves "
                                           "and any of boundary or hidden, sharpness, rates, line")
    if {"boundary", "hidden"} <= set(chosen):
        raise OptionError("panels", value, "one data panel at a time: boundary or hidden")
    return (next((name for name in ("boundary", "hidden") if name in chosen), None),
            tuple(name for name in EXTRA_PANELS if name in chosen))


def pause_steps(value):
    """``"50,120"``, ``"events"``, ``[50, "events"]`` -> ``(50, 120)``, ``("events",)``, ...: the
    optimizer steps to pause at (whole numbers from 0, in order) and "events" for every event."""
    if value is None:
        return ()
    parts = str(value).split(",") if isinstance(value, (str, int)) else value
    steps = []
    for part in parts:
        text = str(part).strip().lower()
        if text == "events":
            steps.append("events")
            continue
        try:
            step = int(text) if isinstance(part, str) or float(part) == int(part) else None
        except (TypeError, ValueError, OverflowError):
            step = None
        if step is None or step < 0 or isinstance(part, bool):
            raise OptionError("pause_at", value, "takes steps (whole numbers from 0) and 'events', comma-separated, "
                                                 "e.g. 50,120")
        steps.append(step)
    numbers = sorted({step for step in steps if step != "events"})
    return tuple(numbers) + (("events",) if "events" in steps else ())


def budget(value, keyword="max_size", least=10_000, why="a GIF needs at least 10KB"):
    """``"5MB"``, ``"500KB"``, ``"2.5M"``, or a number of bytes -> bytes (at least ``least``)."""
    if value is None:
        return None
    text = str(value).strip().upper().removesuffix("B")
    factor = {"K": 1e3, "M": 1e6, "G": 1e9}.get(text[-1:], 1)
    try:
        number = float(text[:-1] if factor != 1 else text)
    except ValueError:
        raise OptionError(keyword, value, "is not a size such as 5MB or 800KB") from None
    if not (math.isfinite(number) and number * factor >= least):
        raise OptionError(keyword, value, why)
    return int(number * factor)


def read_format(value):
    """A format name (lower case) of :data:`FORMATS`, or None."""
    return one_of("format", FORMATS, optional=True)(None if value is None else str(value).lower())


def read_features(value):
    """``"variance,skewness"`` or ``"pca"`` -> a tuple of names, or None."""
    return None if value is None else names(value)


_seconds = "is a positive number of seconds, such as 40"
TABLE = (
    # output
    Option("format", "Output", None, "Output format: gif, mp4, webm, png, svg, pdf, frames or html [default: gif].",
           read_format, FORMATS, metavar="FORMAT", doors=("render", "show")),
    Option("quality", "Output", None, "Size and fps: l 480p15, m 720p30, h 1080p60, k 2160p60 "
           "[default: 720p; fps by format].", one_of("quality", tuple(QUALITIES), optional=True), tuple(QUALITIES),
           flags=("-q", "--quality")),
    Option("aspect", "Output", "16:9", "Shape of the preset sizes (4:3 of 720p is 960x720).",
           one_of("aspect", tuple(ASPECTS)), tuple(ASPECTS)),
    Option("size", "Output", None, "WIDTHxHEIGHT in pixels, both even; overrides -q and --aspect.", read_size,
           metavar="WxH"),
    Option("transparent", "Output", False, "See-through background (gif, png, svg, pdf, frames).",
           flags=("-t", "--transparent"), switch=True, doors=("render", "show"), drawn=True),
    Option("last_frame", "Output", False, "Write only the final frame (png, or svg/pdf with --format).",
           flags=("-s", "--last-frame"), switch=True, doors=("render", "show")),
    Option("max_size", "Output", None, "GIF size budget, e.g. 5MB: fewer colours, then fewer frames, then a "
           "smaller size.", budget, metavar="SIZE", doors=("render", "show")),
    Option("overwrite", "Output", True, "Refuse to replace an existing output.", flags=("--no-overwrite",),
           switch=True),
    Option("check_a11y", "Output", False, "Fail (exit 1) when an accessibility check of the manifest's "
           "\"accessibility\" section fails (WCAG 2.1 AA: contrast, colour-blind palette, flashes, the 5 s rule, alt "
           "text); without it, a warning.", switch=True),
    Option("beamer", "Output", False, "Frames for LaTeX's animate package and NAME.tex to \\input beside them, sized "
           "for one 16:9 slide under 10 MB: -q l, --fps 10, at most 80 frames (options given as well win).",
           switch=True, doors=("render", "show")),
    # look
    Option("theme", "Look", "light", "dark for dark slide templates.", one_of("theme", THEMES), THEMES, drawn=True),
    Option("font_scale", "Look", 1.0, "Text size factor, 0.75 to 1.5 (larger for the back row).",
           number("font_scale", *FONT_SCALES, optional=False), kind=float, drawn=True),
    Option("view", "Look", "2d", "For a surface scene: 3d draws f(x, y) as a 3D surface with the paths on it, "
           "instead of contours.", one_of("view", VIEWS), VIEWS, drawn=True),
    Option("camera", "Look", None, "With --view 3d: the camera's elevation and azimuth in degrees, e.g. 35,-120 "
           "[default: chosen per surface].", read_camera, metavar="ELEV,AZIM", drawn=True),
    Option("overlays", "Look", None, "Arrows at each optimizer's current point: gradient (the loss's -gradient), "
           "step (the step it takes next), or gradient,step.", read_overlays, OVERLAYS, metavar="KINDS", drawn=True),
    Option("trail", "Look", None, "Draw the last N steps of each path strong, older parts fading.",
           number("trail", 1, None, int, words="must be a whole number of steps, at least 1"), kind=int, drawn=True),
    Option("readout", "Look", True, "Leave out the line under a model's plane that says how far the paths are "
           "from it and how far its contours are from the true loss.", flags=("--no-readout",), switch=True,
           drawn=True),
    # timing
    Option("fps", "Timing", None, "Frames per second [default: gif 25, mp4 and webm 30, html 30].",
           number("fps", 1, MAX_FPS), kind=float),
    Option("hold", "Timing", 2.0, "Seconds the last frame stays on screen (html: the player stops there instead).",
           number("hold", 0, MAX_HOLD, optional=False, words=f"must be between 0 and {MAX_HOLD} seconds"),
           kind=float, drawn=True),
    Option("duration", "Timing", None, "Seconds for the steps (without the hold): fewer steps are held longer, "
           "more are subsampled.", number("duration", 0, MAX_DURATION, low_open=True,
                                          words=f"must be more than 0 and at most {MAX_DURATION} seconds"),
           kind=float, drawn=True),
    Option("max_frames", "Timing", 600, "Longer recordings are drawn at this many steps, spread evenly.",
           number("max_frames", MIN_FRAMES, None, int, optional=False,
                  words=f"must be at least {MIN_FRAMES} (the start and the end)"), kind=int, drawn=True),
    Option("sequence", "Timing", False, "The optimizers one after another, each in its share of the frames "
           "(--max-frames and --duration are for the whole).", switch=True, drawn=True),
    Option("time", "Timing", "linear", "log: early steps get more frames (slow motion where most happens), later "
           "ones fewer; the counter says so.", one_of("time", TIMES), TIMES, drawn=True),
    Option("pause_at", "Timing", None, "Hold these optimizer steps for --pause seconds, e.g. 50,120; 'events' (with "
           "--events) pauses at each event. The html player stops there instead.", pause_steps, metavar="STEPS",
           drawn=True),
    Option("pause", "Timing", 1.5, "Seconds each pause (--pause-at, the scene's pauses) holds its step.",
           number("pause", 0, MAX_HOLD, optional=False, low_open=True,
                  words=f"must be more than 0 and at most {MAX_HOLD} seconds"),
           kind=float, metavar="SECONDS", drawn=True),
    Option("events", "Timing", False, "Captions of what happens: an optimizer diverges, leaves or re-enters the "
           "view, takes the lead, settles at its final loss.", switch=True, drawn=True),
    # layout
    Option("layout", "Layout", "single", "grid: one contour panel per optimizer (same view, colours and clock), "
           "the curves beside.", one_of("layout", LAYOUTS), LAYOUTS, drawn=True),
    Option("panels", "Layout", "contour,curves", "Add boundary (contour,curves,boundary): decision boundaries in "
           "the data instead of the accuracy (the lesson, or a keras_model with two inputs); hidden "
           "(contour,curves,hidden): a keras_model's two hidden units' outputs for its rows, with the output unit's "
           "decision line; sharpness: the Hessian's largest eigenvalue against step, with each optimizer's "
           "stability line 2/lr; rates: loss against learning rate (a scene with several rates); line: the loss "
           "along the line from the start through each head.", read_panels, PANELS, metavar="PANELS"),
    Option("features", "Layout", None, "The lesson's boundary panel axes: two features [default: variance,skewness], "
           "or pca for the principal components of the standardised features.", read_features, metavar="A,B|pca"),
    # recording
    Option("plane", "Recording", "pca", "A model's 2D view: the paths' principal plane, the Hessian's top two "
           "eigenvectors at the best end point, or two filter-normalized random directions (Li et al. 2018).",
           one_of("plane", PLANES), PLANES, doors=DOORS, records=True),
    Option("learning_rate", "Recording", None, "Every optimizer at this learning rate (its own replaced too) "
           "[default: the scene's].", number("learning_rate", 0, None, low_open=True, words="is a positive number"),
           kind=float, records=True),
    Option("momentum", "Recording", None, "Every optimizer that has a momentum (SGD, RMSprop) at this one "
           "[default: each its own].", number("momentum", 0, 1, words="is a number from 0 to 1"), kind=float,
           records=True),
    Option("batch_size", "Recording", None, "A model's batch size [default: the scene's].",
           number("batch_size", 1, None, int, words="is a positive whole number"), kind=int, records=True),
    Option("start", "Recording", None, "A surface's paths start at this point, e.g. -1.5,2.", point("start"),
           metavar="X,Y", records=True),
    Option("steps", "Recording", None, "Optimizer steps of a surface scene, instead of the scene's own.",
           number("steps", 1, None, int, words="must be a whole number of steps, at least 1"), kind=int,
           records=True),
    Option("seeds", "Recording", 1, "A model (the lesson, a keras_model) from this many initializations (seed, "
           "seed+1, ...): median and interquartile bands, a summary printed and written as <output>.seeds.csv.",
           number("seeds", 1, MAX_SEEDS, int, optional=False, words=f"is a whole number from 1 to {MAX_SEEDS}"),
           kind=int, doors=DOORS, records=True),
    Option("tune_lr", "Recording", None, "Each optimizer at its best learning rate of 9 around the scene's (x0.01 "
           "to x100); '--tune-lr both' plays the same-rate run, then the tuned one.",
           one_of("tune_lr", TUNINGS, optional=True), TUNINGS, records=True, bare="tuned"),
    Option("seed", "Recording", None, "Initial weights and batch order [default: the scene's seed, 0].",
           number("seed", 0, LARGEST_SEED, int, words=f"is a whole number from 0 to {LARGEST_SEED}"), kind=int,
           doors=DOORS, records=True),
    Option("cache", "Recording", True, "Train again instead of reusing the recording cached in outputs/.cache.",
           flags=("--no-cache",), switch=True, doors=DOORS, door_defaults={"show": False}),
    Option("time_budget", "Recording", None, "A keras_model's evaluation besides training (loss grid, recorded "
           "points, sharpness, lines): about this many seconds at most [default: 40].",
           number("time_budget", 0, None, low_open=True, words=_seconds), metavar="SECONDS", doors=DOORS,
           records=True),
    Option("memory_budget", "Recording", None, "A keras_model's recorded weights: at most this much memory, e.g. "
           "256MB [default]; past it, every k-th step is recorded.",
           lambda value: budget(value, "memory_budget", 1e6, "is at least 1MB"), metavar="BYTES", doors=DOORS,
           records=True),
)
OPTIONS = {option.name: option for option in TABLE}
DEFAULTS = {option.name: option.default for option in TABLE}
DECKS_DECIDE = tuple(option.name for option in TABLE if "slides" not in option.doors)  # a deck's: MP4s or players


def defaults(door):
    """The options of ``door`` (one of :data:`DOORS`) and their defaults there."""
    return {option.name: option.door_defaults.get(door, option.default) for option in TABLE if door in option.doors}


# one record per help group, its fields the group's rows: OutputOptions, LookOptions, ...
GROUPED = {group: make_dataclass(f"{group}Options", [row.name for row in TABLE if row.group == group], frozen=True,
                                 namespace={"__module__": __name__})
           for group in GROUPS}


@dataclass(frozen=True)
class Options:
    """Every option of the table, read and checked, in its help group: ``output``, ``look``,
    ``timing``, ``layout`` and ``recording`` (``options.look.theme``). Also read as a mapping
    by keyword (``options["theme"]``), for the rules that cross the groups."""

    output: object
    look: object
    timing: object
    layout: object
    recording: object

    def __getitem__(self, name):
        return getattr(getattr(self, OPTIONS[name].group.lower()), name)

    def keys(self):
        return OPTIONS.keys()

    def group(self, name):
        """The options of group ``name`` as a dict."""
        part = getattr(self, name.lower())
        return {each.name: getattr(part, each.name) for each in fields(part)}


def read(keywords):
    """Every option of ``keywords`` (a dict of the table's names; missing ones take their
    default) read and checked by its own row, once: each value's type and range. Returns them
    as :class:`Options` (the rules between them are :func:`viz.settings.combine`'s). Raises
    :class:`~viz.errors.OptionError` naming the first that cannot work, or ``TypeError`` for
    a name the table does not have."""
    unknown = set(keywords) - set(OPTIONS)
    if unknown:
        raise TypeError(f"unknown render option {sorted(unknown)[0]!r}")
    values = {name: option.check(keywords.get(name, option.default)) for name, option in OPTIONS.items()}
    return Options(**{group.lower(): kind(**{row.name: values[row.name] for row in TABLE if row.group == group})
                      for group, kind in GROUPED.items()})
