"""What differs between a scene's paths: the optimizer, and the one setting a scene may give as a
list (learning rates, batch sizes, kernel initializers), in words for the paths' labels."""

from typing import NamedTuple


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
