"""Evaluating a Keras model for many weight vectors at once: the loss (and its gradient) for
the landscape and the paths, the outputs for the decision regions."""

import numpy as np

from viz.backend import load_keras
from viz.problems.cost import forward_cost

CHUNK_FLOATS = 1e7     # floats (weights and activations) of the weight vectors evaluated together
REGION_RESOLUTION = 60  # input-space grid of the decision regions
REGION_BUDGET = 100e6   # bytes of model outputs on that grid, all paths and points


def loss_evaluator(model, x, y, loss, gradient=False):
    """A function mapping flat weight vectors [m, d] (or [m, d + state]: weights, then the
    non-trainable state, see :func:`viz.problems.fit.flat_point`) to the model's loss on (x, y)
    for each, [m] (float64 of a float32 computation, as Keras trains): the mean loss plus the
    regularization losses, as ``model.fit`` minimises it and ``model.evaluate`` reports it, in
    inference mode (Dropout off, BatchNormalization on the given moving statistics; without
    them, the model's own). ``gradient``: that loss's gradient with respect to the weights
    instead, [m, d]; ``"hessian"``: a function of weight vectors and directions [m, d] giving
    that loss's Hessian times each direction, [m, d]."""
    keras = load_keras()
    import tensorflow as tf  # TensorFlow: only when training or evaluating

    loss_fn = keras.losses.get(loss) if isinstance(loss, str) else loss
    y = shaped_like(y, model(x[:1]))
    targets = tf.constant(y, tf.int64 if np.issubdtype(np.asarray(y).dtype, np.integer) else tf.float32)
    return _batched(model, x, lambda outputs, penalties: tf.reduce_mean(loss_fn(targets, outputs)) + penalties,
                    gradient)


def shaped_like(y, outputs):
    """Targets ``y`` reshaped to the model's ``outputs`` per row when they hold as many values
    ((n,) targets for (n, 1) outputs), as ``model.fit`` accepts them; else unchanged."""
    if np.size(y) == len(y) * int(np.prod(outputs.shape[1:])):
        return np.reshape(y, (len(y), *outputs.shape[1:]))
    return y


def output_evaluator(model, inputs):
    """A function mapping flat weight vectors [m, d] to the model's outputs on ``inputs``
    for each, flattened: [m, rows * outputs]."""
    import tensorflow as tf  # TensorFlow: only when training or evaluating

    return _batched(model, inputs, lambda outputs, penalties: tf.reshape(outputs, [-1]))


def boundary_level(loss):
    """Where the output changes class: 0 for a loss on logits (``from_logits=True``), else 0.5."""
    return 0.0 if getattr(loss, "from_logits", False) else 0.5


def decision_regions(model, x, y, params, loss, resolution=REGION_RESOLUTION):
    """What the decision-boundary panel draws, for a model :func:`why_no_regions` accepts:
    the model's output on a grid over the data's two input features for every recorded weight
    vector (grid_x [n], grid_y [n], outputs [n_paths, points, n, n] float16: a boundary needs no more), the data
    (data_x, data_y) and the output ``level`` where the class changes."""
    low, high = x.min(axis=0), x.max(axis=0)
    low, high = low - 0.1 * (high - low), high + 0.1 * (high - low)
    grid_x, grid_y = np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution)
    inputs = np.stack(np.meshgrid(grid_x, grid_y), axis=-1).reshape(-1, 2)
    outputs = output_evaluator(model, inputs)(np.nan_to_num(params.reshape(-1, params.shape[-1])))
    return {"grid_x": grid_x, "grid_y": grid_y,
            "outputs": outputs.reshape(*params.shape[:2], resolution, resolution).astype(np.float16),
            "data_x": x.astype(np.float64), "data_y": y.astype(np.float64).reshape(len(x), -1)[:, 0],
            "level": np.array(boundary_level(loss))}


def too_many(panel, points, rows=0):
    """Why a recording of ``points`` weight vectors (all paths) cannot keep what ``panel``
    draws within :data:`REGION_BUDGET`, or "": "boundary", the model's outputs on the decision
    regions' grid; "hidden", the hidden layer's two outputs for each of ``rows`` rows."""
    if panel == "boundary" and points * REGION_RESOLUTION**2 * 2 > REGION_BUDGET:
        return "too many recorded steps to keep the model's outputs for decision boundaries"
    if panel == "hidden" and points * rows * 2 * 4 > REGION_BUDGET:
        return "too many recorded steps to keep the hidden layer's outputs for every row"
    return ""


def why_no_regions(model, x, y, params):
    """Why a model's decision regions cannot be drawn, or "" if they can."""
    if x.ndim != 2 or x.shape[1] != 2:
        return "decision boundaries take a model with two input features"
    if int(np.prod(model.outputs[0].shape[1:])) != 1:
        return "decision boundaries take a model with one output (a probability)"
    if not np.isin(y, (0, 1)).all():
        return "decision boundaries take binary targets, 0 and 1"
    return too_many("boundary", params[..., 0].size)


