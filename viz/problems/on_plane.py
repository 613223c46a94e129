"""A Keras model's loss on a plane of weights θ = c + a·u + b·v with its first layer in three
passes: a Dense or convolution layer is linear in its weights, so its pre-activations at every
point of the plane are c's plus a·(u's) plus b·(v's). The layer runs three times for the whole
grid instead of once a point, and only the layers after it run per point.

Combining the three passes is memory-bound (three reads an activation a point), so the rows go
through in tiles whose passes stay in the cache while a block of points (batch after batch)
reads them, compiled by XLA for a big model: the passes stream from memory once a block of
points, not once a batch. A block's weight vectors (float32, made inside the compiled loop) are
at most :data:`viz.plane.GRID_FLOATS` values, as many as the plain grid makes at once.

A max pooling right after the first layer (its windows not overlapping) is folded in: the
passes are kept window by window, so that a point's pooled activations are the elementwise
maximum of its combined windows, activated once after pooling (the activation being
non-decreasing, it commutes with the maximum)."""

import numpy as np

from viz.backend import load_keras
from viz.plane import GRID_FLOATS
from viz.problems.cost import forward_cost
from viz.problems.evaluate import CHUNK_FLOATS, shaped_like, vectorizable

FAN_IN = 8  # inputs a first-layer output sums at least: fewer, and three passes save nothing (2 MACs an output)
FUSED_ACTIVATIONS = 1e6  # activations a point (all rows) past which XLA compiles the tiles: memory-bound
TILE_BYTES = 8e6  # the three passes' bytes on a tile of rows (read by every point of a batch: kept in the cache)
NON_DECREASING = ("linear", "relu", "relu6", "sigmoid", "tanh", "elu", "selu", "softplus")  # commute with max


