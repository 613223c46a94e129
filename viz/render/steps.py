"""Which path a frame is about: plain NumPy, shared by the frames, the story and the html
player (which must not import the frames)."""

import numpy as np


def running(steps):
    """The last path shown at ``steps`` (one per path, -1 for not shown yet) and its recorded
    step: in a sequence, the optimizer that is running; (0, 0) before any is shown."""
    shown = np.flatnonzero(steps >= 0)
    return (int(shown[-1]), int(steps[shown[-1]])) if shown.size else (0, 0)
