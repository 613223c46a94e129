"""Any Keras model as a problem: viz compiles it with each optimizer and trains it with Keras'
own ``model.fit``; the loss landscape is evaluated for many weight vectors at once. The lesson
(:mod:`viz.problems.logreg`) is a preset of this path with analytic extras."""

import math
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from viz import plane, sweep
from viz.backend import load_keras
from viz.errors import OptionError, SpecError, unknown
from viz.problems.cost import Budgets, forward_cost, full_grid, grid_points, sharpness_seconds
from viz.problems.digits import samples
from viz.problems.built import built_model, check_kept, check_model_options, initialized, model_stride
from viz.problems.base import Problem
from viz.problems.evaluate import decision_regions, hidden_outputs, loss_evaluator, too_many, why_no_hidden, why_no_regions
from viz.problems.fit import finite_prefix, fit_each, fit_rates, no_progress, with_state
from viz.problems.joined import alone, fresh_names, join
from viz.problems.on_plane import plane_loss_evaluator
from viz.recording import Recording
from viz.sharpness import ModelCurvature
from viz.varied import stated_rate

INITIALIZERS = ("zeros", "ones", "uniform", "normal", "glorot_uniform", "glorot_normal", "he_normal",
                "he_uniform", "lecun_normal", "lecun_uniform", "orthogonal", "truncated_normal")  # in messages


