"""Recording -> frames -> file."""

import math
from pathlib import Path

from viz.render.writers import DEFAULT_FPS, FORMATS, GIF_MAX_FPS, write_gif, write_mp4

DEFAULT_SIZE = (1280, 720)
DEFAULT_HOLD = 2.0
MIN_ASPECT = 1.5  # the contour panel is square and the curves need the rest of the width
MAX_FPS = 120
MAX_HOLD = 600  # seconds; a GIF frame cannot last longer than 655.35 s
DEFAULT_MAX_FRAMES = 600  # 24 s at 25 fps; longer recordings are subsampled evenly
MIN_FRAMES = 2


def check_options(fmt, size, fps, hold, max_frames=DEFAULT_MAX_FRAMES):
    """Raise ``ValueError`` naming the first render option that cannot work."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    width, height = size
    if width < 160 or height < 90 or width % 2 or height % 2:
        raise ValueError(f"size {width}x{height}: width and height must be even, at least 160x90")
    if width < MIN_ASPECT * height:
        raise ValueError(f"size {width}x{height}: the frame is laid out for wide slides; width must be at "
                         f"least {MIN_ASPECT:g} times the height (16:9 is 1280x720)")
    if not (math.isfinite(fps) and 1 <= fps <= MAX_FPS):
        raise ValueError(f"fps must be between 1 and {MAX_FPS}, not {fps}")
    if fmt == "gif" and fps > GIF_MAX_FPS:
        raise ValueError(f"a GIF cannot play faster than {GIF_MAX_FPS} fps (asked for {fps})")
    if not 0 <= hold <= MAX_HOLD:
        raise ValueError(f"hold must be between 0 and {MAX_HOLD} seconds, not {hold}")
    if max_frames < MIN_FRAMES:
        raise ValueError(f"max frames must be at least {MIN_FRAMES} (the start and the end), not {max_frames}")


def render(recording, path, title="", size=DEFAULT_SIZE, fps=None, hold=DEFAULT_HOLD, fmt=None,
           max_frames=DEFAULT_MAX_FRAMES, progress=None):
    """Animate ``recording`` into ``path`` (GIF or MP4, from ``fmt`` or the suffix).

    One frame per recorded step (at most ``max_frames``, spread evenly over the steps), then
    the last frame held for ``hold`` seconds. ``progress(done, total)``, if given, is called
    as frames are encoded. Returns the number of distinct frames drawn.
    """
    from viz.render.frames import Frames, frame_steps
    from viz.render.panels import labels_and_styles, optimizer_style

    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    fps = DEFAULT_FPS.get(fmt) if fps is None else fps
    check_options(fmt, size, fps, hold, max_frames)
    frames = Frames(recording, title, size, frame_steps(recording.steps, max_frames))
    stream = _reporting(frames, progress) if progress else frames
    if fmt == "gif":
        sample = [frames[i].copy() for i in (0, len(frames) // 2, len(frames) - 1)]
        labels, _ = labels_and_styles(recording.names)
        path_colours = [optimizer_style(index)["color"] for index in range(len(labels))]
        write_gif(stream, len(frames), path, fps, hold, sample, path_colours)
    else:
        write_mp4(stream, path, fps, hold)
    return len(frames)


def _reporting(frames, progress):
    for done, frame in enumerate(frames, 1):
        yield frame
        progress(done, len(frames))
