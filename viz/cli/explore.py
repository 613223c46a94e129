"""``viz explore``: the "What if?" explorer page of one scene (see :mod:`viz.explore`)."""

from pathlib import Path

import click

from viz.choices import THEMES
from viz.cli.options import GroupedCommand, apply_all, from_table, option
from viz.cli.terminal import progress_bars, say
from viz.options import TABLE

OPTIONS = [
    option("Output", "-o", "--output", type=click.Path(path_type=Path), help="The page [outputs/<file>.explore.html]."),
    option("Output", "--vary", "vary", multiple=True, required=True, metavar="SETTING=VALUES", help="A setting and its "
           "values, once per setting: learning_rate=0.001,0.01,0.1 or learning_rate=1e-3:1:13 (13 rates spaced in "
           "log), momentum=0,0.5,0.9, and for models batch_size=16,64 and seed=0,1,2."),
    option("Look", "--theme", type=click.Choice(THEMES), default="light", show_default=True, help="Its colours."),
    *(from_table(row, "explore") for row in TABLE if "explore" in row.doors),
    option("Scenes", "--scene", metavar="NAME", help="Explore this scene of the file."),
    option("Scenes", "-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
           help="Train the grid's runs in this many worker processes; the page is the same."),
]


@click.command(cls=GroupedCommand)
@click.argument("scene_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@apply_all(OPTIONS)
def explore(scene_file, scene, output, vary, theme, jobs, **options):
    """Record every combination of the --vary values for one scene of SCENE_FILE and write one offline page to
    explore them: a slider per setting, a map of the final losses, and on a built-in surface, click to start the
    optimizers anywhere. The page shows the viz render command for what is on screen. As viz.explore() in Python."""
    from viz.explore import build  # NumPy, matplotlib: only when the command runs

    click.echo(build(scene_file, output, scene=scene, vary=list(vary), theme=theme, jobs=jobs, say=say,
                     progress=progress_bars(False), **options))
