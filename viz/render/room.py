"""A panel's least size (rule 10 of the layout): the arrangements a frame tries, from the usual
one to those that give the panels more room, and how small its smallest panel is."""

from typing import NamedTuple

LEAST = 1 / 8  # of the frame's height, times the font scale if larger: a panel's least height and width (45 px
# at 360p and up to font scale 1, 68 px at 1.5): its tick labels and a curve between them
LEAST_IMAGE = 0.05  # of the frame's height: a sample image's least side (18 px at 360p), a digit a reader makes out


class Plan(NamedTuple):
    """How the panels share the frame: ``beside``, the panels under the curves (sharpness, line,
    a model's accuracy or boundaries) go beside them instead, in columns of the full height;
    ``contour``, the contour panel's share of its usual width (less: the curves' column wider);
    ``below``, the sharpness, line or rates panels in a row along the frame's foot, under the
    contours and the curves; ``curves``, False: a grid alone, its cells the whole width (their
    titles say each loss now), without the curves' column; ``strip``, an image classifier's
    sample images in one row under the curves, as tall as their least size needs (the rest to
    the curves), not in rows over a share of the column; ``samples``, False: no sample images, a
    note saying so (where neither way of showing them leaves the curves their least size)."""

    beside: bool = False
    contour: float = 1.0
    below: bool = False
    curves: bool = True
    strip: bool = False
    samples: bool = True


PLANS = (Plan(), Plan(beside=True), Plan(beside=True, contour=0.8), Plan(below=True), Plan(below=True, beside=True),
         Plan(beside=True, contour=0.62))


def plans(options, samples=False):
    """The plans worth trying for the render ``options``, in order: for the grid the usual one,
    then, with no other panel beside the curves, the grid alone (its cells share the room their
    own way); a row along the foot only for the sharpness, line or rates panels; with
    ``samples`` (an image classifier's), then each of those with the images in one row, and last
    each without the images (a note in their place)."""
    if options.layout.layout == "grid":
        alone = not (options.layout.extras or options.layout.boundary or options.layout.hidden)
        return [PLANS[0], Plan(curves=False)] if alone else PLANS[:1]
    usual = [plan for plan in PLANS if options.layout.extras or not plan.below]
    return usual + [plan._replace(**change) for change in ({"strip": True}, {"samples": False}) for plan in usual
                    if samples]


def fits(figure, scale):
    """How ``figure`` keeps the least sizes at font scale ``scale``: its smallest panel over
    :func:`least`, or its smallest sample image over :data:`LEAST_IMAGE` if that is less (1 or
    more: every one is kept)."""
    images = [ax.get_position() for ax in figure.axes if ax.images and not ax.axison]
    ratio = figure.get_figwidth() / figure.get_figheight()
    image = min((side for box in images for side in (box.height, box.width * ratio)), default=1.0)
    return min(smallest(figure) / least(scale), image / LEAST_IMAGE)


def least(scale):
    """A panel's least height and width at font scale ``scale`` (a fraction of the frame's height)."""
    return LEAST * max(1.0, scale)


def smallest(figure):
    """The smallest height or width of the plotting areas on ``figure`` (a fraction of its
    height): each axes with a left and a bottom spine (not a colour bar, an image, a 3D panel)
    that is not inside another (an inset)."""
    ratio = figure.get_figwidth() / figure.get_figheight()
    boxes = [ax.get_position() for ax in figure.axes if ax.name == "rectilinear" and ax.axison
             and ax.spines["left"].get_visible() and ax.spines["bottom"].get_visible()]
    panels = [box for box in boxes if not any(other.contains(box.x0, box.y0) and other.contains(box.x1, box.y1)
                                              for other in boxes if other is not box)]  # (not an inset)
    return min((side for box in panels for side in (box.height, box.width * ratio)), default=1.0)


def side_by_side(box, count, gap):
    """``box`` (left, bottom, width, height) cut into ``count`` boxes side by side, ``gap``
    (a fraction of the width) between them for a panel's tick labels and y label."""
    left, bottom, width, height = box
    each = (width - gap * (count - 1)) / count
    return [(left + k * (each + gap), bottom, each, height) for k in range(count)]


def past_right(cax):
    """How far (a fraction of the width) colour bar ``cax``'s tick labels and label reach past 98%
    of the frame's width (0 if not)."""
    figure = cax.get_figure()
    return max(0.0, cax.get_tightbbox(figure.canvas.get_renderer()).x1 / figure.bbox.width - 0.98)
