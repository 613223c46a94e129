"""What differs between a scene's paths: the optimizer, and the one setting a scene may give as a
list (learning rates, batch sizes, kernel initializers), in words for the paths' labels."""

import dataclasses
from typing import NamedTuple

from viz import optimizers
from viz.errors import OptionError, SpecError


class ScenePath(NamedTuple):
    """One path of a scene: its ``label``, its ``optimizer``'s label and spec, and the value of
    the varied setting it runs with (None: the scene's or problem's own)."""

    label: str
    optimizer: str
    spec: object
    learning_rate: float | None = None
    batch_size: int | None = None
    initializer: object = None


SETTINGS = ("learning_rate", "batch_size", "initializer")


def value_words(setting, value):
    """A path's label part for one value of the varied ``setting``: "lr 0.05", "batch 32",
    "he_normal" (an initializer instance: its class and what differs from its defaults)."""
    if setting == "learning_rate":
        return f"lr {value:g}"
    if setting == "batch_size":
        return f"batch {value}"
    return initializer_name(value)


def initializer_name(value):
    """A Keras initializer's name: the name as given, or an instance's class name and the
    settings that differ from its class's defaults ("RandomNormal stddev=0.5")."""
    if isinstance(value, str):
        return value
    config = value.get_config()
    try:
        defaults = type(value)().get_config()
    except TypeError:  # a class without defaults for every argument
        defaults = {}
    changed = [f"{key}={config[key]:g}" if isinstance(config[key], float) else f"{key}={config[key]}"
               for key in config if key != "seed" and config[key] != defaults.get(key)]
    return " ".join([type(value).__name__, *changed])


def stated_rate(rate):
    """A learning rate from an optimizer's config as the scene wrote it: Keras keeps rates in
    float32 (0.01 becomes 0.009999999776), so a number is given back at float32's precision
    (0.01); a schedule's ``{"class_name", "config"}`` as it is."""
    return float(f"{rate:.7g}") if isinstance(rate, (int, float)) else rate


def with_momentum(spec, momentum, learning_rate):
    """``spec``'s full config with its momentum replaced by ``momentum``, or ``spec`` as it is
    when its optimizer has no momentum (Adam, Adagrad)."""
    if "momentum" not in optimizers.describe(optimizers.resolve(spec, learning_rate))["config"]:
        return spec
    config = optimizers.config_of(spec, learning_rate)
    config["config"]["momentum"] = float(momentum)
    return config


def with_values(scene, learning_rate=None, momentum=None, batch_size=None, start=None):
    """``scene`` with one value of a setting in place of its own (None: keep it): every
    optimizer at ``learning_rate`` (its own rate replaced too) and ``momentum`` (those that have
    one), the model's ``batch_size``, the surface's paths from ``start`` (x, y). What
    ``viz render --learning-rate ... --momentum ... --batch-size ... --start ...`` records.

    Raises:
        viz.errors.OptionError: the scene cannot take one of them.
    """
    changes = {}
    for keyword, value in (("learning_rate", learning_rate), ("momentum", momentum), ("batch_size", batch_size)):
        if value is not None and getattr(scene, "varied", None):
            raise OptionError(keyword, value, f"sets one value; this scene compares {scene.varied.replace('_', ' ')}s "
                                              "across its paths")
    rate = scene.learning_rate if learning_rate is None else float(learning_rate)
    specs = dict(scene.optimizers)
    try:
        if learning_rate is not None:
            specs = {label: optimizers.with_rate(spec, rate) for label, spec in specs.items()}
            changes["learning_rate"] = rate
        if momentum is not None:
            specs = {label: with_momentum(spec, momentum, rate) for label, spec in specs.items()}
    except SpecError as error:
        raise OptionError("learning_rate" if momentum is None else "momentum",
                          learning_rate if momentum is None else momentum, str(error)) from None
    changes["optimizers"] = specs
    problem = scene.problem
    if batch_size is not None:
        try:
            if not problem.fixed_steps:
                raise TypeError
            problem = dataclasses.replace(problem, batch_size=int(batch_size))
        except (TypeError, ValueError):  # a surface, or a problem of the user's without a batch size
            raise OptionError("batch_size", batch_size, "sets a model's batch size; this scene's problem has "
                                                        "none") from None
    if start is not None:
        if problem.fixed_steps:
            raise OptionError("start", ",".join(f"{v:g}" for v in start), "sets where a surface's paths start; a model starts from its seed's "
                                              "initial weights")
        try:
            problem = dataclasses.replace(problem, starts=(tuple(map(float, start)),))
        except SpecError as error:
            raise OptionError("start", ",".join(f"{v:g}" for v in start), str(error)) from None
    changes["problem"] = problem
    said = [f"{name} {value:g}" for name, value in (("lr", learning_rate), ("momentum", momentum),
                                                      ("batch", batch_size)) if value is not None]
    said += [f"start ({start[0]:g}, {start[1]:g})"] if start is not None else []
    if said:  # the scene's own title may name its own values: the frame says which were set
        changes["title"] = f"{scene.title} [{', '.join(said)}]"
    return dataclasses.replace(scene, **changes)
