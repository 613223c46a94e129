"""Animations inline in Jupyter, without writing into the working folder unless asked."""

import base64
import tempfile
from pathlib import Path

from viz.atomic import atomic_path
from viz.render import render
from viz.scene import Scene, load_scenes, select

MIME = {"mp4": "video/mp4", "webm": "video/webm", "gif": "image/gif", "png": "image/png", "svg": "image/svg+xml"}


class Animation:
    """A rendered animation held in memory; Jupyter shows it inline (an HTML5 video for MP4
    and WebM, an image otherwise)."""

    def __init__(self, data, fmt):
        self.data, self.fmt = data, fmt

    def _repr_html_(self):
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
    "webm", "gif", "png", "svg"; ``size``, ``fps``, ``theme``, ...). Nothing is written into
    the working folder unless ``output`` names a file to keep as well. Recordings are not
    cached here.
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
        animation = Animation(path.read_bytes(), options["fmt"])
    if output is not None:
        animation.save(output)
    return animation
