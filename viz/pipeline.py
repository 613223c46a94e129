"""A render job, the one pipeline behind ``viz render``, :func:`viz.render` and :func:`viz.show`:
check everything before any training, then cache, record (or tune), one shared plane, render
(or fit a size budget), manifest and summaries; each job returns a :class:`Report`.

Options arrive as keywords spelled as on the command line (``tune_lr`` for ``--tune-lr``),
with the same defaults (:data:`viz.options.DEFAULTS`); :func:`plan` reads them into checked
render :class:`~viz.render.options.Options` and raises :class:`~viz.errors.OptionError` (a
``ValueError``) for what cannot work, before anything is trained or written.
"""

import dataclasses
import re
import time
from contextlib import nullcontext
from pathlib import Path

from viz import spread
from viz.checks import checked_scene, in_scene
from viz.choices import read_panels
from viz.divergence import diverged_steps
from viz.errors import OptionError, OutputError, SpecError
from viz.options import defaults, read
from viz.record import record
from viz.render.a11y import Meter
from viz.render.animation import captions_path, render, render_within, transcript_path
from viz.render.looks import as_json, looks
from viz.render.options import STILLS, Options
from viz.render.theme import THEMES
from viz.render.wcag import enforce, section
from viz.render.writers import WRITERS
from viz.scene import Scene, load_scenes, select
from viz.settings import combine, panel_fields
from viz.store import cache, manifest, rendered
from viz.store.outputs import cannot_write, distinct, prepare_folder
from viz.tune import tune, tuned_scene
from viz.words import describe

OUTPUT_FOLDER = Path("outputs")
CACHE = ".cache"  # under OUTPUT_FOLDER: the recordings
RENDERED = ".rendered"  # under OUTPUT_FOLDER: the rendered outputs


def _silent(text, err=False):
    pass


def _no_progress(label):
    return nullcontext(lambda done, total: None)


@dataclasses.dataclass(frozen=True)
class Report:
    """What one render wrote: ``path``, its ``frames`` (without the final hold), the render
    ``options`` used (a size budget may change them: ``changes`` says how, in words), the
    ``manifest`` beside it, summary ``tables`` of several initializations, whether the
    recording was ``trained`` (else it came from the cache) and the seconds spent."""

    path: Path
    scene: str
    frames: int
    options: object
    manifest: Path
    trained: bool
    record_seconds: float
    render_seconds: float
    changes: tuple = ()
    tables: tuple = ()
    steps: int = 0
    points: int = 0
    turns: int = 1
    budget: int | None = None
    words: object = None  # viz.words.Words: the output's alt text, summary and description
    reused: bool = False  # the rendered output was copied from the store (viz.store.rendered), not drawn

    def __str__(self):
        width, height = self.options.output.size
        what = f"{self.path}: {width}x{height}"
        if self.options.output.fmt in STILLS:
            return f"{what}, the last frame (step {self.steps})"
        points = self.points
        shown = (f" (subsampled from {points})" if self.frames < points else
                 f" (showing {points} steps)" if self.frames > points else "")
        if self.options.timing.sequence:
            shown = f" ({self.turns} optimizers in turn, {self.frames // self.turns} frames each, of {points} steps)"
        size = (sum(f.stat().st_size for f in self.path.iterdir()) if self.path.is_dir()
                else self.path.stat().st_size)
        fitted = f" (to fit {self.budget / 1e6:g} MB: {', '.join(self.changes)})" if self.changes else ""
        return f"{what}, {self.frames} frames{shown} at {self.options.frame_rate:g} fps, {size / 1e6:.1f} MB{fitted}"


