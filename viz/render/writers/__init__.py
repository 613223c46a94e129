"""The output kinds, one module each, and what the rest of viz needs to know about them.
Adding a format is a module with ``write(frames, path, context)`` and one line in
:data:`WRITERS`. Frames go in one at a time and are never all held in memory, and every
output is written to a temporary file (or folder) beside the target, renamed into place
only when it is complete."""

from dataclasses import dataclass
from typing import Callable

from viz.choices import MAX_FPS
from viz.render.theme import Theme
from viz.render.writers import frames as folder, gif, html, png, vector, video
from viz.render.writers.gif import GIF_MAX_FPS, MAX_COLOURS
from viz.store.atomic import atomic_folder, atomic_path


@dataclass(frozen=True)
class Writer:
    """One output kind: ``write(frames, path, context)``, its MIME type (None: not one file),
    its default frames per second (None: a still, the last frame only), whether it can be
    transparent, whether it is a folder, what it writes beside it and its fastest frame rate.
    Its key in :data:`WRITERS` is one of the option table's formats (:data:`viz.choices.FORMATS`)."""

    write: Callable
    mime: str | None
    fps: float | None = None
    transparent: bool = False
    folder: bool = False
    beside: Callable | None = None  # beside(path, frames written, context): a file written next to the output
    max_fps: float = MAX_FPS  # the fastest it plays

    @property
    def still(self):
        """Whether the output is the last frame only."""
        return self.fps is None


WRITERS = {  # in the order the formats are offered
    "gif": Writer(gif.write, "image/gif", fps=25, transparent=True, max_fps=GIF_MAX_FPS),
    "mp4": Writer(video.write, "video/mp4", fps=30),
    "webm": Writer(video.write, "video/webm", fps=30),
    "png": Writer(png.write, "image/png", transparent=True),
    "svg": Writer(vector.write, "image/svg+xml", transparent=True),
    "pdf": Writer(vector.write, "application/pdf", transparent=True),
    "frames": Writer(folder.write, None, fps=25, transparent=True, folder=True, beside=folder.beside),
    "html": Writer(html.write, "text/html", fps=30),
}


@dataclass(frozen=True)
class Context:
    """What a writer needs besides the frames: the render's options and what its readout and
    palette show."""

    fmt: str
    fps: float
    hold: float  # seconds the last frame stays on screen (not in html: its player stops there)
    transparent: bool
    colours: int  # the GIF palette's size
    title: str
    theme: Theme
    path_colours: tuple  # the optimizers' colours, kept exact in a GIF palette
    point_steps: object  # [points] the optimizer step of each recorded point (the html readout)
    last_step: int  # the last part's last optimizer step (the html readout)
    progress: Callable | None = None  # progress(done, total), called as frames are encoded
    cues: tuple = ()  # the captions (viz.render.story.Cue), by first frame: the html player's chapters
    stops: tuple = ()  # frames the html player stops at (pauses)
    clock: object = None  # the recording's clock (Recording.clock), if any: the html readout counts epochs
    words: object = None  # viz.words.Words: the alt text and description each format carries, if any
    transcript: str = ""  # viz.words.transcript: the captions and events with their times (the html player's)
    meter: object = None  # viz.render.a11y.Meter: sees every frame as it is encoded (flashes)

    def stream(self, frames, start=0, stop=None):
        """``frames[start:stop]`` in order, each seen by the meter and reported to ``progress``
        (as the count done of these, of all the frames) once it has been taken. The meter
        measures the paths on the last frame of all as it is drawn."""
        for done, index in enumerate(range(start, len(frames) if stop is None else stop), 1):
            frame = frames[index]
            if self.meter:
                self.meter.see(frame)
            yield frame
            if self.meter and index == len(frames) - 1:
                self.meter.see_paths(frames.parts[-1], frame, self.theme)
            if self.progress:
                self.progress(done, len(frames))


def write(frames, path, context):
    """Write ``frames`` (a :class:`~viz.render.frames.Joined`: sized, indexable, iterable) to
    ``path`` as ``context.fmt``, whole or not at all."""
    writer = WRITERS[context.fmt]
    with (atomic_folder if writer.folder else atomic_path)(path) as temporary:
        writer.write(frames, temporary, context)
    if writer.beside:
        writer.beside(path, len(frames), context)


__all__ = ["WRITERS", "Writer", "Context", "write", "GIF_MAX_FPS", "MAX_COLOURS"]
