"""viz: animated optimizer trajectories for lectures and slides.

The public names are loaded when first used, so ``import viz`` (and ``viz --help``) loads
neither NumPy nor matplotlib. ``viz.render`` is the function :func:`viz.api.render`; the
rendering package of the same name is reached by importing from it
(``from viz.render.options import Options``), never as an attribute of ``viz``.
"""

import importlib
import sys
import types

from viz.version import __version__

PUBLIC = {"Scene": "viz.scene", "SEED_OPTIMIZERS": "viz.optimizers", "problems": None, "surfaces": None,
          "record": "viz.record", "render": "viz.api", "show": "viz.api", "slides": "viz.api", "explore": "viz.api",
          "course": "viz.api"}
__all__ = [*PUBLIC, "__version__"]


def __getattr__(name):
    if name not in PUBLIC:
        raise AttributeError(f"module 'viz' has no attribute {name!r}")
    home = PUBLIC[name]
    value = importlib.import_module(f"viz.{name}") if home is None else getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *PUBLIC})


class _Viz(types.ModuleType):
    """The package ``viz``, whose attributes ``render`` and ``explore`` stay the functions when
    the subpackages ``viz.render`` and ``viz.explore`` are first imported (the import system
    would set them to the subpackages)."""

    def __setattr__(self, name, value):
        if name in ("render", "record", "explore") and isinstance(value, types.ModuleType):
            return  # the module stays in sys.modules; viz.render, viz.record, viz.explore are the functions
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Viz
