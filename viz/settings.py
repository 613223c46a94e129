"""The render keywords every door takes (``viz render`` flags, :func:`viz.render` and
:func:`viz.show` keywords: one name each, dashes as underscores), their defaults, and reading
them into checked render :class:`~viz.render.options.Options`. Values may be Python values
(``size=(1280, 720)``) or the command line's text (``size="1280x720"``)."""

import math

from viz.errors import OptionError

DEFAULTS = {
    # output
    "format": None, "quality": None, "aspect": "16:9", "size": None, "transparent": False,
    "last_frame": False, "max_size": None, "overwrite": True, "beamer": False,
    # look
    "theme": "light", "font_scale": 1.0, "view": "2d", "camera": None, "overlays": None, "trail": None,
    # timing
    "fps": None, "hold": 2.0, "duration": None, "max_frames": 600, "sequence": False, "time": "linear",
    "pause_at": None, "pause": 1.5, "events": False,
    # layout
    "panels": "contour,curves", "features": None, "layout": "single",
    # recording
    "steps": None, "seeds": 1, "tune_lr": None, "seed": None, "cache": True,
    "time_budget": None, "memory_budget": None, "plane": "pca",
    "learning_rate": None, "momentum": None, "batch_size": None, "start": None,
}
DECKS_DECIDE = ("format", "transparent", "last_frame", "max_size", "beamer")  # a deck's scenes are MP4 or players
PANELS = ("contour", "curves", "boundary", "hidden", "sharpness", "rates", "line")
EXTRA_PANELS = ("sharpness", "rates", "line")  # beside the curves, in this order
PLANES = ("pca", "hessian", "random")  # a model's 2D view (see viz.record)
# --beamer: frames for LaTeX's animate package that keep one 16:9 slide of the lesson under 10 MB
# (a frame of 854x480 is ~95 KB in the PDF); an option given as well wins, --max-frames only lower
BEAMER = {"quality": "l", "fps": 10.0, "max_frames": 80}
MAX_SEEDS = 100


def _pair(keyword, value, kind, example):
    """``"1280x720"``, ``"35,-120"`` or a pair of numbers -> a tuple of two ``kind``."""
    parts = value.lower().replace("x", ",").split(",") if isinstance(value, str) else value
    try:
        first, second = (kind(part) for part in parts)
    except (TypeError, ValueError):
        raise OptionError(keyword, value, f"is not two numbers such as {example}") from None
    return first, second


def _names(value):
    """``"a,b"`` or ``("a", "b")`` -> ``("a", "b")`` (stripped, lower case, no repeats)."""
    parts = value.split(",") if isinstance(value, str) else value
    return tuple(dict.fromkeys(str(part).strip().lower() for part in parts if str(part).strip()))


def panels(value):
    """``"contour,curves[,boundary|hidden][,sharpness][,rates][,line]"`` -> the data panel asked
    for ("boundary" or "hidden", the hidden layer's outputs) or None, and the other panels asked
    for (in :data:`EXTRA_PANELS`' order)."""
    names = _names(value)
    strange = [name for name in names if name not in PANELS]
    if strange:
        raise OptionError("panels", value, f"unknown panel {strange[0]!r}; the panels are {', '.join(PANELS)}")
    if not {"contour", "curves"} <= set(names):
        raise OptionError("panels", value, "the contour and curves panels are always drawn: give contour,curves "
                                           "and any of boundary or hidden, sharpness, rates, line")
    if {"boundary", "hidden"} <= set(names):
        raise OptionError("panels", value, "one data panel at a time: boundary or hidden")
    return (next((name for name in ("boundary", "hidden") if name in names), None),
            tuple(name for name in EXTRA_PANELS if name in names))


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


def one_values(options):
    """The render options that set one value of a scene's setting (``learning_rate``,
    ``momentum``, ``batch_size``, ``start``; None: the scene's own), read and checked, as
    keywords of :func:`viz.varied.with_values`."""
    values = {}
    for keyword, kind, least, most in (("learning_rate", float, 0.0, math.inf), ("momentum", float, 0.0, 1.0),
                                       ("batch_size", int, 1, math.inf)):
        value = options[keyword]
        if value is None:
            continue
        try:
            number = kind(value)
        except (TypeError, ValueError):
            number = None
        if number is None or isinstance(value, bool) or (kind is int and number != float(value)) or not (
                least < number if keyword == "learning_rate" else least <= number) or not number <= most \
                or not math.isfinite(number):
            bounds = {"learning_rate": "a positive number", "momentum": "a number from 0 to 1",
                      "batch_size": "a positive whole number"}[keyword]
            raise OptionError(keyword, value, f"is {bounds}")
        values[keyword] = number
    if options["start"] is not None:
        start = _pair("start", options["start"], float, "-1.5,2")
        if not all(map(math.isfinite, start)):
            raise OptionError("start", options["start"], "is two finite numbers such as -1.5,2")
        values["start"] = start
    return values


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


def check_plane(plane):
    """Refuse (:class:`OptionError`) a ``plane`` that is not one of :data:`PLANES`."""
    if plane not in PLANES:
        raise OptionError("plane", plane, f"choose one of {', '.join(PLANES)}")


