"""A 2D test function as a problem: :class:`Surface` (its library is :mod:`viz.surfaces`),
recorded by running every optimizer's steps in one compiled float64 loop."""

import dataclasses
from dataclasses import dataclass

import numpy as np

from viz import optimizers, plane
from viz.backend import load_keras
from viz.errors import OptionError, SpecError
from viz.problems import compiled
from viz.problems.base import Problem
from viz.problems.cost import MEMORY_BUDGET
from viz.problems.fit import finite_prefix, masked, no_progress
from viz.recording import Recording
from viz.sharpness import SurfaceCurvature
from viz.tune import GRID
from viz.varied import stated_rate

DEFAULT_STEPS = 300
CHUNK_STEPS = 100  # compiled steps per call: progress is reported (and Ctrl-C heard) between calls
POINT_BYTES = 48  # a recorded point of one path: x, y, f, the gradient and the sharpness, float64
STEP_SECONDS = 1.1e-4  # one step of one path, recorded (Rosenbrock, six optimizers, 100,000 steps: 67 s on 2 cores)
TIME_LIMIT = 600.0  # seconds of training a surface scene may take (tuning included)
LIBRARY = "viz.surfaces"  # the module of viz's own surface functions


@dataclass(frozen=True)
class Surface(Problem):
    """A function f(x, y) to minimise, with what a picture of it needs.

    Args:
        name: shown in titles and listings.
        fn: ``f(x, y)`` written with ``keras.ops`` (or plain arithmetic), elementwise.
        domain: ``((x_min, x_max), (y_min, y_max))``, the region drawn.
        starts: the start points the optimizers run from (one path per optimizer and start).
        minima: the global minima, all of them; empty where there is none.
        minimum_value: f at the minima.
        suggested_starts: customary start points from the literature.
        levels: ``"log"`` (contours spaced logarithmically above the minimum, for values
            spanning decades), ``"linear"``, or ``"auto"`` (log where the values over the
            domain span decades, else linear: see :func:`viz.plane.spans_decades`).
    """

    name: str
    fn: object
    domain: tuple
    starts: tuple
    minima: tuple = ()
    minimum_value: float | None = None
    suggested_starts: tuple = ()
    levels: str = "auto"

    def __post_init__(self):
        (x_min, x_max), (y_min, y_max) = self.domain
        if not (x_min < x_max and y_min < y_max and np.isfinite([x_min, x_max, y_min, y_max]).all()):
            raise SpecError(f"{self.name}: domain {self.domain!r} is not ((x_min, x_max), (y_min, y_max))")
        starts = np.asarray(self.starts, dtype=np.float64).reshape(-1, 2)
        if starts.size == 0:
            raise SpecError(f"{self.name}: needs at least one start point")
        for x, y in starts:
            if not np.isfinite([x, y]).all():
                raise SpecError(f"{self.name}: start ({x}, {y}) is not a finite point")
            if not (x_min <= x <= x_max and y_min <= y <= y_max):
                raise SpecError(
                    f"{self.name}: start ({x:g}, {y:g}) is outside the domain x in [{x_min:g}, {x_max:g}], "
                    f"y in [{y_min:g}, {y_max:g}]; pass domain=((x_min, x_max), (y_min, y_max)) to widen it"
                )
        if self.levels not in ("auto", "log", "linear"):
            raise SpecError(f"{self.name}: levels must be 'auto', 'log' or 'linear', not {self.levels!r}")
        object.__setattr__(self, "starts", tuple(map(tuple, starts.tolist())))
        for field in ("minima", "suggested_starts"):
            points = np.asarray(getattr(self, field), dtype=np.float64).reshape(-1, 2)
            object.__setattr__(self, field, tuple(map(tuple, points.tolist())))
        object.__setattr__(self, "domain", ((float(x_min), float(x_max)), (float(y_min), float(y_max))))

    fixed_steps = False  # a scene's ``steps`` sets how far the optimizers go
    records_gradients = True

    @property
    def own_code(self):
        """``fn`` when it is the user's (not one of viz.surfaces' library): its file joins the cache key."""
        return self.fn if getattr(self.fn, "__module__", LIBRARY) != LIBRARY else None

    def __call__(self, x, y):
        return self.fn(x, y)

    def values(self, x, y):
        """f at NumPy points, as a float64 array."""
        ops = load_keras().ops
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        return np.asarray(ops.convert_to_numpy(self.fn(ops.convert_to_tensor(x), ops.convert_to_tensor(y))),
                          dtype=np.float64)

    def check(self, *, seeds=1, view="2d", boundary=False, features=None, steps=None, hidden=False):
        """Raise :class:`OptionError` for a render option a surface cannot do."""
        if seeds != 1:
            raise OptionError("seeds", seeds, "starts a model from several initializations; a surface's paths "
                                              "start where its scene says (give it several starts instead)")
        if hidden:
            raise OptionError("panels", "contour,curves,hidden", "draws a model's hidden layer; a surface has none")
        if boundary:
            raise OptionError("panels", "contour,curves,boundary", "draws a model's decision boundaries in its data; a surface "
                                                    "has no data")
        if features is not None:
            raise OptionError("features", features, "picks the lesson's boundary-panel axes; this scene's problem "
                                                    "is a surface")

    def check_size(self, scene, tune_lr=None, option=False):
        """Refuse a recording of ``scene`` that would not fit in memory or time, before training:
        its paths' points (with ``tune_lr``, the grid of rates tried at once) past
        :data:`~viz.problems.cost.MEMORY_BUDGET` bytes, or its steps past :data:`TIME_LIMIT`.

        Raises:
            OptionError: for the ``steps`` option (``option``), or
            SpecError: for the scene's own ``steps``; each says how many steps fit.
        """
        steps, paths = scene.last_step, len(scene.paths()) * len(self.starts)
        at_once = paths * (len(GRID) if tune_lr else 1)
        runs = paths * ({None: 1, "tuned": 1, "both": 2}.get(tune_lr, 1) + (len(GRID) if tune_lr else 0))
        memory, seconds = at_once * (steps + 1) * POINT_BYTES, runs * steps * STEP_SECONDS
        if memory <= MEMORY_BUDGET and seconds <= TIME_LIMIT:
            return
        fits = min(int(MEMORY_BUDGET // (at_once * POINT_BYTES)) - 1, int(TIME_LIMIT / (runs * STEP_SECONDS)))
        tried = f" (and {len(GRID)} rates each, to tune them)" if tune_lr else ""
        reason = (f"{paths} path{'s' if paths > 1 else ''}{tried} of {steps:,} steps would hold "
                  f"{memory / 1e9:.3g} GB and train for about {_duration(seconds)}, past what viz allows ({MEMORY_BUDGET / 1e6:g} MB, {_duration(TIME_LIMIT)}): "
                  f"at most {fits:,} steps")
        raise OptionError("steps", steps, reason) if option else SpecError(f"Scene steps={steps}: {reason}")

    def vary(self, setting, values):
        """A surface's paths can compare learning rates; batches and initializers are a model's."""
        if setting != "learning_rate":
            raise SpecError(f"Scene {setting} compares a model's {setting.replace('_', ' ')}s; "
                            f"{self.name} is a surface, which has none")

    def share_plane(self, recordings):
        """Recordings on one surface share its plane already (the surface itself)."""
        return recordings

    def curvature(self, seed=None):
        """f's exact Hessians (:class:`viz.sharpness.SurfaceCurvature`)."""
        return SurfaceCurvature(self)

    def record(self, scene, seed=None, progress=no_progress, seeds=1):
        """Every optimizer from every start: one path each, ``scene.steps`` steps (``seed``
        plays no part: a surface's paths start where the scene says).

        Returns:
            The :class:`Recording`.
        """
        self.check(seeds=seeds)
        names, params, loss, configs, paths = _paths(self, scene, progress)
        return Recording(
            names=tuple(names),
            params=params,
            loss=loss,
            param_names=("x", "y"),
            plane=plane.surface_plane(self, params),
            grads=_gradients(self, params),
            meta={
                "problem": self.name,
                "starts": [list(start) for start in self.starts],
                "steps": scene.steps or DEFAULT_STEPS,
                "learning_rate": scene.learning_rate,
                "optimizers": configs,
                "paths": paths,
                "dtype": "float64",
                "keras": load_keras().__version__,
            },
        )

    def final_losses(self, scene, seed, rates, progress=no_progress):
        """f at the end of every optimizer's paths at each of ``rates``, averaged over the starts.

        Returns:
            [n_opt, n_rates], +inf where a run diverged.
        """
        pairs = {f"{label} @ {rate:g}": optimizers.with_rate(spec, rate)
                 for label, spec in scene.optimizers.items() for rate in rates}
        names, _, loss, _, _ = _paths(self, dataclasses.replace(scene, optimizers=pairs), progress)
        final = np.where(np.isnan(loss[:, -1]), np.inf, loss[:, -1])
        return np.array([final[[name == pair for name in names]].mean() for pair in pairs]).reshape(-1, len(rates))


def _duration(seconds):
    """``"40 s"``, ``"12 min"``, ``"8.3 h"``."""
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.2g} h"


def _compiled_steps(surface, optimizer_list, starts, steps, progress):
    """Run every (optimizer, start) pair for ``steps`` steps, each in its own compiled loop
    (:mod:`viz.problems.compiled`: kept for the next recording in this process unless the
    function is the user's; a path's numbers do not depend on the other paths): float64
    variables, Keras computing the gradients and applying the updates. Returns the points
    after each step, [n_paths, steps, 2]."""
    kept, taken = surface.own_code is None, []
    try:  # (the steppers taken are handed back even if a later one cannot be had)
        for optimizer, start in zip(optimizer_list, starts):
            taken.append(compiled.acquire(surface.fn, optimizer, start, kept))
        chunks = []
        for done in range(0, steps, CHUNK_STEPS):
            count = min(CHUNK_STEPS, steps - done)
            chunks.append(np.stack([stepper.run(count) for _, stepper in taken]))
            progress(done + count, steps)
    finally:
        for key, stepper in taken:
            compiled.release(key, stepper)
    return np.concatenate(chunks, axis=1)


def _paths(surface, scene, progress):
    """Every path of the scene (:meth:`~viz.scene.Scene.paths`) from every start of the surface
    each in its compiled loop: the path labels, the paths [n_paths, steps+1, 2], f along them
    (NaN after a divergence), the configs by label and ``meta["paths"]``."""
    names, optimizer_list, starts, configs, described = [], [], [], {}, []
    for path in scene.paths():
        for start in surface.starts:
            optimizer = scene.optimizer(path)
            configs[path.label] = optimizers.describe(optimizer)
            names.append(path.label)
            optimizer_list.append(optimizer)
            starts.append(start)
            described.append({"label": path.label, "optimizer": path.optimizer, "batch_size": None,
                              "learning_rate": stated_rate(configs[path.label]["config"]["learning_rate"]),
                              "initializer": None})
    after = _compiled_steps(surface, optimizer_list, starts, scene.steps or DEFAULT_STEPS, progress)
    params = np.concatenate([np.array(starts, dtype=np.float64)[:, None], after], axis=1)
    with np.errstate(all="ignore"):
        loss = surface.values(params[..., 0], params[..., 1])
    params, loss = finite_prefix(params, loss)
    compiled.fresh_names()
    return names, params, loss, configs, described


def _gradients(surface, params):
    """The gradient of ``surface`` at every recorded point [n_paths, points, 2], by
    TensorFlow's autodiff in float64, all points at once (surfaces are elementwise)."""
    import tensorflow as tf  # TensorFlow: only when training or evaluating

    points = tf.constant(np.nan_to_num(params.reshape(-1, 2)), tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(points)
        values = surface(points[:, 0], points[:, 1])
    grads = tape.gradient(values, points, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return masked(grads.numpy().reshape(params.shape), params)
