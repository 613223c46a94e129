"""The loss along straight lines (Goodfellow et al. 2015, "Qualitatively characterizing neural
network optimization problems"): from each path's start through its point at a recorded step
and a little beyond, evaluated exactly, for the 1-D interpolation panel."""

import numpy as np

from viz.plane import GRID_FLOATS

ALPHAS = np.arange(40) / 30  # 0 (the start) to 1.3; 1 (the point itself) is ALPHAS[30]
HEAD = 30
POINTS = 80          # recorded steps with a line, at most (evenly spread; the panel shows the latest)


def affordable(paths, loss_seconds, seconds, points=POINTS):
    """How many recorded steps' lines of ``paths`` paths ``seconds`` affords at ``loss_seconds``
    an evaluation (``points`` when they cost nothing); under 1: none (decided before training
    as well, from the same estimate)."""
    line_seconds = loss_seconds * paths * len(ALPHAS)
    return int(seconds / line_seconds) if line_seconds else points


def lines(params, loss_fn, loss_seconds=0.0, seconds=float("inf")):
    """The loss along each path's line at evenly spread recorded steps, as many as ``seconds``
    affords (the first step's line is the start itself: it costs nothing).

    Args:
        params: the paths [n, points, d] (NaN after a divergence).
        loss_fn: flat weight vectors [m, d] -> loss [m].
        loss_seconds: the estimated seconds of one loss evaluation.
        seconds: the time the lines may take.

    Returns:
        ``{"steps": [k] recorded steps, "alpha": ALPHAS, "loss": [n, k, len(ALPHAS)]}``
        (NaN where the path is), or {} when not even the last step's lines fit ``seconds``.
    """
    params = np.asarray(params, dtype=np.float64)
    n, points, d = params.shape
    count = min(POINTS - 1, points - 1, affordable(n, loss_seconds, seconds, points))  # after the start
    if count < 1 and points > 1:
        return {}
    steps = np.unique(np.round(np.linspace(0, points - 1, count + 1)).astype(int))
    loss = np.full((n, len(steps), len(ALPHAS)), np.nan)
    together = max(1, int(GRID_FLOATS // (len(ALPHAS) * d)))  # lines evaluated at once: few for a big model
    for path in range(n):
        start = params[path, :1]
        if steps[0] == 0 and np.isfinite(start).all():  # the start's line is the start, at every alpha
            loss[path, 0] = float(np.asarray(loss_fn(start))[0])
        later = np.flatnonzero(steps)
        for group in np.array_split(later, max(1, -(-len(later) // together))):
            along = params[path, 0] + ALPHAS[None, :, None] * (params[path, steps[group]] - params[path, 0])[:, None]
            along = along.reshape(-1, d)  # [lines * a, d]
            finite = np.isfinite(along).all(axis=1)
            if finite.any():
                values = np.full(len(along), np.nan)
                with np.errstate(all="ignore"):
                    values[finite] = np.asarray(loss_fn(along[finite]), dtype=np.float64)
                loss[path, group] = values.reshape(len(group), len(ALPHAS))
    return {"steps": steps, "alpha": ALPHAS.copy(), "loss": loss}
