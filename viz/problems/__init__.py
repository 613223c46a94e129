"""Problems a scene can optimize."""

from viz.problems.model import KerasModel, keras_model
from viz.problems.logreg import LogReg, logreg

__all__ = ["KerasModel", "LogReg", "keras_model", "logreg"]
