"""Run a scene's optimizers and record every step. Never draws (no matplotlib here)."""

import dataclasses

import numpy as np

from viz import optimizers, plane
from viz.backend import load_keras
from viz.errors import SpecError
from viz.problems.model import (KerasModel, built_model, decision_regions, grid_resolution, loss_evaluator,
                                why_no_regions)
from viz.problems.logreg import (FEATURES, PARAM_NAMES, LogReg, lesson_data, loss_and_accuracy,
                                 loss_gradient)
from viz.recording import Recording
from viz.surfaces import Surface

DEFAULT_SURFACE_STEPS = 300
CHUNK_STEPS = 100  # compiled steps per call: progress is reported (and Ctrl-C heard) between calls


def _finite_prefix(params, loss):
    """NaN from the first non-finite step on, so a diverged path ends where it diverged."""
    bad = ~(np.isfinite(loss) & np.isfinite(params).all(axis=-1))
    after = np.cumsum(bad, axis=-1) > 0
    return np.where(after[..., None], np.nan, params), np.where(after, np.nan, loss)


def _masked(values, params):
    """``values`` [n_paths, points, ...] with NaN wherever the path is NaN (diverged)."""
    finite = np.isfinite(params).all(axis=-1).reshape(*params.shape[:2], *[1] * (values.ndim - 2))
    return np.where(finite, values, np.nan)


