"""``viz explore``: the "What if?" explorer page of one scene (see :mod:`viz.explore`)."""

from pathlib import Path

import click

from viz.cli.terminal import progress_bars, say
from viz.choices import THEMES


@click.command()
@click.argument("scene_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--scene", metavar="NAME", help="Explore this scene of the file.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="The page, .html [default: outputs/<file>[_<scene>].explore.html].")
@click.option("--vary", "vary", multiple=True, required=True, metavar="SETTING=VALUES",
              help="A setting and its values, once per setting: learning_rate=0.001,0.01,0.1 or "
                   "learning_rate=1e-3:1:13 (13 rates spaced in log), momentum=0,0.5,0.9, and for models "
                   "batch_size=16,64 and seed=0,1,2.")
@click.option("--theme", type=click.Choice(THEMES), default="light", show_default=True,
              help="The page's colours.")
@click.option("--no-cache", "cache", is_flag=True, flag_value=False, default=True,
              help="Train again instead of reusing the recordings cached in outputs/.cache.")
def explore(scene_file, scene, output, vary, theme, cache):
    """Record every combination of the --vary values for one scene of SCENE_FILE and write one
    offline page to explore them: a slider per setting, a map of the final losses, and on a
    built-in surface, click to start the optimizers anywhere. The page shows the viz render
    command for what is on screen. The same as viz.explore() in Python."""
    from viz.explore import build  # NumPy, matplotlib: only when the command runs

    click.echo(build(scene_file, output, scene=scene, vary=list(vary), theme=theme, cache=cache,
                     progress=progress_bars(False), say=say))
