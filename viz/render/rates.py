"""What each optimizer's learning rate is, in words for the legend ("lr 0.01", "lr 0.9 → halved
every 50 steps") and, for a schedule, step by step for the frame ("lr now 0.225")."""

import re

import numpy as np

from viz.recording import is_schedule, rate_of  # noqa: F401  (read here by the legend and path_info)


def _number(value):
    return f"{value:.3g}"


def words(rate):
    """The rate in words: "lr 0.01"; a schedule: "lr 0.9 → halved every 50 steps",
    "lr 0.9 → ×0.96 per 100 steps, smoothly", "lr 0.1 → 0.01 at step 100 → 0.001 at step 200",
    any other: "lr 0.9, cosine decay over 1000 steps" or "lr: polynomial decay"."""
    if not is_schedule(rate):
        return f"lr {_number(rate)}" if isinstance(rate, (int, float)) else ""
    name, config = rate["class_name"], rate.get("config", {})
    if name == "ExponentialDecay":
        factor = config["decay_rate"]
        change = {0.5: "halved", 0.1: "÷10", 2.0: "doubled"}.get(factor, f"×{factor:g}")
        if config.get("staircase"):
            return f"lr {_number(config['initial_learning_rate'])} → {change} every {config['decay_steps']:g} steps"
        return f"lr {_number(config['initial_learning_rate'])} → ×{factor:g} per {config['decay_steps']:g} steps, smoothly"
    if name == "PiecewiseConstantDecay":
        values, boundaries = config["values"], config["boundaries"]
        return "lr " + _number(values[0]) + "".join(f" → {_number(v)} at step {b:g}" for b, v in zip(boundaries, values[1:]))
    spoken = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()
    start = config.get("initial_learning_rate")
    over = config.get("decay_steps")
    return (f"lr {_number(start)}, {spoken}" if isinstance(start, (int, float)) else f"lr: {spoken}") + (
        f" over {over:g} steps" if isinstance(over, (int, float)) else "")


def first_rate(rate):
    """The rate at step 0 as written in the config (a schedule's initial rate), or None."""
    if is_schedule(rate):
        config = rate.get("config", {})
        start = config.get("initial_learning_rate", (config.get("values") or [None])[0])
        return start if isinstance(start, (int, float)) else None
    return rate if isinstance(rate, (int, float)) else None


def says_rate(label, rate):
    """Whether ``label`` already writes the rate ``rate`` ("Adam lr 0.01", "SGD, η = 0.30")."""
    if rate is None:
        return False
    for number in re.findall(r"(?i)(?:\blr|learning[ _]rate|η|\beta)\s*[=:]?\s*(\d*\.?\d+(?:e-?\d+)?)", label):
        if abs(float(number) - rate) <= 1e-6 * abs(rate):  # Keras keeps rates in float32
            return True
    return False


def legend_texts(recording, show_rates=None):
    """``{label: legend text}``: each label with its rate in words when the optimizers' rates
    differ or one follows a schedule (``show_rates`` True or False decides instead), unless the
    label already says it (a schedule's label that says its first rate and that it changes is
    kept as it is)."""
    labels = list(dict.fromkeys(recording.names))
    rates = {label: rate_of(recording, label) for label in labels}
    if show_rates is None:
        show_rates = any(map(is_schedule, rates.values())) or len(
            {r for r in rates.values() if isinstance(r, (int, float))}) > 1
    texts = {}
    for label, rate in rates.items():
        said, text = says_rate(label, first_rate(rate)), words(rate)
        if not show_rates or not text or (said and not is_schedule(rate)):
            texts[label] = label
        elif said:  # a schedule whose label says where it starts: only how it changes, if not said
            changes = re.search(r"(?i)step|epoch|decay|halv|schedul|cosine|→", label)
            rest = text.split(" ", 2)[2] if text.startswith("lr ") and text.count(" ") >= 2 else text
            texts[label] = label if changes else f"{label} {rest}"
        else:
            texts[label] = f"{label} {text}"
    return texts


def scheduled_rates(recording):
    """``{label: rates}`` for the optimizers that follow a schedule: the rate of the update that
    led to each recorded step ([steps+1]), as recorded (:func:`viz.record.schedule_rates`); a
    schedule Keras could not rebuild is left out."""
    if recording.rates is None:
        return {}
    return {label: recording.rates[index] for label in dict.fromkeys(recording.names)
            if np.isfinite(recording.rates[index := recording.names.index(label)]).all()}
