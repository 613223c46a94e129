"""Problems a scene can optimize."""

from viz.problems.logreg import LogReg, logreg

__all__ = ["LogReg", "logreg"]
