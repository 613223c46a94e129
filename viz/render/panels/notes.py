"""The words above the curve panels: a note (what the values are) or a key (what the lines and
the markers are), and how much lower the panels' top goes to keep clear of them."""

import matplotlib

from viz.render.text import fit


def key_above(figure, box, entries, theme):
    """A key above the curve panels' ``box``: ``entries`` [(handle, words)] side by side, or one
    a row if they do not fit; returns how much lower the panels' top must go (see :func:`note_above`)."""
    left, bottom, width, height = box
    renderer = figure.canvas.get_renderer()
    line = matplotlib.rcParams["font.size"] * 0.833 * 1.25 / 72 / figure.get_figheight()  # one line of "small" text
    for columns in (len(entries), 1):  # its top where a one-line note's would be: more rows go down
        key = figure.legend(*zip(*entries), loc="upper left", bbox_to_anchor=(left, bottom + height + 0.01 + line),
                            ncol=columns, frameon=False, fontsize="small", labelcolor=theme.ink, borderaxespad=0,
                            borderpad=0, handlelength=1.6, handletextpad=0.5, columnspacing=1.2, labelspacing=0.2)
        extent = key.get_window_extent(renderer)
        if extent.width <= width * figure.bbox.width or columns == 1:
            break
        key.remove()
    handles = extent.width - max(text.get_window_extent(renderer).width for text in key.get_texts())
    for text in key.get_texts():  # one a row and still too wide: on two lines, then smaller
        fit(text, width - handles / figure.bbox.width, max_lines=2)
    extent = key.get_window_extent(renderer)
    return note_room(figure) + max(0.0, extent.height / figure.bbox.height - line)


def note_room(figure):
    """How much lower than the note's own line the curve panels' top must go for their top
    tick label (half its height above them) to keep 2 px clear of the note."""
    tick = matplotlib.rcParams["ytick.labelsize"] / 2 / 72 / figure.get_figheight() + 2 / figure.bbox.height
    return max(0.0, tick - 0.01)


def note_above(figure, box, words, theme):
    """A note above the curve panels' ``box``, wrapped onto two lines rather than shrunk; returns
    how much lower (a fraction of the height) the panels' top must go for a second line and
    for their top tick label to keep clear of it."""
    left, bottom, width, height = box
    note = fit(figure.text(left, bottom + height + 0.01, words, fontsize="small", color=theme.muted, va="bottom"),
               width, max_lines=2)
    below = note_room(figure)
    if "\n" not in note.get_text():
        return below
    extent = note.get_window_extent(figure.canvas.get_renderer())
    note.set_y(note.get_position()[1] - extent.height / 2 / figure.bbox.height)
    return extent.height / 2 / figure.bbox.height + below
