"""The model a keras_model builds: checked against its data and loss before any training, or
built with its kernels drawn by another initializer."""

import numpy as np

from viz.backend import load_keras
from viz.errors import OptionError, SpecError
from viz.problems.cost import forward_cost, recorded, stride
from viz.problems.evaluate import shaped_like, too_many


def built_model(problem):
    """``problem.build()``, checked: a Keras model with trainable weights whose output fits the
    loss and the targets (tried on two rows, before any training)."""
    keras = load_keras()

    model = problem.build()
    if not isinstance(model, keras.Model):
        raise SpecError(f"keras_model build() must return a keras.Model, not {type(model).__name__}")
    if not model.built or not model.weights:
        raise SpecError("keras_model build() returned a model without weights: start it with keras.Input(shape)")
    if not model.trainable_variables:
        raise SpecError("keras_model build() returned a model with no trainable weights (every layer is frozen, "
                        "trainable=False): nothing would move; leave at least one layer trainable")
    try:
        outputs = model(problem.x[:2], training=False)
    except Exception as error:  # noqa: BLE001 - the user's model: say what it made of the data
        raise SpecError(f"keras_model: the model cannot take x of shape {problem.x.shape[1:]} per row: "
                        f"{_first_line(error)}") from None
    loss = keras.losses.get(problem.loss) if isinstance(problem.loss, str) else problem.loss
    try:
        value = np.asarray(loss(shaped_like(problem.y[:2], outputs), outputs))
    except Exception as error:  # noqa: BLE001
        value, why = None, _first_line(error)
    if value is None or not np.isfinite(value).all():
        name = problem.loss if isinstance(problem.loss, str) else type(problem.loss).__name__
        raise SpecError(f"keras_model: the loss {name} does not fit outputs of shape {tuple(outputs.shape[1:])} and "
                        f"y of shape {problem.y.shape[1:] or '(one value per row)'}"
                        + (f": {why}" if value is None else ": it is not finite (are the labels in range?)"))
    return model


def _first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def initialized(build, initializer):
    """``build`` with every kernel of the model drawn again by ``initializer`` (a Keras name or
    instance; a fresh copy each time, so the seed set before decides it), the rest as built."""
    def build_initialized():
        keras = load_keras()
        model = build()
        fresh = (keras.initializers.get(initializer) if isinstance(initializer, str)
                 else type(initializer).from_config(initializer.get_config()))
        for variable in model.trainable_variables:
            if variable.path.split("/")[-1] == "kernel":
                variable.assign(fresh(variable.shape, variable.dtype))
        return model

    return build_initialized


def model_stride(problem, first, steps, paths):
    """Optimizer steps between recorded points for ``paths`` paths of ``steps`` steps of
    ``problem``'s model ``first`` (weights and state) within its budgets
    (:func:`~viz.problems.cost.stride`)."""
    weights = sum(int(np.prod(v.shape)) for v in [*first.trainable_variables, *first.non_trainable_weights])
    return stride(steps, paths, weights, problem.budgets, forward_cost(first), len(problem.x))


def check_kept(problem, scene, extras, seeds=1):
    """Refuse (:class:`OptionError`) the decision regions or the hidden layer's outputs
    (``extras``' "boundary", "hidden") that ``problem``'s recording of ``scene`` (with ``seeds``
    initializations: the same stride) would hold too many recorded steps to keep."""
    wanted = [panel for panel in ("boundary", "hidden") if panel in extras]
    if not wanted:
        return
    first = problem.first_model(0)
    if scene.varied:  # each path recorded alone, at the stride of the longest
        problems = [problem.for_path(path) for path in scene.paths()]
        steps = max(each.total_steps for each in problems)
        points = recorded(steps, model_stride(problem, first, steps, len(problems) * seeds))
    else:
        paths = len(scene.optimizers)
        points = paths * recorded(problem.total_steps, model_stride(problem, first, problem.total_steps, paths * seeds))
    reason = too_many(wanted[0], points, len((problem.hidden_rows or problem.validation or (problem.x,))[0]))
    if reason:
        raise OptionError("panels", ",".join(("contour", "curves", *extras)), f"{reason}: fewer epochs, or a smaller "
                          "memory_budget or time_budget (a longer stride), would fit")
