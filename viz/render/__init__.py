"""Recording -> frames -> file: the render options, the frame loop, panels and writers."""

from viz.errors import BudgetError
from viz.render.animation import render, render_within
from viz.render.options import (DEFAULT_FPS, DEFAULT_HOLD, DEFAULT_MAX_FRAMES, DEFAULT_SIZE, FORMATS, OVERLAYS,
                                STILLS, Options, frame_steps, schedule)

__all__ = ["render", "render_within", "Options", "BudgetError", "frame_steps", "schedule", "DEFAULT_FPS",
           "DEFAULT_HOLD", "DEFAULT_MAX_FRAMES", "DEFAULT_SIZE", "FORMATS", "OVERLAYS", "STILLS"]