@dataclass(frozen=True, eq=False)
class KerasModel(Problem):
    """A Keras model to train with each optimizer; see :func:`keras_model`."""

    build: object
    x: np.ndarray
    y: np.ndarray
    loss: object = "binary_crossentropy"
    metrics: tuple = ("accuracy",)
    batch_size: int = 32
    epochs: int = 5
    validation: tuple | None = None
    shuffle: bool = True
    name: str = "model"
    hidden_layer: int | str = 0
    hidden_rows: tuple | None = None
    budgets: Budgets = Budgets()
    sharpness: bool = True

    fixed_steps = True  # its steps are epochs x batches: a scene's ``steps`` does not apply
    records_gradients = True

    def __post_init__(self):
        if not isinstance(self.build, type) and hasattr(self.build, "trainable_variables"):  # a model, not a maker
            raise SpecError(f"keras_model build must be a function that returns a new model, not a built Model "
                            f"({type(self.build).__name__}): pass the function (build, not build()), so that viz "
                            "builds the model afresh for every optimizer and seed")
        if not callable(self.build):
            raise SpecError(f"keras_model build must be a function returning an uncompiled model, not {self.build!r}")
        for field in ("epochs", "batch_size"):
            value = getattr(self, field)
            if type(value) is not int or value <= 0:
                raise SpecError(f"keras_model {field} must be a positive integer, not {value!r}")
        x, y = np.asarray(self.x), np.asarray(self.y)
        if len(x) == 0 or len(x) != len(y):
            raise SpecError(f"keras_model x and y must have the same, non-zero number of rows, not {len(x)} and {len(y)}")
        for what, values in (("x", x), ("y", y)):
            if not (np.issubdtype(values.dtype, np.number) or values.dtype == bool):
                raise SpecError(f"keras_model {what} must hold numbers, not {values.dtype}")
            if not np.isfinite(values).all():
                bad = int((~np.isfinite(values)).reshape(len(values), -1).any(axis=1).sum())
                raise SpecError(f"keras_model {what} has NaN or infinite values in {bad} of its {len(values)} rows")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        metrics = (self.metrics,) if isinstance(self.metrics, str) else tuple(self.metrics)
        object.__setattr__(self, "metrics", metrics)

    @property
    def own_code(self):
        return self.build

    @property
    def steps_per_epoch(self):
        return math.ceil(len(self.x) / self.batch_size)

    @property
    def total_steps(self):
        return self.steps_per_epoch * self.epochs

    def check(self, *, seeds=1, view="2d", boundary=False, features=None, steps=None, hidden=False):
        """Raise :class:`OptionError` for a render option this model cannot do."""
        check_model_options(view, steps)
        if hidden:
            reason = why_no_hidden(self.first_model(0), self.hidden_layer)
            if reason:
                raise OptionError("panels", "contour,curves,hidden", reason)
        if features is not None:
            raise OptionError("features", features, "picks the lesson's boundary-panel axes; a keras_model's "
                                                    "boundary panel has its two inputs as axes")
        if boundary and not (self.x.ndim == 2 and self.x.shape[1] == 2):
            raise OptionError("panels", "contour,curves,boundary", "draws decision boundaries over two input features; this "
                                                    f"keras_model's inputs have shape {self.x.shape[1:]}")
        reason = why_no_regions(self.first_model(0), self.x, self.y, np.empty((0, 1))) if boundary else ""
        if reason:  # its output and targets (how many recorded steps it keeps: check_panels)
            raise OptionError("panels", "contour,curves,boundary", reason)
        self.grid_points(self.first_model(0))  # the model fits the data and loss, the grid its budgets

    def check_panels(self, scene, extras, seeds=1):
        """Also refuse the panels whose outputs a recording could not keep (:func:`check_kept`)."""
        super().check_panels(scene, extras, seeds)
        check_kept(self, scene, extras, seeds)

    def share_plane(self, recordings):
        """A keras_model's recordings keep their own planes."""
        return recordings

    def curvature(self, seed):
        """The training loss's Hessian by Hessian-vector products (:class:`viz.sharpness.ModelCurvature`),
        its sharpness and lines within their shares of the time budget (``time_budget``)."""
        first = self.first_model(seed)
        cost = forward_cost(first)
        return ModelCurvature(self.landscape(first), loss_evaluator(first, self.x, self.y, self.loss, gradient="hessian"),
                              [tuple(v.shape) for v in first.trainable_variables], self.grid_points(first),
                              slope=self.landscape(first, gradient=True),
                              seconds=self.budgets.seconds("sharpness") if self.sharpness else None,
                              loss_seconds=cost.seconds(len(self.x)),
                              point_seconds=sharpness_seconds(cost, len(self.x), _count(first.trainable_variables)),
                              line_seconds=self.budgets.seconds("lines"))

    def vary(self, setting, values):
        """Refuse batch sizes larger than the data and initializers Keras does not know."""
        if setting == "batch_size" and max(values) > len(self.x):
            raise SpecError(f"Scene batch_size {max(values)} is larger than the {len(self.x)} training rows")
        if setting == "initializer":
            keras = load_keras()
            for value in values:
                if isinstance(value, str):
                    try:
                        keras.initializers.get(value)
                    except ValueError:
                        raise SpecError(unknown("initializer", value, INITIALIZERS)) from None
                elif not isinstance(value, keras.initializers.Initializer):
                    raise SpecError(f"Scene initializer takes Keras initializer names or instances, not {value!r}")

    def for_path(self, path):
        """This problem as ``path`` (a :class:`~viz.scene.ScenePath`) trains: at its batch size,
        its kernels drawn by its initializer."""
        problem = self
        if path.batch_size is not None:
            problem = replace(problem, batch_size=path.batch_size)
        if path.initializer is not None:
            problem = replace(problem, build=initialized(self.build, path.initializer))
        return problem

    def first_model(self, seed):
        """The model built with ``seed``'s initial weights."""
        load_keras().utils.set_random_seed(seed)
        return built_model(self)

    def fit_args(self):
        """``model.compile`` and ``model.fit`` arguments. Full-batch gradient descent without
        shuffling (one batch of all the rows, in order, an epoch) is given to ``model.fit`` as
        that batch repeated, one step an epoch: the same steps, without the new data iterator
        Keras makes for every epoch of arrays (most of the time of a one-step epoch)."""
        compile_args = {"loss": self.loss, "metrics": list(self.metrics)}
        if self.batch_size >= len(self.x) and not self.shuffle and self.validation is None:
            import tensorflow as tf  # the Keras back end: only when training

            floats = [value.astype("float32") if value.dtype == np.float64 else value for value in (self.x, self.y)]
            return compile_args, {"x": tf.data.Dataset.from_tensors(tuple(floats)).repeat(), "steps_per_epoch": 1,
                                  "epochs": self.epochs, "shuffle": False}
        return compile_args, {"x": self.x, "y": self.y, "batch_size": self.batch_size, "epochs": self.epochs,
                              "shuffle": self.shuffle, "validation_data": self.validation}

    def record(self, scene, seed, progress=no_progress, seeds=1):
        """Train once per optimizer with ``model.fit`` from the same initial weights and batch
        order, keeping the flattened weights after every step (every k-th for big models, see
        :meth:`every`); with ``seeds`` > 1, also from the next ``seeds - 1`` seeds' initial
        weights (the main run's batch order) into ``spread``.

        A scene that compares a setting (:attr:`~viz.scene.Scene.varied`) is recorded one
        path at a time, each exactly as its one-path scene, and joined (see :meth:`joined`).

        Returns:
            The :class:`Recording`.
        """
        if scene.varied:
            return self.joined(scene, seed, progress, seeds)
        return self.plain(scene, seed, progress, seeds)

    def plain(self, scene, seed, progress=no_progress, seeds=1, every=None, view=True, reuse=None):
        """:meth:`record` of a scene whose paths differ by optimizer only (``every``: the
        recording interval, else :func:`~viz.problems.cost.stride`'s within the budgets;
        ``view`` False: no plane, and no gradients on it, yet, for :meth:`join` to make one of
        all paths; ``reuse``: :func:`~viz.problems.fit.fit_each`'s compiled models)."""
        fresh_names()  # the weights' and optimizers' names, whatever this process built before
        first = self.first_model(seed)
        size, held = _count(first.trainable_variables), _count(first.non_trainable_weights)
        every = every or model_stride(self, first, self.total_steps, len(scene.optimizers) * seeds)
        landscape = self.landscape(first)
        configs, points, history = fit_each(scene, seed, self.build, first.get_weights(), self.total_steps,
                                            lambda done, total: progress(done, total * seeds), *self.fit_args(), every,
                                            reuse)
        points, along = self.measured(points, landscape)
        params = points[..., :size]
        spread = {}
        if seeds > 1:
            main = self.total_steps * len(scene.optimizers)
            others = sweep.spread(self.other_paths, scene, seed, list(range(seed + 1, seed + seeds)), every,
                                  lambda done, total: progress(main + done, main * seeds))  # through the executor
            every_seed, measures = self.measured(np.concatenate([points[:, None], others], axis=1), landscape)
            spread = {"seeds": np.arange(seed, seed + seeds), "params": every_seed[..., :size], **measures}
        shown = self.state_view(first, points, along["loss"], spread, landscape) if view else None
        fields = dict(
            names=tuple(scene.optimizers), params=params, **along, param_names=self.param_names(first),
            plane=shown, steps_per_epoch=self.steps_per_epoch, every=every, last_step=self.total_steps,
            history=history, spread=spread, state=points[..., size:] if held else None,
            **(self.gradients(first, points, shown) if view else {}),
            meta={"problem": self.name, "epochs": self.epochs, "batch_size": self.batch_size, "train_rows": len(self.x),
                  "learning_rate": scene.learning_rate, "seed": seed, "optimizers": configs,
                  "paths": [{"label": label, "optimizer": label, "batch_size": self.batch_size, "initializer": None,
                             "learning_rate": stated_rate(config["config"]["learning_rate"])}
                            for label, config in configs.items()],
                  "keras": load_keras().__version__, **self.reductions(first, every),
                  **({"plane_state": "BatchNormalization statistics of the best end point"} if held else {})})
        return Recording(**self.extras(first, fields))

    def state_view(self, first, points, loss, spread, landscape):
        """:meth:`seeds_view` of the weights of ``points`` (weights, then non-trainable state),
        the grid evaluated with the state of the point the plane is centred on (the best end)."""
        size = _count(first.trainable_variables)
        held = points.shape[-1] - size
        on_grid = landscape
        state = plane.best_end(points, loss)[size:] if held else None
        if held:
            on_grid = lambda weights: landscape(np.concatenate([weights, np.broadcast_to(state, (len(weights), held))],  # noqa: E731
                                                               axis=1))
        return self.seeds_view(first, points[..., :size], loss, spread, on_grid, self.on_plane(first, state))

    def gradients(self, first, points, view):
        """The loss's gradient at the recorded ``points`` for the arrows, projected on the plane
        of ``view`` (a full gradient per point would grow with the model)."""
        return {"grads_on_plane": plane.projected_gradients(self.landscape(first, gradient=True), points, view.basis)}

    def reductions(self, first, every):
        """What the budgets reduced, for the manifest and the frame: the grid's points per axis
        and the recording stride, each with the budget that set it."""
        grid, full = self.grid_points(first), full_grid(len(self.x), _count(first.trainable_variables))
        return {"grid": grid, "time_budget": self.budgets.time, "memory_budget": self.budgets.memory,
                "reduced": [what for what, cut in (("grid", grid < full), ("stride", every > 1)) if cut]}

    def grid_points(self, first):
        """Points along each axis of the plane's grid, from the model's cost and the time budget."""
        return grid_points(forward_cost(first), len(self.x), _count(first.trainable_variables), self.budgets)

    def joined(self, scene, seed, progress=no_progress, seeds=1):
        """A scene comparing a setting: each path recorded as its one-path scene on
        :meth:`for_path`'s problem, then joined on one plane. Paths of different lengths
        (batch sizes) are NaN-padded after their ends, with ``epoch`` saying where each point
        lies in epochs.

        Returns:
            The :class:`Recording`.
        """
        paths = scene.paths()
        problems = [self.for_path(path) for path in paths]
        fresh_names()  # the weights' names, whatever this process built before
        first = self.first_model(seed)
        every = model_stride(self, first, max(problem.total_steps for problem in problems), len(paths) * seeds)
        parts = sweep.spread_paths(partial(alone, self), scene, seed, paths, seeds, every, progress)  # the executor's
        fresh_names()  # what is built next is named alike, whether the paths were trained here or not
        return join(self, scene, paths, parts, first)

    def final_losses(self, scene, seed, rates, progress=no_progress):
        """The training loss of every optimizer at each of ``rates`` after the scene's epochs,
        trained as :meth:`record` trains them, keeping only the ends.

        Returns:
            [n_opt, n_rates], +inf where a run diverged.
        """
        first = self.first_model(seed)
        return self.ended(first, fit_rates(scene, seed, self.build, first.get_weights(), rates, progress,
                                           *self.fit_args()))

    def ended(self, first, ends):
        """The training loss at the final weights ``ends`` [n_opt, n_rates, d (+ state)] of a
        search, +inf where a run diverged."""
        with np.errstate(all="ignore"):
            loss = self.landscape(first)(np.nan_to_num(ends).reshape(-1, ends.shape[-1])).reshape(ends.shape[:2])
        return np.where(np.isfinite(ends).all(axis=-1) & np.isfinite(loss), loss, np.inf)

    def measured(self, params, landscape):
        """Paths [..., points, d (+ state)] made NaN from a divergence on, and :meth:`along` them."""
        with np.errstate(all="ignore"):
            along = self.along(np.nan_to_num(params), landscape)
        loss = np.where(np.isfinite(params).all(axis=-1), along["loss"], np.nan)
        params, loss = finite_prefix(params, loss)
        return params, {key: loss if key == "loss" else np.where(np.isnan(loss), np.nan, value)
                        for key, value in along.items()}

    # What the lesson replaces with its analytic versions (viz.problems.logreg.Lesson):

    def landscape(self, first, gradient=False):
        """Flat weight vectors [m, d] -> the training loss [m] (``gradient``: its gradient [m, d])."""
        return loss_evaluator(first, self.x, self.y, self.loss, gradient=gradient)

    def along(self, weights, landscape):
        """What a recording keeps at every point of the paths ``weights`` [..., d]: the loss."""
        return {"loss": landscape(weights.reshape(-1, weights.shape[-1])).reshape(weights.shape[:-1])}

    def param_names(self, first):
        return tuple(f"{v.path}[{i}]" for v in first.trainable_variables for i in range(int(np.prod(v.shape))))

    def on_plane(self, first, state=None):
        """The loss at points of a plane, the first layer in three passes, or None
        (:func:`~viz.problems.on_plane.plane_loss_evaluator`)."""
        return plane_loss_evaluator(first, self.x, self.y, self.loss, state)

    def view(self, first, params, loss, landscape, shown=None, on_plane=None):
        """The 2D view: the principal plane of the paths, as fine a grid as the model affords
        (``shown``: the paths drawn on it, if not ``params``; ``on_plane``: :meth:`on_plane`)."""
        return plane.plane(params, loss, landscape, self.param_names(first), resolution=self.grid_points(first),
                           shown=shown, on_plane=on_plane)

    def seeds_view(self, first, params, loss, spread, landscape, on_plane=None):
        """:meth:`view` of the paths, or with several initializations one plane of every
        seed's paths (so each can be drawn on it), ``xy`` the main run's."""
        if not spread:
            return self.view(first, params, loss, landscape, on_plane=on_plane)
        every = spread["params"]
        return self.view(first, every.reshape(-1, *every.shape[2:]), spread["loss"].reshape(-1, every.shape[2]),
                         landscape, shown=params, on_plane=on_plane)

    def other_paths(self, scene, seed, others, every, progress):
        """The paths from each of ``others`` seeds' initial weights with ``seed``'s batch order,
        one fit per seed and optimizer: [n_opt, len(others), points, d + state] (not yet NaN-cut)."""
        runs = []
        for index, other in enumerate(others):
            _, params, _ = fit_each(scene, seed, self.build, self.first_model(other).get_weights(), self.total_steps,
                                    lambda done, total, i=index: progress(i * total + done, total * len(others)),
                                    *self.fit_args(), every)
            runs.append(params)
        return np.stack(runs, axis=1)

    def extras(self, first, fields):
        """The Recording's fields with what only this problem adds: decision regions, the
        hidden layer's outputs."""
        params = fields["params"]
        no_regions = why_no_regions(first, self.x, self.y, params)
        fields["regions"] = {} if no_regions else decision_regions(first, self.x, self.y, params, self.loss)
        x, y = self.hidden_rows or self.validation or (self.x, self.y)
        no_hidden = why_no_hidden(first, self.hidden_layer) or too_many("hidden", params[..., 0].size, len(x))
        if not no_hidden:
            fields["hidden"] = {**hidden_outputs(first, self.hidden_layer, np.asarray(x), params),
                                "y": np.asarray(y, dtype=np.float64).reshape(len(x), -1)[:, 0]}
        points = with_state(params, fields["state"])
        fields["samples"] = samples(first, *(self.validation or (self.x, self.y)), points)
        fields["meta"].update(weights=params.shape[-1], every=fields["every"], no_regions=no_regions,
                              no_hidden=no_hidden)
        return fields


