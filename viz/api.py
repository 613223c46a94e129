"""The Python doors into the pipeline: :func:`render` writes what ``viz render`` writes,
:func:`show` returns it for Jupyter to display. Every keyword is a ``viz render`` option,
spelled as on the command line with dashes as underscores and with the same default
(``--tune-lr both`` is ``tune_lr="both"``, ``--no-cache`` is ``cache=False``)."""

import base64
import html
import io
import re
import sys
import tempfile
from pathlib import Path

from viz.errors import OptionError
from viz.options import documented
from viz.store.atomic import atomic_path

CONTROLS = 165  # pixels under the html player's frame: its controls in one row, its "Description and transcript"
CHROME = 120  # pixels of a notebook's menus and toolbars: the player fits in the window below them
UNTRUSTED = ("The last frame only: this notebook is not trusted. To play it, use File &gt; Trust Notebook and run "
             "the cell again.")


def render(scene_or_file, output=None, *, scene=None, all=False, format=None, quality=None, aspect="16:9",
           size=None, transparent=False, last_frame=False, max_size=None, overwrite=True, beamer=False,
           check_a11y=False, theme="light", font_scale=1.0, view="2d", camera=None, overlays=None, trail=None,
           show_title=True, readout=True, fps=None,
           hold=2.0, duration=None, max_frames=600, sequence=False, time="linear", pause_at=None, pause=1.5,
           events=False, panels="contour,curves", features=None, layout="single", steps=None, seeds=1, tune_lr=None,
           seed=None, cache=True, time_budget=None, memory_budget=None, plane="pca", learning_rate=None, momentum=None,
           batch_size=None, start=None, executor="processes", address=None, jobs=1,
           progress=None):
    """Write a scene's animation, as ``viz render`` does.

    Records the scene (or reads the cache under ``outputs/.cache``) and writes the output, its
    manifest ``<output>.json`` and, with ``seeds`` > 1, ``<output stem>.seeds.csv``. Every other
    keyword is the ``viz render`` option of the same name, with the same default, listed under
    Args from the option table (:mod:`viz.options`): e.g. ``size=(1280, 720)`` or
    ``"1280x720"``, ``max_size="5MB"``, ``pause_at=[50, 120]`` or ``"events"``,
    ``panels="contour,curves,sharpness,line"`` (docs/howto/why.md), ``learning_rate=0.1,
    start=(-1, 2)`` (one value in place of the scene's own, as the explorer's command says).

    Args:
        scene_or_file: a :class:`~viz.Scene`, a scene file, or a folder of scene files.
        output: the file to write; its suffix picks the format. Defaults to
            ``outputs/<file stem>[_<scene>].<format>`` (a Scene object: its title, shortened).
        scene: which scene of a file with several.
        all: every scene of the file.
        jobs: worker processes rendering a folder's scenes (the same bytes as with one).
        progress: ``progress(label)`` -> a context manager yielding a ``(done, total)``
            callback, for a progress bar; None shows none.

    Returns:
        A :class:`~viz.pipeline.Report` (path, frames, options used, manifest, the seconds recording and rendering took), or a
        list of them with ``all=True`` or a folder.

    Raises:
        viz.errors.SpecError: a scene or an option that cannot work (a ``ValueError``),
            found before anything is trained; ``OptionError`` names the keyword.
        viz.errors.OutputError: the output cannot be written.

    Examples:
        >>> viz.render("scenes/logreg.py", "talk/lesson.mp4", seeds=10, theme="dark")  # doctest: +SKIP
    """
    options = {key: value for key, value in locals().items()
               if key not in ("scene_or_file", "output", "scene", "all", "jobs", "progress")}
    from viz import pipeline, workers  # NumPy, matplotlib: only when a door is used (import viz stays light)

    workers.executor(options, jobs)  # a Ray cluster reached before anything is written
    planned = pipeline.plan(scene_or_file, output, scene=scene, every=all, say=_say, **options)
    reports = [report for _, report in workers.run(planned, options, jobs, progress or pipeline._no_progress, _say)]
    return reports if all or len(reports) > 1 else reports[0]


