"""The loss along straight lines (Goodfellow et al. 2015, "Qualitatively characterizing neural
network optimization problems"): from each path's start through its point at a recorded step
and a little beyond, evaluated exactly, for the 1-D interpolation panel."""

import numpy as np

ALPHAS = np.arange(40) / 30  # 0 (the start) to 1.3; 1 (the point itself) is ALPHAS[30]
HEAD = 30
POINTS = 80          # recorded steps with a line, at most (evenly spread; the panel shows the latest)
BUDGET = 2e10        # multiply-adds of all the lines' loss evaluations: bigger models get fewer steps


def lines(params, loss_fn, cost=1.0):
    """The loss along each path's line at evenly spread recorded steps.

    Args:
        params: the paths [n, points, d] (NaN after a divergence).
        loss_fn: flat weight vectors [m, d] -> loss [m].
        cost: multiply-adds of one loss evaluation (weights times training rows), which
            sets how many steps fit :data:`BUDGET`.

    Returns:
        ``{"steps": [k] recorded steps, "alpha": ALPHAS, "loss": [n, k, len(ALPHAS)]}``
        (NaN where the path is).
    """
    params = np.asarray(params, dtype=np.float64)
    n, points, d = params.shape
    count = int(np.clip(BUDGET / (cost * n * len(ALPHAS)), 2, POINTS))
    steps = np.unique(np.round(np.linspace(0, points - 1, min(count, points))).astype(int))
    loss = np.full((n, len(steps), len(ALPHAS)), np.nan)
    for path in range(n):  # one path's lines at a time: a big model's weight vectors are not all made at once
        for at, step in enumerate(steps):
            along = params[path, 0] + ALPHAS[:, None] * (params[path, step] - params[path, 0])  # [a, d]
            finite = np.isfinite(along).all(axis=1)
            if finite.any():
                with np.errstate(all="ignore"):
                    loss[path, at, finite] = np.asarray(loss_fn(along[finite]), dtype=np.float64)
    return {"steps": steps, "alpha": ALPHAS.copy(), "loss": loss}
