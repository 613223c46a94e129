"""Every frame as a numbered PNG in a folder (frame_00000.png, ...), for LaTeX's
``\\animategraphics``."""

from viz.render.writers.png import picture


def write(frames, folder, context):
    """The frames into ``folder``, each as it comes."""
    for index, frame in enumerate(context.stream(frames)):
        picture(frame, context.transparent).save(folder / f"frame_{index:05d}.png", compress_level=1)