@dataclasses.dataclass(frozen=True)
class Job:
    """One scene to render into ``path``, checked: :meth:`run` trains (or reads the cache)
    and writes."""

    scene_file: Path | None
    name: str
    scene: Scene
    path: Path
    options: object  # viz.render.options.Options: how it is drawn
    settings: object  # the options as read, by name (viz.options.Options): seed, seeds, tune_lr, cache, overwrite, ...

    def run(self, progress=_no_progress, say=_silent):
        """Record (or read the cache), render, write the manifest and summaries. ``progress(label)``
        gives a context manager yielding a ``(done, total)`` callback; ``say(text, err)``
        prints what a user should know (chosen rates, summaries, warnings)."""
        start = time.perf_counter()
        parts, extra, trained = [], {}, False  # (recording, title) pairs played one after the other
        if self.settings["tune_lr"] != "tuned":
            recording, trained = self._recording(self.scene, progress, say)
            parts.append((recording, self.scene.title))
        if self.settings["tune_lr"]:
            tuned, title, extra, tuned_trained = self._tuned(progress, say)
            parts.append((tuned, title))
            trained = trained or tuned_trained
        for part, _ in parts:
            _notes(part, self.name, say)
        drawn = list(zip(self.scene.problem.share_plane([part for part, _ in parts]), [t for _, t in parts]))
        recorded = time.perf_counter()
        budget = self.settings["max_size"]
        try:
            still = self.options.output.fmt in STILLS
            shown = -1 if still else 0  # a still shows the last part
            words = describe(drawn[shown][0], self.scene.title, self.scene.alt, self.scene.description)
            output_key = self._output_key(drawn, extra)
            stored = rendered.reuse(OUTPUT_FOLDER / RENDERED, output_key, self.path) if output_key else None
            if stored is not None:  # the same recordings, options and code: the stored file, not drawn again
                frames, used, changes = stored["frames"], _as_options(self.options, stored["render"]), \
                    stored["budget_changes"]
                built = {**stored, **manifest.source(self.scene_file), "reused": True}
            else:
                frames, used, changes, built = self._render(drawn, parts[shown][0], words, extra, still, progress)
            written = manifest.write(self.path, built)
            if stored is None and output_key is not None:
                try:
                    rendered.store(OUTPUT_FOLDER / RENDERED, output_key, self.path, built)
                except OSError as error:
                    say(f"warning: cannot keep the rendered output in {OUTPUT_FOLDER / RENDERED}: {error.strerror}",
                        err=True)
            enforce(built["accessibility"], self.path, self.settings["check_a11y"], say)
            tables = []
            for (part, _), tuned in zip(parts if self.settings["seeds"] > 1 else (), _parts(self.settings["tune_lr"])):
                tables.append(spread.summarize(part, seeds_table(self.path, tuned), say,
                                              "tuned learning rates" if tuned else "final training loss"))
        except OSError as error:
            raise cannot_write(self.path, error) from None
        except SpecError as error:  # e.g. a boundary panel for a model whose outputs are not one probability
            raise in_scene(error, self.name) from None
        last = parts[-1][0]
        return Report(self.path, self.name, frames, used, written, trained, recorded - start,
                      time.perf_counter() - recorded, tuple(changes), tuple(tables), int(last.optimizer_steps[-1]),
                      last.steps + 1, len(set(last.names)), budget, words, stored is not None)

    def _render(self, drawn, described, words, extra, still, progress):
        """Draw and write the output of the ``drawn`` (recording, title) parts: the frames
        written, the options used and what a size budget changed, and the manifest (a dict)."""
        used, changes, budget = self.options, (), self.settings["max_size"]
        meter = Meter(self.options.frame_rate or 1)
        with progress(f"rendering {self.path.name}") as report:
            story = {"captions": self.scene.captions, "pauses": self.scene.pauses, "words": words, "meter": meter}
            stories = []
            if budget is None:
                frames = render(drawn[0][0], self.path, drawn[0][1], report, then=drawn[1:], **story,
                                stories=stories, options=self.options)
            else:
                frames, used, changes = render_within(drawn[0][0], self.path, budget, drawn[0][1], report,
                                                      then=drawn[1:], **story, stories=stories,
                                                      options=self.options)
        video = used.output.fmt in ("mp4", "webm")
        styles = {label: as_json(style) for label, style in looks(described.names, THEMES[used.look.theme]).items()}
        told = {"story": stories[0], "looks": styles, "still": still, "words": words,
                "captions_file": captions_path(self.path).name if video else None,
                "transcript_file": transcript_path(self.path).name if video else None,
                "accessibility": section(used, styles, words, meter, frames)}
        built = manifest.build(self.path, self.scene_file, self.name, self.scene, described, used, frames,
                               changes, extra, **told)
        return frames, used, list(changes), {**built, "reused": False}

    def _output_key(self, drawn, extra):
        """The rendered output's key (:func:`viz.store.rendered.key`), or None when it is not
        kept: no cache, a frames folder, several initializations (their tables are written too)."""
        if not self.settings["cache"] or self.options.output.fmt == "frames" or self.settings["seeds"] > 1:
            return None
        return rendered.key([part for part, _ in drawn], [title for _, title in drawn], self.scene, self.options,
                            (self.name, self.path.name), self.settings["max_size"], extra)

    def _cache_key(self, scene):
        return (cache.key(scene, self._seed, self.scene_file, self.settings["seeds"], self.settings["plane"])
                if self.settings["cache"] else None)

    @property
    def _seed(self):
        return self.scene.seed if self.settings["seed"] is None else self.settings["seed"]

    def _recording(self, scene, progress, say):
        """The scene's recording, from the cache under ``outputs/.cache`` or trained (and then
        cached). Returns it and whether it was trained."""
        folder, key = OUTPUT_FOLDER / CACHE, self._cache_key(scene)
        if key is not None:
            try:
                recording = cache.load(folder, key)
            except ValueError as error:
                say(f"warning: {error}; recording again", err=True)
                recording = None
            if recording is not None:
                return recording, False
        try:
            with progress(f"recording {self.name}") as report:
                recording = record(scene, seed=self._seed, progress=report, seeds=self.settings["seeds"],
                                   plane=self.settings["plane"])
        except SpecError as error:
            raise in_scene(error, self.name) from None
        if key is not None:
            try:
                cache.store(folder, key, recording)
            except OSError as error:
                say(f"warning: cannot cache the recording in {folder}: {error.strerror}", err=True)
        return recording, True

    def _tuned(self, progress, say):
        """The scene with each optimizer at its best learning rate: its recording, a title
        saying so, the manifest's entries and whether anything was trained."""
        key = self._cache_key(self.scene)
        tuning = cache.load_tuning(OUTPUT_FOLDER / CACHE, key) if key else None
        searched = tuning is None
        if searched:
            try:
                with progress(f"tuning {self.name}") as report:
                    tuning = tune(self.scene, self._seed, report)
            except SpecError as error:
                raise OptionError("tune_lr", self.settings["tune_lr"], f"scene {self.name!r}: {error}") from None
            if key is not None:
                try:
                    cache.store_tuning(OUTPUT_FOLDER / CACHE, key, tuning)
                except OSError as error:
                    say(f"warning: cannot cache the tuning in {OUTPUT_FOLDER / CACHE}: {error.strerror}", err=True)
        grid = tuning["grid"]
        say(f"learning rates for {self.name!r}, the best of {len(grid)} from {grid[0]:g} to {grid[-1]:g}: " +
            ", ".join(f"{label} {rate:g}" + (" (the grid's edge)" if rate in (grid[0], grid[-1]) else "")
                      for label, rate in tuning["chosen"].items()))
        tuned, trained = self._recording(tuned_scene(self.scene, tuning["chosen"]), progress, say)
        title = f"Each optimizer at its best learning rate ({len(grid)} tried, {grid[0]:g} to {grid[-1]:g})"
        return tuned, title, {"tuning": tuning, "tuned_recording_sha256": tuned.digest()}, trained or searched


