"""Problems a scene can optimize, all behind one interface.

A problem is any object offering::

    record(scene, seed, progress, seeds) -> Recording
        train every optimizer of ``scene`` from ``seed`` (and ``seeds - 1`` more
        initializations into ``Recording.spread``), calling ``progress(done, total)``.
    final_losses(scene, seed, rates, progress) -> ndarray [n_opt, n_rates]
        the training loss after the scene's steps at each rate, +inf where it diverged
        (trained as ``record`` trains; for viz.tune).
    share_plane(recordings) -> list[Recording]
        recordings of one scene on one 2D view (or returned unchanged).
    curvature(seed) -> viz.sharpness.Curvature   (optional: without it, no sharpness)
        the loss's Hessian (sharpness, top directions) and the loss for weight vectors.
    check(*, seeds=1, view="2d", boundary=False, features=None, steps=None)
        raise ``viz.errors.OptionError`` for a render option this problem cannot do.
    vary(setting, values)  (optional: without it, a scene's paths differ by optimizer only)
        raise ``viz.errors.SpecError`` if a scene cannot compare these values of ``setting``
        ("learning_rate", "batch_size", "initializer") on this problem.
    own_code
        the user's function whose source file joins the cache key, or None.
    fixed_steps
        True when the problem sets its own step count (epochs x batches), so a scene's
        ``steps`` does not apply.

Three kinds implement it: :class:`~viz.problems.surface.Surface` (``viz.surfaces``),
:class:`KerasModel` (``keras_model``) and :class:`LogReg` (the lesson, ``logreg``: a preset
of the keras_model path with analytic extras).
"""

from viz.problems.digits import load_digits
from viz.problems.model import KerasModel, keras_model
from viz.problems.logreg import LogReg, logreg

INTERFACE = ("record", "final_losses", "share_plane", "check", "own_code", "fixed_steps")

__all__ = ["INTERFACE", "KerasModel", "LogReg", "is_problem", "keras_model", "load_digits", "logreg"]


def is_problem(value):
    """Whether ``value`` offers the whole problem interface."""
    return all(hasattr(value, name) for name in INTERFACE)