def _surface_gradients(surface, params):
    """The gradient of ``surface`` at every recorded point [n_paths, points, 2], by
    TensorFlow's autodiff in float64, all points at once (surfaces are elementwise)."""
    import tensorflow as tf

    points = tf.constant(np.nan_to_num(params.reshape(-1, 2)), tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(points)
        values = surface(points[:, 0], points[:, 1])
    grads = tape.gradient(values, points, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return _masked(grads.numpy().reshape(params.shape), params)


def _model_gradients(model, problem, params):
    """The gradient of the training loss (on all of ``problem.x``) at every recorded weight
    vector [n_paths, points, d]: TensorFlow's autodiff through the model, float32 like training."""
    flat = np.nan_to_num(params.reshape(-1, params.shape[-1]))
    grads = loss_evaluator(model, problem.x, problem.y, problem.loss, gradient=True)(flat)
    return _masked(grads.reshape(params.shape), params)


def _no_progress(done, total):
    pass


def _weight_recorder(report, every=1):
    keras = load_keras()

    class WeightRecorder(keras.callbacks.Callback):
        """Keeps the flattened trainable weights at the start and after every ``every``-th
        batch, and reports each batch to ``report(batches_done)``."""

        def flat_weights(self):
            return np.concatenate([np.ravel(v.numpy()) for v in self.model.trainable_variables])

        def on_train_begin(self, logs=None):
            self.points, self.batches = [self.flat_weights()], 0

        def on_train_batch_end(self, batch, logs=None):
            self.batches += 1
            if self.batches % every == 0:
                self.points.append(self.flat_weights())
            report(self.batches)

    return WeightRecorder()


def _fit_each(scene, seed, build, initial, steps, progress, compile_args, fit_args, every=1):
    """``model.fit`` once per optimizer of ``scene`` on a fresh ``build()`` set to the
    ``initial`` weights, with the same seed (so the same batch order) for each. Returns the
    optimizers' full configs, the recorded paths [n_opt, points, d] and the Histories."""
    keras = load_keras()

    configs, paths, histories = {}, [], []
    total = steps * len(scene.optimizers)
    for index, (label, spec) in enumerate(scene.optimizers.items()):
        optimizer = optimizers.resolve(spec, scene.learning_rate)
        configs[label] = optimizers.describe(optimizer)
        keras.utils.set_random_seed(seed)  # the same batch order for every optimizer
        model = build()
        model.set_weights(initial)
        model.compile(optimizer=optimizer, **compile_args)
        recorder = _weight_recorder(lambda batches, before=index * steps: progress(before + batches, total), every)
        history = model.fit(verbose=0, callbacks=[recorder], **fit_args)
        paths.append(np.array(recorder.points, dtype=np.float64))
        histories.append(history.history)
        keras.backend.clear_session()
    history = {key: np.array([h[key] for h in histories], dtype=np.float64) for key in histories[0]}
    return configs, np.stack(paths), history


# Optimizers that update each weight from its own gradient and state alone (no norms across
# weights): models side by side as the columns of one wide layer then train as separate models.
PER_WEIGHT = {"SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "Adamax", "Nadam", "Ftrl", "Lion"}


def _per_weight(config):
    settings = config["config"]
    return config["class_name"] in PER_WEIGHT and not settings.get("clipnorm") and not settings.get("global_clipnorm")


def _initial_weights(problem, seed):
    """The lesson model's initial weights for ``seed``: [kernel [4, 1], bias [1]]."""
    load_keras().utils.set_random_seed(seed)
    return problem.build_model().get_weights()


def _other_seeds(scene, seed, seeds, progress):
    """The lesson trained from the initial weights of each of ``seeds``, with the batch order of
    ``seed`` (so only the initialization differs from the main run): the seeds' models side by
    side as the columns of one ``Dense(len(seeds), sigmoid)`` trained with the sum of their
    losses, one ``model.fit`` per optimizer; one fit per seed for an optimizer that couples
    weights (e.g. clipnorm). Returns the paths [n_opt, len(seeds), steps+1, 5]."""
    keras = load_keras()

    problem = scene.problem
    x_train, y_train, _, _ = lesson_data()
    steps = problem.steps_per_epoch * problem.epochs
    initials = [_initial_weights(problem, other) for other in seeds]
    paths = np.empty((len(scene.optimizers), len(seeds), steps + 1, 5))
    done, total = 0, steps * len(scene.optimizers) * len(seeds)
    for index, (label, spec) in enumerate(scene.optimizers.items()):
        one = dataclasses.replace(scene, optimizers={label: spec})
        together = _per_weight(optimizers.describe(optimizers.resolve(spec, scene.learning_rate)))
        for group in [list(range(len(seeds)))] if together else [[column] for column in range(len(seeds))]:
            width = len(group)

            def build(width=width):
                return keras.Sequential([keras.Input((len(PARAM_NAMES) - 1,)),
                                         keras.layers.Dense(width, activation="sigmoid")])

            def summed_loss(y_true, y_pred, width=width):  # the mean over columns, times their number
                return width * keras.losses.binary_crossentropy(y_true, y_pred)

            initial = [np.concatenate([initials[c][0] for c in group], axis=1),
                       np.concatenate([initials[c][1] for c in group])]
            _, flat, _ = _fit_each(
                one, seed, build, initial, steps,
                lambda batches, _total, before=done: progress(before + batches * width, total),
                {"loss": summed_loss},
                {"x": x_train.astype("float32"), "y": np.repeat(y_train[:, None], width, axis=1).astype("float32"),
                 "batch_size": problem.batch_size, "epochs": problem.epochs, "shuffle": True},
            )
            kernel = flat[0, :, : 4 * width].reshape(-1, 4, width)  # Keras' kernel is [inputs, units]
            bias = flat[0, :, 4 * width:]
            paths[index, group] = np.concatenate([kernel, bias[:, None, :]], axis=1).transpose(2, 0, 1)
            done += steps * width
    return paths


def _spread(scene, seed, seeds, main_params, progress):
    """Every optimizer from ``seeds`` initializations: the main run (``seed``) and ``seeds - 1``
    more (seed + 1, ...). Returns the recording's ``spread``: seeds, params [n_opt, n_seeds,
    steps+1, 5], loss and accuracy [n_opt, n_seeds, steps+1] on all training rows."""
    others = list(range(seed + 1, seed + seeds))
    params = np.concatenate([main_params[:, None], _other_seeds(scene, seed, others, progress)], axis=1)
    x_train, y_train, _, _ = lesson_data()
    loss, accuracy = loss_and_accuracy(params, x_train, y_train)
    params, loss = _finite_prefix(params, loss)
    return {"seeds": np.array([seed, *others]), "params": params, "loss": loss,
            "accuracy": np.where(np.isnan(loss), np.nan, accuracy)}


def _lesson_args(problem):
    """``model.compile`` and ``model.fit`` arguments of the lesson, as the course ran it."""
    x_train, y_train, _, _ = lesson_data()
    return ({"loss": "binary_crossentropy", "metrics": ["accuracy"]},
            {"x": x_train.astype("float32"), "y": y_train.astype("float32"), "batch_size": problem.batch_size,
             "epochs": problem.epochs, "shuffle": True})


def _lesson_fit(scene, seed, progress):
    """``model.fit`` of the lesson once per optimizer from ``seed``'s initial weights: the
    optimizers' configs, the paths [n_opt, steps+1, 5] and the Histories."""
    problem = scene.problem
    return _fit_each(scene, seed, problem.build_model, _initial_weights(problem, seed),
                     problem.steps_per_epoch * problem.epochs, progress,
                     *_lesson_args(problem))


def record_logreg(scene, seed, progress=_no_progress, seeds=1):
    """Train one model per optimizer with ``model.fit``, from the same initial weights; with
    ``seeds`` > 1, also from ``seeds - 1`` other initializations (see :func:`_spread`)."""
    keras = load_keras()

    problem = scene.problem
    x_train, y_train, x_test, y_test = lesson_data()
    steps_per_epoch = problem.steps_per_epoch
    main_progress = progress if seeds == 1 else (lambda done, total: progress(done, total * seeds))
    configs, params, history = _lesson_fit(scene, seed, main_progress)
    loss, accuracy = loss_and_accuracy(params, x_train, y_train)
    params, loss = _finite_prefix(params, loss)
    accuracy = np.where(np.isnan(loss), np.nan, accuracy)
    # What fit's validation_data would add, without its per-epoch evaluate() calls (~40% of
    # the training time): the epoch-end weights on the test rows.
    epoch_ends = params[:, steps_per_epoch::steps_per_epoch]
    history["val_loss"], history["val_accuracy"] = loss_and_accuracy(epoch_ends, x_test, y_test)

    def loss_fn(weights):
        return loss_and_accuracy(weights, x_train, y_train)[0]

    view = plane.plane(params, loss, loss_fn, PARAM_NAMES, axes=problem.axes)
    done = steps_per_epoch * problem.epochs * len(scene.optimizers)
    spread = {} if seeds == 1 else _spread(
        scene, seed, seeds, params, lambda more, total: progress(done + more, done * seeds))
    return Recording(
        names=tuple(scene.optimizers),
        params=params,
        loss=loss,
        param_names=PARAM_NAMES,
        plane=view,
        accuracy=accuracy,
        steps_per_epoch=steps_per_epoch,
        grads=loss_gradient(params, x_train, y_train),
        history=history,
        data={"x": x_train, "y": y_train, "feature_names": np.array(FEATURES)},
        spread=spread,
        meta={
            "problem": "logreg",
            "epochs": problem.epochs,
            "batch_size": problem.batch_size,
            "train_rows": len(x_train),
            "test_rows": len(x_test),
            "learning_rate": scene.learning_rate,
            "seed": seed,
            "optimizers": configs,
            "keras": keras.__version__,
        },
    )


def _first_model(problem, seed):
    """The problem's model built with ``seed``'s initial weights."""
    load_keras().utils.set_random_seed(seed)
    return built_model(problem)


def _model_args(problem):
    """``model.compile`` and ``model.fit`` arguments of a keras_model."""
    return ({"loss": problem.loss, "metrics": list(problem.metrics)},
            {"x": problem.x, "y": problem.y, "batch_size": problem.batch_size, "epochs": problem.epochs,
             "shuffle": problem.shuffle, "validation_data": problem.validation})


def _model_paths(scene, seed, initial, every, evaluate, progress):
    """``model.fit`` of a keras_model once per optimizer from the ``initial`` weights with
    ``seed``'s batch order: configs, paths [n_opt, points, d] (NaN from a divergence on), the
    loss on all rows along them, and the Histories."""
    problem = scene.problem
    configs, params, history = _fit_each(scene, seed, problem.build, initial, problem.steps_per_epoch * problem.epochs,
                                         progress, *_model_args(problem), every)
    with np.errstate(all="ignore"):
        loss = np.where(np.isfinite(params).all(axis=-1), evaluate(np.nan_to_num(params)).reshape(params.shape[:2]),
                        np.nan)
    return (configs, *_finite_prefix(params, loss), history)


def record_model(scene, seed, progress=_no_progress, seeds=1):
    """Train ``scene.problem`` (a :class:`KerasModel`) once per optimizer with ``model.fit``,
    from the same initial weights and batch order, keeping the flattened weights after every
    step (every k-th for big models, see ``KerasModel.every``); with ``seeds`` > 1, also
    from the initial weights of the next ``seeds - 1`` seeds (one fit per seed and optimizer,
    the main run's batch order) into ``spread``."""
    keras = load_keras()

    problem = scene.problem
    first = _first_model(problem, seed)
    weights = sum(int(np.prod(v.shape)) for v in first.trainable_variables)
    every = problem.every(weights, len(scene.optimizers) * seeds)
    evaluate = loss_evaluator(first, problem.x, problem.y, problem.loss)
    runs = [_model_paths(scene, seed, first.get_weights(), every, evaluate,
                         lambda done, total: progress(done, total * seeds))]
    for index, other in enumerate(range(seed + 1, seed + seeds), start=1):
        runs.append(_model_paths(scene, seed, _first_model(problem, other).get_weights(), every, evaluate,
                                 lambda done, total, index=index: progress(index * total + done, total * seeds)))
    configs, params, loss, history = runs[0]
    spread = {} if seeds == 1 else {"seeds": np.arange(seed, seed + seeds),
                                    "params": np.stack([run[1] for run in runs], axis=1),
                                    "loss": np.stack([run[2] for run in runs], axis=1)}
    names = [f"{v.path}[{i}]" for v in first.trainable_variables for i in range(int(np.prod(v.shape)))]
    view = plane.plane(params, loss, evaluate, names, resolution=grid_resolution(weights, len(problem.x)))
    no_regions = why_no_regions(first, problem.x, problem.y, params)
    regions = {} if no_regions else decision_regions(first, problem.x, problem.y, params, problem.loss)
    return Recording(
        names=tuple(scene.optimizers),
        params=params,
        loss=loss,
        param_names=tuple(names),
        plane=view,
        steps_per_epoch=problem.steps_per_epoch,
        every=every,
        history=history,
        regions=regions,
        spread=spread,
        grads=_model_gradients(first, problem, params),
        meta={
            "problem": problem.name,
            "epochs": problem.epochs,
            "batch_size": problem.batch_size,
            "train_rows": len(problem.x),
            "weights": weights,
            "every": every,
            "no_regions": no_regions,
            "learning_rate": scene.learning_rate,
            "seed": seed,
            "optimizers": configs,
            "keras": keras.__version__,
        },
    )


def _compiled_steps(surface, optimizer_list, starts, steps, progress):
    """Run every (optimizer, start) pair for ``steps`` steps inside one ``tf.function``:
    float64 variables, Keras computing the gradients and applying the updates. Returns the
    points after each step, [n_paths, steps, 2]."""
    keras = load_keras()
    import tensorflow as tf  # the compiled loop is a tf.function: Keras runs on TensorFlow here

    variables = [keras.Variable(start, dtype="float64") for start in starts]
    for optimizer, variable in zip(optimizer_list, variables):
        optimizer.build([variable])

    @tf.function
    def run(count):
        points = tf.TensorArray(tf.float64, size=count)
        for step in tf.range(count):
            for optimizer, variable in zip(optimizer_list, variables):
                with tf.GradientTape() as tape:
                    value = surface(variable[0], variable[1])
                optimizer.apply([tape.gradient(value, variable.value)], [variable])
            points = points.write(step, tf.stack([variable.value for variable in variables]))
        return points.stack()

    chunks = []
    for done in range(0, steps, CHUNK_STEPS):
        count = min(CHUNK_STEPS, steps - done)
        chunks.append(run(tf.constant(count)).numpy())  # a tensor argument: traced once
        progress(done + count, steps)
    return np.transpose(np.concatenate(chunks), (1, 0, 2))


def _surface_paths(scene, progress):
    """Every optimizer from every start of the surface in one compiled loop: the path labels,
    the paths [n_paths, steps+1, 2], f along them (NaN after a divergence) and the configs."""
    keras = load_keras()

    surface = scene.problem
    names, optimizer_list, starts, configs = [], [], [], {}
    for label, spec in scene.optimizers.items():
        for start in surface.starts:
            optimizer = optimizers.resolve(spec, scene.learning_rate)
            configs[label] = optimizers.describe(optimizer)
            names.append(label)
            optimizer_list.append(optimizer)
            starts.append(start)
    after = _compiled_steps(surface, optimizer_list, starts, scene.steps or DEFAULT_SURFACE_STEPS, progress)
    params = np.concatenate([np.array(starts, dtype=np.float64)[:, None], after], axis=1)
    with np.errstate(all="ignore"):
        loss = surface.values(params[..., 0], params[..., 1])
    params, loss = _finite_prefix(params, loss)
    keras.backend.clear_session()
    return names, params, loss, configs


def _fit_rates(scene, seed, build, initial, rates, progress, compile_args, fit_args):
    """``model.fit`` for every optimizer of ``scene`` at each of ``rates``, each run exactly as
    :func:`_fit_each` would do it (``initial`` weights, ``seed``'s batch order), keeping only
    the end: one model and one compiled training step per optimizer, its weights, optimizer
    state and rate reset between runs. Returns the final weights [n_opt, n_rates, d]."""
    keras = load_keras()

    ends = np.empty((len(scene.optimizers), len(rates), sum(np.size(w) for w in initial)))
    for index, spec in enumerate(scene.optimizers.values()):
        model = build()
        optimizer = keras.optimizers.deserialize(optimizers.with_rate(spec, rates[0]))
        # 32 batches per compiled call: the callback-free runs need no step in between
        model.compile(optimizer=optimizer, **{**compile_args, "metrics": [], "steps_per_execution": 32})
        optimizer.build(model.trainable_variables)
        fresh = [variable.numpy() for variable in optimizer.variables]
        for column, rate in enumerate(rates):
            model.set_weights(initial)
            for variable, value in zip(optimizer.variables, fresh):
                variable.assign(value)
            optimizer.learning_rate = rate
            keras.utils.set_random_seed(seed)
            model.fit(verbose=0, **fit_args)
            ends[index, column] = np.concatenate([np.ravel(v.numpy()) for v in model.trainable_variables])
            progress(index * len(rates) + column + 1, ends.shape[0] * len(rates))
        keras.backend.clear_session()
    return ends


def final_losses(scene, seed, rates, progress=_no_progress):
    """The training loss of every optimizer at each of ``rates`` after the scene's steps or
    epochs (a surface: f at the end, averaged over its starts), +inf where it diverged:
    [n_opt, n_rates]. Trained as :func:`record` would train them, keeping only the ends."""
    problem = scene.problem
    if isinstance(problem, Surface):
        pairs = {f"{label} @ {rate:g}": optimizers.with_rate(spec, rate)
                 for label, spec in scene.optimizers.items() for rate in rates}
        names, _, loss, _ = _surface_paths(dataclasses.replace(scene, optimizers=pairs), progress)
        final = np.where(np.isnan(loss[:, -1]), np.inf, loss[:, -1])
        return np.array([final[[name == pair for name in names]].mean() for pair in pairs]).reshape(-1, len(rates))
    if isinstance(problem, LogReg):
        ends = _fit_rates(scene, seed, problem.build_model, _initial_weights(problem, seed), rates, progress,
                          *_lesson_args(problem))
        x_train, y_train, _, _ = lesson_data()
        loss = loss_and_accuracy(np.nan_to_num(ends), x_train, y_train)[0]
    else:
        first = _first_model(problem, seed)
        ends = _fit_rates(scene, seed, problem.build, first.get_weights(), rates, progress, *_model_args(problem))
        loss = loss_evaluator(first, problem.x, problem.y, problem.loss)(np.nan_to_num(ends).reshape(-1, ends.shape[-1]))
        loss = loss.reshape(ends.shape[:2])
    return np.where(np.isfinite(ends).all(axis=-1) & np.isfinite(loss), loss, np.inf)


def record_surface(scene, progress=_no_progress):
    """Every optimizer from every start of the surface: one path each, ``scene.steps`` steps."""
    surface = scene.problem
    steps = scene.steps or DEFAULT_SURFACE_STEPS
    names, params, loss, configs = _surface_paths(scene, progress)
    return Recording(
        names=tuple(names),
        params=params,
        loss=loss,
        param_names=("x", "y"),
        plane=plane.surface_plane(surface, params),
        grads=_surface_gradients(surface, params),
        meta={
            "problem": surface.name,
            "starts": [list(start) for start in surface.starts],
            "steps": steps,
            "learning_rate": scene.learning_rate,
            "optimizers": configs,
            "dtype": "float64",
            "keras": load_keras().__version__,
        },
    )


def on_one_plane(scene, recordings):
    """Recordings of one lesson scene (e.g. at the same rate and at tuned rates) on one plane:
    the principal plane of all their paths together, so that the parts of one animation share
    their axes. Surfaces share theirs already (the surface itself); a keras_model's recordings
    keep their own planes."""
    if not isinstance(scene.problem, LogReg) or len(recordings) < 2:
        return recordings
    x_train, y_train, _, _ = lesson_data()
    view = plane.plane(np.concatenate([r.params for r in recordings]), np.concatenate([r.loss for r in recordings]),
                       lambda weights: loss_and_accuracy(weights, x_train, y_train)[0], PARAM_NAMES,
                       axes=scene.problem.axes)
    ends = np.cumsum([0] + [len(r.names) for r in recordings])
    return [dataclasses.replace(r, plane=dataclasses.replace(view, xy=view.xy[a:b]))
            for r, a, b in zip(recordings, ends[:-1], ends[1:])]


def record(scene, seed=None, progress=_no_progress, seeds=1):
    """Run every optimizer of ``scene`` and return the :class:`Recording`.

    ``seed`` overrides ``scene.seed``; the same seed gives the same recording.
    ``progress(done, total)`` is called as training steps complete. ``seeds`` > 1 (models
    only) also trains from the next ``seeds - 1`` seeds' initial weights, with the main run's
    batch order, into ``Recording.spread``.
    """
    seed = scene.seed if seed is None else seed
    if seeds != 1 and isinstance(scene.problem, Surface):
        raise SpecError("several initializations (seeds) are for models; a surface starts where its scene says")
    if isinstance(scene.problem, LogReg):
        return record_logreg(scene, seed, progress, seeds)
    if isinstance(scene.problem, KerasModel):
        return record_model(scene, seed, progress, seeds)
    return record_surface(scene, progress)  # Scene accepts only these two kinds of problem
