"""The Python doors into the pipeline: :func:`render` writes what ``viz render`` writes,
:func:`show` returns it for Jupyter to display. Every keyword is a ``viz render`` option,
spelled as on the command line with dashes as underscores and with the same default
(``--tune-lr both`` is ``tune_lr="both"``, ``--no-cache`` is ``cache=False``)."""

import base64
import html
import sys
import tempfile
from pathlib import Path

from viz.store.atomic import atomic_path

CONTROLS = 180  # pixels of the html player's controls under the frame (two rows when narrow)


def render(scene_or_file, output=None, *, scene=None, all=False, format=None, quality=None, aspect="16:9",
           size=None, transparent=False, last_frame=False, max_size=None, overwrite=True, theme="light",
           font_scale=1.0, view="2d", camera=None, overlays=None, trail=None, fps=None, hold=2.0, duration=None,
           max_frames=600, sequence=False, time="linear", pause_at=None, pause=1.5, events=False,
           panels="contour,curves", features=None, layout="single", steps=None, seeds=1, tune_lr=None, seed=None,
           cache=True, time_budget=None, memory_budget=None, plane="pca", progress=None):
    """Write a scene's animation, as ``viz render`` does.

    Records the scene (or reads the cache under ``outputs/.cache``) and writes the output, its
    manifest ``<output>.json`` and, with ``seeds`` > 1, ``<output stem>.seeds.csv``. Every other
    keyword is the ``viz render`` option of the same name, with the same default: the output
    (format, quality, aspect, size, transparent, last_frame, max_size, overwrite; e.g.
    ``size=(1280, 720)`` or ``"1280x720"``, ``max_size="5MB"``), the look (theme, font_scale,
    view, camera, overlays, trail), the timing (fps, hold, duration, max_frames, sequence, time),
    the lecture's flow (pause_at, pause, events: hold these optimizer steps, e.g. ``pause_at=[50,
    120]`` or ``"events"``, for ``pause`` seconds; ``events=True`` adds captions of what happens),
    the layout (panels, features, layout: ``layout="grid"`` draws one contour panel per
    optimizer; ``panels="contour,curves,sharpness,line"`` adds why the paths move, see
    docs/howto/why.md) and the recording (steps, seeds, tune_lr, seed, cache, a
    keras_model's time_budget and memory_budget: seconds of evaluation besides training, default
    60, and bytes of recorded weights, default ``"256MB"``; and plane: ``plane="hessian"`` or
    ``"random"`` views a model on other directions than its paths' principal ones).

    Args:
        scene_or_file: a :class:`~viz.Scene`, a scene file, or a folder of scene files.
        output: the file to write; its suffix picks the format. Defaults to
            ``outputs/<file stem>[_<scene>].<format>`` (a Scene object: its title, shortened).
        scene: which scene of a file with several.
        all: every scene of the file.
        progress: ``progress(label)`` -> a context manager yielding a ``(done, total)``
            callback, for a progress bar; None shows none.

    Returns:
        A :class:`~viz.pipeline.Report` (path, frames, options used, manifest, seconds), or a
        list of them with ``all=True`` or a folder.

    Raises:
        viz.errors.SpecError: a scene or an option that cannot work (a ``ValueError``),
            found before anything is trained; ``OptionError`` names the keyword.
        viz.errors.OutputError: the output cannot be written.

    Examples:
        >>> viz.render("scenes/logreg.py", "talk/lesson.mp4", seeds=10, theme="dark")  # doctest: +SKIP
    """
    options = {key: value for key, value in locals().items()
               if key not in ("scene_or_file", "output", "scene", "all", "progress")}
    from viz import pipeline

    jobs = pipeline.plan(scene_or_file, output, scene=scene, every=all, **options)
    reports = [job.run(**({"progress": progress} if progress else {}), say=_say) for job in jobs]
    return reports if all or len(reports) > 1 else reports[0]


def show(scene_or_file, output=None, *, scene=None, format=None, quality=None, aspect="16:9", size=None,
         transparent=False, last_frame=False, max_size=None, overwrite=True, theme="light", font_scale=1.0,
         view="2d", camera=None, overlays=None, trail=None, fps=None, hold=2.0, duration=None, max_frames=600,
         sequence=False, time="linear", pause_at=None, pause=1.5, events=False, panels="contour,curves",
         features=None, layout="single", steps=None, seeds=1, tune_lr=None, seed=None, cache=False, time_budget=None,
         memory_budget=None, plane="pca"):
    """Record a scene and return its animation for Jupyter to display inline.

    An MP4 by default (``format`` or ``output``'s suffix: also webm, html for the interactive
    player, gif, png, svg). The other keywords are :func:`render`'s. Nothing is written into
    the working folder unless ``output`` names a file to keep as well, or ``cache=True`` keeps
    the recording under ``outputs/.cache`` as ``viz render`` does.

    Args:
        scene_or_file: a :class:`~viz.Scene` or a scene file.
        output: a file to keep a copy in, besides showing it; its suffix picks the format.
        scene: which scene of a file with several.
        cache: keep the recording under ``outputs/.cache`` (and reuse it).

    Returns:
        An :class:`Animation` (``.data`` the file's bytes, ``.save(path)``).
    """
    options = {key: value for key, value in locals().items() if key not in ("scene_or_file", "output", "scene")}
    from viz import pipeline
    from viz.errors import OptionError
    from viz.render.writers import WRITERS

    fmt = Path(output).suffix.lstrip(".").lower() if output else (format or "mp4")
    shown = [name for name, writer in WRITERS.items() if (writer.mime or "application/").split("/")[0] != "application"]
    if fmt not in shown:
        raise OptionError("format", fmt, f"a notebook shows {', '.join(shown)}")
    with tempfile.TemporaryDirectory() as folder:
        job, = pipeline.plan(scene_or_file, Path(folder) / f"animation.{fmt}", scene=scene,
                             **{**options, "format": fmt})
        report = job.run(say=_say)
        animation = Animation(report.path.read_bytes(), fmt, report.options.size)
    if output is not None:
        animation.save(output)
    return animation


def _say(text, err=False):
    """Print what the pipeline says: results on stdout, warnings and notes on stderr."""
    print(text, file=sys.stderr if err else sys.stdout)


class Animation:
    """A rendered animation held in memory, shown inline by Jupyter.

    MP4 and WebM show as an HTML5 video, html as the interactive player, the rest as an image.

    Args:
        data: the file's bytes.
        fmt: its format (``"mp4"``, ``"gif"``, ...).
        size: ``(width, height)`` in pixels.
    """

    def __init__(self, data, fmt, size=(1280, 720)):
        self.data, self.fmt, self.size = data, fmt, size

    def _repr_html_(self):
        from viz.render.writers import WRITERS

        if self.fmt == "html":  # the self-contained player, in a frame of its own
            width, height = self.size
            return (f'<iframe srcdoc="{html.escape(self.data.decode(), quote=True)}" '
                    f'style="width: 100%; aspect-ratio: {width} / {height + CONTROLS}; border: 0"></iframe>')
        source = f"data:{WRITERS[self.fmt].mime};base64,{base64.b64encode(self.data).decode()}"
        if self.fmt in ("mp4", "webm"):
            return (f'<video src="{source}" controls autoplay loop muted playsinline '
                    'style="max-width: 100%"></video>')
        return f'<img src="{source}" style="max-width: 100%">'

    def save(self, path):
        """Write the animation to ``path`` (whole or not at all).

        Args:
            path: the file to write.
        """
        with atomic_path(path) as temporary:
            temporary.write_bytes(self.data)
