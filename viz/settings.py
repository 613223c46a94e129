"""The rules between options, checked once, before anything trains: the keywords every door
takes (the table in :mod:`viz.options`, each value already read by its own row) combined
with the output path and the writers' facts into the render fields and the recording
settings. Plain Python: the writers' facts are handed in, so nothing here imports
``viz.render``."""

import math

from viz.errors import OptionError
from viz.choices import ASPECTS, FONT_SCALES, MAX_DURATION, MIN_FRAMES, QUALITIES
from viz.options import TABLE, read

# --beamer: frames for LaTeX's animate package that keep one 16:9 slide of the lesson under 10 MB
# (a frame of 854x480 is ~95 KB in the PDF); an option given as well wins, --max-frames only lower
BEAMER = {"quality": "l", "fps": 10.0, "max_frames": 80}
NARROW_FONT_SCALE = 1.25  # the largest font scale at 4:3 (the frames at 1.5 leave the contours too small)
MIN_ASPECT = ASPECTS["4:3"]  # and wider: the contour panel is square and the curves need room beside it
DRAWN = tuple(option.name for option in TABLE if option.drawn)  # the renderer reads them as read


def preset_size(quality="m", aspect="16:9"):
    """(width, height) of a quality preset at an aspect ratio, both even: m at 16:9 is
    1280x720, at 4:3 960x720; l at 16:9 is 854x480."""
    height = QUALITIES[quality][0]
    width = 2 * math.ceil(height * ASPECTS[aspect] / 2)
    return width, height


def output_format(output, fmt, last_frame, writers):
    """The format: ``output``'s suffix (none: a folder of frames), ``fmt``, or gif; with
    ``last_frame``, a still (png unless svg or pdf is asked for)."""
    stills = [name for name, writer in writers.items() if writer.still]
    if output is not None:
        suffix = output.suffix.lstrip(".").lower() or "frames"
        if suffix not in writers:
            raise OptionError("output", str(output), "cannot tell the format: use one of the suffixes "
                              f"{', '.join('.' + f for f in writers if f != 'frames')}, or none for a frames folder")
        if fmt is not None and fmt != suffix:
            raise OptionError("format", fmt, f"does not match the output {output}")
        fmt = suffix
    if last_frame:
        if fmt not in (None, *stills):
            raise OptionError("last_frame", True, f"writes one picture: use it with {', '.join(stills)}, not {fmt}")
        fmt = fmt or "png"
    return fmt or "gif"


def check_duration(duration, fps):
    """Refuse a ``duration`` too short for two frames at ``fps`` (the longest is the table's)."""
    if duration is not None and not MIN_FRAMES / fps <= duration <= MAX_DURATION:
        raise OptionError("duration", duration, f"must be between {MIN_FRAMES / fps:g} and {MAX_DURATION} seconds")


def combine(output, keywords, writers):
    """Every option read by its row (:func:`viz.options.read`) and then the rules between them
    (options alone: a scene's are :mod:`viz.checks`'). Returns the render fields by name
    (``fmt``, ``size``, ``fps``, the panels' flags and the options the renderer reads as they
    are: :class:`viz.render.options.Options`' fields) and every option as read
    (:class:`viz.options.Options`: the recording's, ``overwrite``, ``max_size`` in bytes, ...).
    ``output`` is the path asked for (its suffix picks the format) or None; ``writers`` maps
    each format to its writer's facts (``still``, ``transparent``, ``fps``, ``max_fps``).
    Raises :class:`OptionError` naming what cannot work."""
    values = read(keywords)
    fmt = output_format(output, values["format"] or ("frames" if values["beamer"] and output is None else None),
                        values["last_frame"], writers)
    writer = writers[fmt]
    quality, fps, max_frames = values["quality"], values["fps"], values["max_frames"]
    if values["beamer"]:
        if fmt != "frames":
            raise OptionError("beamer", True, f"writes a folder of frames for LaTeX's animate package, not {fmt}")
        quality = quality or (BEAMER["quality"] if values["size"] is None else None)
        fps, max_frames = fps or BEAMER["fps"], min(max_frames, BEAMER["max_frames"])
    pace = None  # a preset's fps draws more or fewer frames, not a longer or shorter animation
    if fps is None and quality is not None and not writer.still:
        fps = min(QUALITIES[quality][1], writer.max_fps)
        pace = writer.fps if writer.fps != fps else None
    size = values["size"] or preset_size(quality or "m", values["aspect"])
    rate = writer.fps or 1 if fps is None else fps
    if rate > writer.max_fps:
        raise OptionError("fps", fps, f"a {fmt.upper()} cannot play faster than {writer.max_fps:g} fps")
    check_duration(values["duration"], rate)
    width, height = size
    # the text's room beside the square contour panel shrinks with the width: 4:3 takes up to 1.25
    low, high = FONT_SCALES
    share = min(1.0, (width / height - MIN_ASPECT) / (ASPECTS["16:9"] - MIN_ASPECT))
    high = round(NARROW_FONT_SCALE + (high - NARROW_FONT_SCALE) * share, 2)
    if values["font_scale"] > high:
        raise OptionError("font_scale", values["font_scale"],
                          f"must be between {low:g} and {high:g} at {width}x{height}")
    if values["transparent"] and not writer.transparent:
        clear = [name for name, each in writers.items() if each.transparent]
        raise OptionError("transparent", True, f"{fmt.upper()} video has no transparency; use "
                          f"{', '.join(clear[:-1])} or {clear[-1]}")
    panels = panel_fields(values["panels"], values["features"])
    if values["max_size"] is not None and fmt != "gif":
        raise OptionError("max_size", keywords["max_size"], f"is a GIF budget; {fmt} is not a GIF")
    _check_pairs(values)
    drawn = {name: values[name] for name in DRAWN}
    return {**drawn, "fmt": fmt, "size": size, "fps": fps, "pace": pace, "max_frames": max_frames, **panels}, values


def panel_fields(panels, features=None):
    """The render fields of ``panels`` (as :func:`viz.choices.read_panels` reads them: the data
    panel and the extras) and the boundary panel's ``features`` (None: its default). Raises
    :class:`OptionError` for features without the boundary panel."""
    data_panel, extras = panels
    if features is not None and data_panel != "boundary":
        raise OptionError("features", ",".join(features), "sets the boundary panel's axes: add the boundary panel "
                          "(panels contour,curves,boundary)")
    return {"boundary": data_panel == "boundary", "hidden": data_panel == "hidden", "extras": extras,
            **({"features": features} if features else {})}


def _check_pairs(values):
    """The rules between the look's, the layout's, the timing's and the recording's options."""
    view, camera = values["view"], values["camera"]
    if camera is not None and view != "3d":
        raise OptionError("camera", f"{camera[0]:g},{camera[1]:g}", "turns the 3D view: use it with view 3d")
    if view == "3d" and (values["overlays"] or values["trail"] is not None):
        raise OptionError("view", "3d", "overlays and trails are drawn on the contour panel: use them with the 2d view")
    if values["layout"] == "grid" and view == "3d":
        raise OptionError("layout", "grid", "the grid is of contour panels: use it with the 2d view")
    if "events" in values["pause_at"] and not values["events"]:
        raise OptionError("pause_at", ",".join(map(str, values["pause_at"])), "pauses at events: turn events on too")
    if values["plane"] != "pca" and values["tune_lr"] == "both":
        raise OptionError("plane", values["plane"], "with tune_lr both, the two parts share one principal (pca) plane")
