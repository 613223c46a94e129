"""Who is who on a frame: each optimizer's look (colour, line style, head marker), the same for
a label in every scene of a theme.

A label's look comes from what it names: the lesson's six labels and Keras' optimizer names
have a fixed entry (a colour slot of the theme's eight, a line style, a marker), found by the
words of the label ("Adam lr 0.01" is Adam, "momentum 0.9" is SGD with momentum). A label
naming nothing known gets a slot from a hash of its text. Within one scene no two labels share
a colour while there are at most eight: the label a slot belongs to first (the lesson's six,
then Keras' other names, then the rest, in scene order) keeps it; the others take the next
free slot, and a marker no other label of the scene has."""

import re
import zlib

# Line styles and markers: "X" is a diverged head and "*" the minimum, so neither is used here.
DASHES = ("-", "--", ":", "-.", (0, (6, 2)), (0, (3, 1, 1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P", "h", "p", "<", ">", "d", "H", "8")

# what a label names -> (colour slot, line style, marker); earlier entries win a contested slot
KNOWN = {
    "sgd": (0, "-", "o"),
    "momentum": (1, "--", "s"),
    "nesterov": (2, ":", "^"),
    "adam": (3, "-", "D"),
    "adagrad": (4, "-.", "v"),
    "rmsprop": (5, (0, (6, 2)), "P"),
    "nadam": (6, "--", "h"),
    "adamw": (7, "-.", "p"),
    "adamax": (1, (0, (3, 1, 1, 1)), "<"),
    "adadelta": (4, ":", "d"),
    "lion": (2, "-", ">"),
    "ftrl": (0, "--", "H"),
    "lamb": (5, ":", "8"),
    "adafactor": (6, "-", "d"),
    "muon": (7, ":", "<"),
}


def kind(label):
    """What ``label`` names, as a :data:`KNOWN` key, or None: "nesterov" and "momentum" first
    (they are SGD variants), else the first word that is an optimizer's name."""
    words = re.findall(r"[a-z]+", label.lower())
    for word in ("nesterov", "momentum", *words):
        if word in words and word in KNOWN:
            return word
    return None


def _hashed(label):
    """A stable (slot, line style, marker) for a label naming no known optimizer."""
    code = zlib.crc32(label.encode())
    return code % 8, DASHES[code // 8 % len(DASHES)], MARKERS[code // 48 % len(MARKERS)]


FAN = re.compile(r"^(?P<base>.+) lr (?P<rate>\d[\d.e+-]*)$")  # "SGD lr 0.01": SGD's learning-rate fan
FAMILIES = (0, 1, 2, 3, 1, 0, 4, 5)  # each colour slot's hue family: blue, orange, green, pink, grey, yellow
FAN_SLOTS = (0, 1, 2, 3, 7, 6)  # a fan whose optimizer's hue another fan has takes the first free family here
FAN_SHADES = (0.45, 0.3)  # a fan's shades mix its optimizer's colour up to this far towards the ink, the ground


def fans(labels):
    """``{optimizer label: [its fan's labels, by rate]}`` for the optimizers that run at
    several learning rates in ``labels`` ("SGD lr 0.01", "SGD lr 0.1", ...)."""
    found = {}
    for label in labels:
        match = FAN.match(label)
        if match:
            found.setdefault(match["base"], []).append(label)
    return {base: sorted(members, key=lambda m: float(FAN.match(m)["rate"]))
            for base, members in found.items() if len(members) > 1}


def looks(labels, theme):
    """``{label: {"color", "linestyle", "marker"}}`` for the distinct ``labels`` of one scene
    (in their order) in ``theme``, whose ``paths`` are the eight colour slots. An optimizer's
    learning-rate fan (:func:`fans`) takes the look its optimizer's label would have, its
    colour in shades from dark (towards the ink) to light (towards the ground) as the rate
    grows, each rate a line style of its own."""
    labels = list(dict.fromkeys(labels))
    fanned = fans(labels)
    if fanned:
        members = {member for group in fanned.values() for member in group}
        alone = looks([label for label in labels if label not in members] + list(fanned), theme)
        families = set()  # two fans in shades of one hue (blue and sky blue) would be one fan to the eye
        for base, group in fanned.items():
            look = alone.pop(base)
            slot = theme.paths.index(look["color"])
            if FAMILIES[slot] in families:
                slot = next((s for s in FAN_SLOTS if FAMILIES[s] not in families), slot)
                look = dict(look, color=theme.paths[slot])
            families.add(FAMILIES[slot])
            for rank, member in enumerate(group):
                toward = 2 * rank / (len(group) - 1) - 1  # -1 (the ink) ... +1 (the ground)
                colour = mix(look["color"], theme.background if toward > 0 else theme.ink,
                             abs(toward) * FAN_SHADES[toward > 0])
                alone[member] = {"color": colour, "linestyle": DASHES[rank % len(DASHES)], "marker": look["marker"]}
        return {label: alone[label] for label in labels}
    order = list(KNOWN)
    first = sorted(range(len(labels)), key=lambda i: (order.index(kind(labels[i])) if kind(labels[i]) else len(order), i))
    slots, used_markers, chosen = len(theme.paths), set(), {}
    taken = [0] * slots  # labels on each colour slot so far
    for i in first:
        label = labels[i]
        slot, dash, marker = KNOWN[kind(label)] if kind(label) else _hashed(label)
        if taken[slot] > min(taken):  # the slot is someone else's: the next of the least used, and
            slot = next(s % slots for s in range(slot, slot + slots) if taken[s % slots] == min(taken))
            dashes = [look["linestyle"] for look in chosen.values()]  # a line style of its own if one is left
            dash = next((d for d in DASHES[DASHES.index(dash):] + DASHES if d not in dashes), dash)
        if marker in used_markers and len(used_markers) < len(MARKERS):
            marker = next(m for m in MARKERS[MARKERS.index(marker):] + MARKERS if m not in used_markers)
        if taken[slot]:  # more labels than colours: a line style this colour does not have yet
            dashes = {look["linestyle"] for look in chosen.values() if look["color"] == theme.paths[slot]}
            dash = next((d for d in DASHES if d not in dashes), dash)
        taken[slot] += 1
        used_markers.add(marker)
        chosen[label] = {"color": theme.paths[slot], "linestyle": dash, "marker": marker}
    return {label: chosen[label] for label in labels}


def mix(colour, other, share):
    """``colour`` moved ``share`` (0 to 1) of the way towards ``other``, as "#rrggbb"."""
    from matplotlib.colors import to_hex, to_rgb  # matplotlib: only when drawing (a look is plain data)

    return to_hex([(1 - share) * a + share * b for a, b in zip(to_rgb(colour), to_rgb(other))])


def as_json(style):
    """A look as the manifest writes it: the colour as "#rrggbb", a dash pattern as a list."""
    from matplotlib.colors import to_hex  # matplotlib: only when drawing (a look is plain data)

    dash = style["linestyle"]
    return {"color": to_hex(style["color"]), "linestyle": dash if isinstance(dash, str) else [dash[0], list(dash[1])],
            "marker": style["marker"]}
