"""viz: animated optimizer trajectories for lectures and slides."""

__version__ = "0.1.0"

from viz import problems, surfaces  # noqa: E402
from viz import render as _render_package  # noqa: E402, F401  (first, so the function keeps the name)
from viz import explore as _explore_package  # noqa: E402, F401  (the same: viz.explore is the function)
from viz.api import explore, render, show, slides  # noqa: E402
from viz.optimizers import SEED_OPTIMIZERS  # noqa: E402
from viz.record import record  # noqa: E402
from viz.scene import Scene  # noqa: E402

__all__ = ["Scene", "SEED_OPTIMIZERS", "problems", "surfaces", "record", "render", "show", "slides", "explore", "__version__"]
