"""The panels of a frame. Each draws its static part once, at construction, and owns a few
animated artists that ``update`` moves with ``set_data``; :mod:`viz.render.layout` decides
which panels a frame has and where.

The panel protocol: ``animated_artists`` (a list) and ``update(steps)``, where ``steps`` is an
int array [n_paths], each path's current recorded step; -1: the path is not shown yet (an
optimizer waiting for its turn in a ``--sequence``).
"""

from viz.render.panels.paths import labels_and_styles, legend_handles, path_styles

__all__ = ["labels_and_styles", "legend_handles", "path_styles"]
