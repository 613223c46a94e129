"""viz: animated optimizer trajectories for lectures and slides."""

__version__ = "0.1.0"

from viz import problems, surfaces  # noqa: E402
from viz import render as _render_package  # noqa: E402, F401  (first, so the function keeps the name)
from viz.api import render, show, slides  # noqa: E402
from viz.optimizers import SEED_OPTIMIZERS  # noqa: E402
from viz.record import record  # noqa: E402
from viz.scene import Scene  # noqa: E402

__all__ = ["Scene", "SEED_OPTIMIZERS", "problems", "surfaces", "record", "render", "show", "slides", "__version__"]
