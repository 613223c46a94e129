"""Every frame as a numbered PNG in a folder (frame_00000.png, ...), for LaTeX's
``\\animategraphics``, and beside the folder ``NAME.tex``: the line that plays them."""

from viz.render.writers.png import picture
from viz.store.atomic import atomic_path

SNIPPET = r"""% {name}: {count} frames at {fps} fps, written by viz beside the folder {name}/.
% In the preamble: \usepackage{{animate}}
% In a frame, with this file and the folder beside your .tex file: \input{{{name}}}
\animategraphics[width=\linewidth,height=0.8\textheight,keepaspectratio,controls,loop,autoplay,poster=last]{{{fps}}}{{{name}/frame_}}{{00000}}{{{last:05d}}}%
"""


def write(frames, folder, context):
    """The frames into ``folder``, each as it comes."""
    for index, frame in enumerate(context.stream(frames)):
        picture(frame, context.transparent).save(folder / f"frame_{index:05d}.png", compress_level=1)


def beside(folder, count, context):
    """``NAME.tex`` beside the frames folder ``NAME`` (``count`` frames): the
    ``\\animategraphics`` line with their frame rate and last frame number."""
    with atomic_path(snippet_path(folder)) as temporary:
        temporary.write_text(SNIPPET.format(name=folder.name, count=count, fps=f"{context.fps:g}", last=count - 1),
                             encoding="utf-8")


def snippet_path(folder):
    """Where :func:`beside` writes the snippet of the frames folder ``folder``."""
    return folder.with_name(f"{folder.name}.tex")
