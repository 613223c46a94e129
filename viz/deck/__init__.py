"""A lecture deck from scenes: one slide per scene, in file-name order, built from the reports
of ordinary pipeline jobs (:func:`viz.pipeline.plan`, run by :func:`viz.workers.run` where the
``executor`` option says). A
``.pptx`` embeds each scene's MP4 with its last frame as the poster; an ``.html`` deck holds
each scene's interactive player. The deck is written whole, or not at all."""

import ast
import dataclasses
import tempfile
from contextlib import nullcontext
from pathlib import Path

from viz import pipeline, workers
from viz.deck import html, pptx
from viz.errors import OptionError, SceneFailed, VizError, said
from viz.scene import NOT_XML
from viz.store.outputs import prepare_folder

KINDS = {".pptx": "mp4", ".html": "html"}  # the deck's suffix -> the format of its scenes


@dataclasses.dataclass(frozen=True)
class Slide:
    """One scene on its slide: its title, the rendered file, the speaker notes, the report."""

    title: str
    path: Path
    notes: str
    report: object  # viz.pipeline.Report


def build(scenes, output, *, title=None, scene=None, workers_count=1, clips=None, progress=pipeline._no_progress,
          say=pipeline._silent, **options):
    """Render every scene of ``scenes`` (a scene file, a folder of them, or a Scene) and write
    the deck ``output`` (``.pptx`` or ``.html``).

    Args:
        scenes, scene: what to put in the deck: every scene, or the one named ``scene``.
        output: the deck file; its suffix picks the kind.
        title: a title slide first, when given.
        workers_count: worker processes for the renders.
        clips: a folder to keep the scenes' rendered files in (a course links them); None:
            a temporary one, deleted with the deck written.
        progress, say: as for :meth:`viz.pipeline.Job.run`.
        options: the render keywords (``viz.options.DEFAULTS``) but ``DECKS_DECIDE``.

    Returns:
        The deck's path and its :class:`Slide` list.
    """
    output = Path(output)
    if title is not None and NOT_XML.search(title):
        raise OptionError("title", repr(title), f"holds U+{ord(NOT_XML.search(title).group()):04X}, a control character a "
                                          "slide cannot hold: remove it")
    fmt = KINDS.get(output.suffix.lower())
    if fmt is None:
        raise OptionError("output", str(output), "a deck is a .pptx (PowerPoint, Keynote, Impress) or .html file")
    options = {**options, "format": fmt}
    workers.executor(options, workers_count)  # a Ray cluster reached before anything is written
    prepare_folder(output, options.get("overwrite", True))
    kept = nullcontext(clips) if clips is not None else tempfile.TemporaryDirectory(prefix=f".{output.name}.",
                                                                                   dir=output.parent)
    with kept as folder:
        options = {**options, "show_title": False}  # the slide's own title says it: not the video too
        jobs = pipeline.plan(scenes, scene=scene, every=True, folder=folder, **options)
        slides = _rendered(jobs, options, workers_count, progress, say)
        (pptx if fmt == "mp4" else html).write(slides, output, title, options.get("theme", "light"))
    return output, slides


def _rendered(jobs, options, workers_count, progress, say):
    """The jobs run, as slides titled with their scenes' titles; what each job says goes to ``say``
    and (results, not warnings) into its notes. A failing scene stops the deck, with an error
    naming the scene."""
    said, slides = [], {}

    def listen(text, err=False):
        said.append((text, err))
        say(text, err)

    running = workers.run(jobs, options, workers_count, progress, listen)
    try:
        for done, (job, report) in enumerate(running, 1):
            lines = [text for text, err in said if not err]
            said.clear()
            notes = "\n\n".join(part for part in (_docstring(job.scene_file), "\n".join(lines)) if part)
            slides[job.path] = Slide(job.scene.title, report.path, notes, report)
            made = "reused" if report.reused else f"rendered in {report.render_seconds:.1f} s"
            say(f"[{done}/{len(jobs)}] {job.path.stem}: {report.frames} frames at {report.options.frame_rate:g} fps, "
                f"{'recorded' if report.trained else 'from the cache'}, {made}")
    except Exception as error:  # a scene failed: the deck is not written
        name = getattr(error, "viz_scene", None)
        if isinstance(error, SceneFailed):
            raise VizError(f"{error}; the deck was not written") from error
        if isinstance(error, VizError) and (name is None or repr(name) in str(error)):
            raise
        raise VizError(f"scene {name!r} failed ({said(error)}); the deck was not written") from error
    finally:
        running.close()
    return [slides[job.path] for job in jobs]  # file-name order, whatever order they finished in


def _docstring(scene_file):
    """The scene file's module docstring (the speaker notes), or '', without the characters
    XML cannot hold (a slide's notes are XML)."""
    if scene_file is None:
        return ""
    return NOT_XML.sub("", ast.get_docstring(ast.parse(Path(scene_file).read_text(encoding="utf-8"))) or "")
