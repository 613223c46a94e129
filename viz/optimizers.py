"""The lesson's six optimizers, and turning an optimizer spec into a fresh Keras optimizer.

A spec is what a scene file writes for one optimizer: a Keras name (``"adam"``), a
``{"class_name": ..., "config": {...}}`` dict, or a Keras optimizer instance. Keras itself is
imported only when a spec is resolved, so scene files and ``viz --help`` stay fast.
"""

import copy
from types import MappingProxyType

from viz.backend import load_keras
from viz.errors import SpecError, unknown

SEED_OPTIMIZERS = MappingProxyType({
    "SGD": "sgd",
    "SGD momentum=0.3": {"class_name": "SGD", "config": {"momentum": 0.3}},
    "SGD momentum=0.3 nesterov": {
        "class_name": "SGD", "config": {"momentum": 0.3, "nesterov": True},
    },
    "Adam": "adam",
    "Adagrad": "adagrad",
    "RMSprop": "rmsprop",
})
"""The "Zero to Deep Learning" lesson's optimizers, in its order, with Keras defaults."""


def known_names():
    """The optimizer names Keras accepts as a string, lower case, sorted."""
    keras = load_keras()

    names = {
        name.lower()
        for name, obj in vars(keras.optimizers).items()
        if isinstance(obj, type) and issubclass(obj, keras.optimizers.Optimizer)
        and obj is not keras.optimizers.Optimizer
        and not name.startswith(("Loss", "Multi"))  # wrappers, not optimizers of their own
    }
    return sorted(name for name in names if _accepted(keras, name))


def _accepted(keras, name):
    """Whether ``keras.optimizers.get(name)`` builds it (Keras 3.15 exports Lamb but not by name)."""
    try:
        keras.optimizers.get(name)
    except ValueError:
        return False
    return True


def describe(optimizer):
    """``{"class_name", "config"}`` of a Keras optimizer instance: its full Keras config."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def config_of(spec, learning_rate):
    """The ``{"class_name", "config"}`` dict that fully describes ``spec``.

    ``learning_rate`` is filled in where the spec does not set its own; ints become floats
    (Keras rejects ``learning_rate=1``). The spec itself is never modified.
    """
    keras = load_keras()

    if isinstance(spec, keras.optimizers.Optimizer):
        spec = describe(spec)
    elif isinstance(spec, str):
        spec = {"class_name": spec, "config": {}}
    elif not (isinstance(spec, dict) and isinstance(spec.get("class_name"), str)):
        raise SpecError(
            f"optimizer spec {spec!r} is not a name, a "
            "{'class_name': ..., 'config': {...}} dict or a Keras optimizer"
        )
    spec = copy.deepcopy(spec)
    config = spec.setdefault("config", {})
    config.setdefault("learning_rate", learning_rate)
    for key in ("learning_rate", "momentum"):  # Keras rejects ints here
        if type(config.get(key)) is int:
            config[key] = float(config[key])
    try:
        keras.optimizers.get(spec["class_name"])
    except ValueError:
        raise SpecError(unknown("optimizer", spec["class_name"], known_names())) from None
    return spec


def with_rate(spec, learning_rate):
    """``spec``'s full config with its learning rate replaced by ``learning_rate`` (a
    :class:`SpecError` if it follows a schedule: there is no one rate to replace)."""
    config = config_of(spec, learning_rate)
    if not isinstance(config["config"]["learning_rate"], (int, float)):
        raise SpecError(f"cannot set one learning rate for {config['class_name']}: it follows a schedule")
    config["config"]["learning_rate"] = float(learning_rate)
    return config


def resolve(spec, learning_rate):
    """A new Keras optimizer for ``spec`` (never the instance that was passed in)."""
    keras = load_keras()

    config = config_of(spec, learning_rate)
    try:
        return keras.optimizers.deserialize(copy.deepcopy(config))
    except (TypeError, ValueError) as error:
        raise SpecError(f"optimizer {config['class_name']!r}: {error}") from None
