"""What happens in a recording, as captions a lecturer would say over it: an optimizer
diverges, leaves or re-enters the view, leads (the lowest loss, once the paths part), passes
another (and takes the lead, if it is then the lowest of all), or settles within 1% of its
final loss; :func:`ranked` keeps those that matter most. Plain NumPy: reads a
Recording and the view, draws nothing.

Divergence is :mod:`viz.divergence`'s rule and "in the view" is
:func:`viz.plane.inside` on the view the legend uses (the recorded grid), so the
captions say what the heads and the legend show."""

from itertools import combinations
from typing import NamedTuple

import numpy as np

from viz.divergence import diverged_steps
from viz.plane import grid_view, inside

SETTLE = 0.01  # within this share of the final loss (or of the whole descent, where that is near 0)
LATE = 0.9  # settling later than this share of the steps is no news: it only reached the end
TIE = 1e-3  # losses nearer than this share of their range are level
KINDS = ("diverged", "leaves", "re-enters", "lead", "overtakes", "settles")  # the order of events at one step
RANK = ("diverged", "lead", "leaves", "re-enters", "overtakes", "settles")  # what matters most first


class Event(NamedTuple):
    """Something that happened at a recorded ``step``, said in ``text``; ``kind`` is one of
    :data:`KINDS`; ``who``: the path (its caption name) or optimizer label it happened to (the
    one that passes, for "lead")."""

    step: int
    text: str
    kind: str
    who: str = ""


def events(recording, view=None):
    """Every event of ``recording``, by step (then in :data:`KINDS` order). ``view``: the
    region ((x0, x1), (y0, y1)) that "in the view" means; default the recorded grid's.
    Texts count optimizer steps (a recorded step times ``recording.every``)."""
    found = (_diverged(recording) + _view_changes(recording, view or grid_view(recording.plane))
             + _lead_changes(recording) + _settled(recording))
    return sorted(found, key=lambda event: (event.step, KINDS.index(event.kind)))


def names(recording):
    """Each path's name in the captions: its label, or with several paths of one label (several
    starts) the label and its start's number."""
    names = list(recording.names)
    counts = {name: names.count(name) for name in names}
    seen = {}
    for index, name in enumerate(names):
        if counts[name] > 1:
            seen[name] = seen.get(name, 0) + 1
            names[index] = f"{name} (start {seen[name]})"
    return names


def _diverged(recording):
    every = recording.every
    return [Event(step, f"{name} diverged at step {step * every}", "diverged", name)
            for name, step in zip(names(recording), diverged_steps(recording)) if step is not None]


def _view_changes(recording, view):
    """Each path leaving the view and coming back, up to the step it diverged."""
    (x0, x1), (y0, y1) = view
    within = inside(recording.plane.xy, (x0, y0), (x1, y1))
    found, every = [], recording.every
    for name, row, gone in zip(names(recording), within, diverged_steps(recording)):
        row = row[: len(row) if gone is None else gone]
        for step in np.flatnonzero(np.diff(row.astype(int))) + 1:
            kind = "re-enters" if row[step] else "leaves"
            found.append(Event(int(step), f"{name} {kind} the view at step {int(step) * every}", kind, name))
    return found


def _label_losses(recording):
    """The optimizer labels and, per label, its best path's loss at each step [labels, steps+1]
    (inf once a path has diverged or where the loss is not finite)."""
    labels = list(dict.fromkeys(recording.names))
    loss = np.array(recording.loss, dtype=np.float64)
    for path, step in enumerate(diverged_steps(recording)):
        if step is not None:
            loss[path, step:] = np.inf
    loss[~np.isfinite(loss)] = np.inf
    names = np.array(recording.names)
    return labels, np.array([loss[names == label].min(axis=0) for label in labels])


