"""Animations inline in Jupyter, without writing into the working folder unless asked."""

import base64
import html
import tempfile
from pathlib import Path

from viz.store.atomic import atomic_path
from viz.render import DEFAULT_SIZE, render
from viz.scene import Scene, load_scenes, select

MIME = {"mp4": "video/mp4", "webm": "video/webm", "gif": "image/gif", "png": "image/png", "svg": "image/svg+xml",
        "html": "text/html"}
CONTROLS = 180  # pixels of the html player's controls under the frame (two rows when narrow)


class Animation:
    """A rendered animation held in memory; Jupyter shows it inline (an HTML5 video for MP4
    and WebM, the interactive player for html, an image otherwise)."""

    def __init__(self, data, fmt, size=DEFAULT_SIZE):
        self.data, self.fmt, self.size = data, fmt, size

    def _repr_html_(self):
        if self.fmt == "html":  # the self-contained player, in a frame of its own
            width, height = self.size
            return (f'<iframe srcdoc="{html.escape(self.data.decode(), quote=True)}" '
                    f'style="width: 100%; aspect-ratio: {width} / {height + CONTROLS}; border: 0"></iframe>')
        source = f"data:{MIME[self.fmt]};base64,{base64.b64encode(self.data).decode()}"
        if self.fmt in ("mp4", "webm"):
            return (f'<video src="{source}" controls autoplay loop muted playsinline '
                    'style="max-width: 100%"></video>')
        return f'<img src="{source}" style="max-width: 100%">'

    def save(self, path):
        """Write the animation to ``path`` (whole or not at all)."""
        with atomic_path(path) as temporary:
            temporary.write_bytes(self.data)


def show(scene_or_file, scene=None, seed=None, output=None, **options):
    """Record a scene and return its animation for Jupyter to display inline.

    ``scene_or_file`` is a :class:`Scene` or a scene file (``scene`` names one of several).
    ``options`` are the render options (``fmt``: "mp4" by default or ``output``'s suffix, or
    "webm", "html" (the interactive player), "gif", "png", "svg"; ``size``, ``fps``,
    ``theme``, ...). Nothing is written into the working folder unless ``output`` names a
    file to keep as well. Recordings are not cached here.
    """
    from viz.record import record

    if not isinstance(scene_or_file, Scene):
        scenes = load_scenes(scene_or_file)
        (_, scene_or_file), = select(scenes, scene_or_file, scene).items()
    options = {"fmt": Path(output).suffix.lstrip(".").lower() if output else "mp4", **options}
    if options["fmt"] not in MIME:
        raise ValueError(f"a notebook shows {', '.join(MIME)}, not {options['fmt']!r}")
    recording = record(scene_or_file, seed=seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"animation.{options['fmt']}"
        render(recording, path, scene_or_file.title, **options)
        animation = Animation(path.read_bytes(), options["fmt"], options.get("size", DEFAULT_SIZE))
    if output is not None:
        animation.save(output)
    return animation
