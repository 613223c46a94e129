"""What each path of a recording is: its label, its optimizer, its learning rate, batch size
and initializer, from ``meta["paths"]`` (one dict per path, in path order) or, for a recording
made before fans of rates existed, one path per optimizer label as its meta describes it."""

from viz.render.rates import first_rate, is_schedule, rate_of


def paths_of(recording):
    """One dict per path: ``label``, ``optimizer`` (the scene's optimizer label),
    ``learning_rate`` (a number or a schedule's config), ``batch_size``, ``initializer``."""
    given = recording.meta.get("paths")
    if given:
        return [dict(path) for path in given]
    return [{"label": name, "optimizer": name,
             "learning_rate": rate_of(recording, name) if rate_of(recording, name) is not None
             else recording.meta.get("learning_rate"),
             "batch_size": recording.meta.get("batch_size"), "initializer": None}
            for name in recording.names]


def optimizer_config(recording, path):
    """The optimizer config (``{"class_name", "config"}``) of ``path`` (a :func:`paths_of`
    dict), under its optimizer's label or its own, or {} when the meta does not say."""
    configs = recording.meta.get("optimizers", {})
    return configs.get(path["optimizer"]) or configs.get(path["label"]) or {}


def number_rate(rate):
    """A learning rate as one number: itself, a schedule's rate at step 0, or None."""
    return first_rate(rate) if is_schedule(rate) else rate if isinstance(rate, (int, float)) else None
