"""THE option table: every render option (and ``viz export``'s recording options) declared
once, as one :class:`Option` row: its keyword, help group, default, choices, reader, help text,
command-line spelling, doors, and whether it changes the recording (and so the cache key).

The ``viz render`` / ``viz slides`` / ``viz export`` flags (:mod:`viz.cli.options`), the
defaults every door shares (:data:`DEFAULTS`), the one check of each option's value
(:func:`read`, before anything trains), the reference page (``docs/hooks.py``) and the test
that keeps :func:`viz.render`, :func:`viz.show` and :func:`viz.slides`' keywords equal to the
table all derive from it. Plain Python: it imports nothing from ``viz.render`` (which reads
its choices from here) and neither NumPy nor matplotlib. What each option can take (its
choices, limits and reader) is spelled in :mod:`viz.choices`.
"""

from dataclasses import dataclass, field, fields, make_dataclass

from viz.choices import (
    ASPECTS, EXECUTORS, FONT_SCALES, FORMATS, LARGEST_SEED, LAYOUTS, MAX_DURATION, MAX_FPS, MAX_HOLD, MAX_SEEDS,
    MIN_FRAMES, OVERLAYS, PANELS, PLANES, QUALITIES, THEMES, TIMES, TUNINGS, VIEWS, budget, names, number,
    one_of, pause_steps, point, read_address, read_camera, read_features, read_format, read_overlays, read_panels, read_size,
)

GROUPS = ("Output", "Look", "Timing", "Layout", "Recording")
DOORS = ("render", "show", "slides", "export")
ALL_DOORS = (*DOORS, "explore")  # the explorer's page takes the few rows that name it
DRAWING = ("render", "show", "slides")  # the doors that draw



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
        doors: where it is offered, of :data:`ALL_DOORS`.
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
    Option("font_scale", "Look", 1.0, "Text size factor, 0.75 to 1.5 (1.25 at 4:3; larger for the back row).",
           number("font_scale", *FONT_SCALES, optional=False), kind=float, drawn=True),
    Option("view", "Look", "2d", "For a surface scene: 3d draws f(x, y) as a 3D surface with the paths on it, "
           "instead of contours.", one_of("view", VIEWS), VIEWS, drawn=True),
    Option("camera", "Look", None, "With --view 3d: the camera's elevation and azimuth in degrees, e.g. 35,-120 "
           "[default: chosen per surface].", read_camera, metavar="ELEV,AZIM", drawn=True),
    Option("overlays", "Look", None, "Arrows at each optimizer's current point: gradient (the loss's -gradient), "
           "step (the step it takes next), or gradient,step.", read_overlays, OVERLAYS, metavar="KINDS", drawn=True),
    Option("trail", "Look", None, "Draw the last N steps of each path strong, older parts fading.",
           number("trail", 1, None, int, words="must be a whole number of steps, at least 1"), kind=int, drawn=True),
    Option("show_title", "Look", True, "Leave the scene's title off the frame, for a slide whose own title says it "
           "(the manifest, alt text and description keep it).", flags=("--no-title",), switch=True,
           doors=("render", "show"), drawn=True),
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
           flags=("--no-cache",), switch=True, doors=ALL_DOORS, door_defaults={"show": False}),
    Option("time_budget", "Recording", None, "A keras_model's evaluation besides training (loss grid, recorded "
           "points, sharpness, lines): about this many seconds at most [default: 40].",
           number("time_budget", 0, None, low_open=True, words=_seconds), metavar="SECONDS", doors=DOORS,
           records=True),
    Option("memory_budget", "Recording", None, "A keras_model's recorded weights: at most this much memory, e.g. "
           "256MB [default]; past it, every k-th step is recorded.",
           lambda value: budget(value, "memory_budget", 1e6, "is at least 1MB"), metavar="BYTES", doors=DOORS,
           records=True),
    Option("executor", "Recording", "processes", "Where the scenes' jobs run: processes (here, or in --jobs local "
           "worker processes) or ray (tasks on the Ray cluster at --address; pip install 'viz[ray]'). The files are "
           "the same.", one_of("executor", EXECUTORS), EXECUTORS, doors=("render", "slides", "explore")),
    Option("address", "Recording", None, "With --executor ray: the cluster's head, HOST:PORT or ray://HOST:PORT "
           "[default: the RAY_ADDRESS environment variable].", read_address, metavar="HOST:PORT",
           doors=("render", "slides", "explore")),
)
OPTIONS = {option.name: option for option in TABLE}
DEFAULTS = {option.name: option.default for option in TABLE}
DECKS_DECIDE = tuple(option.name for option in TABLE if "slides" not in option.doors)  # a deck's: MP4s or players


def defaults(door):
    """The options of ``door`` (one of :data:`ALL_DOORS`) and their defaults there."""
    return {option.name: option.door_defaults.get(door, option.default) for option in TABLE if door in option.doors}


def documented(doc, door):
    """``doc``, a door's docstring, with an ``Args:`` entry for each option of ``door`` (one of
    :data:`DOORS`), written from the table after the door's own entries: the keywords' help
    has one source, read by ``help()`` and by the reference site (``docs/hooks.py``)."""
    lines = doc.split("\n")
    at = next(index for index, line in enumerate(lines) if line.strip() == "Args:")
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())] + "    "
    end = next((index for index in range(at + 1, len(lines)) if not lines[index].strip()), len(lines))
    entries = []
    for name, default in defaults(door).items():
        option = OPTIONS[name]
        said = all(str(choice) in option.help for choice in option.choices)  # (most help texts name them)
        choices = "" if said else f" One of {', '.join(f'``{choice!r}``' for choice in option.choices)}."
        off = "False: " if option.switch and option.spelled[-1].startswith("--no-") else ""  # (the help is the flag's)
        entries.append(f"{indent}{name}: {off}{option.help}{choices} Defaults to ``{default!r}``"
                       f" (``{'``, ``'.join(option.spelled)}``).")
    return "\n".join(lines[:end] + entries + lines[end:])


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
