"""The last frame as a PNG."""

import numpy as np
from PIL import Image
from PIL.PngImagePlugin import PngInfo


def write(frames, path, context):
    """The (only) frame as a PNG: with its alpha channel if ``context.transparent``, else RGB;
    the words (``context.words``) in its ``Title`` (the short text) and ``Description`` text
    chunks (iTXt where the text is not Latin-1)."""

    info = PngInfo()
    if context.words:
        info.add_text("Title", context.words.alt)
        info.add_text("Description", context.words.description)
    picture(frames[0], context.transparent).save(path, format="PNG", pnginfo=info)


def picture(frame, transparent):
    """An RGBA frame as a Pillow image: RGBA if ``transparent``, else RGB."""
    image = Image.fromarray(np.asarray(frame))
    return image if transparent else image.convert("RGB")
