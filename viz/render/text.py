"""Text that stays readable and on the frame: wrapped onto more lines before it is shrunk, and
never shrunk below :data:`MIN_POINTS`."""

import math
import re
import textwrap

from viz.errors import SpecError

MIN_POINTS = 9.0  # the smallest text on a frame: 1.7% of its height, 8 px at 480p, 12 px at 720p
COVERED = 0x0250  # DejaVu Sans draws every character below (the Latin scripts): checked by a test
LONGEST_NAME = 18  # characters of a name before it is shortened with "…"


def lines(words, count):
    """``words`` on at most ``count`` lines of about equal length (balanced, not greedy); words
    set apart by a wide gap ("lines: ...    markers: ...") break there first (and, given more
    lines than parts, each part is wrapped too)."""
    if count <= 1:
        return words
    parts = re.split(r" {2,}", words)
    parts = parts if 1 < len(parts) <= count else [words]  # more lines than parts: the parts wrapped too
    width = math.ceil(len(words) / count)
    while True:
        wrapped = [line for part in parts for line in textwrap.wrap(part, width, break_long_words=False,
                                                                    break_on_hyphens=False)]
        if len(wrapped) <= count or width > len(words):
            return "\n".join(wrapped)
        width += 1


def overflow(text, width=None, height=None, renderer=None):
    """How many times too wide or too high ``text`` is for ``width`` and ``height``
    (fractions of the figure) as ``renderer`` (by default the canvas') draws it; at most 1 if
    it fits."""
    figure = text.get_figure()
    extent = text.get_window_extent(renderer or figure.canvas.get_renderer())
    return max(extent.width / figure.bbox.width / width if width else 0,
               extent.height / figure.bbox.height / height if height else 0)


def fit(text, width=None, height=None, max_lines=1, floor=MIN_POINTS, renderer=None):
    """Make ``text`` at most ``width`` wide and ``height`` high (fractions of the figure) as
    ``renderer`` (by default the canvas') draws it: on up to ``max_lines`` lines first, then
    smaller, but not below ``floor`` points (or its own size, if already smaller); past that, on
    as many more lines as it takes."""
    words = re.sub(r" *\n *", " ", text.get_text())
    floor = min(floor, text.get_fontsize())
    for count in range(1, max_lines + 1):
        text.set_text(lines(words, count))
        if overflow(text, width, height, renderer) <= 1:
            return text
    for _ in range(3):  # text width is not quite proportional to the font size: again until it fits
        share = overflow(text, width, height, renderer)
        if share > 1:
            text.set_fontsize(max(floor, text.get_fontsize() / share))
    count = max_lines
    while overflow(text, width, height, renderer) > 1 and count < len(words.split()):
        count += 1
        text.set_text(lines(words, count))
    return text


def fit_or_drop(text, height, spare, max_lines=2):
    """:func:`fit` ``text`` to ``height`` on up to ``max_lines`` lines; where that takes a
    smaller size or more lines, without the words ``spare`` (a qualifier the frame says
    elsewhere too, e.g. in the key) instead, fitted the same way."""
    size, words = text.get_fontsize(), re.sub(r" *\n *", " ", text.get_text())
    fit(text, height=height, max_lines=max_lines)
    if spare in words and (text.get_fontsize() < size or text.get_text().count("\n") >= max_lines):
        text.set_fontsize(size)
        text.set_text(words.replace(spare, ""))
        fit(text, height=height, max_lines=max_lines)
    return text


def short(name, limit=LONGEST_NAME):
    """``name`` cut to ``limit`` characters, with "…" where it was cut."""
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def shortened(name, others=(), limit=LONGEST_NAME):
    """``name`` in at most ``limit`` characters, with "…" where it was cut, and never to
    something one of ``others`` could be too: the words that tell it apart (often its end:
    "SGD mom…nesterov" beside "SGD momentum=0.3") are kept."""
    if len(name) <= limit:
        return name
    rivals = [other for other in others if other != name]
    words = [name[i:] for i in range(len(name) - 1, 0, -1) if name[i - 1] == " "]  # whole last words first
    for tail in ["", *words, *(name[-k:] for k in range(1, limit - 3))]:
        head = name[: max(limit - 1 - len(tail), 0)].rstrip()
        cut = f"{head}…{tail}"
        if len(head) >= 3 and len(cut) <= limit and not any(_could_be(cut, other) for other in rivals):
            return cut
    return short(name, limit)


def unique(cut, name, others):
    """Whether ``cut`` (``name`` as shortened) could be none of ``others`` but ``name``."""
    return not any(_could_be(cut, other) for other in others if other != name)


def _could_be(cut, name):
    """Whether ``cut`` (a name shortened with "…") could be ``name``: its pieces in order."""
    at = 0
    for piece in cut.split("…"):
        found = name.find(piece.strip(), at)
        if found < 0:
            return False
        at = found + len(piece.strip())
    return True


def short_number(value, _position=None):
    """Three significant digits, without exponents: 0.187, 21.6, 765, 2,510."""
    rounded = float(f"{value:.3g}")
    text = f"{rounded:,.0f}" if abs(rounded) >= 1000 else f"{rounded:.3g}"
    return text.replace("-", "\N{MINUS SIGN}")  # as matplotlib's own tick labels write it


def value_words(value):
    """A path's value as the frame says it: two significant digits, one format for every
    value (0.60 beside 0.55, 1,200), "<0.001" below a thousandth, "diverged" if not finite."""
    if not math.isfinite(value):
        return "diverged"
    if 0 < value < 0.001:
        return "<0.001"
    rounded = float(f"{value:.2g}")
    if abs(rounded) >= 1e6:  # a blow-up's: 2.3e+12, not thirteen digits
        return f"{rounded:.2g}".replace("-", "\N{MINUS SIGN}")
    decimals = max(0, 1 - math.floor(math.log10(abs(rounded)))) if rounded else 0
    return f"{rounded:,.{decimals}f}".replace("-", "\N{MINUS SIGN}")


def check_glyphs(texts):
    """Raise :class:`~viz.errors.SpecError` if any of ``texts`` (a scene's title, labels,
    captions) has a character the frame's font (DejaVu Sans, matplotlib's) has no glyph for:
    it would be drawn as an empty box. The message ends with the characters and their codes.
    Text in Latin letters only (below :data:`COVERED`) needs no look: matplotlib is not loaded."""
    if all(ord(c) < COVERED for text in texts for c in str(text)):
        return
    from matplotlib import font_manager  # matplotlib: only for text past the scripts DejaVu Sans covers
    from matplotlib.ft2font import FT2Font  # matplotlib: only for text past the scripts DejaVu Sans covers

    drawn = set(FT2Font(font_manager.findfont("DejaVu Sans")).get_charmap())
    missing = sorted({c for text in texts for c in str(text) if ord(c) not in drawn and not c.isspace()})
    if missing:
        shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing[:8]) + (", ..." if len(missing) > 8 else "")
        raise SpecError("the frame's font, DejaVu Sans, has no glyph for these characters (Chinese, Japanese and "
                        f"Korean among them), which would be drawn as empty boxes: use other words for {shown}")
