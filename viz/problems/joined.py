"""A scene that compares a setting (learning rates, batch sizes, initializers) as one
recording: its paths, each recorded as its own one-path scene (:func:`alone`, in parts through
the executor: :func:`viz.sweep.spread_paths`), joined on one plane."""

import numpy as np

from viz.backend import load_keras
from viz.problems.fit import with_state
from viz.recording import Recording
from viz.varied import initializer_name


def alone(problem, scene, seed, paths, seeds, every, progress):
    """Each of ``paths`` of ``scene`` recorded as its one-path scene on ``problem``'s
    :meth:`~viz.problems.model.KerasModel.for_path`, without a plane (:func:`join` makes one
    of all), ``every`` step; a list of recordings, the same wherever they are made (each
    path's Keras objects named afresh: :func:`fresh_names`)."""
    problems = [problem.for_path(path) for path in paths]
    total, parts = sum(one.total_steps for one in problems) * seeds, []
    reuse = {} if scene.varied == "learning_rate" else None  # one compiled model per optimizer for its rates
    for path, one in zip(paths, problems):
        before = sum(part.steps * every for part in parts) * seeds
        parts.append(one.plain(scene.one_path(path, one), seed,
                               lambda done, _, before=before: progress(before + done, total), seeds, every,
                               view=False, reuse=reuse))
    return parts


def fresh_names():
    """Keras names its objects from counters of the process (``dense_7``): start them again, so
    that names (kept in a recording's weight names and optimizer configs) do not depend on what
    the process built before."""
    load_keras().backend.clear_session(free_memory=False)


def join(problem, scene, paths, parts, first):
    """One recording of ``parts`` (the one-path recordings of ``problem``, a
    :class:`~viz.problems.model.KerasModel`, in ``paths``' order) on the plane of all their paths,
    from ``first``, the model at the scene seed's initial weights. Paths of different lengths
    (batch sizes) are NaN-padded after their ends, with ``epoch`` saying where each point lies
    in epochs."""
    points = max(part.params.shape[1] for part in parts)

    def stacked(arrays, axis=1):
        return np.concatenate([_padded(array, points, axis) for array in arrays])

    params, loss = stacked([p.params for p in parts]), stacked([p.loss for p in parts])
    spread = {}
    if parts[0].spread:
        spread = {key: stacked([p.spread[key] for p in parts], 2) for key in parts[0].spread if key != "seeds"}
        spread["seeds"] = parts[0].spread["seeds"]
    spes = [part.steps_per_epoch for part in parts]
    epoch = None
    if len(set(spes)) > 1:  # time in epochs: each point's step over its path's steps per epoch
        epoch = stacked([p.optimizer_steps[None] / p.steps_per_epoch for p in parts])
    landscape = problem.landscape(first)
    meta = dict(parts[0].meta, learning_rate=scene.learning_rate, optimizers={}, paths=[])
    for path, part in zip(paths, parts):
        meta["optimizers"].update(part.meta["optimizers"])
        named = None if path.initializer is None else initializer_name(path.initializer)
        meta["paths"].append(dict(part.meta["paths"][0], optimizer=path.optimizer, initializer=named))
    if scene.batch_size:
        meta["batch_size"] = list(scene.batch_size)
    regions, hidden = dict(parts[0].regions), dict(parts[0].hidden)
    if regions:
        regions["outputs"] = stacked([p.regions["outputs"] for p in parts])
    for key in ("outputs", "line") if hidden else ():
        if key in hidden:
            hidden[key] = stacked([p.hidden[key] for p in parts])
    history = {key: np.concatenate([p.history[key] for p in parts]) for key in parts[0].history}
    samples = dict(parts[0].samples)
    for key in ("predicted", "confidence") if samples else ():
        samples[key] = stacked([p.samples[key] for p in parts])
    if samples:
        samples["predicted"] = np.nan_to_num(samples["predicted"], nan=-1).astype(np.int8)
    optional = {key: stacked([getattr(p, key) for p in parts]) if getattr(parts[0], key) is not None else None
                for key in ("accuracy", "grads", "state")}
    points = with_state(params, optional["state"])
    shown = problem.state_view(first, points, loss, spread, landscape)
    if optional["grads"] is None:  # the lesson keeps its gradients in full; a model, on the plane
        optional.update(problem.gradients(first, points, shown))
    return Recording(names=tuple(path.label for path in paths), params=params, loss=loss,
                     param_names=parts[0].param_names, plane=shown, steps_per_epoch=max(spes),
                     every=parts[0].every, last_step=max(p.last_step for p in parts), history=history, meta=meta,
                     regions=regions, data=parts[0].data, spread=spread, epoch=epoch, hidden=hidden,
                     samples=samples, path_steps=None if epoch is None else np.array([p.last_step for p in parts]),
                     **optional)



def _padded(array, points, axis):
    """``array`` NaN-padded along ``axis`` to ``points``."""
    width = [(0, 0)] * array.ndim
    width[axis] = (0, points - array.shape[axis])
    return np.pad(array.astype(np.float64 if array.dtype.kind != "f" else array.dtype), width,
                  constant_values=np.nan)
