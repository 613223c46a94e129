"""The panels of a frame. Each draws its static part once, at construction, and owns a few
animated artists that ``update`` moves with ``set_data``; :mod:`viz.render.layout` decides
which panels a frame has and where.

The panel protocol: ``animated_artists`` (a list) and ``update(steps)``, where ``steps`` is an
int array [n_paths], each path's current recorded step; -1: the path is not shown yet (an
optimizer waiting for its turn in a ``--sequence``). A panel that places words by its final
box (a title fitted to its width, start numbers, "off scale" words) has ``after_layout(renderer)``:
the layout calls it once, when the boxes' widths are final and before the first ``update``.
"""

from viz.render.panels.paths import labels_and_styles, legend_handles, path_styles

__all__ = ["labels_and_styles", "legend_handles", "path_styles"]
