"""The layout rules (DESIGN.md, "Layout rules") checked on what a render wrote: the PDF's text
boxes (pdfminer.six, one box per line of text as the PDF draws it), its drawn shapes and the
recording's numbers, never the layout code's own (the scenes: tests/generated_scenes.py)."""

import math
import re
from dataclasses import dataclass

import numpy as np
from pdfminer.layout import LTChar, LTCurve

from tests.pdf_page import pdf_page

GAP_PX = 2  # the least room between two texts, in pixels of the frame


@dataclass
class Line:
    """One line of text as the PDF draws it: its words, its box (x0, y0, x1, y1, in pixels of
    the frame, y upwards; the box from the font's descent to its ascent, as pdfminer measures
    it), its font size in points and its font's name."""

    text: str
    box: tuple
    size: float
    font: str


def read_pdf(path, width_px):
    """(text lines, curves' point lists, page size) of the PDF frame at ``path``, in pixels of
    a frame ``width_px`` wide."""
    objects, starts, (_, _, width, height) = pdf_page(path)
    scale = width_px / width
    lines, curves = [], []
    for first, last in zip(starts, [*starts[1:], len(objects)]):
        chars = [o for o in objects[first:last] if isinstance(o, LTChar)]
        inked = [c for c in chars if c.get_text().strip()]
        if inked:
            box = tuple(scale * v for v in (min(c.x0 for c in inked), min(c.y0 for c in inked),
                                            max(c.x1 for c in inked), max(c.y1 for c in inked)))
            size = round(inked[0].size if inked[0].upright else inked[0].x1 - inked[0].x0, 1)  # (turned: its width)
            lines.append(Line("".join(c.get_text() for c in chars).strip(), box, size,
                              inked[0].fontname.split("+")[-1]))  # (the subset's tag differs by script)
    for o in objects[: starts[0] if starts else len(objects)] + objects:
        if isinstance(o, LTCurve) and o.pts:
            curves.append([(scale * x, scale * y) for x, y in o.pts])
    return lines, curves, (width * scale, height * scale)


def texts(lines):
    """The lines grouped into texts: a line drawn right after another in the same font and
    size, aligned with it (left, right or centre) and just under it (or, turned, just beside it),
    continues it. [(words, [lines])]."""
    groups = []
    for line in lines:
        if groups:
            before = groups[-1][1][-1]
            x0, y0, x1, y1 = line.box
            bx0, by0, bx1, by1 = before.box
            size = (line.font, line.size) == (before.font, before.size)
            under = (abs(x0 - bx0) < 0.5 or abs(x1 - bx1) < 0.5 or abs(x0 + x1 - bx0 - bx1) < 3) \
                and -1 < by0 - y1 < 0.6 * (by1 - by0)
            beside = (abs(y0 - by0) < 0.5 or abs(y0 + y1 - by0 - by1) < 3) and -1 < x0 - bx1 < 0.6 * (bx1 - bx0) \
                and y1 - y0 > x1 - x0
            if size and (under or beside):
                groups[-1][1].append(line)
                continue
        groups.append([line.text, [line]])
    return [(" ".join(line.text for line in group), group) for _, group in groups]


def apart(a, b):
    """The room between boxes ``a`` and ``b`` in pixels (negative: they overlap)."""
    return max(b[0] - a[2], a[0] - b[2], b[1] - a[3], a[1] - b[3])


def rule_1(lines, page):
    """Every line inside the frame, and any two texts at least :data:`GAP_PX` apart: a list of
    what breaks it."""
    width, height = page
    broken = [f"{line.text!r} leaves the frame {tuple(round(v) for v in line.box)}" for line in lines
              if line.box[0] < -0.5 or line.box[1] < -0.5 or line.box[2] > width + 0.5 or line.box[3] > height + 0.5]
    grouped = texts(lines)
    for i, (words, group) in enumerate(grouped):
        for other, others in grouped[i + 1:]:
            for a in group:
                for b in others:
                    if apart(a.box, b.box) < GAP_PX:
                        broken.append(f"{a.text!r} and {b.text!r} {apart(a.box, b.box):.1f} px apart")
    return broken


def consistent(shown, label):
    """Whether ``shown`` (a text with "…" where it was shortened) can be ``label``: its pieces
    appear in ``label`` in order."""
    at = 0
    for piece in (p.strip() for p in shown.split("…")):
        found = label.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


