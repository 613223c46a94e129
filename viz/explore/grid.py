"""The explorer's grid of recorded runs: every combination of the varied settings' values,
recorded with the pipeline's own code and cache (:meth:`viz.pipeline.Job._recording`), as
few recordings as the settings allow: a recording per batch size and seed, holding every
optimizer at every learning rate and momentum as the paths of one scene (recorded together:
a surface's paths in one compiled loop), then all of them on one plane. Their trainings go
through the executor the door chose: several missing recordings as tasks of their own, one
recording's paths in parts (:func:`viz.sweep.spread_paths`)."""

import dataclasses
import itertools
import math

import numpy as np

from viz import executors, pipeline, sweep
from viz.checks import in_scene
from viz.divergence import diverged_steps
from viz.errors import OptionError, SpecError
from viz.problems.logreg import LogReg
from viz.record import record as viz_record
from viz.store import cache
from viz.varied import with_momentum, with_values

SETTINGS = ("learning_rate", "momentum", "batch_size", "seed")
MOMENTUM = "\t momentum "  # joins an optimizer's label and a momentum in the grid scene's labels
MAX_CELLS = 400


def parse(vary):
    """``vary`` (``["learning_rate=1e-3:1:13", "momentum=0,0.5,0.9"]`` or a dict of setting ->
    values, a list or that text) -> {setting: tuple of values}, in the order given.

    ``a:b:n`` is n learning rates spaced evenly in log from a to b, both included.

    Raises:
        viz.errors.OptionError: an unknown setting, a value out of range, nothing to vary.
    """
    items = list(vary.items()) if hasattr(vary, "items") else [_split(item) for item in
                                                              ([vary] if isinstance(vary, str) else vary or ())]
    values = {}
    for setting, given in items:
        if setting not in SETTINGS:
            raise OptionError("vary", f"{setting}=...", f"varies one of {', '.join(SETTINGS)}")
        if setting in values:
            raise OptionError("vary", f"{setting}=...", "names this setting twice")
        values[setting] = _values(setting, given)
    if not values:
        raise OptionError("vary", None, "is needed: e.g. learning_rate=1e-3:1:13")
    cells = math.prod(len(v) for v in values.values())
    if cells > MAX_CELLS:
        raise OptionError("vary", " ".join(f"{k}=..." for k in values), f"makes {cells} combinations; at most "
                                                                         f"{MAX_CELLS}")
    return values


def _split(item):
    setting, equals, given = str(item).partition("=")
    if not equals or not given.strip():
        raise OptionError("vary", item, "is SETTING=VALUES, e.g. learning_rate=0.001,0.01,0.1 or momentum=0,0.9")
    return setting.strip(), given.strip()


def _values(setting, given):
    """The sorted values of ``setting`` from a list or text (``"a,b,c"``; ``"a:b:n"`` for rates)."""
    text = f"{setting}={given}"
    try:
        if isinstance(given, str) and given.count(":") == 2 and setting == "learning_rate":
            low, high, count = given.split(":")
            low, high, count = float(low), float(high), int(count)
            if not (0 < low < high and 2 <= count <= 100):
                raise ValueError
            numbers = np.geomspace(low, high, count)
            numbers = [float(f"{value:.4g}") for value in numbers]  # rates as a lecturer writes them
        else:
            parts = given.split(",") if isinstance(given, str) else list(given)
            kind = int if setting in ("batch_size", "seed") else float
            numbers = [kind(str(part).strip()) if kind is int else float(part) for part in parts]
    except (TypeError, ValueError):
        raise OptionError("vary", text, _RULES[setting]) from None
    least, most = {"learning_rate": (0, math.inf), "momentum": (0, 1), "batch_size": (1, math.inf),
                   "seed": (0, 2**32 - 1)}[setting]
    if not numbers or len(set(numbers)) < len(numbers) or not all(
            math.isfinite(n) and least <= n <= most and (n > 0 or setting != "learning_rate") for n in numbers):
        raise OptionError("vary", text, _RULES[setting])
    return tuple(sorted(numbers))


_RULES = {
    "learning_rate": "takes different positive rates, 0.001,0.01,0.1, or a:b:n (n from 2 to 100 rates from a to b, "
                     "spaced in log)",
    "momentum": "takes different numbers from 0 to 1",
    "batch_size": "takes different positive whole numbers",
    "seed": "takes different whole numbers from 0 to 2**32 - 1",
}


