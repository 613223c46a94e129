"""The last frame as SVG or PDF, every line and letter as vectors (for Beamer and print)."""


def write(frames, path, context):
    """The last frame as ``context.fmt`` (svg or pdf), drawn by the frames themselves."""
    frames.save_vector(path, context.fmt)
