"""Run a scene's optimizers and record every step. Never draws (no matplotlib here)."""

import numpy as np

from viz import optimizers, plane
from viz.backend import load_keras
from viz.problems.model import (KerasModel, built_model, decision_regions, grid_resolution, loss_evaluator,
                                why_no_regions)
from viz.problems.logreg import PARAM_NAMES, LogReg, lesson_data, loss_and_accuracy, loss_gradient
from viz.recording import Recording

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


def record_logreg(scene, seed, progress=_no_progress):
    """Train one model per optimizer with ``model.fit``, from the same initial weights."""
    keras = load_keras()

    problem = scene.problem
    x_train, y_train, x_test, y_test = lesson_data()
    steps_per_epoch = -(-len(x_train) // problem.batch_size)
    keras.utils.set_random_seed(seed)
    initial = problem.build_model().get_weights()
    configs, params, history = _fit_each(
        scene, seed, problem.build_model, initial, steps_per_epoch * problem.epochs, progress,
        {"loss": "binary_crossentropy", "metrics": ["accuracy"]},
        {"x": x_train.astype("float32"), "y": y_train.astype("float32"), "batch_size": problem.batch_size,
         "epochs": problem.epochs, "shuffle": True},
    )
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


def record_model(scene, seed, progress=_no_progress):
    """Train ``scene.problem`` (a :class:`KerasModel`) once per optimizer with ``model.fit``,
    from the same initial weights and batch order, keeping the flattened weights after every
    step (every k-th for big models, see ``KerasModel.every``)."""
    keras = load_keras()

    problem = scene.problem
    keras.utils.set_random_seed(seed)
    first = built_model(problem)
    initial = first.get_weights()
    weights = sum(int(np.prod(v.shape)) for v in first.trainable_variables)
    every = problem.every(weights, len(scene.optimizers))
    configs, params, history = _fit_each(
        scene, seed, problem.build, initial, problem.steps_per_epoch * problem.epochs, progress,
        {"loss": problem.loss, "metrics": list(problem.metrics)},
        {"x": problem.x, "y": problem.y, "batch_size": problem.batch_size, "epochs": problem.epochs,
         "shuffle": problem.shuffle, "validation_data": problem.validation},
        every,
    )

    evaluate = loss_evaluator(first, problem.x, problem.y, problem.loss)
    with np.errstate(all="ignore"):
        loss = np.where(np.isfinite(params).all(axis=-1), evaluate(np.nan_to_num(params)).reshape(params.shape[:2]),
                        np.nan)
    params, loss = _finite_prefix(params, loss)
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


def record_surface(scene, progress=_no_progress):
    """Every optimizer from every start of the surface: one path each, ``scene.steps`` steps."""
    keras = load_keras()

    surface = scene.problem
    steps = scene.steps or DEFAULT_SURFACE_STEPS
    names, optimizer_list, starts, configs = [], [], [], {}
    for label, spec in scene.optimizers.items():
        for start in surface.starts:
            optimizer = optimizers.resolve(spec, scene.learning_rate)
            configs[label] = optimizers.describe(optimizer)
            names.append(label)
            optimizer_list.append(optimizer)
            starts.append(start)
    after = _compiled_steps(surface, optimizer_list, starts, steps, progress)
    params = np.concatenate([np.array(starts, dtype=np.float64)[:, None], after], axis=1)
    with np.errstate(all="ignore"):
        loss = surface.values(params[..., 0], params[..., 1])
    params, loss = _finite_prefix(params, loss)
    keras.backend.clear_session()
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
            "keras": keras.__version__,
        },
    )


def record(scene, seed=None, progress=_no_progress):
    """Run every optimizer of ``scene`` and return the :class:`Recording`.

    ``seed`` overrides ``scene.seed``; the same seed gives the same recording.
    ``progress(done, total)`` is called as training steps complete.
    """
    seed = scene.seed if seed is None else seed
    if isinstance(scene.problem, LogReg):
        return record_logreg(scene, seed, progress)
    if isinstance(scene.problem, KerasModel):
        return record_model(scene, seed, progress)
    return record_surface(scene, progress)  # Scene accepts only these two kinds of problem
