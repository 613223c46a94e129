"""Rule 10 of the layout (a panel keeps a least size), checked on what a render wrote: the
panels' plotting areas as the PDF draws their axes (a left and a bottom spine meeting at a
corner) and its images, never the layout code's own numbers (the other rules:
tests/layout_rules.py)."""

from pdfminer.layout import LTCurve, LTFigure, LTImage

from tests.pdf_page import pdf_page

LEAST = 1 / 8  # of the frame's height, times the font scale above 1: a panel's least height and width
LEAST_IMAGE = 0.05  # of the frame's height: a sample image's least side (18 px at 360p)


def _drawn(objects):
    """Every object of the page, those inside forms (XObjects) too."""
    for o in objects:
        if isinstance(o, LTFigure):
            yield from _drawn(o._objs)
        else:
            yield o


def panels(path, width_px):
    """The plotting areas of the PDF frame at ``path`` (x0, y0, width, height in pixels of a frame
    ``width_px`` wide, y upwards): where a vertical and a horizontal line start from one point,
    an axes' left and bottom spines (a colour bar's outline is one closed shape, a 3D panel has
    no spines: neither is found), largest first, each once, an inset (an area inside another) left out."""
    objects, _, (_, _, width, _) = pdf_page(path)
    scale = width_px / width
    lines = [[(scale * x, scale * y) for x, y in o.pts] for o in _drawn(objects)
             if isinstance(o, LTCurve) and len(o.pts) == 2 and o.stroke]
    upright = {}  # the lower end of a vertical line -> its longest length
    for (x0, y0), (x1, y1) in lines:
        if abs(x0 - x1) < 0.01 and abs(y0 - y1) > 0.5:
            key = (round(x0, 1), round(min(y0, y1), 1))
            upright[key] = max(upright.get(key, 0), abs(y1 - y0))
    found = {}
    for (x0, y0), (x1, y1) in lines:
        key = (round(min(x0, x1), 1), round(y0, 1))
        if abs(y0 - y1) < 0.01 and abs(x0 - x1) > 0.5 and key in upright:
            found[key] = (*key, max(found.get(key, (0, 0, 0))[2], abs(x1 - x0)), upright[key])
    boxes = sorted(found.values(), key=lambda box: -box[2] * box[3])
    return [(x, y, w, h) for k, (x, y, w, h) in enumerate(boxes)  # an inset (inside a larger one) is not a panel
            if not any(x >= a - 0.5 and y >= b - 0.5 and x + w <= a + c + 0.5 and y + h <= b + d + 0.5
                       for a, b, c, d in boxes[:k])]


def images(path, width_px):
    """The boxes of the images the PDF frame at ``path`` draws (x0, y0, x1, y1, pixels)."""
    objects, _, (_, _, width, _) = pdf_page(path)
    scale = width_px / width
    return [tuple(scale * v for v in o.bbox) for o in _drawn(objects) if isinstance(o, LTImage)]


def rule_10(path, size, scale=1.0):
    """Every panel keeps a least size: each plotting area at least :data:`LEAST` of the frame's
    height high and wide, times the font ``scale`` where it is above 1 (45 px of a 360 px frame,
    68 px at font scale 1.5: its tick labels, at least three, and a curve between them a reader
    can follow), and each sample image at least :data:`LEAST_IMAGE` of it a side (a digit a
    reader makes out); the texts round them in the frame is rule 1. ``path``: a PDF frame of
    ``size`` (width, height) pixels. A list of what breaks it."""
    width, height = size
    least, broken = LEAST * max(1.0, scale) * height, []
    for x0, y0, wide, tall in panels(path, width):
        if wide < least - 0.5 or tall < least - 0.5:
            broken.append(f"the panel at ({x0:.0f}, {y0:.0f}) is {wide:.0f} x {tall:.0f} px, less than {least:.0f}")
    for x0, y0, x1, y1 in images(path, width):
        if min(x1 - x0, y1 - y0) < LEAST_IMAGE * height - 0.5 and x1 - x0 < 0.9 * width:
            broken.append(f"the image at ({x0:.0f}, {y0:.0f}) is {x1 - x0:.0f} x {y1 - y0:.0f} px, less than "
                          f"{LEAST_IMAGE * height:.0f}")
    return broken
