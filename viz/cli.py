"""The ``viz`` command. TensorFlow and matplotlib load inside the commands that need them, so
``viz --help`` answers at once. Every error is one ``Error:`` line on stderr: exit 2 for a
mistake in the command or the scene, 1 for a failure, 130 for Ctrl-C, 143 for SIGTERM; no
traceback unless ``--debug`` is given."""

import dataclasses
import math
import re
import signal
import sys
import tempfile
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

import click

from viz import __version__
from viz.errors import SpecError
from viz.render import DEFAULT_FPS, DEFAULT_HOLD, DEFAULT_MAX_FRAMES, FORMATS, OVERLAYS, STILLS
from viz.render.writers import GIF_MAX_FPS
from viz.scene import SceneFileError, load_scenes, select

OUTPUT_FOLDER = Path("outputs")
CACHE = ".cache"  # under OUTPUT_FOLDER


class Terminated(BaseException):
    """SIGTERM, raised wherever the program is, so that unfinished files are removed on the way out."""


def _terminate(signum, frame):
    raise Terminated


class Interrupted(BaseException):
    """Ctrl-C, raised past click (which would print a blank line and say "Aborted!")."""


class _Viz(click.Group):
    """click's group with viz's error conventions (see the module docstring)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted from None

    def main(self, args=None, prog_name=None, **extra):
        args = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in args
        args = [arg for arg in args if arg != "--debug"]
        previous = signal.signal(signal.SIGTERM, _terminate)
        try:
            result = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as error:
            click.echo(error.ctx.get_help(), err=True)
            sys.exit(2)
        except click.ClickException as error:
            code, message, failure = error.exit_code, error.format_message(), error
        except (Interrupted, KeyboardInterrupt, click.Abort) as error:
            code, message, failure = 130, "interrupted; unfinished files were removed", error
        except Terminated as error:
            code, message, failure = 143, "terminated; unfinished files were removed", error
        except Exception as error:  # e.g. a scene's own function failing while it is recorded
            code, failure = 1, error
            lines = [line.strip() for line in str(error).splitlines() if line.strip()]
            message = f"{type(error).__name__}: {lines[-1] if lines else ''} (add --debug for the traceback)"
        else:
            sys.exit(result if isinstance(result, int) else 0)
        finally:
            signal.signal(signal.SIGTERM, previous)
        if debug:
            while failure.__suppress_context__ and failure.__context__ is not None:
                failure = failure.__context__  # the error behind the one-line message
            traceback.print_exception(failure)
        click.echo(f"Error: {message}", err=True)
        sys.exit(code)


def _load(path, scene_name=None, every=False):
    """The scenes asked for, as (file, name, scene, how many scenes the file has) tuples. A
    folder means every scene of every ``.py`` file in it."""
    files = sorted(f for f in path.glob("*.py") if not f.name.startswith("_")) if path.is_dir() else [path]
    if path.is_dir() and scene_name is not None:
        raise click.UsageError("--scene picks a scene of one file; give the file, not the folder")
    chosen = []
    for file in files:
        try:
            scenes = load_scenes(file)
        except SpecError as error:
            raise click.UsageError(str(error)) from None
        except SceneFileError as error:
            raise click.ClickException(str(error)) from None
        if path.is_dir():
            chosen += [(file, name, scene, len(scenes)) for name, scene in scenes.items()]
            continue
        try:
            selected = select(scenes, file, scene_name, every)
        except LookupError as error:
            raise click.UsageError(str(error)) from None
        chosen += [(file, name, scene, len(scenes)) for name, scene in selected.items()]
    if not chosen:
        raise click.UsageError(f"{path} holds no scene files (.py files defining a viz.Scene)")
    return chosen


def _size(ctx, param, value):
    if value is None:
        return None
    try:
        width, height = (int(part) for part in value.lower().split("x"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not WIDTHxHEIGHT, e.g. 1280x720") from None
    return width, height


def _camera(ctx, param, value):
    """``35,-120`` -> (35.0, -120.0)."""
    if value is None:
        return None
    try:
        elevation, azimuth = (float(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not ELEV,AZIM in degrees, e.g. 35,-120") from None
    return elevation, azimuth


def _output(path, scene_file, scene_name, n_scenes, suffix):
    """The explicit ``-o`` path, or ``outputs/<file stem>[_<scene>].<suffix>`` (a folder
    ``..._frames`` without a suffix)."""
    if path is not None:
        return path
    stem = Path(scene_file).stem if n_scenes == 1 else f"{Path(scene_file).stem}_{scene_name}"
    return OUTPUT_FOLDER / (f"{stem}.{suffix}" if suffix else f"{stem}_frames")


def _prepare_folder(path, overwrite=True, folder=False):
    """Create the output's folder and make sure a file can be written there, before any
    training: fail with one line if it cannot. ``folder``: the output is itself a folder."""
    if folder and (path.is_symlink() or (path.exists() and not path.is_dir())):
        raise click.ClickException(f"{path} exists and is not a folder; frames are written into a folder")
    if folder and path.is_dir() and any(not re.fullmatch(r"frame_\d+\.png", f.name) for f in path.iterdir()):
        raise click.ClickException(f"{path} holds other files than frames; name a new folder for the frames")
    if path.is_dir() and not folder:
        raise click.ClickException(f"{path} is a folder; give a file name such as {path / 'lesson.gif'}")
    if not overwrite and path.exists():
        raise click.ClickException(f"{path} exists and --no-overwrite was given")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise click.ClickException(f"cannot create the folder {path.parent}: {error.strerror}") from None
    try:
        tempfile.TemporaryFile(dir=path.parent).close()
    except OSError as error:
        raise click.ClickException(f"cannot write into {path.parent}: {error.strerror}") from None


def _cannot_write(path, error):
    """One line for a failed write: the OS's reason, or the first line of an encoder's report."""
    reason = getattr(error, "strerror", None) or str(error).splitlines()[0]
    if "No space left" in str(error):  # ffmpeg's report of a full disk
        reason = "No space left on device"
    return click.ClickException(f"cannot write {path}: {reason}")


@contextmanager
def _progress(label, quiet):
    """A ``progress(done, total)`` callback drawing a bar on stderr when stderr is a terminal
    (and not ``quiet``); otherwise it does nothing."""
    if quiet or not sys.stderr.isatty():
        yield lambda done, total: None
        return
    bar = None

    def report(done, total):
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr, width=30)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield report
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _recording(scene, name, seed, scene_file, cache=True, quiet=True, seeds=1):
    """The scene's recording (from ``seeds`` initializations), from the cache under
    ``outputs/.cache`` or trained (and then cached). Returns it and whether it was trained."""
    from viz.store import cache as recordings
    from viz.record import record

    folder = OUTPUT_FOLDER / CACHE
    key = recordings.key(scene, scene.seed if seed is None else seed, scene_file, seeds) if cache else None
    if key is not None:
        try:
            recording = recordings.load(folder, key)
        except ValueError as error:
            click.echo(f"warning: {error}; recording again", err=True)
            recording = None
        if recording is not None:
            return recording, False
    try:
        with _progress(f"recording {name}", quiet) as progress:
            recording = record(scene, seed=seed, progress=progress, seeds=seeds)
    except SpecError as error:
        raise click.UsageError(f"scene {name!r}: {error}") from None
    if key is not None:
        try:
            recordings.store(folder, key, recording)
        except OSError as error:
            click.echo(f"warning: cannot cache the recording in {folder}: {error.strerror}", err=True)
    return recording, True


def _tuning(scene, name, seed, scene_file, cache=True, quiet=True):
    """Each optimizer's best learning rate on the grid (see viz.tune), from the cache or
    searched (and then cached as JSON)."""
    import json

    from viz.store import cache as recordings
    from viz.tune import tune

    key = recordings.key(scene, scene.seed if seed is None else seed, scene_file) if cache else None
    path = OUTPUT_FOLDER / CACHE / f"{key}.tuning.json"
    if key is not None and path.exists():
        try:
            return json.loads(path.read_text()), False
        except ValueError:
            path.unlink(missing_ok=True)  # damaged: search again
    try:
        with _progress(f"tuning {name}", quiet) as progress:
            result = tune(scene, scene.seed if seed is None else seed, progress)
    except SpecError as error:
        raise click.UsageError(f"--tune-lr, scene {name!r}: {error}") from None
    if key is not None:
        from viz.store.atomic import atomic_path

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(path) as temporary:
                temporary.write_text(json.dumps(result, indent=1))
        except OSError as error:
            click.echo(f"warning: cannot cache the tuning in {path.parent}: {error.strerror}", err=True)
    return result, True


def _tuned(scene, name, seed, scene_file, cache, quiet, seeds):
    """The scene with each optimizer at its best learning rate: its recording, a title saying
    so, the manifest's entries and whether anything was trained. Prints the chosen rates."""
    from viz.tune import tuned_scene

    tuning, searched = _tuning(scene, name, seed, scene_file, cache, quiet)
    grid = tuning["grid"]
    click.echo(f"learning rates for {name!r}, the best of {len(grid)} from {grid[0]:g} to {grid[-1]:g}: " +
               ", ".join(f"{label} {rate:g}" + (" (the grid's edge)" if rate in (grid[0], grid[-1]) else "")
                         for label, rate in tuning["chosen"].items()))
    tuned, trained = _recording(tuned_scene(scene, tuning["chosen"]), name, seed, scene_file, cache, quiet, seeds)
    title = f"Each optimizer at its best learning rate ({len(grid)} tried, {grid[0]:g} to {grid[-1]:g})"
    return tuned, title, {"tuning": tuning, "tuned_recording_sha256": tuned.digest()}, trained or searched