NUMBER = re.compile(r"(<\s?)?[−-]?\d[\d,]*(\.\d+)?(e[−+-]?\d+)?")


def _numbers(words):
    return [(bool(m.group(1)), float(m.group(0).lstrip("<").strip().replace("−", "-").replace(",", "")))
            for m in NUMBER.finditer(words)]


def says_value(words, value):
    """Whether ``words`` state ``value`` to 2–3 significant digits (or "<0.001" for a smaller one)."""
    if not math.isfinite(value):
        return "diverged" in words
    for below, number in _numbers(words):
        if below:
            if value < number:
                return True
            continue
        for digits in (2, 3):
            if value == 0 and number == 0 or value and float(f"{value:.{digits}g}") == number:
                return True
    return False


def _names(words, labels):
    """The labels a shortened text (its name before ": ") can be: those it is consistent with."""
    head = words.split(": ")[0]
    return [label for label in labels if consistent(head, label)] if "…" in head else []


def _mentions(words, labels):
    """[(label, what follows it up to the next label)] for each label named in full in
    ``words`` (a label inside a longer one's mention is that one's)."""
    found = sorted(((at, -len(label), label) for label in labels for at in
                    [i for i in range(len(words)) if words.startswith(label, i)]))
    kept, end = [], -1
    for at, _, label in found:
        if at >= end:
            kept.append((at, label))
            end = at + len(label)
    return [(label, words[at + len(label): (kept[k + 1][0] if k + 1 < len(kept) else len(words))])
            for k, (at, label) in enumerate(kept)]


def rule_3(lines, labels, finals):
    """Each path's final value (``finals``: its label -> the value, NaN for diverged) stated
    by a text that names it, in full or shortened: a list of what breaks it."""
    stated = set()
    for words, _ in texts(lines):
        stated |= {label for label, rest in _mentions(words, labels) if says_value(rest, finals[label])}
    for line in lines:
        names = _names(line.text, labels)
        if len(names) == 1 and ": " in line.text and says_value(line.text.split(": ", 1)[1], finals[names[0]]):
            stated.add(names[0])
        if len(names) == 1 and any(says_value(other.text, finals[names[0]]) for other in _under(line, lines)):
            stated.add(names[0])  # (a shortened name with its value centred under it: a grid cell's title)
    return [f"{label!r}'s final value {finals[label]:.3g} is on neither its label nor the legend"
            for label in labels if label not in stated]


def _under(line, lines):
    """The lines centred just under ``line`` (drawn apart from it: not one of :func:`texts`)."""
    x0, y0, x1, y1 = line.box
    return [o for o in lines if abs(o.box[0] + o.box[2] - x0 - x1) < 3 and -1 < y0 - o.box[3] < 0.6 * (y1 - y0)]


def rule_5(lines, labels):
    """No text shortened to something two labels could be, no two labels shown alike: a list of
    what breaks it."""
    broken = []
    for line in lines:
        if "…" in line.text:
            names, words = _names(line.text, labels), line.text
            if len(names) > 1:
                broken.append(f"{words!r} could be any of {names}")
    return broken


@dataclass
class Shape:
    """A shape the PDF draws: its box (x0, y0, x1, y1, pixels, y upwards), its fill colour
    (an RGB tuple, None if not filled), its stroke colour (likewise) and its points."""

    box: tuple
    fill: tuple
    stroke: tuple
    pts: list


def _colour(value, drawn):
    """A PDF colour as an RGB tuple (a grey's too), None where it is not drawn."""
    if not drawn:
        return None
    value = value if isinstance(value, (tuple, list)) else (value,) * 3
    return tuple(round(float(v), 3) for v in value) if len(value) == 3 else None


def shapes(path, width_px):
    """The shapes of the PDF frame at ``path`` (:class:`Shape`), in pixels of a frame
    ``width_px`` wide: markers, label frames, lines."""
    objects, _, (_, _, width, _) = pdf_page(path)
    scale = width_px / width
    return [Shape(tuple(scale * v for v in o.bbox), _colour(o.non_stroking_color, o.fill),
                  _colour(o.stroking_color, o.stroke), [(scale * x, scale * y) for x, y in o.pts])
            for o in objects if isinstance(o, LTCurve) and o.pts]


def _inside(box, outer):
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return outer[0] <= x <= outer[2] and outer[1] <= y <= outer[3]


