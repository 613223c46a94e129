"""The ``viz`` command: parse, call the pipeline (:mod:`viz.pipeline`), print. TensorFlow and
matplotlib load inside the commands that need them, so ``viz --help`` answers at once. Every
error is one ``Error:`` line on stderr: exit 2 for a mistake in the command or the scene, 1
for a failure, 130 for Ctrl-C, 143 for SIGTERM; no traceback unless ``--debug`` is given."""

import sys
import traceback
from pathlib import Path

import click

from viz import signals
from viz.version import __version__
from viz.cli.terminal import progress_bars, say
from viz.cli.options import GroupedCommand, deck_options, export_options, render_options
from viz.errors import OptionError, SceneFailed, SpecError, VizError, said
from viz.optimizers import SEED_OPTIMIZERS, known_names
from viz.options import TABLE

FLAGS = {"every": "--all", "output": "--output", **{row.name: row.spelled[-1] for row in TABLE}}
TERMINATED = "terminated; unfinished files were removed"


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
    if isinstance(error, SceneFailed):
        return click.ClickException(f"{error} (add --debug for the traceback)")
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

    def main(self, args=None, prog_name=None, standalone_mode=True, **extra):
        given = list(sys.argv[1:] if args is None else args)
        debug, given = "--debug" in given, [arg for arg in given if arg != "--debug"]
        with signals.handled():  # until the last word: a SIGTERM at any moment ends in exit 143
            try:
                code, message, failure = self._outcome(given, prog_name, extra)
                signals.check()  # a SIGTERM whose exception surfaced where it was lost (a finalizer)
            except signals.Terminated as error:
                code, message, failure = 143, TERMINATED, error
            try:
                if message is not None:
                    if debug:
                        while failure.__suppress_context__ and failure.__context__ is not None:
                            failure = failure.__context__  # the error behind the one-line message
                        click.echo(getattr(failure, "details", "") or "".join(traceback.format_exception(failure)),
                                   err=True, nl=False)  # details: a worker's traceback
                    click.echo(f"Error: {message}", err=True)
            except signals.Terminated:
                code = 143
                click.echo(f"Error: {TERMINATED}", err=True)
        return sys.exit(code) if standalone_mode else code  # standalone_mode=False: the exit code returned

    def _outcome(self, args, prog_name, extra):
        """Run the command: (exit code, the ``Error:`` message or None, the error behind it)."""
        try:
            result = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as error:
            click.echo(error.ctx.get_help(), err=True)
            return 2, None, None
        except click.ClickException as error:
            return error.exit_code, error.format_message(), error
        except (Interrupted, KeyboardInterrupt, click.Abort) as error:
            return 130, "interrupted; unfinished files were removed", error
        except Exception as error:  # e.g. a scene's own function failing while it is drawn
            return 1, f"{said(error)} (add --debug for the traceback)", error
        return (result if isinstance(result, int) else 0), None, None


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
    from viz import pipeline, workers  # NumPy, matplotlib: only when the command runs (--help stays light)

    workers.executor(options, jobs)  # a Ray cluster reached before anything is written
    planned = pipeline.plan(scenes, output, scene=scene, every=every, say=say, **options)  # all checked before training
    progress = progress_bars(quiet or jobs > 1)  # workers draw no bars: a line per scene as each is done
    for done, (_, report) in enumerate(workers.run(planned, options, jobs, progress, say), 1):
        how = f"recorded in {report.record_seconds:.1f} s" if report.trained else "recording from the cache"
        made = "the rendered file reused" if report.reused else f"rendered in {report.render_seconds:.1f} s"
        counted = f"[{done}/{len(planned)}] " if len(planned) > 1 else ""
        click.echo(f"{counted}{report}; {how}, {made}; manifest {report.manifest.name}")


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
    from viz import deck  # NumPy, matplotlib: only when the command runs

    path, shown = deck.build(scenes, output, title=title, scene=scene, workers_count=jobs,
                             progress=progress_bars(quiet or jobs > 1), say=say, **options)
    size = path.stat().st_size / 1e6
    click.echo(f"{path}: {len(shown)} scenes{' and a title slide' if title else ''}, {size:.1f} MB")


@main.command()
@click.argument("scene_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@export_options
def export(scene_file, output, scene, **options):
    """Train the optimizers of SCENE_FILE and write the recording, without rendering.

    .npz holds names [n_opt], params [n_opt, steps+1, d], loss [n_opt, steps+1], sharpness
    [n_opt, steps+1], the plane (plane_origin, plane_basis, plane_xy, and for models
    plane_offset and plane_loss [n_opt, steps+1]) and more (with --seeds, spread_params
    [n_opt, n_seeds, steps+1, d], spread_loss, spread_seeds...); .csv has one row per
    optimizer, seed and step.
    """
    from viz import pipeline  # NumPy, matplotlib: only when the command runs

    path, recording = pipeline.export(scene_file, output, scene=scene, progress=progress_bars(True), say=say,
                                      **options)
    click.echo(f"{path}: {len(recording.names)} paths x {recording.steps + 1} points")


@main.command(name="list")
@click.argument("scene_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def list_scenes(scene_file):
    """List the scenes of SCENE_FILE: name, title and optimizers."""
    from viz.scene import load_scenes, select  # NumPy: only when the command runs

    for name, scene in select(load_scenes(scene_file), scene_file, every=True).items():
        click.echo(f"{name}: {scene.describe()}")


@main.command(name="surfaces")
def list_surfaces():
    """List the 2D test surfaces: domain, global minima and suggested starts."""
    from viz import surfaces  # NumPy: only when the command runs

    for name in surfaces.NAMES:
        click.echo(surfaces.describe(name))


@main.command(name="optimizers")
def list_optimizers():
    """List the optimizer names Keras knows, and the lesson's six (SEED_OPTIMIZERS)."""
    click.echo("Keras optimizers, by name or as {'class_name': ..., 'config': {...}}:")
    click.echo("    " + ", ".join(known_names()))
    click.echo("SEED_OPTIMIZERS, the lesson's six:")
    for label, spec in SEED_OPTIMIZERS.items():
        click.echo(f"    {label}: {spec}")


from viz.cli.course import course  # noqa: E402  (its own module: the command and its options)
from viz.cli.explore import explore  # noqa: E402  (its own module: the command and its few options)

main.add_command(course)
main.add_command(explore)
