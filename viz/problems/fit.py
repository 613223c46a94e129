"""The Keras ``model.fit`` loops every model problem shares: one fit per optimizer with the
weights recorded after every batch, and the ends-only fits of a learning-rate search."""

import json

import numpy as np

from viz import optimizers
from viz.backend import load_keras
from viz.problems.cost import recorded

# Optimizers that update each weight from its own gradient and state alone (no norms across
# weights): models side by side as the columns of one wide layer then train as separate models.
PER_WEIGHT = {"SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "Adamax", "Nadam", "Ftrl", "Lion"}
# Batches a recording's compiled training call runs (an epoch's, if fewer): the same steps, bit
# for bit, as one call a batch, with far fewer calls from Python into TensorFlow (the lesson: one
# call an epoch of 60 batches); progress is reported once a call.
EXECUTION = 64


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


class _Recorder:
    """The model's weights and state (:func:`flat_point`) at the start, after every ``every``-th
    of ``steps`` batches and after the last, written by the compiled training step itself into
    buffers that ``model.fit`` never sees: no callback reads the weights between batches (such a
    batch-end hook makes Keras wait for every batch's logs, a third of a small model's training
    time), and the numbers are those the step computed, bit for bit."""

    def __init__(self, model, steps, every):
        import tensorflow as tf  # the Keras back end: only when training

        self.variables = [*model.trainable_variables, *model.non_trainable_weights]
        rows = recorded(steps, every)
        self.buffers = [tf.Variable(tf.zeros((rows, *v.shape), v.dtype), trainable=False) for v in self.variables]
        self.count = tf.Variable(0, dtype="int64", trainable=False)
        step = model.train_step

        def train_step(data):
            logs = step(data)
            # row ceil(count / every): written at every step, last by the every-th (or the last):
            # no branch in the compiled step
            row = (self.count.assign_add(1) + every - 1) // every
            for buffer, variable in zip(self.buffers, self.variables):
                buffer[row].assign(variable.value)
            return logs

        model.train_step = train_step  # before fit traces it; a model fitted again keeps its trace

    def start(self):
        """Back to no batches done, the model's current weights and state as the first point."""
        self.count.assign(0)
        for buffer, variable in zip(self.buffers, self.variables):
            buffer[0].assign(variable.value)

    def points(self):
        """The recorded points [rows, d + state], float64."""
        values = [buffer.numpy() for buffer in self.buffers]
        return np.concatenate([np.reshape(value, (len(value), -1)).astype(np.float64) for value in values], axis=1)


def _batches_reported(report, steps_per_epoch, steps):
    keras = load_keras()

    class Batches(keras.callbacks.Callback):
        """``report(batches_done)`` as each compiled call of batches (:data:`EXECUTION`) begins
        and when training ends: a batch-begin hook, which Keras calls without waiting for the
        previous call to finish."""

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_begin(self, batch, logs=None):
            report(self.epoch * steps_per_epoch + batch)

        def on_train_end(self, logs=None):
            report(steps)

    return Batches()


def fit_each(scene, seed, build, initial, steps, progress, compile_args, fit_args, every=1, reuse=None):
    """``model.fit`` once per optimizer of ``scene`` on a fresh ``build()`` set to the
    ``initial`` weights, with the same seed (so the same batch order) for each, recording every
    ``every``-th of the ``steps`` steps and the last, :data:`EXECUTION` batches a compiled call.

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
        key = _rateless(configs[label], steps, every) if reuse is not None else None
        if key in (reuse or {}):
            model, optimizer, fresh, recorder = reuse[key]
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
            model.compile(optimizer=optimizer, steps_per_execution=min(EXECUTION, steps // fit_args["epochs"]),
                          **compile_args)
            recorder = _Recorder(model, steps, every)
            if key is not None:
                optimizer.build(model.trainable_variables)
                reuse[key] = (model, optimizer, [variable.numpy() for variable in optimizer.variables], recorder)
        recorder.start()
        batches = _batches_reported(lambda done, before=index * steps: progress(before + done, total),
                                    steps // fit_args["epochs"], steps)
        history = model.fit(verbose=0, callbacks=[batches], **fit_args)
        paths.append(recorder.points())
        histories.append(history.history)
        if reuse is None:
            keras.backend.clear_session(free_memory=False)  # its garbage collection: 0.4 s a fit, for nothing
    history = {key: np.array([h[key] for h in histories], dtype=np.float64) for key in histories[0]}
    return configs, np.stack(paths), history


def _rateless(config, *recorded):
    """An optimizer's config without its learning rate (and what the model records, ``recorded``),
    as text: the models it may train again."""
    return json.dumps([{**config, "config": {k: v for k, v in config["config"].items() if k != "learning_rate"}},
                       recorded], sort_keys=True, default=str)



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
        # 32 batches per compiled call: the callback-free runs need no step in between (an epoch
        # of a repeated full batch is one step: as many as that, not 32 steps of it)
        model.compile(optimizer=optimizer, **{**compile_args, "metrics": [],
                                              "steps_per_execution": min(32, fit_args.get("steps_per_epoch") or 32)})
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


def column_rates(spec, rates):
    """The optimizer ``spec`` (a name, config or instance) whose update of a weight [..., n]
    takes ``rates[c]`` as the learning rate of column c: ``len(rates)`` models side by side as
    the columns of one wide layer train as each would alone at its own rate (for an optimizer
    that updates each weight alone, :func:`per_weight`, without weight decay, which Keras
    scales by the one rate)."""
    keras = load_keras()

    optimizer = keras.optimizers.deserialize(optimizers.with_rate(spec, 1.0))
    columns = keras.ops.convert_to_tensor(np.asarray(rates, dtype=np.float32))

    class Columns(type(optimizer)):
        def update_step(self, gradient, variable, learning_rate):
            return super().update_step(gradient, variable, learning_rate * columns)

    return Columns.from_config(optimizer.get_config())
