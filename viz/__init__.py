"""viz: animated optimizer trajectories for lectures and slides."""

from viz import problems, surfaces
from viz.optimizers import SEED_OPTIMIZERS
from viz.record import record
from viz.render import render
from viz.scene import Scene

__version__ = "0.1.0"
__all__ = ["Scene", "SEED_OPTIMIZERS", "problems", "surfaces", "record", "render", "__version__"]
