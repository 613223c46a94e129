"""A scene checked against the options, before anything trains: what its problem says it can
do, the options that change what is recorded, and the rules between a scene and the options
(:func:`checked_scene`). Every refusal names the scene (:func:`in_scene`)."""

import dataclasses

from viz.choices import LARGEST_SEED
from viz.errors import OptionError, SpecError
from viz.optimizers import with_rate
from viz.problems.cost import Budgets
from viz.render.text import check_glyphs
from viz.varied import with_values

ONE_VALUES = ("learning_rate", "momentum", "batch_size", "start")  # options setting one value of a scene's setting


def checked_scene(scene, name, options, drawn=None):
    """``scene`` (named ``name``) with the options that change what is recorded (``steps``, the
    one-value options), after asking its problem whether it can do what the ``options`` (read
    by the table) and the render options ``drawn`` (:class:`viz.render.options.Options`, or
    None for a recording only) ask. Raises :class:`~viz.errors.SpecError`
    (:class:`~viz.errors.OptionError` for an option) naming the scene."""
    seeds, first = options["seeds"], scene.seed if options["seed"] is None else options["seed"]
    try:
        budgets = model_budgets(options)
        if budgets is not None:
            if scene.problem.budgets is None:
                keyword = "time_budget" if options["time_budget"] is not None else "memory_budget"
                raise OptionError(keyword, options[keyword], "sets a keras_model's grid and recording stride; this "
                                  "scene's problem is small enough to be drawn in full")
            scene = dataclasses.replace(scene, problem=dataclasses.replace(scene.problem, budgets=budgets))
        layout = drawn.layout if drawn else None
        scene.problem.check(seeds=seeds, view=drawn.look.view if drawn else "2d",
                            boundary=layout.boundary if layout else False, hidden=layout.hidden if layout else False,
                            features=layout.features if layout and options["features"] is not None else None,
                            steps=options["steps"])
        if options["steps"] is not None:
            scene = dataclasses.replace(scene, steps=options["steps"])
        scene.problem.check_size(scene, options["tune_lr"], option=options["steps"] is not None)
        values = {name: options[name] for name in ONE_VALUES if options[name] is not None}
        if values:
            scene = with_values(scene, **values)
        if first + seeds - 1 > LARGEST_SEED:
            raise OptionError("seeds", seeds, f"from seed {first} goes past the largest seed, 2**32 - 1")
        _check_varied(scene, options, drawn)
        if options["plane"] != "pca":
            _check_plane(scene.problem, options["plane"])
        if drawn is not None:
            _check_drawn(scene, drawn, seeds)
        if options["tune_lr"]:
            try:
                for spec in scene.optimizers.values():
                    with_rate(spec, scene.learning_rate)
            except SpecError as error:  # a schedule: no one rate to tune
                raise OptionError("tune_lr", options["tune_lr"], str(error)) from None
    except SpecError as error:
        raise in_scene(error, name) from None
    return scene


def _check_drawn(scene, drawn, seeds):
    """Refuse what the render options ``drawn`` ask of ``scene`` that its recording (of
    ``seeds`` initializations) would not hold: pauses past its last step, text its font cannot
    draw, panels (the problem's ``check_panels``; the rates panel's two rates for each
    optimizer), gradient arrows from a problem that records no gradients."""
    pause_at = drawn.timing.pause_at
    beyond = [step for step in pause_at if step != "events" and step > scene.last_step]
    if beyond:
        raise OptionError("pause_at", ",".join(map(str, pause_at)),
                          f"step {beyond[0]} is past the scene's last step, {scene.last_step}")
    check_glyphs([scene.title, *scene.optimizers, *(scene.captions or {}).values()])
    layout = drawn.layout
    data_panel = ("boundary",) if layout.boundary else ("hidden",) if layout.hidden else ()
    scene.problem.check_panels(scene, (*data_panel, *layout.extras), seeds=seeds)
    if "rates" in layout.extras:
        from viz.render.panels.range_test import check_scene  # matplotlib: only with the rates panel

        check_scene(scene)
    if "gradient" in drawn.look.overlays and not scene.problem.records_gradients:
        raise OptionError("overlays", ",".join(drawn.look.overlays), "draws the loss's gradient; this scene's "
                          "problem records none (Problem.records_gradients)")


def model_budgets(settings):
    """The ``time_budget`` (seconds of evaluation besides training) and ``memory_budget`` (bytes of
    recorded weights) -> a :class:`~viz.problems.cost.Budgets`, or None when neither is given."""
    time, memory, default = settings["time_budget"], settings["memory_budget"], Budgets()
    if time is None and memory is None:
        return None
    return Budgets(default.time if time is None else time, default.memory if memory is None else memory)


def _check_varied(scene, options, drawn):
    """Refuse what a scene comparing a setting cannot do: tuning its rates, several
    initializations or a sequence of paths of different lengths (batch sizes)."""
    if scene.varied and options["tune_lr"]:
        raise OptionError("tune_lr", options["tune_lr"], f"tunes each optimizer's one rate; this scene compares "
                          f"{scene.varied.replace('_', ' ')}s across its paths")
    if scene.varied == "batch_size" and options["seeds"] > 1:
        raise OptionError("seeds", options["seeds"], "cannot be combined with a list of batch sizes yet")
    if scene.varied == "batch_size" and drawn is not None and drawn.timing.sequence:
        raise OptionError("sequence", True, "plays optimizers in turn; this scene's batch sizes run side by side, "
                          "in epochs")


def _check_plane(problem, kind):
    """Refuse a ``plane`` other than pca where there is none to choose: a surface (its view
    is the surface), the lesson on two named weights."""
    if not problem.fixed_steps:
        raise OptionError("plane", kind, "chooses a model's plane through its weights; a surface's view is "
                                         "the surface itself")
    if problem.axes:
        raise OptionError("plane", kind, "the scene's problem draws two named weights as axes (axes=...)")


def in_scene(error, name):
    """``error`` (a :class:`SpecError`, or an :class:`OptionError` keeping its keyword) saying
    which scene it is about."""
    if isinstance(error, OptionError):
        return OptionError(error.keyword, error.value, f"scene {name!r}: {error.reason}")
    return SpecError(f"scene {name!r}: {error}")