def _parts(tune_lr):
    """Which parts the animation plays, as "is it the tuned one": same rate, tuned, or both."""
    return {None: [False], "tuned": [True], "both": [False, True]}[tune_lr]


def _seeds_table(path, tuned):
    """The summary CSV of several initializations beside the output ``path``."""
    return path.with_name(f"{path.stem}{'.tuned' if tuned else ''}.seeds.csv")


def _spread_summary(recording, table, heading):
    """Print the summary over several initializations and write it as the CSV ``table``."""
    from viz import spread

    rows = spread.summary(recording)
    spread.write_csv(rows, table)
    click.echo(f"{heading}, {len(recording.spread['seeds'])} initializations (seeds "
               f"{recording.spread['seeds'][0]}-{recording.spread['seeds'][-1]}), written to {table}:")
    for line in spread.table(rows) + spread.claims(rows):
        click.echo("    " + line)


def _notes(recording, name):
    """What the user should know about a recording: subsampled weights, every path diverged."""
    import numpy as np

    if recording.every > 1:
        click.echo(f"note: {name!r} has {recording.params.shape[-1]:,} weights: to keep memory bounded its "
                   f"weights were recorded every {recording.every} steps (the frame says so)", err=True)
    if np.isnan(recording.loss[:, -1]).all():
        click.echo(f"warning: in {name!r} every optimizer diverged (the animation marks where); "
                   "a smaller learning rate may help", err=True)