@dataclasses.dataclass(frozen=True)
class Grid:
    """The recorded runs: ``values`` {setting: values}; ``labels`` the paths shown (the scene's
    optimizers, each once per start of a surface with several) and ``optimizers`` their optimizers;
    ``runs[cell][o]`` the index into ``xy``/``loss``/... of optimizer ``o``'s run in ``cell``
    (cells in the row-major order of ``values``); each run's ``xy`` [points, 2] on one
    ``plane``, ``loss`` [points], ``accuracy`` or None, ``steps`` (the optimizer step of
    each point), ``diverged`` (the step or None), ``left`` (whether it leaves the view) and the
    Keras ``configs`` it ran with; whether anything was ``trained`` (else all came from the cache)."""

    values: dict
    labels: tuple
    optimizers: tuple
    runs: list
    xy: list
    loss: list
    accuracy: list
    steps: list
    diverged: list
    left: list
    configs: list
    plane: object
    recordings: list
    steps_per_epoch: int
    trained: bool

    @property
    def cells(self):
        return list(itertools.product(*self.values.values()))


def scenes(scene, values):
    """The scenes to record, one per (batch size, seed): {(batch, seed): scene}, each holding
    every optimizer at every varied learning rate and momentum as its paths."""

    rates, momenta = values.get("learning_rate"), values.get("momentum")
    rate = scene.learning_rate
    planned = {}
    for batch in values.get("batch_size", (None,)):
        for seed in values.get("seed", (None,)):
            one = with_values(scene, batch_size=batch)
            specs = {}
            for label, spec in one.optimizers.items():
                for momentum in momenta or (None,):
                    changed = spec if momentum is None else with_momentum(spec, momentum, rate)
                    if momentum is not None and changed is spec:  # no momentum of its own: once
                        specs.setdefault(label, spec)
                    else:
                        specs[label if momentum is None else f"{label}{MOMENTUM}{momentum!r}"] = changed
            planned[batch, seed] = dataclasses.replace(one, title=scene.title, optimizers=specs,
                                                       learning_rate=list(rates) if rates else rate)
    return planned


def record(job, values, progress, say, executor=None):
    """Every combination of ``values`` for ``job``'s scene (a :class:`viz.pipeline.Job`,
    whose settings say whether to use the cache), on one plane, trained through ``executor``
    (:mod:`viz.executors`; None: here).

    Returns:
        The :class:`Grid`.
    """

    scene = job.scene
    planned = scenes(scene, values)
    jobs = {(batch, seed): dataclasses.replace(job, settings=dict(job.settings, seed=job.settings["seed"]
                                                                  if seed is None else seed))
            for batch, seed in planned}
    recordings, trained = _recordings(jobs, planned, executor, progress, say)
    ordered = list(recordings.values())
    xy = _one_plane(scene.problem, ordered, job)
    starts = len(getattr(scene.problem, "starts", ())) or 1  # a surface's paths: each optimizer from each start
    index, offset = {}, 0
    for (batch, seed), recording in recordings.items():
        for i, path in enumerate(planned[batch, seed].paths()):
            label, _, momentum = path.optimizer.partition(MOMENTUM)
            for start in range(starts):
                index[batch, seed, label, float(momentum) if momentum else None, path.learning_rate, start] = \
                    offset + i * starts + start
        offset += len(recording.names)
    flat = _flat(ordered, xy)
    diverged = [step for recording in ordered for step in diverged_steps(recording)]
    optimizers = [label for label in scene.optimizers for _ in range(starts)]
    labels = tuple(optimizers if starts == 1 else
                   [f"{label}, start {start + 1}" for label in scene.optimizers for start in range(starts)])
    names = list(values)
    runs = []
    for cell in itertools.product(*values.values()):
        given = dict(zip(names, cell))
        row = []
        for number, label in enumerate(optimizers):
            momentum = given.get("momentum")
            key = (given.get("batch_size"), given.get("seed"), label, momentum, given.get("learning_rate"),
                   number % starts)
            if key not in index:  # an optimizer without a momentum: its one run
                key = key[:3] + (None,) + key[4:]
            row.append(index[key])
        runs.append(row)
    configs = [config for recording in ordered for config in
               (recording.meta["optimizers"][name] for name in recording.names)]
    first = ordered[0]
    return Grid(values, labels, tuple(optimizers), runs, flat["xy"], flat["loss"], flat["accuracy"], flat["steps"], diverged,
                flat["left"], configs, first.plane if len(ordered) == 1 else xy.plane, ordered,
                first.steps_per_epoch, trained)


