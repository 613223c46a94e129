"""Room between texts, made after the panels are placed (rule 1 of the layout: no two texts
touch): a panel moved off its left neighbour's labels, a tick label at an axes' corner left
out where it would touch the other axis' first one."""

ROOM = 4  # pixels kept between two texts


def apart(a, b):
    """The room between boxes ``a`` and ``b`` in pixels (negative: they overlap)."""
    return max(b.x0 - a.x1, a.x0 - b.x1, b.y0 - a.y1, a.y0 - b.y1)


def clear_of(figure, left, right, room=ROOM):
    """Move the axes ``right`` (a column of panels) right, keeping their right edges, until
    their labels keep ``room`` pixels from everything ``left`` draws (a colour bar's label)."""
    if not left or not right:
        return
    renderer = figure.canvas.get_renderer()  # get_tightbbox sets each axes as a draw would: no draw pass
    reach = max(ax.get_tightbbox(renderer, bbox_extra_artists=[]).x1 for ax in left)  # its decorations only
    start = min(ax.get_tightbbox(renderer, bbox_extra_artists=[]).x0 for ax in right)
    shift = (reach + room - start) / figure.bbox.width
    if shift > 0:
        for ax in right:
            box = ax.get_position()
            ax.set_position((box.x0 + shift, box.y0, box.width - shift, box.height))


def clear_corners(figure, room=2 * ROOM):
    """Fewer ticks on an axis whose tick labels come within ``room`` pixels of each other (none
    labelled if even two would), and the y tick labels left out that would touch an x tick
    label of their axes (at the corner both axes start from); a PDF draws text a little larger
    than the frame, hence the wider room."""
    from matplotlib.ticker import MaxNLocator, NullFormatter  # matplotlib: only when this runs

    renderer = figure.canvas.get_renderer()
    for ax in figure.axes:
        if ax.name != "rectilinear":  # (3D axes pick their own ticks: surface3d.clear_ticks)
            continue
        ticked(ax, renderer)
        _thinned(ax.xaxis, renderer, room)
        minor = [t.label1.get_window_extent(renderer) for t in ax.yaxis.get_minor_ticks()
                 if t.label1.get_visible() and t.label1.get_text()]
        every = sorted(minor + [t.get_window_extent(renderer) for _, t in shown(ax.yaxis)], key=lambda box: box.y0)
        if minor and crowded(every, room):
            ax.yaxis.set_minor_formatter(NullFormatter())  # a log axis' in-between labels: only the decades
        _thinned(ax.yaxis, renderer, room)
        xs = [t.get_window_extent(renderer) for _, t in shown(ax.xaxis)]
        for _, label in shown(ax.yaxis):
            if any(apart(box, label.get_window_extent(renderer)) < room for box in xs):
                label.set_visible(False)


def ticked(ax, renderer):
    """Set ``ax`` (2D axes) as a draw would before its tick labels are measured, without drawing:
    its box (its aspect, a colour bar's locator) and its ticks, labels and positions."""
    locator = ax.get_axes_locator()
    ax.apply_aspect(locator(ax, renderer) if locator else None)
    ax.xaxis._update_ticks()
    ax.yaxis._update_ticks()


def _thinned(axis, renderer, room):
    """Fewer ticks on ``axis`` (an x or y axis, of a plain or fixed locator) until its tick
    labels keep ``room`` pixels apart; none labelled if even two do not (a small grid cell)."""
    from matplotlib.ticker import AutoLocator, FixedLocator, MaxNLocator  # matplotlib: only when this runs

    for bins in (6, 4, 3, 2, None):
        boxes = sorted((t.get_window_extent(renderer) for _, t in shown(axis)),
                       key=lambda box: box.x0 if axis.axis_name == "x" else box.y0)
        locator = axis.get_major_locator()
        if not crowded(boxes, room) or \
                type(locator) not in (AutoLocator, MaxNLocator, FixedLocator):
            return
        if bins is None:
            axis.set_tick_params(label1On=False, label2On=False)
        elif type(locator) is FixedLocator:  # (epochs, a colour bar's levels: every other... of them, or the ends)
            locs = locator.locs
            axis.set_major_locator(FixedLocator(locs[:: 8 // bins] if len(locs[:: 8 // bins]) > 1 else locs[[0, -1]]))
        else:
            axis.set_major_locator(MaxNLocator(bins, steps=[1, 2, 2.5, 5, 10]))
        axis._update_ticks()


def shown(axis):
    """The tick labels ``axis`` shows, on either side (a colour bar's are on its right), as last
    drawn (a 3D axis places them when drawn): [(the tick's position, its label)]."""
    return [(t.get_loc(), label) for t in axis.get_major_ticks() if t.get_visible() for label in (t.label1, t.label2)
            if label.get_visible() and label.get_text()]


def crowded(boxes, room):
    """Whether two neighbours of ``boxes`` (tick labels' boxes in their order along the axis)
    come within ``room`` pixels: the test both the 2D axes' thinning (:func:`clear_corners`) and
    the 3D panel's (:func:`viz.render.panels.surface3d.clear_ticks`) thin by."""
    return any(apart(a, b) < room for a, b in zip(boxes, boxes[1:]))


def clear_stacked(figure, axes, room=ROOM):
    """Lower the tops of the ``axes`` stacked in one column until each keeps ``room`` pixels
    below the labels of the one above it (its x tick labels, its x label); axes side by side in
    one row (several starts' curves) are not above one another."""
    renderer = figure.canvas.get_renderer()  # get_tightbbox sets each axes as a draw would: no draw pass
    ordered = sorted(axes, key=lambda ax: -ax.get_position().y1)
    for upper, lower in ((upper, lower) for at, lower in enumerate(ordered) for upper in ordered[:at]):
        if lower.get_position().y1 > upper.get_position().y0 + 1e-9:
            continue  # beside it: a title running over its neighbour's columns is not a reason to shrink it
        high, low = upper.get_tightbbox(renderer, bbox_extra_artists=[]), lower.get_tightbbox(renderer,
                                                                                              bbox_extra_artists=[])
        short = (low.y1 + room - high.y0) / figure.bbox.height
        if short > 0 and low.x0 < high.x1 and high.x0 < low.x1:
            box = lower.get_position()
            lower.set_position((box.x0, box.y0, box.width, max(box.height - short, 0.02)))
