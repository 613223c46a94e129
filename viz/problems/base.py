"""The problem contract: :class:`Problem` lists every method and attribute the rest of viz
reads on a scene's problem; the optional ones have their defaults here. Plain Python."""

from abc import ABC, abstractmethod

from viz.errors import OptionError, SpecError

VIZ = "viz."  # the modules of viz's own problems: their code is viz's (the cache key's recording code)


class Problem(ABC):
    """What a scene's ``problem`` is: the optimizers minimise its loss, and it records them.

    Subclass it and write :meth:`record`; the rest has defaults a problem may override. viz
    asks a problem only through these (never its type), so a surface, the lesson, any
    ``keras_model`` and a problem of your own are used alike.

    Attributes:
        fixed_steps: True when the problem sets its own step count (``epochs`` x
            ``steps_per_epoch``), so a scene's ``steps`` does not apply. Default False.
        epochs: with ``fixed_steps``, the epochs it trains. Default None.
        steps_per_epoch: with ``fixed_steps``, the batches of an epoch. Default None.
        axes: two weight names the view uses as its axes, or None (a plane through the
            weights, or a surface's own x and y). Default None.
        budgets: a :class:`~viz.problems.cost.Budgets` of evaluation time and recorded
            memory, for problems that take the ``time_budget`` and ``memory_budget`` options
            (``keras_model``); None: the problem is drawn in full. Default None.
        records_gradients: True when its recordings carry the loss's gradient at every
            point (a :class:`~viz.recording.Recording`'s ``grads`` or ``grads_on_plane``), for
            the gradient arrows; without it, ``overlays="gradient"`` is refused before
            training. Default False.
    """

    fixed_steps = False
    epochs = None
    steps_per_epoch = None
    axes = None
    budgets = None
    records_gradients = False

    @property
    def own_code(self):
        """The user's code this problem runs (a function or a class) whose source file joins
        the recording cache's key, or None when all of it is viz's. Default: the problem's
        class, unless it is one of viz's."""
        return None if type(self).__module__.startswith(VIZ) else type(self)

    @abstractmethod
    def record(self, scene, seed, progress, seeds):
        """Train every optimizer of ``scene`` and return what they did.

        Args:
            scene: the :class:`~viz.Scene` (its optimizers, learning rate, steps).
            seed: the initial weights' and batch order's seed.
            progress: ``progress(done, total)``, to call as the optimizers train.
            seeds: initializations to record (``seed``, ``seed + 1``, ...); 1 unless the
                problem's :meth:`check` accepts more.

        Returns:
            A :class:`~viz.recording.Recording`.
        """

    def check(self, *, seeds=1, view="2d", boundary=False, hidden=False, features=None, steps=None):
        """Raise :class:`~viz.errors.OptionError` (naming the option) for an option this
        problem cannot do. Called once per scene, before anything is trained, with the
        options the render asks for. The default refuses everything but one initialization
        on the 2D view.

        Args:
            seeds: initializations to record.
            view: "2d" (contours) or "3d" (a surface drawn in 3D).
            boundary: the decision-boundary panel is asked for.
            hidden: the hidden-layer panel is asked for.
            features: the lesson's boundary-panel axes (two feature names), or None.
            steps: the optimizer steps asked for instead of the scene's, or None.
        """
        if seeds != 1:
            raise OptionError("seeds", seeds, "this scene's problem records one initialization")
        if view != "2d":
            raise OptionError("view", view, "draws a surface's f(x, y); this scene's problem is not a surface")
        for asked, panel in ((boundary, "boundary"), (hidden, "hidden")):
            if asked:
                raise OptionError("panels", f"contour,curves,{panel}", "this scene's problem has no such panel")
        if features is not None:
            raise OptionError("features", features, "picks the lesson's boundary-panel axes; this scene's problem "
                                                    "is not the lesson")
        if steps is not None and self.fixed_steps:
            raise OptionError("steps", steps, "this scene's problem sets its own steps")

    def final_losses(self, scene, seed, rates, progress):
        """The training loss after the scene's steps at each learning rate, for ``tune_lr``.

        Returns:
            [n_optimizers, n_rates], +inf where a run diverged.

        Raises:
            SpecError: the default: this problem cannot search learning rates.
        """
        raise SpecError("this scene's problem cannot search learning rates (it has no final_losses)")

    def share_plane(self, recordings):
        """Recordings of one scene (e.g. the same rate and the tuned ones) on one 2D view.
        Default: as they are."""
        return recordings

    def check_size(self, scene, tune_lr=None, option=False):
        """Raise :class:`~viz.errors.SpecError` (:class:`~viz.errors.OptionError` for the
        ``steps`` option, when ``option``) before training if recording ``scene`` (with
        ``tune_lr``, its grid of rates as well) would not fit in memory or time. Default:
        nothing to refuse (a model's budgets subsample its recording instead)."""

    def curvature(self, seed):
        """The loss's Hessian (sharpness, top directions) and the loss for weight vectors, as a
        :class:`viz.sharpness.Curvature`; None (the default) records no sharpness."""
        return None

    def check_panels(self, scene, extras, seeds=1):
        """Raise :class:`~viz.errors.OptionError` before training when the recording of
        ``scene`` (with ``seeds`` initializations) would hold nothing for a panel of
        ``extras``, the panels asked for besides the contour and curves ("boundary" or
        "hidden", "sharpness", "rates", "line"). Default: the sharpness and line panels
        where the problem has no :meth:`curvature`, or its time budget affords not one
        point (the recording decides from the same estimate)."""
        wanted = [extra for extra in extras if extra in ("sharpness", "line")]
        if not wanted:
            return
        curvature = self.curvature(0)
        short = wanted if curvature is None else [extra for extra in curvature.short_of(len(scene.paths()))
                                                  if extra in wanted]
        if short:
            why = ("this scene's problem has no curvature (Problem.curvature)" if curvature is None else
                   "its sharpness is switched off (sharpness=False)" if curvature.off else
                   f"not computed within the time budget (time_budget={self.budgets.time} s): raise it")
            raise OptionError("panels", ",".join(("contour", "curves", *extras)), f"the {short[0]} panel: {why}")

    def vary(self, setting, values):
        """Raise :class:`~viz.errors.SpecError` if a scene cannot compare these ``values`` of
        ``setting`` ("learning_rate", "batch_size", "initializer"). Default: it cannot compare
        any (its scenes' paths differ by optimizer only)."""
        raise SpecError(f"Scene {setting} is a list, but this problem cannot compare {setting.replace('_', ' ')}s")