def _check_seeds(scene, name, seed, seeds):
    """Several initializations are for models (a surface's paths start where the scene says),
    and take the seeds after the first: all must be valid seeds."""
    from viz.surfaces import Surface

    if seeds > 1 and isinstance(scene.problem, Surface):
        raise click.UsageError(f"--seeds: scene {name!r} is a surface; its paths start where the scene says "
                               "(give it several starts instead)")
    first = scene.seed if seed is None else seed
    if first + seeds - 1 > 2**32 - 1:
        raise click.UsageError(f"--seeds {seeds} from seed {first} goes past the largest seed, 2**32 - 1")


def _seed_option(function):
    return click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=None,
                        help="Initial weights and batch order [default: the scene's seed, 0].")(function)


def _cache_option(function):
    return click.option("--no-cache", "no_cache", is_flag=True,
                        help="Train again instead of reusing the recording cached in outputs/.cache.")(function)


@click.group(cls=_Viz, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="viz")
def main():
    """Animate Keras optimizers on a loss landscape, for lectures and slides.

    Add --debug to any command to see the full traceback behind an error.
    """


def _budget(ctx, param, value):
    """``5MB``, ``500KB``, ``2.5M`` or plain bytes -> bytes."""
    if value is None:
        return None
    text = value.strip().upper().removesuffix("B")
    factor = {"K": 1e3, "M": 1e6, "G": 1e9}.get(text[-1:], 1)
    try:
        number = float(text[:-1] if factor != 1 else text)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a size such as 5MB or 800KB") from None
    if not (math.isfinite(number) and number * factor >= 10_000):
        raise click.BadParameter(f"{value!r}: a GIF needs at least 10KB")
    return int(number * factor)