def plane_loss_evaluator(model, x, y, loss, state=None):
    """A function ``(origin, basis, xy)`` giving the model's loss on (x, y) at each weight
    vector ``origin + xy @ basis``, as :func:`~viz.problems.evaluate.loss_evaluator` gives it
    on those vectors (to float32 rounding), with the first layer in three passes.

    Args:
        model: a built Keras model.
        x: the inputs, as ``loss_evaluator`` takes them.
        y: the targets.
        loss: the loss (a Keras name or function).
        state: the model's non-trainable state [s] held at every point of the plane (as
            ``loss_evaluator`` takes it after the weights), or None: the model's own.

    Returns:
        The function of ``origin`` [d], ``basis`` [2, d] and ``xy`` [m, 2] giving the loss [m]
        (float64 of a float32 computation); or None when the model
        is not a ``keras.Sequential`` whose first layer is a plain float32 Dense or
        ungrouped Conv1D/2D/3D (no regularizer, LoRA, quantization or state) summing at least
        :data:`FAN_IN` inputs an output, or a layer after it adds a loss that depends on the rows
        (an activity regularizer).
    """
    keras = load_keras()
    import tensorflow as tf  # TensorFlow: only when evaluating

    if not _three_pass(model, keras):
        return None
    first, pool = model.layers[0], _folded_pooling(model, keras)
    after = model.layers[2 if pool else 1:]
    rest = keras.Sequential([keras.Input((pool or first).output.shape[1:]), *after])
    count = sum(int(np.prod(v.shape)) for v in model.trainable_variables)
    where = _slices(model.trainable_variables, 0, [True] * len(model.trainable_variables))
    held = _slices(model.non_trainable_variables, 0,
                   [any(v is w for w in model.non_trainable_weights) for v in model.non_trainable_variables])
    kernel = np.arange(*where[id(first.kernel)])
    bias = np.arange(*where[id(first.bias)]) if first.use_bias else None
    weights = _indices([where[id(v)] for v in rest.trainable_variables])
    shapes = [tuple(v.shape) for v in rest.trainable_variables]
    fixed = [v.value if state is None or id(v) not in held else
             tf.constant(np.asarray(state)[slice(*held[id(v)])].reshape(v.shape), tf.float32)
             for v in rest.non_trainable_variables]
    inputs = tf.constant(x, tf.float32)
    rows, activations = len(x), forward_cost(model).activations
    tile = int(np.clip(TILE_BYTES / (3 * 4 * np.prod(first.output.shape[1:])), 1, rows))
    tiles = -(-rows // tile)
    chunk = int(np.clip(CHUNK_FLOATS / (len(weights) + tile * activations), 1, 256))
    loss_fn = keras.losses.get(loss) if isinstance(loss, str) else loss
    targets = np.asarray(shaped_like(y, model(x[:1])))
    targets = tf.constant(_tiled(targets, tile, tiles),
                          tf.int64 if np.issubdtype(targets.dtype, np.integer) else tf.float32)
    valid = tf.constant(_tiled(np.ones(rows, bool), tile, tiles))
    activation = first.activation or (lambda value: value)
    dense = vectorizable(rest, keras)
    fused = rows * activations > FUSED_ACTIVATIONS

    @tf.function(jit_compile=fused)  # one compiled pass: the tiling and windows copy every output
    def pre_activations(kernels, biases):
        """The first layer's outputs before its activation for the kernels and biases of c, u and v
        side by side (output channels [3 x channels]): tiled [3, tiles, tile, *outputs], or with a
        pooling folded in [3, tiles, windows, tile, pooled]."""
        out = tf.matmul(inputs, kernels) if isinstance(first, keras.layers.Dense) \
            else first.convolution_op(inputs, kernels)
        out = tf.pad(out + biases, [[0, tiles * tile - rows]] + [[0, 0]] * (len(out.shape) - 1))  # channels last
        out = tf.reshape(out, (tiles, tile, *out.shape[1:-1], 3, out.shape[-1] // 3))
        if pool is None:
            return tf.transpose(out, (len(out.shape) - 2, *range(len(out.shape) - 2), len(out.shape) - 1))
        return _windows(out, pool.pool_size)

    def hidden(ab, c, u, v):
        """The first layer's activated outputs (pooled, if folded) at the points ``ab`` [p, 2] on a tile."""
        a, b = (tf.reshape(ab[:, i], [-1] + [1] * (len(c.shape) - (pool is not None))) for i in (0, 1))
        if pool is None:
            return activation(c + a * u + b * v)
        top = c[0] + a * u[0] + b * v[0]
        for k in range(1, c.shape[0]):  # the windows' elementwise maximum
            top = tf.maximum(top, c[k] + a * u[k] + b * v[k])
        return tf.reshape(activation(top), (-1, c.shape[1], *rest.inputs[0].shape[1:]))

    def call(outputs, vector, tile_targets, tile_valid):
        """[the point's loss summed on the tile's rows / all rows, its penalties]."""
        losses = []
        if rest.layers:
            pieces = [tf.reshape(piece, shape)
                      for piece, shape in zip(tf.split(vector, [int(np.prod(s)) for s in shapes]), shapes)]
            outputs, _, losses = rest.stateless_call(pieces, fixed, outputs, training=False, return_losses=True)
        values = loss_fn(tile_targets, outputs)
        kept = tf.where(tf.reshape(tile_valid, [-1] + [1] * (len(values.shape) - 1)), values, tf.zeros_like(values))
        penalty = tf.add_n([tf.cast(loss, tf.float32) for loss in losses]) if losses else tf.constant(0.0)
        return tf.stack([tf.reduce_sum(kept) / (rows * int(np.prod(values.shape[1:]))), penalty])

    @tf.function(reduce_retracing=True, jit_compile=fused)
    def evaluate(ab, origin, basis, passes):
        """The loss at the points ``ab`` [batches, chunk, 2] of the plane through the weights
        ``origin`` [w] along ``basis`` [2, w] (the layers after the first): tile by tile, every
        batch reading the tile while it is in the cache."""
        vectors = origin + tf.matmul(ab, basis)
        total = tf.zeros(tf.shape(ab)[:2])
        penalty = total
        for t in tf.range(tiles):
            for i in tf.range(tf.shape(ab)[0]):
                each = lambda pair: call(pair[0], pair[1], targets[t], valid[t])  # noqa: E731, B023
                points = hidden(ab[i], passes[0, t], passes[1, t], passes[2, t])
                if dense:  # matrix products batch over the weight vectors
                    found = tf.vectorized_map(each, (points, vectors[i]))
                else:
                    found = tf.map_fn(each, (points, vectors[i]), fn_output_signature=tf.TensorSpec((2,), tf.float32))
                total = tf.tensor_scatter_nd_add(total, [[i]], found[None, :, 0])
                penalty = tf.tensor_scatter_nd_update(penalty, [[i]], found[None, :, 1])
        return tf.reshape(total + penalty, [-1])

    def evaluated(origin, basis, xy):
        origin, basis, xy = (np.asarray(a, dtype=np.float64) for a in (origin, basis, xy))
        if origin.shape[-1] != count:
            raise ValueError(f"a plane of {origin.shape[-1]} values for a model of {count} weights")
        kernels = np.stack([vector[kernel].reshape(first.kernel.shape) for vector in (origin, *basis)], -2)
        biases = np.zeros(3 * first.kernel.shape[-1]) if bias is None else np.concatenate(
            [vector[bias] for vector in (origin, *basis)])
        passes = pre_activations(tf.constant(kernels.reshape(*first.kernel.shape[:-1], -1), tf.float32),
                                 tf.constant(biases, tf.float32))
        after = [tf.constant(part[..., weights], tf.float32) for part in (origin, basis)]
        values = []
        for part in _blocks(xy, chunk, len(weights)):
            size = min(chunk, len(part))  # points a batch; the last batch padded with the plane's origin
            ab = np.zeros((-(-len(part) // size) * size, 2))
            ab[:len(part)] = part
            found = evaluate(tf.constant(ab.reshape(-1, size, 2), tf.float32), *after, passes)
            values.append(found.numpy()[:len(part)])
        return np.concatenate(values).astype(np.float64)

    return evaluated


def _blocks(xy, chunk, weights):
    """The points ``xy`` [m, 2] in blocks of about equal size, whole batches of ``chunk`` points
    (but the last), each block's weight vectors (``weights`` values a point) at most
    :data:`GRID_FLOATS` values, or one batch when even that is more."""
    most = max(1, int(GRID_FLOATS // max(weights, 1)) // chunk) * chunk  # whole batches within the budget
    if len(xy) <= most:
        return [xy]
    size = -(-len(xy) // (-(-len(xy) // most) * chunk)) * chunk  # as many blocks as needed, as equal as batches allow
    return [xy[i:i + size] for i in range(0, len(xy), size)]


def _three_pass(model, keras):
    """Whether the model's first layer can run in three passes for a plane (see the module)."""
    if not isinstance(model, keras.Sequential) or not model.layers:
        return False
    first = model.layers[0]
    linear = (keras.layers.Dense, keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D)
    return (type(first) in linear and first.trainable and int(np.prod(first.kernel.shape[:-1])) >= FAN_IN and not first.non_trainable_variables
            and first.compute_dtype == "float32" and not getattr(first, "lora_enabled", False)
            and getattr(first, "quantization_mode", None) is None
            and getattr(first, "data_format", "channels_last") == "channels_last"
            and getattr(first, "groups", 1) == 1  # the three passes' kernels side by side: one group of outputs
            and all(getattr(first, name, None) is None
                    for name in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"))
            and all(getattr(layer, "activity_regularizer", None) is None for layer in model.layers[1:]))


def _folded_pooling(model, keras):
    """The max pooling right after the first layer that its passes fold in (windows that do not
    overlap, a non-decreasing activation before it), or None."""
    if len(model.layers) < 2:
        return None
    first, pool = model.layers[:2]
    kinds = (keras.layers.MaxPooling1D, keras.layers.MaxPooling2D, keras.layers.MaxPooling3D)
    monotone = [keras.activations.get(name) for name in NON_DECREASING]
    if (type(pool) in kinds and tuple(pool.strides) == tuple(pool.pool_size) and pool.padding == "valid"
            and pool.data_format == "channels_last" and len(first.output.shape) == len(pool.pool_size) + 2
            and any((first.activation or monotone[0]) is f for f in monotone)):
        return pool
    return None


def _windows(out, sizes):
    """Tiled outputs of the three passes [tiles, tile, d1..dn, 3, channels] as [3, tiles, windows,
    tile, pooled]: window offset k of every pooled position together (cropped to whole windows,
    as valid pooling does)."""
    import tensorflow as tf  # as the caller

    spatial = [int(d) // k for d, k in zip(out.shape[2:-2], sizes)]
    out = out[(slice(None), slice(None), *[slice(0, m * k) for m, k in zip(spatial, sizes)])]
    split = [dim for m, k in zip(spatial, sizes) for dim in (m, k)]
    out = tf.reshape(out, (*out.shape[:2], *split, *out.shape[-2:]))
    n = len(sizes)
    out = tf.transpose(out, (2 + 2 * n, 0, *[3 + 2 * i for i in range(n)], 1, *[2 + 2 * i for i in range(n)],
                             3 + 2 * n))
    return tf.reshape(out, (3, out.shape[1], int(np.prod(sizes)), out.shape[2 + n], -1))


def _tiled(values, tile, tiles):
    """``values`` [rows, ...] padded with zeros to ``tiles`` x ``tile`` rows, as [tiles, tile, ...]."""
    padded = np.zeros((tiles * tile, *values.shape[1:]), values.dtype)
    padded[:len(values)] = values
    return padded.reshape(tiles, tile, *values.shape[1:])


def _slices(variables, start, chosen):
    """{id(variable): (start, stop)} of the ``chosen`` ``variables`` laid end to end from ``start``."""
    found = {}
    for variable, keep in zip(variables, chosen):
        if keep:
            size = int(np.prod(variable.shape))
            found[id(variable)] = (start, start + size)
            start += size
    return found


def _indices(slices):
    """The positions of ``slices`` [(start, stop), ...], in that order."""
    return np.concatenate([np.arange(start, stop) for start, stop in slices] or [np.zeros(0, int)]).astype(int)
