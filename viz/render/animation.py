"""Recording -> frames -> file."""

from pathlib import Path

import numpy as np

from viz.errors import BudgetError
from viz.choices import read_size
from viz.settings import check_duration
from viz.render.budget import SLACK, Sizes
from viz.render.options import MIN_FRAMES, STILLS, Options, frame_steps
from viz.render.looks import looks
from viz.render.story import build, webvtt
from viz.render.theme import THEMES
from viz.render.writers import Context, write
from viz.store.atomic import atomic_path
from viz.words import transcript


def render(recording, path, title="", progress=None, then=(), captions=None, pauses=(), stories=None, words=None,
           meter=None, options=None, **fields):
    """Animate ``recording`` into ``path`` with the render ``options`` (:class:`Options`; None:
    the defaults, in the format of the path's suffix), changed by ``fields`` (by name, e.g.
    ``size=(640, 360)``). Stills (png, svg, pdf) are the last frame; the
    last frame of an animation is held for ``hold`` seconds (not in html: its player stops
    there). ``then`` holds more ``(recording, title)`` pairs played after it in the same file,
    each after the one before has been held (e.g. the same rate for all, then tuned rates).
    ``captions`` ({optimizer step: text}) and ``pauses`` (optimizer steps) are the scene's,
    for every part (see :mod:`viz.render.story`); MP4 and WebM get their captions as WebVTT
    beside them, ``NAME.vtt``. ``words`` (:class:`viz.words.Words`), if given, go where each
    format carries them (see :mod:`viz.render.writers`), and a video gets its transcript beside
    it, ``NAME.transcript.txt`` (:func:`transcript_path`). ``progress(done, total)``, if given,
    is called as frames are encoded. ``meter`` (:class:`viz.render.a11y.Meter`), if given, sees
    every frame encoded and then measures the paths' contrast on the last one. ``stories``, if
    a list, is given the :class:`~viz.render.story.Story` of each part drawn (the manifest is
    handed them). Returns the number of frames written (without the final hold)."""
    path = Path(path)
    options = (options or Options.of(fmt=path.suffix.lstrip(".").lower() or "frames")).replace(**fields)
    theme, fmt, fps = THEMES[options.look.theme], options.output.fmt, options.frame_rate
    frames, parts, built = drawn(recording, title, then, captions, pauses, options)
    if stories is not None:
        stories[:] = built
    stories = built
    offsets = np.cumsum([0] + [len(part) + frames.pause for part in frames.parts[:-1]])
    cues = [cue._replace(start=cue.start + int(offset)) for story, offset in zip(stories, offsets) for cue in story.cues]
    stops = [stop + int(offset) for story, offset in zip(stories, offsets) for stop in story.stops]
    last = parts[-1][0]
    context = Context(fmt, fps, options.timing.hold, options.output.transparent, options.output.colours, title, theme,
                      tuple(look["color"] for part, _ in parts for look in looks(part.names, theme).values()),
                      recording.optimizer_steps, last.optimizer_steps[-1], progress, tuple(cues), tuple(stops),
                      recording.clock, words,
                      transcript(words, [(cue.start / fps, cue.text) for cue in cues], title) if words else "", meter)
    write(frames, path, context)
    if meter is not None and meter.paths is None:  # (a still: its writer draws its one frame without the meter)
        last = frames.parts[-1]
        meter.see_paths(last, last[len(last) - 1].copy(), theme)
    if fmt in ("mp4", "webm") and cues:
        with atomic_path(captions_path(path)) as temporary:
            temporary.write_text(webvtt(cues, fps, len(frames) + round(options.timing.hold * fps)), encoding="utf-8")
    if fmt in ("mp4", "webm") and words:
        with atomic_path(transcript_path(path)) as temporary:
            temporary.write_text(context.transcript, encoding="utf-8")
    return len(frames)


def drawn(recording, title, then, captions, pauses, options):
    """What :func:`render` draws with ``options`` (:class:`Options`): the frames
    (:class:`~viz.render.frames.Joined`), the (recording, title) parts and their stories."""
    from viz.render.frames import Frames, Joined  # matplotlib: only when frames are drawn

    still, fps = options.output.fmt in STILLS, options.frame_rate
    parts = [(recording, title), *then][-1:] if still else [(recording, title), *then]
    everyone = [recording, *(part for part, _ in then)]  # every part's legend laid out alike: no reflow
    stories = [build(part, options, captions, pauses) for part, _ in parts]
    banded = options.output.fmt != "html"  # the player says the caption under the frame instead
    heading = {title: title if options.look.show_title else ""}  # --no-title: the slide's own title says it
    frames = Joined([Frames(part, heading.get(part_title, part_title), [part.ends] if still else story.steps, options,
                            like=[other for other in everyone if other is not part],
                            captions=[story.cues[i].text if i >= 0 and banded else None
                                      for i in (story.shown[-1:] if still else story.shown)])
                     for (part, part_title), story in zip(parts, stories)], pause=round(options.timing.hold * fps),
                    cards=[f"Next: {title[:1].lower()}{title[1:]}" for _, title in parts[1:]])
    return frames, parts, stories


