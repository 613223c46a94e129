"""The ``viz render``, ``viz slides`` and ``viz export`` options, made from the option table
(:data:`viz.options.TABLE`) in its help groups, plus each command's own (output, scenes,
progress, workers). Each flag's destination is the keyword it stands for and its default is
the table's; values reach the pipeline as typed (text such as ``1280x720``, a number for a
numeric option) and are checked there, once, by the table's rules, for every door alike."""

from pathlib import Path

import click

from viz.options import TABLE


class GroupedOption(click.Option):
    """A click option that belongs to a help group."""

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group


class GroupedCommand(click.Command):
    """A command whose ``--help`` lists its options under their groups, as manim's does."""

    def format_options(self, ctx, formatter):
        groups = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx) if isinstance(param, click.Option) else None
            if record:
                groups.setdefault(getattr(param, "group", "Other"), []).append(record)
        for name, records in groups.items():
            with formatter.section(f"{name} options"):
                formatter.write_dl(records)


def option(group, *names, **kwargs):
    """``click.option`` in ``group``."""
    return click.option(*names, cls=GroupedOption, group=group, **kwargs)


def from_table(row, door):
    """The click option of a table row, for ``door``."""
    default = row.door_defaults.get(door, row.default)
    if row.switch:
        off = row.spelled[-1].startswith("--no-")
        return option(row.group, *row.spelled, row.name, is_flag=True, flag_value=not off, default=default,
                      help=row.help)
    metavar = row.metavar or ("[" + "|".join(row.choices) + "]" if row.choices else None)
    extra = {"is_flag": False, "flag_value": row.bare} if row.bare is not None else {}
    return option(row.group, *row.spelled, row.name, type=row.kind, metavar=metavar, default=default,
                  show_default=default is not None, help=row.help, **extra)


OUTPUT = option("Output", "-o", "--output", type=click.Path(path_type=Path),
                help="Output file; its suffix (.gif, .mp4, .webm, .png, .svg, .pdf, .html, or none for a folder of "
                     "frames) picks the format.")
SCENES = [
    option("Scenes", "--scene", metavar="NAME", help="Render only this scene of the file."),
    option("Scenes", "--all", "every", is_flag=True, help="Render every scene of the file."),
    option("Scenes", "--quiet", is_flag=True, help="No progress bars; only the summary line."),
    option("Scenes", "-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
           help="Render the scenes of a folder (or --all) in this many worker processes; the files are the same."),
]
RENDER_OPTIONS = [OUTPUT, *(from_table(row, "render") for row in TABLE if "render" in row.doors), *SCENES]
DECK_OPTIONS = [  # viz slides: the deck is the output, and it holds every scene
    option("Output", "-o", "--output", type=click.Path(path_type=Path), required=True,
           help="The deck: .pptx (PowerPoint, Keynote, Impress; MP4 per slide) or .html (one self-contained file, "
                "the interactive player per slide)."),
    option("Output", "--title", help="A title slide first, e.g. \"Lecture 4: optimizers\"."),
    *(from_table(row, "slides") for row in TABLE if "slides" in row.doors),
    *(decorate for decorate in SCENES if decorate is not SCENES[1]),
]
EXPORT_OPTIONS = [
    click.option("-o", "--output", type=click.Path(path_type=Path),
                 help="Output file, .npz or .csv [default: outputs/<file>.npz]."),
    click.option("--scene", help="Export this scene of the file."),
    *(from_table(row, "export") for row in TABLE if "export" in row.doors),
]


def apply_all(decorators):
    """A decorator applying each of ``decorators`` (click options), the first outermost."""
    def apply(function):
        for decorate in reversed(decorators):
            function = decorate(function)
        return function
    return apply


render_options = apply_all(RENDER_OPTIONS)  # every ``viz render`` option
deck_options = apply_all(DECK_OPTIONS)  # the ``viz slides`` options: the render options, for the deck
export_options = apply_all(EXPORT_OPTIONS)  # the ``viz export`` options: the recording's