def _count(variables):
    return sum(int(np.prod(v.shape)) for v in variables)


def keras_model(build, x, y, loss="binary_crossentropy", metrics=("accuracy",), batch_size=32, epochs=5,
                validation=None, shuffle=True, name="model", hidden_layer=0, hidden_rows=None, sharpness=True):
    """A problem made of your own Keras model.

    Args:
        build: a function returning a new, uncompiled ``keras.Model`` (called once per
            optimizer; every optimizer starts from the same weights).
        x: the training inputs (a NumPy array).
        y: the training targets (a NumPy array).
        loss: as for ``model.compile``.
        metrics: as for ``model.compile``.
        batch_size: as for ``model.fit``; one step is one batch.
        epochs: as for ``model.fit``.
        shuffle: as for ``model.fit``.
        validation: ``(x_val, y_val)``, passed to ``model.fit`` as ``validation_data``.
        name: what the model is, for the manifest.
        hidden_layer: the layer (index into ``model.layers``, or name) whose two units'
            outputs the hidden-layer panel (``panels="contour,curves,hidden"``) draws.
            Defaults to the first.
        hidden_rows: ``(x, y)``, the rows that panel shows. Defaults to the validation rows,
            else the training rows.
        sharpness: ``False`` records no sharpness (the largest Hessian eigenvalue at the
            recorded points, within its share of the time budget): a quicker recording, no
            sharpness panel. Defaults to ``True``.

    Returns:
        A :class:`KerasModel`.
    """
    return KerasModel(build, x, y, loss, metrics, batch_size, epochs, validation, shuffle, name, hidden_layer,
                      hidden_rows, sharpness=sharpness)