PANELS = ("contour", "curves", "boundary")


def _panels(ctx, param, value):
    """``contour,curves[,boundary]`` -> whether the boundary panel is asked for."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    strange = [name for name in names if name not in PANELS]
    if strange:
        raise click.BadParameter(f"unknown panel {strange[0]!r}; the panels are {', '.join(PANELS)}")
    if not {"contour", "curves"} <= set(names):
        raise click.BadParameter("the contour and curves panels are always drawn: give contour,curves or "
                                 "contour,curves,boundary")
    return "boundary" in names


def _features(ctx, param, value):
    """``variance,skewness`` or ``pca`` -> a tuple of names (``("pca",)``)."""
    if value is None:
        return None
    from viz.problems.logreg import check_feature_axes

    try:
        return check_feature_axes(name.strip() for name in value.split(","))
    except SpecError as error:
        raise click.BadParameter(str(error)) from None


def _overlays(ctx, param, value):
    """``gradient,step`` -> ("gradient", "step")."""
    if value is None:
        return ()
    names = tuple(dict.fromkeys(name.strip().lower() for name in value.split(",")))
    unknown = [name for name in names if name not in OVERLAYS]
    if unknown:
        raise click.BadParameter(f"unknown overlay {unknown[0]!r}; choose {', '.join(OVERLAYS)} or both, "
                                 "comma-separated")
    return names


def _options(output, fmt, quality, aspect, size, fps, last_frame, transparent, **options):
    """The format (from -o's suffix, --format or -s) and the render Options; UsageError if
    they cannot work together."""
    from viz.render import Options
    from viz.render.theme import QUALITIES, preset_size

    if output is not None:
        suffix = output.suffix.lstrip(".").lower() or "frames"  # no suffix: a folder of PNG frames
        if suffix not in FORMATS:
            raise click.UsageError(f"cannot tell the format of {output}: use one of the suffixes "
                                   f"{', '.join('.' + f for f in FORMATS if f != 'frames')}, or none for a frames folder")
        if fmt is not None and fmt != suffix:
            raise click.UsageError(f"--format {fmt} does not match the output {output}")
        fmt = suffix
    if last_frame:
        fmt = fmt if fmt in STILLS else ("png" if fmt is None else None)
        if fmt is None:
            raise click.UsageError("-s/--last-frame writes one picture: use it with png, svg or pdf")
    fmt = fmt or "gif"
    size = size or preset_size(quality or "m", aspect)
    if fps is None and quality is not None and fmt not in STILLS:
        fps = QUALITIES[quality][1] if fmt != "gif" else min(QUALITIES[quality][1], GIF_MAX_FPS)
    options = Options(fmt=fmt, size=size, fps=fps, transparent=transparent, **options)
    try:
        options.check()
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    return options


@main.command()
@click.argument("scenes", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file; its suffix (.gif, .mp4, .webm, .png, .svg, .pdf, .html, or none for a folder "
                   "of frames) picks the format.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Output format [default: gif].")
@click.option("-q", "--quality", type=click.Choice(["l", "m", "h", "k"]),
              help="Size and fps: l 480p15, m 720p30, h 1080p60, k 2160p60 [default: 720p; fps by format].")
@click.option("--aspect", type=click.Choice(["16:9", "4:3"]), default="16:9", show_default=True,
              help="Shape of the preset sizes (4:3 of 720p is 960x720).")
@click.option("--size", callback=_size, help="WIDTHxHEIGHT in pixels, both even; overrides -q and --aspect.")
@click.option("--fps", type=float, help=f"Frames per second [default: gif {DEFAULT_FPS['gif']}, mp4 and webm "
                                        f"{DEFAULT_FPS['mp4']}, html {DEFAULT_FPS['html']}].")
@click.option("--theme", type=click.Choice(["light", "dark"]), default="light", show_default=True,
              help="dark for dark slide templates.")
@click.option("--font-scale", type=float, default=1.0, show_default=True,
              help="Text size factor, 0.75 to 1.5 (larger for the back row).")
@click.option("-t", "--transparent", is_flag=True, help="See-through background (gif, png, svg, pdf, frames).")
@click.option("-s", "--last-frame", is_flag=True, help="Write only the final frame (png, or svg/pdf with --format).")
@click.option("--hold", type=float, default=DEFAULT_HOLD, show_default=True,
              help="Seconds the last frame stays on screen (html: the player stops there instead).")
@click.option("--duration", type=float, help="Seconds for the steps (without the hold): fewer steps are held "
                                             "longer, more are subsampled.")
@click.option("--max-frames", type=int, default=DEFAULT_MAX_FRAMES, show_default=True,
              help="Longer recordings are drawn at this many steps, spread evenly.")
@click.option("--max-size", "budget", callback=_budget,
              help="GIF size budget, e.g. 5MB: fewer colours, then fewer frames, then a smaller size.")
@click.option("--steps", type=int, help="Optimizer steps of a surface scene, instead of the scene's own.")
@click.option("--panels", "boundary", default="contour,curves", show_default=True, callback=_panels,
              help="Add boundary (contour,curves,boundary): decision boundaries in the data instead of the "
                   "accuracy (the lesson, or a keras_model with two inputs).")
@click.option("--features", callback=_features,
              help="The lesson's boundary panel axes: two features [default: variance,skewness], or pca for "
                   "the principal components of the standardised features.")
@click.option("--seeds", type=click.IntRange(1, 100), default=1, show_default=True,
              help="A model (the lesson, a keras_model) from this many initializations (seed, seed+1, ...): "
                   "median and interquartile bands, a summary printed and written as <output>.seeds.csv.")
@click.option("--tune-lr", "tune_lr", type=click.Choice(["tuned", "both"]), is_flag=False, flag_value="tuned",
              help="Each optimizer at its best learning rate of 9 around the scene's (x0.01 to x100); "
                   "'--tune-lr both' plays the same-rate run, then the tuned one.")
@click.option("--view", type=click.Choice(["2d", "3d"]), default="2d", show_default=True,
              help="For a surface scene: 3d draws f(x, y) as a 3D surface with the paths on it, instead of contours.")
@click.option("--camera", callback=_camera, metavar="ELEV,AZIM",
              help="With --view 3d: the camera's elevation and azimuth in degrees, e.g. 35,-120 "
                   "[default: chosen per surface].")
@click.option("--overlays", callback=_overlays,
              help="Arrows at each optimizer's current point: gradient (the loss's -gradient), step (the step it "
                   "takes next), or gradient,step.")
@click.option("--trail", type=click.IntRange(min=1), help="Draw the last N steps of each path strong, older parts "
                                                          "fading.")
@click.option("--sequence", is_flag=True, help="The optimizers one after another, each in its share of the frames "
                                               "(--max-frames and --duration are for the whole animation).")
@click.option("--scene", "scene_name", help="Render only this scene of the file.")
@click.option("--all", "every", is_flag=True, help="Render every scene of the file.")
@_seed_option
@_cache_option
@click.option("--no-overwrite", is_flag=True, help="Refuse to replace an existing output.")
@click.option("--quiet", is_flag=True, help="No progress bars; only the summary line.")
def render(scenes, output, fmt, quality, aspect, size, fps, theme, font_scale, transparent, last_frame, hold,
           duration, max_frames, budget, steps, boundary, features, seeds, tune_lr, scene_name, every, seed, no_cache,
           no_overwrite, quiet, view, camera, overlays, trail, sequence):
    """Train the optimizers of SCENES (a scene file, or a folder of them) and write the animation.

    Writes outputs/<file>.gif by default (outputs/<file>_<scene>.gif for files with several
    scenes), and beside it <name>.json, the manifest: versions, hashes, configs and options.
    A folder renders every scene of every file in it.
    """
    options = _options(output, fmt, quality, aspect, size, fps, last_frame, transparent, theme=theme,
                       font_scale=font_scale, hold=hold, duration=duration, max_frames=max_frames, boundary=boundary,
                       view=view, camera=camera, overlays=overlays, trail=trail, sequence=sequence,
                       **({"features": features} if features else {}))
    if budget is not None and options.fmt != "gif":
        raise click.UsageError(f"--max-size is a GIF budget; {options.fmt} is not a GIF")
    if features and not boundary:
        raise click.UsageError("--features sets the boundary panel's axes: add --panels contour,curves,boundary")
    chosen = _load(scenes, scene_name, every)
    if output is not None and len(chosen) > 1:
        raise click.UsageError("-o names one file, but several scenes were asked for; drop -o")
    from viz.store import manifest
    from viz.optimizers import with_rate
    from viz.record import on_one_plane
    from viz.render import BudgetError, render as render_recording, render_within
    from viz.surfaces import Surface

    jobs = []  # every scene and output checked before the first one trains
    for scene_file, name, scene, n_scenes in chosen:
        if steps is not None:
            try:
                scene = dataclasses.replace(scene, steps=steps)
            except SpecError as error:
                raise click.UsageError(f"--steps {steps} for {scene_file}, scene {name!r}: {error}") from None
        inputs = getattr(scene.problem, "x", None)
        lesson = hasattr(scene.problem, "build_model")
        if boundary and not (lesson or inputs is not None and inputs.ndim == 2 and inputs.shape[1] == 2):
            raise click.UsageError(f"--panels ...,boundary: scene {name!r} is neither the lesson nor a keras_model "
                                   "with two input features")
        if features and not lesson:
            raise click.UsageError(f"--features: scene {name!r} is not the lesson "
                                   "(a keras_model's two inputs are its axes)")
        _check_seeds(scene, name, seed, seeds)
        if tune_lr:
            try:
                for spec in scene.optimizers.values():
                    with_rate(spec, scene.learning_rate)
            except SpecError as error:
                raise click.UsageError(f"--tune-lr, scene {name!r}: {error}") from None
        if view == "3d" and not isinstance(scene.problem, Surface):
            raise click.UsageError(f"--view 3d: scene {name!r} is not a surface; a model's 2D view is a plane "
                                   "through its many weights, not its loss surface, so it has no 3D view")
        path = _output(output, scene_file, name, n_scenes, options.fmt if options.fmt != "frames" else "")
        _prepare_folder(path, overwrite=not no_overwrite, folder=options.fmt == "frames")
        for table in (_seeds_table(path, tuned) for tuned in _parts(tune_lr)) if seeds > 1 and no_overwrite else ():
            if table.exists():
                raise click.ClickException(f"{table} exists and --no-overwrite was given")
        jobs.append((scene_file, name, scene, path))
    for scene_file, name, scene, path in jobs:
        start = time.perf_counter()
        parts, extra, trained = [], {}, False  # (recording, title) pairs played one after the other
        if tune_lr != "tuned":
            recording, trained = _recording(scene, name, seed, scene_file, not no_cache, quiet, seeds)
            parts.append((recording, scene.title))
        if tune_lr:
            tuned, title, extra, tuned_trained = _tuned(scene, name, seed, scene_file, not no_cache, quiet, seeds)
            parts.append((tuned, title))
            trained = trained or tuned_trained
        for part, _ in parts:
            _notes(part, name)
        drawn = list(zip(on_one_plane(scene, [part for part, _ in parts]), [title for _, title in parts]))
        recorded = time.perf_counter()
        used, changes = options, []
        try:
            with _progress(f"rendering {path.name}", quiet) as progress:
                if budget is None:
                    frames = render_recording(drawn[0][0], path, drawn[0][1], progress, then=drawn[1:],
                                              **vars(options))
                else:
                    frames, used, changes = render_within(drawn[0][0], path, budget, drawn[0][1], progress,
                                                          then=drawn[1:], **vars(options))
            described = parts[-1][0] if options.fmt in STILLS else parts[0][0]  # a still shows the last part
            written = manifest.write(path, manifest.build(path, scene_file, name, scene, described, used,
                                                           frames, changes, extra))
            for (part, _), tuned in zip(parts if seeds > 1 else (), _parts(tune_lr)):
                _spread_summary(part, _seeds_table(path, tuned),
                                "tuned learning rates" if tuned else "final training loss")
        except OSError as error:
            raise _cannot_write(path, error) from None
        except BudgetError as error:
            raise click.ClickException(str(error)) from None
        except SpecError as error:  # e.g. a boundary panel for a model whose outputs are not one probability
            raise click.UsageError(f"scene {name!r}: {error}") from None
        done = time.perf_counter()
        click.echo(_summary(path, used, frames, parts[-1][0], changes, budget) +
                   f"; {f'recorded in {recorded - start:.1f} s' if trained else 'recording from the cache'}, "
                   f"rendered in {done - recorded:.1f} s; manifest {written.name}")


def _summary(path, options, frames, recording, changes, budget):
    width, height = options.size
    what = f"{path}: {width}x{height}"
    if options.fmt in STILLS:
        return f"{what}, the last frame (step {recording.steps * recording.every})"
    points = recording.steps + 1
    shown = f" (subsampled from {points})" if frames < points else f" (showing {points} steps)" if frames > points else ""
    if options.sequence:
        turns = len(set(recording.names))
        shown = f" ({turns} optimizers in turn, {frames // turns} frames each, of {points} steps)"
    size = sum(f.stat().st_size for f in path.iterdir()) if path.is_dir() else path.stat().st_size
    fitted = f" (to fit {budget / 1e6:g} MB: {', '.join(changes)})" if changes else ""
    return f"{what}, {frames} frames{shown} at {options.frame_rate:g} fps, {size / 1e6:.1f} MB{fitted}"


@main.command()
@click.argument("scene_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file, .npz or .csv [default: outputs/<file>.npz].")
@click.option("--scene", "scene_name", help="Export this scene of the file.")
@_seed_option
@click.option("--seeds", type=click.IntRange(1, 100), default=1, show_default=True,
              help="A model scene from this many initializations: all of them are written.")
@_cache_option
def export(scene_file, output, scene_name, seed, seeds, no_cache):
    """Train the optimizers of SCENE_FILE and write the recording, without rendering.

    .npz holds names [n_opt], params [n_opt, steps+1, d], loss [n_opt, steps+1] and more
    (with --seeds, spread_params [n_opt, n_seeds, steps+1, d], spread_loss, spread_seeds...);
    .csv has one row per optimizer, seed and step.
    """
    if output is not None and output.suffix.lower() not in (".npz", ".csv"):
        raise click.UsageError(f"cannot tell the format of {output}: use a .npz or .csv suffix")
    (scene_file, name, scene, n_scenes), = _load(scene_file, scene_name)
    path = _output(output, scene_file, name, n_scenes, "npz")
    _prepare_folder(path)
    _check_seeds(scene, name, seed, seeds)
    recording, _ = _recording(scene, name, seed, scene_file, cache=not no_cache, seeds=seeds)
    _notes(recording, name)
    try:
        recording.to_csv(path) if path.suffix.lower() == ".csv" else recording.save(path)
    except OSError as error:
        raise _cannot_write(path, error) from None
    click.echo(f"{path}: {len(recording.names)} paths x {recording.steps + 1} points")


@main.command(name="list")
@click.argument("scene_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def list_scenes(scene_file):
    """List the scenes of SCENE_FILE: name, title and optimizers."""
    for _, name, scene, _ in _load(scene_file, every=True):
        click.echo(f"{name}: {scene.title}")
        click.echo(f"    optimizers: {', '.join(scene.optimizers)}; learning rate {scene.learning_rate:g}")


@main.command(name="surfaces")
def list_surfaces():
    """List the 2D test surfaces: domain, global minima and suggested starts."""
    from viz import surfaces

    for name in surfaces.NAMES:
        surface = surfaces.get(name)
        (x_min, x_max), (y_min, y_max) = surface.domain
        minima = ", ".join(f"({x:.4g}, {y:.4g})" for x, y in surface.minima) or "none (unbounded below)"
        value = f" = {surface.minimum_value:.6g}" if surface.minimum_value is not None else ""
        starts = ", ".join(f"({x:g}, {y:g})" for x, y in surface.suggested_starts)
        click.echo(f"{name}\n    domain x [{x_min:g}, {x_max:g}], y [{y_min:g}, {y_max:g}]; "
                   f"minima {minima}{value}\n    starts {starts} (default first)")


@main.command(name="optimizers")
def list_optimizers():
    """List the optimizer names Keras knows, and the lesson's six (SEED_OPTIMIZERS)."""
    from viz.optimizers import SEED_OPTIMIZERS, known_names

    click.echo("Keras optimizers, by name or as {'class_name': ..., 'config': {...}}:")
    click.echo("    " + ", ".join(known_names()))
    click.echo("SEED_OPTIMIZERS, the lesson's six:")
    for label, spec in SEED_OPTIMIZERS.items():
        click.echo(f"    {label}: {spec}")
