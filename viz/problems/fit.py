"""The Keras ``model.fit`` loops every model problem shares: one fit per optimizer with the
weights recorded after every batch, and the ends-only fits of a learning-rate search."""

import json

import numpy as np

from viz import optimizers
from viz.backend import load_keras

# Optimizers that update each weight from its own gradient and state alone (no norms across
# weights): models side by side as the columns of one wide layer then train as separate models.
PER_WEIGHT = {"SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "Adamax", "Nadam", "Ftrl", "Lion"}


def no_progress(done, total):
    pass


def per_weight(config):
    """Whether the optimizer ``config`` (``optimizers.describe``) updates each weight alone."""
    settings = config["config"]
    return config["class_name"] in PER_WEIGHT and not settings.get("clipnorm") and not settings.get("global_clipnorm")


def finite_prefix(params, loss):
    """NaN from the first non-finite step on, so a diverged path ends where it diverged."""
    bad = ~(np.isfinite(loss) & np.isfinite(params).all(axis=-1))
    after = np.cumsum(bad, axis=-1) > 0
    return np.where(after[..., None], np.nan, params), np.where(after, np.nan, loss)


def masked(values, params):
    """``values`` [n_paths, points, ...] with NaN wherever the path is NaN (diverged)."""
    finite = np.isfinite(params).all(axis=-1).reshape(*params.shape[:2], *[1] * (values.ndim - 2))
    return np.where(finite, values, np.nan)


def with_state(params, state):
    """Weight vectors [..., d] followed by their non-trainable state [..., n_state], or as they
    are without state (``state`` None): the vectors the loss evaluator takes."""
    return params if state is None else np.concatenate([params, state], axis=-1)


def flat_point(model):
    """The model's trainable weights, then its non-trainable state (BatchNormalization's moving
    statistics, in ``model.non_trainable_weights`` order), as one float vector."""
    return np.concatenate([np.ravel(v.numpy()) for v in [*model.trainable_variables, *model.non_trainable_weights]])


def _weight_recorder(report, every=1, steps=None):
    keras = load_keras()

    class WeightRecorder(keras.callbacks.Callback):
        """Keeps the flattened weights and state (:func:`flat_point`) at the start, after every
        ``every``-th batch and after the last (``steps``), and reports each batch to
        ``report(batches_done)``."""

        def on_train_begin(self, logs=None):
            self.points, self.batches = [flat_point(self.model)], 0

        def on_train_batch_end(self, batch, logs=None):
            self.batches += 1
            if self.batches % every == 0 or self.batches == steps:
                self.points.append(flat_point(self.model))
            report(self.batches)

    return WeightRecorder()


def fit_each(scene, seed, build, initial, steps, progress, compile_args, fit_args, every=1, reuse=None):
    """``model.fit`` once per optimizer of ``scene`` on a fresh ``build()`` set to the
    ``initial`` weights, with the same seed (so the same batch order) for each, recording every
    ``every``-th of the ``steps`` steps and the last.

    ``reuse`` (a dict kept by the caller across calls): an optimizer that differs from one
    fitted before only by its learning rate trains that compiled model again, its weights,
    optimizer state and rate reset, as :func:`fit_rates` does (no new trace: a grid of rates
    records several times faster).

    Returns:
        The optimizers' full configs, the recorded paths [n_opt, points, d + state] (weights,
        then non-trainable state: :func:`flat_point`) and the Histories.
    """
    keras = load_keras()

    configs, paths, histories = {}, [], []
    total = steps * len(scene.optimizers)
    for index, (label, spec) in enumerate(scene.optimizers.items()):
        optimizer = optimizers.resolve(spec, scene.learning_rate)
        configs[label] = optimizers.describe(optimizer)
        key = _rateless(configs[label]) if reuse is not None else None
        if key in (reuse or {}):
            model, optimizer, fresh = reuse[key]
            model.set_weights(initial)
            for variable, value in zip(optimizer.variables, fresh):
                variable.assign(value)
            optimizer.learning_rate = configs[label]["config"]["learning_rate"]
            keras.utils.set_random_seed(seed)  # the same batch order for every optimizer,
            build()  # after the same draws of the random state as a new model's
        else:
            keras.utils.set_random_seed(seed)  # the same batch order for every optimizer
            model = build()
            model.set_weights(initial)
            model.compile(optimizer=optimizer, **compile_args)
            if key is not None:
                optimizer.build(model.trainable_variables)
                reuse[key] = (model, optimizer, [variable.numpy() for variable in optimizer.variables])
        recorder = _weight_recorder(lambda batches, before=index * steps: progress(before + batches, total), every,
                                    steps)
        history = model.fit(verbose=0, callbacks=[recorder], **fit_args)
        paths.append(np.array(recorder.points, dtype=np.float64))
        histories.append(history.history)
        if reuse is None:
            keras.backend.clear_session()
    history = {key: np.array([h[key] for h in histories], dtype=np.float64) for key in histories[0]}
    return configs, np.stack(paths), history


def _rateless(config):
    """An optimizer's config without its learning rate, as text: the models it may train again."""

    return json.dumps({**config, "config": {k: v for k, v in config["config"].items() if k != "learning_rate"}},
                      sort_keys=True, default=str)


def fit_rates(scene, seed, build, initial, rates, progress, compile_args, fit_args):
    """``model.fit`` for every optimizer of ``scene`` at each of ``rates``, each run exactly as
    :func:`fit_each` would do it (``initial`` weights, ``seed``'s batch order), keeping only
    the end: one model and one compiled training step per optimizer, its weights, optimizer
    state and rate reset between runs.

    Returns:
        The final weights and state [n_opt, n_rates, d + state].
    """
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
            ends[index, column] = flat_point(model)
            progress(index * len(rates) + column + 1, ends.shape[0] * len(rates))
        keras.backend.clear_session()
    return ends