def heads(drawn):
    """The heads of the paths among ``drawn`` (:func:`shapes`): small markers filled in a
    path's colour, the colours the legend's keys show (a key: a marker on the middle of a
    short level line of its colour), the keys left out. A marker has an area: a tick mark (a
    line, which a PDF reader sees as a filled shape in the ink's colour) is not a head, even
    where a path is drawn in that colour (the light theme's seventh, black)."""
    small = [s for s in drawn if s.fill and 1 < s.box[2] - s.box[0] < 25 and 1 < s.box[3] - s.box[1] < 25]
    lines = [s for s in drawn if s.stroke and not s.fill and len(s.pts) <= 3 and abs(s.box[1] - s.box[3]) < 0.5]
    keys = [s for s in small if any(k.stroke == s.fill and _inside(s.box, (k.box[0], k.box[1] - 1, k.box[2],
                                                                            k.box[3] + 1)) for k in lines)]
    colours = {k.fill for k in keys}
    return [s for s in small if s.fill in colours and s not in keys]


def rule_4(lines, drawn):
    """Each direct label (a text in a frame stroked in its path's colour) nearer its own head
    (a marker filled in that colour) than any other: a list of what breaks it.
    (viz draws no leader lines: a label must be nearest its own head.)"""
    marks, broken = heads(drawn), []
    colours = {m.fill for m in marks}
    frames = [s for s in drawn if s.fill and s.stroke in colours and s.stroke != s.fill and s.box[2] - s.box[0] > 25]
    centres = np.array([((m.box[0] + m.box[2]) / 2, (m.box[1] + m.box[3]) / 2) for m in marks]).reshape(-1, 2)
    for line in lines:
        frame = next((f for f in frames if _inside(line.box, f.box)), None)
        if frame is None:
            continue
        x0, y0, x1, y1 = frame.box
        far = np.hypot(np.maximum(np.maximum(x0 - centres[:, 0], centres[:, 0] - x1), 0),
                       np.maximum(np.maximum(y0 - centres[:, 1], centres[:, 1] - y1), 0))
        own = np.array([m.fill == frame.stroke for m in marks], dtype=bool)
        if (~own).any() and far[~own].min() <= far[own].min():
            broken.append(f"{line.text!r} is {far[~own].min():.0f} px from another head, {far[own].min():.0f} px "
                          "from its own")
    return broken


def significant(number):
    """The significant digits a number as written can have: (fewest, most); an integer's
    trailing zeros may or may not count (1,600: 2 to 4)."""
    digits = number.lstrip("<−-").replace(",", "").split("e")[0]
    if "." in digits:
        return (len(digits.replace(".", "").lstrip("0")),) * 2 if digits.strip("0.") else (1, 1)
    whole = digits.lstrip("0")
    return (len(whole.rstrip("0")), len(whole)) if whole else (1, 1)


def rule_7(lines, labels):
    """A colour bar's ticks (a column of numbers aligned on their left, not on their right
    too, as a y axis' are) at most 3 significant digits, none repeated, and the paths' values (after "label: ") all in one format
    (the same significant digits): a list of what breaks it."""
    broken, columns = [], {}
    numbers = [line for line in lines if NUMBER.fullmatch(line.text)]
    for line in numbers:
        if not any(abs(o.box[1] - line.box[1]) < 0.5 and abs(o.box[0] - line.box[0]) > 0.5 for o in numbers):
            columns.setdefault(round(line.box[0]), []).append(line)  # (not in a row: an axis' x tick labels)
    for column in columns.values():
        said = [line.text for line in column]
        right = max(line.box[2] for line in column) - min(line.box[2] for line in column) < 0.5
        if len(said) < 3 or right:
            continue
        repeated = sorted({text for text in said if said.count(text) > 1})
        if repeated:
            broken.append(f"colour-bar ticks repeat {repeated} in {said}")
        broken += [f"colour-bar tick {text!r} has more than 3 significant digits" for text in said
                   if significant(text)[0] > 3]
    values = []
    for words, _ in texts(lines):
        for label, rest in _mentions(words, labels):
            found = NUMBER.match(rest.lstrip(": ")) if rest.startswith(": ") else None
            if found and not found.group(1):
                values.append(found.group(0))
    ranges = [significant(v) for v in values]
    if ranges and max(low for low, _ in ranges) > min(high for _, high in ranges):
        broken.append(f"values in different formats: {values}")
    return broken