def captions_path(path):
    """The WebVTT beside a video: ``talk/lesson.mp4`` -> ``talk/lesson.vtt``."""
    return Path(path).with_suffix(".vtt")


def transcript_path(path):
    """The transcript beside a video, its text alternative: ``talk/lesson.mp4`` ->
    ``talk/lesson.transcript.txt``."""
    return Path(path).with_suffix(".transcript.txt")


def render_within(recording, path, budget, title="", progress=None, then=(), captions=None, pauses=(), stories=None,
                  words=None, meter=None, options=None, **fields):
    """Render a GIF of at most ``budget`` bytes: the first of these tries that fits, in this
    order: as asked (``options`` changed by ``fields``, as :func:`render` takes them), fewer
    colours, then fewer frames, then a smaller size. Each try's size is predicted from a few
    frames (:class:`viz.render.budget.Sizes`) and only a try predicted to fit, or nearly, is
    rendered and measured. Returns the number of frames, the
    :class:`Options` used and what was changed, in words. Raises :class:`BudgetError` if even
    the smallest try is too big; ``path`` is then left as it was."""
    options = (options or Options.of(fmt="gif")).replace(**fields)  # (a GIF's)
    tries = budget_tries(recording, options)
    first = tries[0][0]
    predict = _Predictions(recording, title, then, captions, pauses, first, len(words.alt.encode()) if words else 0)
    with atomic_path(path) as temporary:  # the target changes only when a try fits
        for number, (attempt, changes) in enumerate(tries):
            if number < len(tries) - 1 and predict(attempt) > SLACK * budget:
                continue  # surely too big (the smallest is rendered whatever: the error says its size)
            if meter is not None:
                meter.restart(attempt.frame_rate)  # only the try kept counts
            frames = render(recording, temporary, title, progress, then, captions, pauses, stories, words, meter,
                            attempt)
            if temporary.stat().st_size <= budget:
                return frames, attempt, changes
        raise BudgetError(f"even with {', '.join(changes)} the GIF is {temporary.stat().st_size / 1e6:.2f} MB, over "
                          f"the budget of {budget / 1e6:g} MB; nothing was written")


def budget_tries(recording, options):
    """The tries of :func:`render_within` for ``options`` (GIF :class:`Options`), in order: each
    an :class:`Options` and what it changed, in words; only those that can be rendered."""
    turns = len(set(recording.names)) if options.timing.sequence else 1  # a sequence shows each optimizer in turn
    first = options.replace(max_frames=min(options.timing.max_frames, (recording.steps + 1) * turns))
    tries = [(first, [])]
    tries += [(first.replace(colours=colours), [f"{colours} colours"]) for colours in (128, 64, 32)]
    for share in (2, 4, 8):
        if first.timing.duration is None:
            fewer = first.replace(colours=32, max_frames=max(MIN_FRAMES, first.timing.max_frames // share))
        else:  # the same duration at a lower frame rate
            fewer = first.replace(colours=32, fps=max(1.0, first.frame_rate / share))
        tries.append((fewer, ["32 colours", f"{len(frame_steps(recording, fewer))} frames"]))
    (width, height), last = first.output.size, tries[-1]
    for factor in (0.75, 0.5):
        size = (2 * round(width * factor / 2), 2 * round(height * factor / 2))
        tries.append((last[0].replace(size=size), last[1] + [f"{size[0]}x{size[1]}"]))
    return [(attempt, changes) for attempt, changes in tries if _possible(attempt)]


def _possible(attempt):
    """Whether a try's size and frame count can be rendered at all."""
    try:
        read_size(attempt.output.size)
        check_duration(attempt.timing.duration, attempt.frame_rate)
    except ValueError:
        return False  # too small a size, too few frames for the duration
    return True


class _Predictions:
    """The predicted bytes of each try of :func:`render_within`, from one
    :class:`~viz.render.budget.Sizes` per frame size (the first try's frames at its own size,
    the try's own at a smaller one)."""

    def __init__(self, recording, title, then, captions, pauses, first, extra):
        self.recording, self.title, self.then, self.captions, self.pauses = recording, title, then, captions, pauses
        self.first, self.extra, self.sizes = first, extra, {}

    def __call__(self, attempt):
        own = attempt.output.size != self.first.output.size
        if attempt.output.size not in self.sizes:
            base = attempt if own else self.first
            colours = [attempt.output.colours] if own else list(dict.fromkeys([self.first.output.colours, 32]))
            frames = drawn(self.recording, self.title, self.then, self.captions, self.pauses, base)[0]
            theme = THEMES[base.look.theme]
            path_colours = [look["color"] for part in [self.recording, *(p for p, _ in self.then)]
                            for look in looks(part.names, theme).values()]
            self.sizes[attempt.output.size] = (Sizes(frames, colours, path_colours, base.output.transparent, self.extra),
                                               base)
        sizes, base = self.sizes[attempt.output.size]
        share = len(frame_steps(self.recording, attempt)) / len(frame_steps(self.recording, base))
        return sizes.predict(attempt.output.colours, max(2, round(sizes.count * share)))
