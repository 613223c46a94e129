"""The last frame as a PNG."""

import numpy as np
from PIL import Image


def write(frames, path, context):
    """The (only) frame as a PNG: with its alpha channel if ``context.transparent``, else RGB."""
    picture(frames[0], context.transparent).save(path, format="PNG")


def picture(frame, transparent):
    """An RGBA frame as a Pillow image: RGBA if ``transparent``, else RGB."""
    image = Image.fromarray(np.asarray(frame))
    return image if transparent else image.convert("RGB")