def _recordings(jobs, planned, executor, progress, say):
    """{(batch, seed): recording} of the ``planned`` scenes, from the cache or trained, and
    whether any was trained. Where several are to be trained and ``executor`` has room, each is
    a task of its own; else they are trained here one after the other, each spreading its
    independent trainings (the paths of its learning rates and momenta) over ``executor``."""
    folder = pipeline.OUTPUT_FOLDER / pipeline.CACHE
    keys = {key: jobs[key]._cache_key(one) for key, one in planned.items()}
    missing = [key for key in planned if keys[key] is None or not (folder / f"{keys[key]}.npz").is_file()]
    tasks = [(planned[key], jobs[key]._seed, executor is not None and executor.remote) for key in missing]
    made = {}
    if executor is not None and min(len(missing), executor.slots) >= 2 and executor.travels(_recorded, tasks[0]):
        with progress(f"recording {len(missing)} recordings of the grid") as report:
            try:
                for index, recording in executor.map(_recorded, tasks):
                    made[missing[index]] = recording
                    report(len(made), len(missing))
            except SpecError as error:  # as the pipeline says it, naming the scene
                raise in_scene(error, jobs[missing[0]].name) from None
        for key, recording in made.items():
            if keys[key] is not None:
                try:
                    cache.store(folder, keys[key], recording)
                except OSError as error:
                    say(f"warning: cannot cache the recording in {folder}: {error.strerror}", err=True)
    recordings, trained = {}, bool(made)
    with sweep.through(executor):
        for key, one in planned.items():
            if key in made:
                recordings[key] = made[key]
                continue
            recordings[key], fresh = jobs[key]._recording(one, progress, say)
            trained = trained or fresh
    return recordings, trained


def _recorded(task):
    """One scene of the grid recorded in a worker (on Ray, its own trainings spread as tasks of
    their own)."""
    scene, seed, on_ray = task
    with sweep.through(executors.within_ray() if on_ray else None):
        return viz_record(scene, seed=seed)


@dataclasses.dataclass
class _Shared:
    plane: object
    xy: list


def _one_plane(problem, recordings, job):
    """The paths of every recording on one plane: a surface's own, one recording's, or the
    plane of all the model's paths together (seeds and batch sizes)."""
    if len(recordings) == 1 or not problem.fixed_steps:
        return _Shared(recordings[0].plane, [xy for r in recordings for xy in r.plane.xy])
    model = problem.preset() if isinstance(problem, LogReg) else problem
    first = model.first_model(job.scene.seed)
    points = max(r.params.shape[1] for r in recordings)
    params = np.concatenate([_padded(r.params, points) for r in recordings])
    loss = np.concatenate([_padded(r.loss, points) for r in recordings])
    view = model.view(first, params, loss, model.landscape(first))
    lengths = [r.params.shape[1] for r in recordings for _ in r.names]
    return _Shared(view, [xy[:length] for xy, length in zip(view.xy, lengths)])


def _padded(array, points):
    width = [(0, 0)] * array.ndim
    width[1] = (0, points - array.shape[1])
    return np.pad(array, width, constant_values=np.nan)


def _flat(recordings, shared):
    """Each run's arrays, in the recordings' path order."""
    plane = shared.plane
    low = np.array([plane.grid_x.min(), plane.grid_y.min()])
    high = np.array([plane.grid_x.max(), plane.grid_y.max()])
    flat = {"xy": list(shared.xy), "loss": [], "accuracy": [], "steps": [], "left": []}
    for recording in recordings:
        steps = recording.optimizer_steps
        for i in range(len(recording.names)):
            flat["loss"].append(recording.loss[i])
            flat["accuracy"].append(None if recording.accuracy is None else recording.accuracy[i])
            flat["steps"].append(steps)
    for xy in flat["xy"]:
        finite = xy[np.isfinite(xy).all(axis=1)]
        flat["left"].append(bool(((finite < low) | (finite > high)).any()))
    return flat