def model_budgets(options):
    """The ``time_budget`` (seconds of evaluation besides training) and ``memory_budget`` (bytes of
    recorded weights) keywords -> a :class:`~viz.problems.cost.Budgets`, or None when neither
    is given."""
    from viz.problems.cost import Budgets

    time, memory = options["time_budget"], options["memory_budget"]
    if time is None and memory is None:
        return None
    if time is not None:
        try:
            time = float(time)
        except (TypeError, ValueError):
            raise OptionError("time_budget", time, "is a number of seconds, such as 40") from None
        if not (math.isfinite(time) and time > 0):
            raise OptionError("time_budget", time, "is a positive number of seconds, such as 40")
    memory = budget(memory, "memory_budget", 1e6, "is at least 1MB")
    defaults = Budgets()
    return Budgets(defaults.time if time is None else time, defaults.memory if memory is None else memory)


def output_format(output, fmt, last_frame):
    """The format: ``output``'s suffix (none: a folder of frames), ``fmt``, or gif; with
    ``last_frame``, a still (png unless svg or pdf is asked for)."""
    from viz.render.options import FORMATS, STILLS

    if output is not None:
        suffix = output.suffix.lstrip(".").lower() or "frames"
        if suffix not in FORMATS:
            raise OptionError("output", str(output), "cannot tell the format: use one of the suffixes "
                              f"{', '.join('.' + f for f in FORMATS if f != 'frames')}, or none for a frames folder")
        if fmt is not None and fmt != suffix:
            raise OptionError("format", fmt, f"does not match the output {output}")
        fmt = suffix
    if fmt is not None and fmt not in FORMATS:
        raise OptionError("format", fmt, f"choose one of {', '.join(FORMATS)}")
    if last_frame:
        if fmt not in (None, *STILLS):
            raise OptionError("last_frame", True, f"writes one picture: use it with {', '.join(STILLS)}, not {fmt}")
        fmt = fmt or "png"
    return fmt or "gif"


def render_options(output, options):
    """Checked render Options from the keywords ``options`` (all of :data:`DEFAULTS`) and the
    ``output`` path (its suffix picks the format). Raises :class:`OptionError` or
    :class:`~viz.errors.SpecError` naming what cannot work."""
    from viz.render.options import GIF_MAX_FPS, STILLS, Options
    from viz.render.theme import ASPECTS, QUALITIES, preset_size

    fmt = output_format(output, options["format"] or ("frames" if options["beamer"] and output is None else None),
                        options["last_frame"])
    if options["beamer"]:
        if fmt != "frames":
            raise OptionError("beamer", True, f"writes a folder of frames for LaTeX's animate package, not {fmt}")
        quality = options["quality"] or (BEAMER["quality"] if options["size"] is None else None)
        options = {**options, "quality": quality, "fps": options["fps"] or BEAMER["fps"],
                   "max_frames": min(options["max_frames"], BEAMER["max_frames"])}
    quality, aspect = options["quality"], options["aspect"]
    if quality is not None and quality not in QUALITIES:
        raise OptionError("quality", quality, f"choose one of {', '.join(QUALITIES)}")
    if aspect not in ASPECTS:
        raise OptionError("aspect", aspect, f"choose one of {', '.join(ASPECTS)}")
    size = _pair("size", options["size"], int, "1280x720") if options["size"] is not None else None
    fps = options["fps"]
    if fps is None and quality is not None and fmt not in STILLS:
        fps = QUALITIES[quality][1] if fmt != "gif" else min(QUALITIES[quality][1], GIF_MAX_FPS)
    data_panel, extras = panels(options["panels"])
    boundary = data_panel == "boundary"
    features = options["features"]
    if features is not None:
        if not boundary:
            raise OptionError("features", features, "sets the boundary panel's axes: add the boundary panel "
                                                    "(panels contour,curves,boundary)")
        features = _names(features)
    camera = options["camera"]
    overlays = _names(options["overlays"]) if options["overlays"] is not None else ()
    seeds, trail = options["seeds"], options["trail"]
    if type(seeds) is not int or not 1 <= seeds <= MAX_SEEDS:
        raise OptionError("seeds", seeds, f"is a whole number from 1 to {MAX_SEEDS}")
    check_plane(options["plane"])
    if options["max_size"] is not None and fmt != "gif":
        raise OptionError("max_size", options["max_size"], f"is a GIF budget; {fmt} is not a GIF")
    look = Options(fmt=fmt, size=size or preset_size(quality or "m", aspect), fps=fps,
                   transparent=options["transparent"], theme=options["theme"], font_scale=options["font_scale"],
                   hold=options["hold"], duration=options["duration"], max_frames=options["max_frames"],
                   boundary=boundary, hidden=data_panel == "hidden", extras=extras,
                   **({"features": features} if features else {}),
                   view=options["view"],
                   camera=None if camera is None else _pair("camera", camera, float, "35,-120"),
                   overlays=overlays, trail=trail, sequence=options["sequence"], time=options["time"],
                   layout=options["layout"], events=options["events"], pause_at=pause_steps(options["pause_at"]),
                   pause=options["pause"])
    look.check()
    return look
