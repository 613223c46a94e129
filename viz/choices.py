"""What each option of the table (:mod:`viz.options`) can take, spelled once: the choices and
limits, and the readers that check a value against them. A reader takes a Python value or the
command line's text alike and returns the checked value, or raises
:class:`~viz.errors.OptionError` naming the option. Plain Python."""

import math
import re

from viz.errors import OptionError

# choices and limits
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
EXECUTORS = ("processes", "ray")  # where the jobs run: here or local processes (--jobs), or a Ray cluster
MAX_SEEDS = 100
LARGEST_SEED = 2**32 - 1
MAX_FPS = 120
MAX_HOLD = 600  # seconds; a GIF frame cannot last longer than 655.35 s
MAX_DURATION = 600  # seconds: ten minutes of animation is plenty, and bounds the frame count
MIN_FRAMES = 2


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


def read_address(value):
    """A Ray cluster's address: ``HOST:PORT`` or ``ray://HOST:PORT`` (None: ``RAY_ADDRESS``)."""
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"(ray://)?[^\s:/]+(:\d{1,5})?", value.strip()):
        raise OptionError("address", value, "is HOST:PORT of the Ray cluster's head, e.g. 10.0.0.5:6379")
    return value.strip()
