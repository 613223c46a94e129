"""The ``viz render`` options in their help groups (output, look, timing, layout, recording).
Each option's destination is the keyword of :func:`viz.render` it stands for, and its default
is that keyword's (:data:`viz.settings.DEFAULTS`); the values reach the pipeline as typed
(text such as ``1280x720`` is read there), so both doors check them alike."""

from pathlib import Path

import click

from viz.render.theme import ASPECTS, QUALITIES, THEMES, TIMES
from viz.settings import DECKS_DECIDE, DEFAULTS, MAX_SEEDS


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
    """``click.option`` in ``group``, defaulting to the keyword's default."""
    destination = next((name for name in names if not name.startswith("-")), None)
    keyword = destination or max(names, key=len).lstrip("-").replace("-", "_")
    if keyword in DEFAULTS and "default" not in kwargs and not kwargs.get("is_flag"):
        kwargs["default"] = DEFAULTS[keyword]
    decorate = click.option(*names, cls=GroupedOption, group=group, **kwargs)
    decorate.keyword = keyword
    return decorate


RENDER_OPTIONS = [
    option("Output", "-o", "--output", type=click.Path(path_type=Path),
           help="Output file; its suffix (.gif, .mp4, .webm, .png, .svg, .pdf, .html, or none for a folder of "
                "frames) picks the format."),
    option("Output", "--format", metavar="FORMAT", help="Output format: gif, mp4, webm, png, svg, pdf, frames or html [default: gif]."),
    option("Output", "-q", "--quality", type=click.Choice(list(QUALITIES)),
           help="Size and fps: l 480p15, m 720p30, h 1080p60, k 2160p60 [default: 720p; fps by format]."),
    option("Output", "--aspect", type=click.Choice(list(ASPECTS)), show_default=True,
           help="Shape of the preset sizes (4:3 of 720p is 960x720)."),
    option("Output", "--size", metavar="WxH", help="WIDTHxHEIGHT in pixels, both even; overrides -q and --aspect."),
    option("Output", "-t", "--transparent", is_flag=True, help="See-through background (gif, png, svg, pdf, frames)."),
    option("Output", "-s", "--last-frame", is_flag=True,
           help="Write only the final frame (png, or svg/pdf with --format)."),
    option("Output", "--max-size", metavar="SIZE", help="GIF size budget, e.g. 5MB: fewer colours, then fewer frames, then a "
                                        "smaller size."),
    option("Output", "--beamer", is_flag=True,
           help="Frames for LaTeX's animate package and NAME.tex to \\input beside them, sized for one 16:9 "
                "slide under 10 MB: -q l, --fps 10, at most 80 frames (options given as well win)."),
    option("Output", "--no-overwrite", "overwrite", is_flag=True, flag_value=False, default=True,
           help="Refuse to replace an existing output."),
    option("Look", "--theme", type=click.Choice(list(THEMES)), show_default=True,
           help="dark for dark slide templates."),
    option("Look", "--font-scale", type=float, show_default=True,
           help="Text size factor, 0.75 to 1.5 (larger for the back row)."),
    option("Look", "--view", type=click.Choice(["2d", "3d"]), show_default=True,
           help="For a surface scene: 3d draws f(x, y) as a 3D surface with the paths on it, instead of contours."),
    option("Look", "--camera", metavar="ELEV,AZIM",
           help="With --view 3d: the camera's elevation and azimuth in degrees, e.g. 35,-120 "
                "[default: chosen per surface]."),
    option("Look", "--overlays", metavar="KINDS", help="Arrows at each optimizer's current point: gradient (the loss's -gradient), "
                                      "step (the step it takes next), or gradient,step."),
    option("Look", "--trail", type=click.IntRange(min=1),
           help="Draw the last N steps of each path strong, older parts fading."),
    option("Timing", "--fps", type=float, help="Frames per second [default: gif 25, mp4 and webm 30, html 30]."),
    option("Timing", "--hold", type=float, show_default=True,
           help="Seconds the last frame stays on screen (html: the player stops there instead)."),
    option("Timing", "--duration", type=float, help="Seconds for the steps (without the hold): fewer steps are "
                                                    "held longer, more are subsampled."),
    option("Timing", "--max-frames", type=int, show_default=True,
           help="Longer recordings are drawn at this many steps, spread evenly."),
    option("Timing", "--sequence", is_flag=True, help="The optimizers one after another, each in its share of the "
                                                      "frames (--max-frames and --duration are for the whole)."),
    option("Timing", "--time", type=click.Choice(list(TIMES)), show_default=True,
           help="log: early steps get more frames (slow motion where most happens), later ones fewer; the "
                "counter says so."),
    option("Timing", "--pause-at", metavar="STEPS", help="Hold these optimizer steps for --pause seconds, e.g. "
                                                         "50,120; 'events' (with --events) pauses at each event. "
                                                         "The html player stops there instead."),
    option("Timing", "--pause", type=float, metavar="SECONDS", show_default=True,
           help="Seconds each pause (--pause-at, the scene's pauses) holds its step."),
    option("Timing", "--events", is_flag=True, help="Captions of what happens: an optimizer diverges, leaves or "
                                                    "re-enters the view, takes the lead, settles at its final loss."),
    option("Layout", "--layout", type=click.Choice(["single", "grid"]), show_default=True,
           help="grid: one contour panel per optimizer (same view, colours and clock), the curves beside."),
    option("Layout", "--panels", metavar="PANELS", show_default=True,
           help="Add boundary (contour,curves,boundary): decision boundaries in the data instead of the accuracy "
                "(the lesson, or a keras_model with two inputs); hidden (contour,curves,hidden): a keras_model's "
                "two hidden units' outputs for its rows, with the output unit's decision line; sharpness: the "
                "Hessian's largest eigenvalue against step, with each optimizer's stability line 2/lr; rates: loss "
                "against learning rate (a scene with several rates); line: the loss along the line from the start "
                "through each head."),
    option("Layout", "--features", metavar="A,B|pca", help="The lesson's boundary panel axes: two features [default: variance,skewness], "
                                        "or pca for the principal components of the standardised features."),
    option("Recording", "--plane", type=click.Choice(["pca", "hessian", "random"]), show_default=True,
           help="A model's 2D view: the paths' principal plane, the Hessian's top two eigenvectors at the best "
                "end point, or two filter-normalized random directions (Li et al. 2018)."),
    option("Recording", "--steps", type=int, help="Optimizer steps of a surface scene, instead of the scene's own."),
    option("Recording", "--seeds", type=click.IntRange(1, MAX_SEEDS), show_default=True,
           help="A model (the lesson, a keras_model) from this many initializations (seed, seed+1, ...): median "
                "and interquartile bands, a summary printed and written as <output>.seeds.csv."),
    option("Recording", "--tune-lr", type=click.Choice(["tuned", "both"]), is_flag=False, flag_value="tuned",
           help="Each optimizer at its best learning rate of 9 around the scene's (x0.01 to x100); "
                "'--tune-lr both' plays the same-rate run, then the tuned one."),
    option("Recording", "--seed", type=click.IntRange(0, 2**32 - 1),
           help="Initial weights and batch order [default: the scene's seed, 0]."),
    option("Recording", "--learning-rate", type=float,
           help="Every optimizer at this learning rate (its own replaced too) [default: the scene's]."),
    option("Recording", "--momentum", type=float,
           help="Every optimizer that has a momentum (SGD, RMSprop) at this one [default: each its own]."),
    option("Recording", "--batch-size", type=int, help="A model's batch size [default: the scene's]."),
    option("Recording", "--start", metavar="X,Y", help="A surface's paths start at this point, e.g. -1.5,2."),
    option("Recording", "--no-cache", "cache", is_flag=True, flag_value=False, default=True,
           help="Train again instead of reusing the recording cached in outputs/.cache."),
    option("Recording", "--time-budget", metavar="SECONDS",
           help="A keras_model's evaluation besides training (loss grid, recorded points, sharpness, lines): about this "
                "many seconds at most [default: 40]."),
    option("Recording", "--memory-budget", metavar="BYTES",
           help="A keras_model's recorded weights: at most this much memory, e.g. 256MB [default]; past it, "
                "every k-th step is recorded."),
    option("Scenes", "--scene", metavar="NAME", help="Render only this scene of the file."),
    option("Scenes", "--all", "every", is_flag=True, help="Render every scene of the file."),
    option("Scenes", "--quiet", is_flag=True, help="No progress bars; only the summary line."),
    option("Scenes", "-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
           help="Render the scenes of a folder (or --all) in this many worker processes; the files are the same."),
]
DECK_OPTIONS = [  # viz slides: the deck is the output, and it holds every scene
    option("Output", "-o", "--output", type=click.Path(path_type=Path), required=True,
           help="The deck: .pptx (PowerPoint, Keynote, Impress; MP4 per slide) or .html (one self-contained file, "
                "the interactive player per slide)."),
    option("Output", "--title", help="A title slide first, e.g. \"Lecture 4: optimizers\"."),
    *(decorate for decorate in RENDER_OPTIONS if decorate.keyword not in ("output", "every", *DECKS_DECIDE)),
]


def render_options(function):
    """Apply every ``viz render`` option to ``function``."""
    for decorate in reversed(RENDER_OPTIONS):
        function = decorate(function)
    return function


def deck_options(function):
    """Apply the ``viz slides`` options to ``function``: the render options, for the deck."""
    for decorate in reversed(DECK_OPTIONS):
        function = decorate(function)
    return function