def _lead_changes(recording):
    """One optimizer passing another (its loss now lower, for a few steps at least: see
    :func:`lead_hold`; differences under :data:`TIE` of the losses' range are no change):
    "takes the lead from" when it is then the lowest of all, else "overtakes"."""
    labels, loss = _label_losses(recording)
    finite = loss[np.isfinite(loss)]
    gap = TIE * (np.ptp(finite) if finite.size else 0.0)
    hold, every, found = lead_hold(recording.steps), recording.every, []
    lowest = loss.argmin(axis=0)
    for a, b in combinations(range(len(labels)), 2):
        with np.errstate(invalid="ignore"):
            diff = loss[a] - loss[b]
            ahead = np.where(~np.isfinite(diff), 0, np.where(diff < -gap, 1, np.where(diff > gap, -1, 0)))
        for step, sign in _passes(ahead, hold):
            winner, loser = (a, b) if sign > 0 else (b, a)
            leads = lowest[min(step + hold - 1, len(lowest) - 1)] == winner
            words = "takes the lead from" if leads else "overtakes"
            found.append(Event(step, f"{labels[winner]} {words} {labels[loser]} at step {step * every}",
                               "lead" if leads else "overtakes", labels[winner]))
    first = _first_leader(loss, gap, hold)
    if first is not None and len(labels) > 1:
        step, leader = first
        found.append(Event(step, f"{labels[leader]} leads at step {step * every}", "lead", labels[leader]))
    return found


def _first_leader(loss, gap, hold):
    """(step, label index) where one optimizer first has the lowest loss by more than ``gap``
    and keeps it for ``hold`` steps (the paths part: at the start they are level), or None."""
    if len(loss) < 2:
        return None
    ordered = np.sort(np.where(np.isfinite(loss), loss, np.inf), axis=0)
    with np.errstate(invalid="ignore"):
        clear = ordered[1] - ordered[0] > gap
    leader = np.where(clear, loss.argmin(axis=0), -1)
    for step in range(1, len(leader) - hold + 1):
        if leader[step] >= 0 and (leader[step: step + hold] == leader[step]).all():
            return step, int(leader[step])
    return None


def ranked(found, room):
    """The events of ``found`` that matter most: divergence, the leader, leaving the view, then
    the rest (:data:`RANK`; earlier first among equals), each taken if there is room for it.

    Args:
        found: events (:func:`events`).
        room: ``room(event, taken)``: whether ``event`` fits beside those ``taken`` so far.

    Returns:
        The events taken, in step order.
    """
    taken = []
    for event in sorted(found, key=lambda event: (RANK.index(event.kind), event.step)):
        if room(event, taken):
            taken.append(event)
    return sorted(taken, key=lambda event: (event.step, KINDS.index(event.kind)))


def _passes(ahead, hold):
    """The steps at which ``ahead`` (per step 1, -1, or 0 for "no change") turns to the other
    sign and keeps it for ``hold`` steps, with that sign; the first sign taken is no pass."""
    found, current, candidate, since = [], 0, 0, 0
    for step, sign in enumerate(ahead):
        if sign == 0 or sign == current:
            candidate = 0
            continue
        if sign != candidate:
            candidate, since = sign, step
        if step - since + 1 >= hold:
            if current:
                found.append((since, int(sign)))
            current, candidate = sign, 0
    return found


def lead_hold(steps):
    """Recorded steps an optimizer must stay ahead to count as passing: a thirtieth of the
    steps, at least 2."""
    return max(2, steps // 30)


def _settled(recording):
    """Each optimizer that did not diverge, from the step after which its loss stays within
    :data:`SETTLE` of its final loss (its best path; not at the start, nor only near the end:
    :data:`LATE`)."""
    labels, loss = _label_losses(recording)
    found, every = [], recording.every
    for label, row in zip(labels, loss):
        if not np.isfinite(row).all():
            continue
        final = row[-1]
        tolerance = SETTLE * max(abs(final), 0.1 * abs(row[0] - final))
        away = np.flatnonzero(np.abs(row - final) > tolerance)
        step = int(away[-1]) + 1 if away.size else 0
        if 0 < step <= LATE * (len(row) - 1):
            found.append(Event(step, f"{label} settles at step {step * every}", "settles", label))
    return found