def slides(scenes, output, *, title=None, scene=None, quality=None, aspect="16:9", size=None, overwrite=True,
           check_a11y=False, theme="light", font_scale=1.0, view="2d", camera=None, overlays=None, trail=None, readout=True, fps=None,
           hold=2.0, duration=None, max_frames=600, sequence=False, time="linear", pause_at=None, pause=1.5,
           events=False, panels="contour,curves", features=None, layout="single", steps=None, seeds=1, tune_lr=None,
           seed=None, cache=True, time_budget=None, memory_budget=None, plane="pca", learning_rate=None, momentum=None,
           batch_size=None, start=None, executor="processes", address=None, jobs=1,
           progress=None):
    """Render every scene of ``scenes`` and write them as a lecture deck, one slide per scene
    in file-name order, as ``viz slides`` does: a ``.pptx`` (each scene's MP4, its last frame
    as the poster, the scene file's docstring as speaker notes) or one self-contained ``.html``
    (each scene's interactive player; arrows and space move, ``n`` shows the notes). The other
    keywords are :func:`render`'s, for every scene, but for those that pick the format (it
    follows the deck: MP4 or the player); ``aspect`` (or ``size``) sets the slide's shape,
    ``theme="dark"`` its background.

    Args:
        scenes: a scene file, a folder of scene files, or a :class:`~viz.Scene`.
        output: the deck, ``.pptx`` or ``.html``; written whole or not at all.
        title: a title slide first, e.g. ``"Lecture 4: optimizers"``.
        scene: only this scene of a file (default: every scene).
        jobs: worker processes rendering the scenes.
        progress: ``progress(label)`` -> a context manager yielding a ``(done, total)``
            callback, or None.

    Returns:
        The deck's path.

    Raises:
        viz.errors.SpecError: a scene or an option that cannot work, found before training.
        viz.errors.VizError: a scene failed (the message names it); the deck was not written.

    Examples:
        >>> viz.slides("scenes", "lecture.pptx", title="Lecture 4: optimizers", quality="l")  # doctest: +SKIP
    """
    options = {key: value for key, value in locals().items()
               if key not in ("scenes", "output", "title", "scene", "jobs", "progress")}
    from viz import deck, pipeline  # NumPy, matplotlib: only when a door is used (import viz stays light)

    path, _ = deck.build(scenes, output, title=title, scene=scene, workers_count=jobs,
                         progress=progress or pipeline._no_progress, say=_say, **options)
    return path


def show(scene_or_file, output=None, *, scene=None, format=None, quality=None, aspect="16:9", size=None,
         transparent=False, last_frame=False, max_size=None, overwrite=True, beamer=False, check_a11y=False,
         theme="light",
         font_scale=1.0, view="2d", camera=None, overlays=None, trail=None, show_title=True, readout=True, fps=None,
         hold=2.0,
         duration=None, max_frames=600, sequence=False, time="linear", pause_at=None, pause=1.5, events=False,
         panels="contour,curves", features=None, layout="single", steps=None, seeds=1, tune_lr=None, seed=None,
         cache=False, time_budget=None, memory_budget=None, plane="pca", learning_rate=None, momentum=None,
         batch_size=None, start=None):
    """Record a scene and return its animation for Jupyter to display inline.

    An MP4 by default (``format`` or ``output``'s suffix: also webm, html for the interactive
    player, gif, png, svg). The other keywords are :func:`render`'s. Nothing is written into
    the working folder unless ``output`` names a file to keep as well, or ``cache=True`` keeps
    the recording under ``outputs/.cache`` as ``viz render`` does.

    Args:
        scene_or_file: a :class:`~viz.Scene` or a scene file.
        output: a file to keep a copy in, besides showing it; its suffix picks the format.
        scene: which scene of a file with several.

    Returns:
        An :class:`Animation` (``.data`` the file's bytes, ``.save(path)``).
    """
    options = {key: value for key, value in locals().items() if key not in ("scene_or_file", "output", "scene")}
    from viz import pipeline  # NumPy, matplotlib: only when a door is used (import viz stays light)
    from viz.render.writers import WRITERS  # NumPy, Pillow: as above

    fmt = Path(output).suffix.lstrip(".").lower() if output else (format or "mp4")
    shown = [name for name, writer in WRITERS.items() if (writer.mime or "application/").split("/")[0] != "application"]
    if fmt not in shown:
        raise OptionError("format", fmt, f"a notebook shows {', '.join(shown)}")
    with tempfile.TemporaryDirectory() as folder:
        job, = pipeline.plan(scene_or_file, Path(folder) / f"animation.{fmt}", scene=scene,
                             **{**options, "format": fmt})
        report = job.run(say=_say)
        animation = Animation(report.path.read_bytes(), fmt, report.options.output.size, job.scene.title,
                              _poster(report.path, fmt), report.words)
    if output is not None:
        animation.save(output)
    return animation


