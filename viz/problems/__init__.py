"""Problems a scene can optimize, all behind one contract, :class:`~viz.problems.base.Problem`:
``record`` (required), ``check``, ``final_losses``, ``share_plane``, ``curvature``, ``vary``,
``own_code``, ``fixed_steps`` (with ``epochs`` and ``steps_per_epoch``), ``axes`` and
``budgets``, each documented there with its default. The pipeline, the cache and the
panels ask a problem only through it.

Three kinds implement it: :class:`~viz.problems.surface.Surface` (``viz.surfaces``),
:class:`KerasModel` (``keras_model``) and :class:`LogReg` (the lesson, ``logreg``: a preset
of the keras_model path with analytic extras); a problem of your own subclasses
:class:`Problem` (see the how-to "Your own problem").
"""

from viz.problems.base import Problem
from viz.problems.digits import load_digits
from viz.problems.model import KerasModel, keras_model
from viz.problems.logreg import LogReg, logreg

__all__ = ["KerasModel", "LogReg", "Problem", "keras_model", "load_digits", "logreg"]