SHARE = re.compile(r"\+?(\d+(?:\.\d+)?)%")


def rule_8(lines):
    """Shares that look like they add up do: the axes' shares of the paths' variance add up to
    no more than 100%, and to what the readout says the view shows ("shows only 80%") when it
    says it: a list of what breaks it."""
    words = [words for words, _ in texts(lines)]
    axes = [float(n) for text in words if "of the paths' variance" in text or "not at right angles" in text
            for n in SHARE.findall(text)]
    said = [float(n) for text in words for n in re.findall(r"shows only (\d+)%", text)]
    broken = []
    if sum(axes) > 100.1:
        broken.append(f"the axes' shares {axes} add up to {sum(axes):.1f}%")
    if len(axes) == 2 and said and abs(sum(axes) - said[0]) > 0.6:
        broken.append(f"the axes' shares {axes} add up to {sum(axes):.1f}%, the view says {said[0]:g}%")
    return broken


def changes(recording):
    """Where each head is out of the recorded view [n_paths, steps+1], and the recorded steps
    at which a head leaves or comes back or a path diverges."""
    from viz.divergence import diverged_steps

    plane = recording.plane
    with np.errstate(invalid="ignore"):
        x, y = plane.xy[..., 0], plane.xy[..., 1]
        out = ~((x >= plane.grid_x[0]) & (x <= plane.grid_x[-1]) & (y >= plane.grid_y[0]) & (y <= plane.grid_y[-1]))
    happened = {int(s) for row in out for s in np.flatnonzero(np.diff(row.astype(int))) + 1}
    return out, happened | {g for g in diverged_steps(recording) if g is not None}


def rule_9(recording, said, steps):
    """Nothing tells the future: each legend entry says "diverged at step N" only from that
    step on (and then says it), "left the view at step N" only while its head is out of the
    recorded view (and then says it), on the frames just before and at each such change and
    the last. ``said(index)``: the legend's entries at frame ``index``; ``steps``: each
    frame's recorded step. A list of what breaks it."""
    from viz.divergence import diverged_steps

    labels, gone = list(recording.names), diverged_steps(recording)
    out, happened = changes(recording)
    frames = {len(steps) - 1}
    for change in happened:
        at = int(np.searchsorted(steps, change))
        frames |= {f for f in (at - 1, at) if 0 <= f < len(steps)}
    broken, at_steps = [], recording.optimizer_steps
    for index in sorted(frames):
        step, words = int(steps[index]), said(index)
        for path, label in enumerate(labels):
            if labels.count(label) > 1:
                continue  # (several starts share an entry)
            text = " ".join(words[list(dict.fromkeys(labels)).index(label)].split())  # (wrapped: one line)
            dead = gone[path] is not None and step >= gone[path]
            if ("diverged at step" in text) != dead or dead and f"diverged at step {at_steps[gone[path]]}" not in text:
                broken.append(f"frame {index} (step {step}): {text!r}, diverged at {gone[path]}")
            away = bool(out[path, step]) and not dead
            if ("left the view" in text) != away:
                broken.append(f"frame {index} (step {step}): {text!r}, {'out of' if away else 'in'} the view")
    return broken


def finals(recording, step=None):
    """{label: the value its last frame shows (NaN if it diverged)} of a surface's or model's
    recording at the end."""
    from viz.divergence import diverged_steps

    out = {}
    for path, (label, gone) in enumerate(zip(recording.names, diverged_steps(recording))):
        values = recording.loss[path]
        out[label] = float("nan") if gone is not None else float(values[np.isfinite(values)][-1])
    return out


def rule_6(scene, keywords, path):
    """Rule 6 where ``scene``'s title or labels hold characters of a script the font lacks
    (Japanese, Chinese, Korean): rendering it to ``path`` is refused before training, the
    error's last line naming the characters. True if it was such a scene (and was refused)."""
    import pytest

    import viz
    from viz.errors import SpecError

    cjk = sorted({c for text in [scene.title, *scene.optimizers] for c in text if "\u3040" <= c <= "\u9fff"})
    if cjk:
        with pytest.raises(SpecError) as error:
            viz.render(scene, path, last_frame=True, **keywords)
        assert all(f"{c} (U+{ord(c):04X})" in str(error.value).splitlines()[-1] for c in cjk[:8])
    return bool(cjk)