def _batched(model, inputs, reduce, gradient=False):
    """``reduce(outputs, penalties)`` of the model on ``inputs`` (penalties: the sum of its
    regularization losses), or with ``gradient`` its gradient with respect to the weights
    (``reduce`` giving one number; ``"hessian"``: its Hessian times a direction given with
    each vector, by differentiating the gradient's dot product with it), for many flat weight
    vectors (each optionally followed by the model's non-trainable state): batched with
    ``model.stateless_call`` under ``tf.vectorized_map``, as many vectors at a time as fit
    CHUNK_FLOATS (the model's real activations per row, :func:`viz.problems.cost.forward_cost`)."""
    import tensorflow as tf  # vectorized_map: the TensorFlow backend's batched evaluation

    keras = load_keras()

    shapes = [tuple(v.shape) for v in model.trainable_variables]
    sizes = [int(np.prod(shape)) for shape in shapes]
    held = [any(v is w for w in model.non_trainable_weights) for v in model.non_trainable_variables]
    state_shapes = [tuple(v.shape) for v, state in zip(model.non_trainable_variables, held) if state]
    state_sizes = [int(np.prod(shape)) for shape in state_shapes]
    fixed = [v.value for v in model.non_trainable_variables]
    inputs = tf.constant(inputs, tf.float32)
    count = sum(sizes)
    dense = all(isinstance(layer, keras.layers.Dense) for layer in model._flatten_layers(include_self=False)
                if any(len(w.shape) >= 2 for w in layer.weights))
    output_shape = None if dense else [count] if gradient else reduce(model(inputs, training=False), 0.0).shape
    chunk = int(np.clip(CHUNK_FLOATS / (count + len(inputs) * forward_cost(model).activations), 1, 256))

    def call(vector, with_state):
        pieces = [tf.reshape(piece, shape) for piece, shape in zip(tf.split(vector[:count], sizes), shapes)]
        state = fixed
        if with_state:
            given = iter(tf.reshape(piece, shape)
                         for piece, shape in zip(tf.split(vector[count:], state_sizes), state_shapes))
            state = [next(given) if is_state else value for value, is_state in zip(fixed, held)]
        outputs, _, losses = model.stateless_call(pieces, state, inputs, training=False, return_losses=True)
        return reduce(outputs, tf.add_n([tf.cast(loss, tf.float32) for loss in losses]) if losses else 0.0)

    @tf.function(reduce_retracing=True)  # chunks of two sizes, models recorded one after another
    def evaluate(flat, with_state):
        def slope(vector):
            with tf.GradientTape() as tape:
                tape.watch(vector)
                value = call(vector, with_state)
            return tape.gradient(value, vector)[:count]

        def curvature(pair):
            vector, direction = tf.unstack(pair)
            with tf.GradientTape() as tape:
                tape.watch(vector)
                along = tf.reduce_sum(slope(vector) * direction)
            return tape.gradient(along, vector)

        each = {False: lambda vector: call(vector, with_state), True: slope, "hessian": curvature}[gradient]
        if dense:  # matrix products batch over the weight vectors
            return tf.vectorized_map(each, flat)
        # convolutions with a kernel per weight vector: vectorized_map is slower and, for some
        # batch sizes, wrong (its BiasAdd conversion fails); one vector after another instead
        return tf.map_fn(each, flat, fn_output_signature=tf.TensorSpec(output_shape, tf.float32))

    def evaluated(weights, directions=None):
        weights = np.asarray(weights, dtype=np.float32)
        width = weights.shape[-1]
        if width not in (count, count + sum(state_sizes)):
            raise ValueError(f"weight vectors of {width} values for a model of {count} weights")
        weights = weights.reshape(-1, width)
        if directions is not None:  # pairs [m, 2, d]: a weight vector and a direction each
            weights = np.stack([weights, np.asarray(directions, dtype=np.float32).reshape(-1, width)], axis=1)
        chunks = [evaluate(tf.constant(weights[i:i + chunk]), width > count).numpy()
                  for i in range(0, len(weights), chunk)]
        return np.concatenate(chunks).astype(np.float64)

    return evaluated


def chosen_layer(model, layer):
    """The model's layer ``layer`` (an index into ``model.layers`` or a name)."""
    return model.get_layer(layer) if isinstance(layer, str) else model.layers[layer]


def why_no_hidden(model, layer):
    """Why the hidden-layer panel cannot show the model's layer ``layer``, or "" if it can."""
    try:
        chosen = chosen_layer(model, layer)
    except (IndexError, ValueError):
        return f"the hidden-layer panel's layer {layer!r} is not a layer of this model"
    shape = tuple(chosen.output.shape[1:])
    if shape != (2,):
        return (f"the hidden-layer panel draws a layer of two units; layer {chosen.name!r} has outputs of shape "
                f"{shape} (pick another with keras_model(..., hidden_layer=...))")
    return ""


def hidden_outputs(model, layer, inputs, params):
    """What the hidden-layer panel draws, for a model :func:`why_no_hidden` accepts: the two
    outputs of layer ``layer`` for each row of ``inputs`` at every recorded weight vector
    (``outputs`` [n_paths, points, rows, 2] float32) and, when that layer feeds the model's
    one output unit directly (a Dense layer), that unit's weights and bias along the paths
    (``line`` [n_paths, points, 3]: its decision line w·h + b = 0 in the plane of the two)."""
    keras = load_keras()

    chosen = chosen_layer(model, layer)
    sub = keras.Model(model.inputs, chosen.output)
    starts = np.cumsum([0] + [int(np.prod(v.shape)) for v in model.trainable_variables])
    where = {id(v): np.arange(a, b) for v, a, b in zip(model.trainable_variables, starts[:-1], starts[1:])}
    flat = np.nan_to_num(params.reshape(-1, params.shape[-1]))
    take = np.concatenate([where[id(v)] for v in sub.trainable_variables])
    outputs = output_evaluator(sub, inputs)(flat[:, take]).reshape(*params.shape[:2], len(inputs), 2)
    found = {"outputs": outputs.astype(np.float32), "layer": np.array(chosen.name)}
    last = model.layers[-1]
    if model.layers.index(chosen) == len(model.layers) - 2 and isinstance(last, keras.layers.Dense) \
            and last.units == 1:
        kernel, bias = last.kernel, last.bias
        found["line"] = np.concatenate([params[..., where[id(kernel)]], params[..., where[id(bias)]]], axis=-1)
    return found