def plan(scene_or_file, output=None, *, scene=None, every=False, folder=None, say=_silent, **options):
    """The checked jobs for ``scene_or_file`` (a :class:`Scene`, a scene file, or a folder of
    scene files) with the render ``options`` (keywords as in :data:`viz.options.DEFAULTS`);
    outputs not named by ``output`` go into ``folder`` (default ``outputs/``). Everything
    that can be checked before training is: the scenes, the options, every output's folder.
    Two scenes whose default outputs would be one file (``a.py``'s scene ``x`` and ``a_x.py``)
    get distinct names: the later one ``a_x_1``, and ``say(text, err)`` says so.
    Raises :class:`~viz.errors.SpecError` (``OptionError`` for one option) or
    :class:`~viz.errors.OutputError`."""
    output = None if output is None else Path(output)
    look, settings = checked(output, **options)
    chosen = _chosen(scene_or_file, scene, every)
    if output is not None and len(chosen) > 1:
        raise OptionError("output", str(output), "names one file, but several scenes were asked for")
    looks = [scene_look(look, picked, settings) for _, _, picked, _ in chosen]
    jobs, scenes = [], [(scene_file, name, checked_scene(picked, name, settings, own), n_scenes)
                        for (scene_file, name, picked, n_scenes), own in zip(chosen, looks)]
    paths = [output or default_output(scene_file, name, n_scenes, picked, look.output.fmt, folder)
             for scene_file, name, picked, n_scenes in scenes]
    for (scene_file, name, picked, _), path, look in zip(scenes, distinct(paths, look.output.fmt, say), looks):
        prepare_folder(path, settings["overwrite"], folder=look.output.fmt == "frames")
        if settings["seeds"] > 1 and not settings["overwrite"]:
            for table in (seeds_table(path, tuned) for tuned in _parts(settings["tune_lr"])):
                if table.exists():
                    raise OutputError(f"{table} exists, and overwriting is turned off")
        jobs.append(Job(scene_file, name, picked, path, look, settings))
    return jobs


def scene_look(look, scene, settings):
    """The render options ``look`` for ``scene``: with the scene's own ``panels`` where the
    options as read (``settings``) ask for no panels beyond the contour and curves."""
    if scene.panels is None or settings["panels"] != (None, ()):
        return look
    return look.replace(**panel_fields(read_panels(scene.panels)))


def checked(output=None, **options):
    """The render :class:`~viz.render.options.Options` and every option as read
    (:class:`viz.options.Options`, the recording's among them) of the keywords ``options``
    (the table's; missing ones take their default) for the ``output`` path (its suffix picks
    the format), every option and rule between them checked (see
    :func:`viz.settings.combine`). Raises :class:`~viz.errors.OptionError`."""
    drawn, settings = combine(output, options, WRITERS)
    return Options.of(**drawn), settings


