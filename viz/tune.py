"""Fair learning rates: each optimizer's best rate from a small log grid around the scene's.

Every (optimizer, rate) pair is trained exactly as the scene would be (same initial weights,
same batch order, same steps or epochs); the criterion is the training loss at the end (a
surface: f at the end, averaged over its starts). A diverged run counts as infinitely bad.
"""

import dataclasses

import numpy as np

from viz import optimizers, sweep
from viz.errors import SpecError

GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)  # times the scene's rate: about half decades
TIE = 1e-3  # final losses within 0.1% of the best count as tied; the larger rate wins


def grid(learning_rate):
    """The rates tried: the scene's rate times :data:`GRID` (9 rates over four decades)."""
    return [float(f"{learning_rate * factor:.6g}") for factor in GRID]


def best_rate(rates, losses):
    """The rate with the lowest final loss; ties (within :data:`TIE`) go to the larger rate.
    None if every rate diverged."""
    losses = np.asarray(losses, dtype=float)
    if not np.isfinite(losses).any():
        return None
    best = np.min(losses)
    tied = [rate for rate, loss in zip(rates, losses) if loss <= best + TIE * abs(best)]
    return max(tied)


def tune(scene, seed, progress=None):
    """Search every optimizer's learning rate on :func:`grid`. Returns ``{"grid", "criterion",
    "trials": {label: {rate: final loss}}, "chosen": {label: rate}}``; raises
    :class:`SpecError` when an optimizer diverged at every rate."""
    rates = grid(scene.learning_rate)
    losses = sweep.spread_rates(scene.problem.final_losses, scene, seed, rates, progress or (lambda done, total: None))
    result = {"grid": rates, "criterion": "training loss after the scene's steps or epochs",
              "trials": {}, "chosen": {}}
    for label, row in zip(scene.optimizers, losses):
        result["trials"][label] = {str(rate): (float(loss) if np.isfinite(loss) else None)
                                   for rate, loss in zip(rates, row)}
        chosen = best_rate(rates, row)
        if chosen is None:
            raise SpecError(f"{label} diverged at every learning rate from {rates[0]:g} to {rates[-1]:g}")
        result["chosen"][label] = chosen
    return result


def tuned_scene(scene, chosen):
    """``scene`` with each optimizer at its chosen rate."""
    return dataclasses.replace(scene, optimizers={label: optimizers.with_rate(spec, chosen[label])
                                                  for label, spec in scene.optimizers.items()})