def course(folder, site, *, quality=None, aspect="16:9", size=None, overwrite=True, check_a11y=False,
           theme="light", font_scale=1.0, view="2d", camera=None, overlays=None, trail=None, readout=True, fps=None,
           hold=2.0, duration=None, max_frames=600, sequence=False, time="linear", pause_at=None, pause=1.5,
           events=False, panels="contour,curves", features=None, layout="single", steps=None, seeds=1, tune_lr=None,
           seed=None, cache=True, time_budget=None, memory_budget=None, plane="pca", learning_rate=None, momentum=None,
           batch_size=None, start=None, executor="processes", address=None, jobs=1,
           progress=None):
    """Build a whole course, as ``viz course`` does: one deck per chapter folder (``.pptx`` and
    ``.html``, the scenes in file-name order after a title slide with the chapter's name), every
    scene's clips, an index page and a manifest. Unchanged scenes are neither recorded nor
    rendered again (the recording cache and the rendered-output store under ``outputs/``).
    The other keywords are :func:`slides`' (the ``viz slides`` options), for every scene.

    Args:
        folder: a folder of chapter folders, each a folder of scene files (a ``chapter.toml``
            with ``title = "..."`` names a chapter; else its folder's name does).
        site: the site's folder: ``index.html``, ``course.json`` and a folder per chapter
            (a ``course.toml`` with ``[[looks]]`` asks for a pair of decks per look).
        jobs: worker processes rendering the scenes.
        progress: a ``progress(label)`` context manager yielding a ``(done, total)`` callback,
            or None.

    Returns:
        The path of the index page.

    Raises:
        viz.errors.SpecError: no chapters, a bad ``chapter.toml``, a scene or an option that
            cannot work, found before training.
        viz.errors.VizError: a scene failed (the message names it).

    Examples:
        >>> viz.course("scenes", "site", quality="l")  # doctest: +SKIP
    """
    options = {key: value for key, value in locals().items() if key not in ("folder", "site", "jobs", "progress")}
    from viz import pipeline  # NumPy, matplotlib: only when a door is used (import viz stays light)
    from viz.deck.course import build  # NumPy, matplotlib: only when a door is used

    index, _ = build(folder, site, workers_count=jobs, progress=progress or pipeline._no_progress, say=_say,
                     **options)
    return index


def explore(scene_or_file, output=None, *, scene=None, vary=None, theme="light", steps=None, overwrite=True,
            jobs=1, progress=None, cache=True, executor="processes", address=None):
    """Record every combination of the ``vary`` values for one scene and write the "What if?"
    explorer page, as ``viz explore`` does; with no ``output``, return it for Jupyter to show
    inline (nothing written but the recording cache).

    Args:
        scene_or_file: a :class:`~viz.Scene` or a scene file.
        output: the page, ``.html``. None: shown inline in Jupyter.
        scene: which scene of a file with several.
        vary: the settings and their values: ``{"learning_rate": "1e-3:1:13", "momentum": [0, 0.9]}`` or
            ``["learning_rate=1e-3:1:13", "momentum=0,0.9"]`` (learning_rate, momentum, and for
            models batch_size and seed; ``a:b:n`` is n rates from a to b spaced in log).
        theme: "light" or "dark".
        steps: a surface scene's steps instead of its own.
        overwrite: replace an existing page.
        jobs: worker processes training the grid's runs (the same page as with one).
        progress: ``progress(label)`` -> a context manager yielding a ``(done, total)`` callback.

    Returns:
        A :class:`viz.explore.Explorer` (the page's path, size, runs), or with no ``output`` an
        :class:`Animation` that Jupyter shows.

    Raises:
        viz.errors.SpecError: a scene or option that cannot work (``OptionError`` names it).
        viz.errors.VizError: the Ray cluster cannot be reached (nothing is written).
        viz.errors.OutputError: the page cannot be written.

    Examples:
        >>> viz.explore("scenes/logreg.py", "lesson.html", vary={"learning_rate": "1e-3:1:13"})  # doctest: +SKIP
    """
    from viz.explore import build  # PIL, numpy: only when this runs

    where = {"cache": cache, "executor": executor, "address": address, "jobs": jobs}
    if output is not None:
        return build(scene_or_file, output, scene=scene, vary=vary, theme=theme, steps=steps, overwrite=overwrite,
                     progress=progress, say=_say, **where)
    with tempfile.TemporaryDirectory() as folder:
        made = build(scene_or_file, Path(folder) / "explore.html", scene=scene, vary=vary, theme=theme, steps=steps,
                     progress=progress, say=_say, **where)
        text = made.path.read_bytes()
    return Animation(text, "html", (1000, 900), "explorer")


def _say(text, err=False):
    """Print what the pipeline says: results on stdout, warnings and notes on stderr."""
    print(text, file=sys.stderr if err else sys.stdout)


