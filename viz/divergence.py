"""When a path diverged: the one rule that the heads, the legend, the curves, the manifest and
the seed summaries all ask. Plain NumPy, no drawing.

A path diverges at the first step whose loss is not finite or exceeds ``FACTOR`` times its
starting loss (``FACTOR`` times the view's loss range where the start is at or below zero):
a blow-up that stays finite is a divergence too. The recorded numbers are left as they are."""

import numpy as np

FACTOR = 1e6


def divergence_steps(loss, loss_range=1.0):
    """For each path (the last axis is the steps), the first recorded step at which it
    diverged, or -1: an int array of ``loss.shape[:-1]``. ``loss_range``: the view's loss
    range (max - min), the yardstick where a path starts at or below zero."""
    loss = np.asarray(loss, dtype=np.float64)
    start = loss[..., :1]
    with np.errstate(invalid="ignore", over="ignore"):
        limit = FACTOR * np.where(start > 0, start, loss_range)
        bad = ~np.isfinite(loss) | (loss > limit)
    return np.where(bad.any(axis=-1), bad.argmax(axis=-1), -1)


def view_range(plane):
    """The loss range of ``plane``'s grid (its finite values), or 1 if it has none."""
    grid = np.asarray(plane.grid_loss, dtype=np.float64)
    finite = grid[np.isfinite(grid)]
    return float(np.ptp(finite)) if finite.size and np.ptp(finite) > 0 else 1.0


def diverged_steps(recording):
    """For each path of ``recording``, the recorded step at which it diverged, or None."""
    steps = divergence_steps(held_at_end(recording.loss, recording.ends), view_range(recording.plane))
    return [int(step) if step >= 0 else None for step in steps]


def held_at_end(values, ends):
    """``values`` [n_paths, points, ...] with each path's padding (past its end, ``ends``
    [n_paths]) filled with its value at the end: a path that ended is not a divergence."""
    past = np.arange(values.shape[1])[None, :] > np.asarray(ends)[:, None]
    last = values[np.arange(len(values)), np.asarray(ends)]
    return np.where(past.reshape(*past.shape, *[1] * (values.ndim - 2)), last[:, None], values)


def diverged_mask(loss, loss_range=1.0):
    """True from each path's divergence step on (same shape as ``loss``)."""
    steps = divergence_steps(loss, loss_range)[..., None]
    return (steps >= 0) & (np.arange(np.shape(loss)[-1]) >= steps)


def diverged_by_label(recording):
    """For each optimizer label, the optimizer step (recorded step times ``every``) at which
    its first path to diverge did so, or None: the manifest's ``"diverged"``."""
    found = {label: None for label in recording.names}
    for label, step in zip(recording.names, diverged_steps(recording)):
        if step is not None and (found[label] is None or recording.optimizer_steps[step] < found[label]):
            found[label] = int(recording.optimizer_steps[step])
    return found
