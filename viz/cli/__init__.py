"""The ``viz`` command: parse, call the pipeline (:mod:`viz.pipeline`), print. TensorFlow and
matplotlib load inside the commands that need them, so ``viz --help`` answers at once. Every
error is one ``Error:`` line on stderr: exit 2 for a mistake in the command or the scene, 1
for a failure, 130 for Ctrl-C, 143 for SIGTERM; no traceback unless ``--debug`` is given."""

import signal
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path

import click

from viz import __version__
from viz.cli.options import GroupedCommand, deck_options, render_options
from viz.errors import OptionError, SpecError, VizError

FLAGS = {"cache": "--no-cache", "overwrite": "--no-overwrite", "every": "--all", "max_size": "--max-size",
         "output": "--output"}


class Terminated(BaseException):
    """SIGTERM, raised wherever the program is, so that unfinished files are removed on the way out."""


def _terminate(signum, frame):
    raise Terminated


class Interrupted(BaseException):
    """Ctrl-C, raised past click (which would print a blank line and say "Aborted!")."""


def _as_click(error):
    """A library error as click's: a scene or option mistake is a usage error (exit 2), with
    an option named by its flag; anything else viz refuses is a failure (exit 1)."""
    if isinstance(error, OptionError):
        flag = FLAGS.get(error.keyword, "--" + error.keyword.replace("_", "-"))
        value = error.value
        value = "" if value is None or isinstance(value, bool) else f" {value:g}" if isinstance(value, float) else f" {value}"
        return click.UsageError(f"{flag}{value}: {error.reason}")
    if isinstance(error, SpecError):
        return click.UsageError(str(error))
    return click.ClickException(str(error))


class _Viz(click.Group):
    """click's group with viz's error conventions (see the module docstring)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted from None
        except VizError as error:
            raise _as_click(error) from error

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


def _progress(quiet):
    """``progress(label)``: a context manager yielding a ``(done, total)`` callback that draws a
    bar on stderr when stderr is a terminal (and not ``quiet``); otherwise it does nothing."""

    @contextmanager
    def progress(label):
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

    return progress


def _say(text, err=False):
    click.echo(text, err=err)


@click.group(cls=_Viz, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="viz")
def main():
    """Animate Keras optimizers on a loss landscape, for lectures and slides.

    Add --debug to any command to see the full traceback behind an error.
    """


@main.command(cls=GroupedCommand)
@click.argument("scenes", type=click.Path(exists=True, path_type=Path))
@render_options
def render(scenes, output, scene, every, quiet, jobs, **options):
    """Train the optimizers of SCENES (a scene file, or a folder of them) and write the animation.

    Writes outputs/<file>.gif by default (outputs/<file>_<scene>.gif for files with several
    scenes), and beside it <name>.json, the manifest: versions, hashes, configs and options.
    A folder renders every scene of every file in it. Every option is also a keyword of
    viz.render() and viz.show() in Python (--tune-lr is tune_lr=...).
    """
    from viz import pipeline, workers

    planned = pipeline.plan(scenes, output, scene=scene, every=every, **options)  # all checked before any training
    progress = _progress(quiet or jobs > 1)  # workers draw no bars: a line per scene as each is done
    for done, (_, report) in enumerate(workers.run(planned, options, jobs, progress, _say), 1):
        how = f"recorded in {report.record_seconds:.1f} s" if report.trained else "recording from the cache"
        counted = f"[{done}/{len(planned)}] " if len(planned) > 1 else ""
        click.echo(f"{counted}{report}; {how}, rendered in {report.render_seconds:.1f} s; "
                   f"manifest {report.manifest.name}")


@main.command(cls=GroupedCommand)
@click.argument("scenes", type=click.Path(exists=True, path_type=Path))
@deck_options
def slides(scenes, output, title, scene, quiet, jobs, **options):
    """Render every scene of SCENES (a scene file, or a folder of them) into a lecture deck.

    One slide per scene, in file-name order, with the scene's title. A .pptx embeds each
    scene's MP4 with its last frame as the poster and the scene file's docstring as speaker
    notes; an .html deck is one offline file with the interactive player on each slide
    (arrow keys, space and PageUp/PageDown move, n shows the notes). Every render option
    applies to every scene; --aspect sets the slide's shape, --theme dark its background.
    The same as viz.slides() in Python.
    """
    from viz import deck

    path, shown = deck.build(scenes, output, title=title, scene=scene, workers_count=jobs,
                             progress=_progress(quiet or jobs > 1), say=_say, **options)
    size = path.stat().st_size / 1e6
    click.echo(f"{path}: {len(shown)} scenes{' and a title slide' if title else ''}, {size:.1f} MB")


@main.command()
@click.argument("scene_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file, .npz or .csv [default: outputs/<file>.npz].")
@click.option("--scene", help="Export this scene of the file.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), help="Initial weights and batch order [default: the "
                                                                "scene's seed, 0].")
@click.option("--seeds", type=click.IntRange(1, 100), default=1, show_default=True,
              help="A model scene from this many initializations: all of them are written.")
@click.option("--no-cache", "cache", is_flag=True, flag_value=False, default=True,
              help="Train again instead of reusing the recording cached in outputs/.cache.")
@click.option("--time-budget", metavar="SECONDS", help="As for viz render: a keras_model's evaluation time.")
@click.option("--memory-budget", metavar="BYTES", help="As for viz render: a keras_model's recorded weights.")
@click.option("--plane", type=click.Choice(["pca", "hessian", "random"]), default="pca", show_default=True,
              help="A model's 2D view: the paths' principal plane, the Hessian's top eigenvectors at the best end, "
                   "or two filter-normalized random directions.")
def export(scene_file, output, scene, seed, seeds, cache, time_budget, memory_budget, plane):
    """Train the optimizers of SCENE_FILE and write the recording, without rendering.

    .npz holds names [n_opt], params [n_opt, steps+1, d], loss [n_opt, steps+1], sharpness
    [n_opt, steps+1], the plane (plane_origin, plane_basis, plane_xy, and for models
    plane_offset and plane_loss [n_opt, steps+1]) and more (with --seeds, spread_params
    [n_opt, n_seeds, steps+1, d], spread_loss, spread_seeds...); .csv has one row per
    optimizer, seed and step.
    """
    from viz import pipeline

    path, recording = pipeline.export(scene_file, output, scene=scene, seed=seed, seeds=seeds, cache=cache,
                                      time_budget=time_budget, memory_budget=memory_budget, plane=plane,
                                      progress=_progress(True), say=_say)
    click.echo(f"{path}: {len(recording.names)} paths x {recording.steps + 1} points")


@main.command(name="list")
@click.argument("scene_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def list_scenes(scene_file):
    """List the scenes of SCENE_FILE: name, title and optimizers."""
    from viz.scene import load_scenes, select

    for name, scene in select(load_scenes(scene_file), scene_file, every=True).items():
        click.echo(f"{name}: {scene.title}")
        rate = scene.learning_rate
        rates = ", ".join(f"{r:g}" for r in rate) if isinstance(rate, tuple) else f"{rate:g}"
        click.echo(f"    optimizers: {', '.join(scene.optimizers)}; learning rate {rates}")
        if scene.varied in ("batch_size", "initializer"):
            click.echo(f"    paths: {', '.join(path.label for path in scene.paths())}")


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


from viz.cli.explore import explore  # noqa: E402  (its own module: the command and its few options)

main.add_command(explore)
