"""``viz course``: a whole course, one deck per chapter and an index page (see :mod:`viz.deck.course`)."""

from pathlib import Path

import click

from viz.cli.options import GroupedCommand, apply_all, from_table, option
from viz.cli.terminal import progress_bars, say
from viz.options import TABLE

OPTIONS = [
    option("Output", "-o", "--output", "site", type=click.Path(file_okay=False, path_type=Path), required=True,
           help="The site's folder: index.html, course.json and a folder per chapter with its decks and clips."),
    *(from_table(row, "slides") for row in TABLE if "slides" in row.doors),
    option("Scenes", "--quiet", is_flag=True, help="No progress bars; only a line per scene."),
    option("Scenes", "-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
           help="Render the scenes in this many worker processes; the files are the same."),
]


@click.command(cls=GroupedCommand)
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@apply_all(OPTIONS)
def course(folder, site, quiet, jobs, **options):
    """Build the course of FOLDER (a folder of chapter folders, each a folder of scene files)
    into a site: one deck per chapter, .pptx and .html, the scenes in file-name order after a
    title slide with the chapter's name (its folder's name, or title = "..." in its
    chapter.toml); every scene's clips; index.html linking them; course.json saying what was
    recorded, rendered and reused. A scene whose recording and rendering are unchanged is
    copied from outputs/.cache and outputs/.rendered, not made again. Takes the viz slides
    options. The same as viz.course() in Python."""
    from viz.deck.course import build  # NumPy: only when the command runs

    index, built = build(folder, site, workers_count=jobs, progress=progress_bars(quiet or jobs > 1), say=say,
                         **options)
    click.echo(f"{index}: {len(built['chapters'])} chapters")
