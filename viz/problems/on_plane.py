"""A Keras model's loss on a plane of weights θ = c + a·u + b·v with its first layer in three
passes: a Dense or convolution layer is linear in its weights, so its pre-activations at every
point of the plane are c's plus a·(u's) plus b·(v's). The layer runs three times for the whole
grid instead of once a point, and only the layers after it run per point."""

import numpy as np

from viz.backend import load_keras
from viz.problems.cost import forward_cost
from viz.problems.evaluate import CHUNK_FLOATS, loss_reduction, vectorizable

FAN_IN = 8  # inputs a first-layer output sums at least: fewer, and three passes save nothing (2 MACs an output)
FUSED_ACTIVATIONS = 1e6  # activations a point (all rows) past which XLA fuses the layers after the first: memory-bound


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
        Conv1D/2D/3D (no regularizer, LoRA, quantization or state) summing at least
        :data:`FAN_IN` inputs an output.
    """
    keras = load_keras()
    import tensorflow as tf  # TensorFlow: only when evaluating

    if not _three_pass(model, keras):
        return None
    first = model.layers[0]
    rest = keras.Sequential([keras.Input(first.output.shape[1:]), *model.layers[1:]])
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
    reduce = loss_reduction(model, x, y, loss)
    activation = first.activation or (lambda value: value)
    chunk = int(np.clip(CHUNK_FLOATS / (len(weights) + len(x) * forward_cost(model).activations), 1, 256))

    def pre_activations(vector):
        """The first layer's outputs before its activation, for the weights ``vector``."""
        kernel_value = tf.constant(vector[kernel].reshape(first.kernel.shape), tf.float32)
        out = tf.matmul(inputs, kernel_value) if isinstance(first, keras.layers.Dense) \
            else first.convolution_op(inputs, kernel_value)
        return out if bias is None else out + tf.constant(vector[bias], tf.float32)  # channels last

    def call(ab, vector, passes):
        hidden = activation(passes[0] + ab[0] * passes[1] + ab[1] * passes[2])
        if not rest.layers:
            return reduce(hidden, 0.0)
        pieces = [tf.reshape(piece, shape) for piece, shape in zip(tf.split(vector, [int(np.prod(s)) for s in shapes]),
                                                                   shapes)]
        outputs, _, losses = rest.stateless_call(pieces, fixed, hidden, training=False, return_losses=True)
        return reduce(outputs, tf.add_n([tf.cast(loss, tf.float32) for loss in losses]) if losses else 0.0)

    @tf.function(reduce_retracing=True, jit_compile=len(x) * forward_cost(model).activations > FUSED_ACTIVATIONS)
    def evaluate(ab, vectors, passes):
        each = lambda pair: call(pair[0], pair[1], passes)  # noqa: E731
        if vectorizable(rest, keras):  # matrix products batch over the weight vectors
            return tf.vectorized_map(each, (ab, vectors))
        return tf.map_fn(each, (ab, vectors), fn_output_signature=tf.TensorSpec((), tf.float32))

    def evaluated(origin, basis, xy):
        origin, basis, xy = (np.asarray(a, dtype=np.float64) for a in (origin, basis, xy))
        if origin.shape[-1] != count:
            raise ValueError(f"a plane of {origin.shape[-1]} values for a model of {count} weights")
        passes = [pre_activations(vector) for vector in (origin, *basis)]
        values = []
        for i in range(0, len(xy), chunk):
            vectors = (origin[weights] + xy[i:i + chunk] @ basis[:, weights]).astype(np.float32)
            values.append(evaluate(tf.constant(xy[i:i + chunk], tf.float32), tf.constant(vectors), passes).numpy())
        return np.concatenate(values).astype(np.float64)

    return evaluated


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
            and all(getattr(first, name, None) is None
                    for name in ("kernel_regularizer", "bias_regularizer", "activity_regularizer")))


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