class Animation:
    """A rendered animation held in memory, shown inline by Jupyter.

    MP4 and WebM show as an HTML5 video, html as the interactive player, the rest as an image;
    every front end that cannot show those (nbconvert's PDF and LaTeX, a text console, an
    untrusted notebook) shows its last frame, ``poster`` (PNG bytes). The picture carries the
    short text (``<img alt>``, ``<video aria-label>``) and the description follows it as text.

    Args:
        data: the file's bytes.
        fmt: its format (``"mp4"``, ``"gif"``, ...).
        size: ``(width, height)`` in pixels.
        words: its :class:`viz.words.Words` (alt text and description), if any.
    """

    def __init__(self, data, fmt, size=(1280, 720), title="", poster=None, words=None):
        self.data, self.fmt, self.size, self.title, self.poster = data, fmt, size, title, poster
        self.words = words

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The inline HTML, the still fallbacks (``image/png`` of the last frame; ``image/gif``
        for a GIF, ``image/svg+xml`` for an SVG) and a line of text."""
        from viz.render.writers import WRITERS  # NumPy, Pillow: only when an animation is shown

        said = f"\n{self.words.alt}\n\n{self.words.description}" if self.words else ""
        bundle = {"text/html": self._repr_html_(), "text/plain": repr(self) + said}
        if self.fmt in ("gif", "svg"):
            data = self.data.decode() if self.fmt == "svg" else base64.b64encode(self.data).decode()
            bundle[WRITERS[self.fmt].mime] = data
        if self.poster is not None:
            bundle["image/png"] = base64.b64encode(self.poster).decode()
        return bundle

    def __repr__(self):
        width, height = self.size
        return f"<viz animation {self.title!r}: {self.fmt}, {width}x{height}, {len(self.data) / 1e6:.1f} MB>"

    def _repr_html_(self):
        named = f": {self.title}" if self.title else ""
        alt, last = (html.escape(text, quote=True)
                     for text in (self.words.alt if self.words else f"Animation{named}",
                                  f"Last frame: {self.words.alt}" if self.words else f"Last frame of the animation{named}"))
        return self._picture(alt, last) + self._described()

    def _described(self):
        """The description under the picture, as text a screen reader reads and a reader opens."""
        if not self.words:
            return ""
        paragraphs = "".join(f"<p>{html.escape(part)}</p>" for part in self.words.description.split("\n\n"))
        return f"<details><summary>Description</summary>{paragraphs}</details>"

    def _picture(self, alt, last):
        """The inline picture (player, video or image) with its short text."""
        from viz.render.writers import WRITERS  # NumPy, Pillow: only when an animation is shown

        if self.fmt == "html":  # the self-contained player, in a frame of its own, as tall as the window allows
            width, height = self.size
            poster = (f'<img src="data:image/png;base64,{base64.b64encode(self.poster).decode()}" alt="{last}" '
                      'style="max-width: 100%">' if self.poster else "")
            # the frame removes the poster once it loads; where a sanitizer removes the frame (an untrusted
            # notebook), the poster stays, and the line under it says how to see the player live
            return (f'<iframe srcdoc="{html.escape(self.data.decode(), quote=True)}" title="{alt}" '
                    'onload="var poster = this.nextElementSibling; if (poster) poster.remove();" '
                    f'style="display: block; width: 100%; aspect-ratio: {width} / {height + CONTROLS}; '
                    f'max-height: calc(100vh - {CHROME}px); border: 0"></iframe>'
                    f'<div class="viz-poster">{poster}<p>{UNTRUSTED}</p></div>')
        source = f"data:{WRITERS[self.fmt].mime};base64,{base64.b64encode(self.data).decode()}"
        if self.fmt in ("mp4", "webm"):
            return (f'<video src="{source}" controls autoplay loop muted playsinline aria-label="{alt}" '
                    'style="max-width: 100%"></video>')
        return f'<img src="{source}" alt="{alt}" style="max-width: 100%">'

    def save(self, path):
        """Write the animation to ``path`` (whole or not at all).

        Args:
            path: the file to write.
        """
        with atomic_path(path) as temporary:
            temporary.write_bytes(self.data)


def _poster(path, fmt):
    """The last frame of the rendered file ``path`` as PNG bytes (None for an SVG)."""
    from PIL import Image  # Pillow: only for a poster

    from viz.render.writers.video import poster  # NumPy, ffmpeg: only for a poster

    if fmt == "svg":
        return None
    if fmt == "png":
        return path.read_bytes()
    if fmt == "gif":
        out = io.BytesIO()
        with Image.open(path) as gif:
            gif.seek(gif.n_frames - 1)
            gif.convert("RGB").save(out, format="PNG")
        return out.getvalue()
    video = path
    if fmt == "html":  # the player's embedded MP4
        video = path.with_suffix(".mp4")
        found = re.search(r'src="data:video/mp4;base64,([A-Za-z0-9+/=]+)"', path.read_text(encoding="utf-8"))
        video.write_bytes(base64.b64decode(found.group(1)))
    return poster(video)


render.__doc__ = documented(render.__doc__, "render")  # the options' Args: from the table, one source
show.__doc__ = documented(show.__doc__, "show")
slides.__doc__ = documented(slides.__doc__, "slides")
course.__doc__ = documented(course.__doc__, "slides")  # a course takes the slides' options
explore.__doc__ = documented(explore.__doc__, "explore")