def export(scene_or_file, output=None, *, scene=None, progress=_no_progress, say=_silent, **options):
    """Record one scene (or read the cache) and write the recording as ``.npz`` or ``.csv``
    to ``output`` (default ``outputs/<file stem>[_<scene>].npz``), without rendering;
    ``options`` are the table's recording options that ``viz export`` takes (seed, seeds,
    cache, time_budget, memory_budget, plane). Returns the path and the
    :class:`~viz.recording.Recording`."""
    output = None if output is None else Path(output)
    if output is not None and output.suffix.lower() not in (".npz", ".csv"):
        raise OptionError("output", str(output), "cannot tell the format: use a .npz or .csv suffix")
    offered = defaults("export")
    strange = set(options) - set(offered)
    if strange:
        raise TypeError(f"unknown export option {sorted(strange)[0]!r}")
    settings = read({**offered, **options})
    chosen = _chosen(scene_or_file, scene, None)  # None: an export has no "all"
    if len(chosen) > 1:
        raise OptionError("scene", scene, "exports one scene: name it")
    (scene_file, name, picked, n_scenes), = chosen
    picked = checked_scene(picked, name, settings)
    path = output or default_output(scene_file, name, n_scenes, picked, "npz")
    prepare_folder(path)
    job = Job(scene_file, name, picked, path, None, settings)
    recording, _ = job._recording(picked, progress, say)
    _notes(recording, name, say)
    try:
        recording.to_csv(path) if path.suffix.lower() == ".csv" else recording.save(path)
    except OSError as error:
        raise cannot_write(path, error) from None
    return path, recording


def _chosen(scene_or_file, name, every):
    """The scenes asked for, as (file or None, name, scene, how many scenes the file has). A
    folder means every scene of every ``.py`` file in it."""
    if isinstance(scene_or_file, Scene):
        return [(None, name or _slug(scene_or_file.title), scene_or_file, 1)]
    path = Path(scene_or_file)
    if path.is_dir():
        if name is not None:
            raise OptionError("scene", name, "picks a scene of one file; give the file, not the folder")
        files = sorted(f for f in path.glob("*.py") if not f.name.startswith("_"))
        chosen = [(f, n, s, len(scenes)) for f in files for scenes in [load_scenes(f)] for n, s in scenes.items()]
        if not chosen:
            raise SpecError(f"{path} holds no scene files (.py files defining a viz.Scene)")
        return chosen
    scenes = load_scenes(path)
    return [(path, n, s, len(scenes)) for n, s in select(scenes, path, name, every).items()]


def _slug(title):
    """A file name from a scene's title: ``"Six optimizers!"`` -> ``six_optimizers``."""
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:40] or "scene"


def default_output(scene_file, name, n_scenes, scene, fmt, folder=None):
    """``outputs/<file stem>[_<scene>].<format>`` (a folder ``..._frames`` for frames); a
    :class:`Scene` given directly: ``outputs/<scene name>.<format>``. ``folder`` replaces
    ``outputs/``."""
    stem = name if scene_file is None else Path(scene_file).stem if n_scenes == 1 else f"{Path(scene_file).stem}_{name}"
    return Path(folder or OUTPUT_FOLDER) / (f"{stem}_frames" if fmt == "frames" else f"{stem}.{fmt}")


def _parts(tune_lr):
    """Which parts the animation plays, as "is it the tuned one": same rate, tuned, or both."""
    return {None: [False], "tuned": [True], "both": [False, True]}[tune_lr]


def seeds_table(path, tuned):
    """The summary CSV of several initializations beside the output ``path``."""
    return path.with_name(f"{path.stem}{'.tuned' if tuned else ''}.seeds.csv")


def _as_options(options, drawn):
    """``options`` with the values a stored manifest's ``"render"`` entry (``drawn``, as JSON)
    gives: the options a size budget chose."""
    def tupled(value):
        return tuple(map(tupled, value)) if isinstance(value, list) else value

    flat = options.flat()
    return options.replace(**{name: tupled(value) for name, value in drawn.items() if tupled(value) != flat[name]})


def _notes(recording, name, say):
    """What the user should know about a recording: subsampled weights, every path diverged."""
    if recording.every > 1:
        say(f"note: {name!r} has {recording.params.shape[-1]:,} weights: to keep within the time and memory budgets "
            f"its weights were recorded every {recording.every} steps (the frame says so)", err=True)
    if all(step is not None for step in diverged_steps(recording)):
        say(f"warning: in {name!r} every optimizer diverged (the animation marks where); "
            "a smaller learning rate may help", err=True)
