"""Run a scene's optimizers and record every step. Never draws (no matplotlib here): each
problem records itself (see :mod:`viz.problems`); then the problem's curvature adds why the
paths move as they do: the sharpness at every point, the plane asked for, the loss along
straight lines from the start."""

import dataclasses

import numpy as np

from viz import line, plane as planes
from viz.backend import load_keras
from viz.problems.fit import no_progress, with_state
from viz.recording import is_schedule, rate_of


def record(scene, seed=None, progress=None, seeds=1, plane="pca"):
    """Run every optimizer of ``scene`` and record every step.

    Args:
        scene: the :class:`~viz.scene.Scene`.
        seed: overrides ``scene.seed``; the same seed gives the same recording.
        progress: ``progress(done, total)``, called as training steps complete.
        seeds: > 1 (models only) also trains from the next ``seeds - 1`` seeds' initial
            weights, with the main run's batch order, into ``Recording.spread``.
        plane: a model's 2D view: "pca" (the paths' principal plane), "hessian" (the
            Hessian's top two eigenvectors at the best end point) or "random" (two
            filter-normalized random directions, seeded by ``seed``).

    Returns:
        The :class:`~viz.recording.Recording`.
    """
    seed = scene.seed if seed is None else seed
    recording = schedule_rates(scene.problem.record(scene, seed, progress or no_progress, seeds))
    curvature = scene.problem.curvature(seed)
    if curvature is None:  # e.g. a problem of the user's own making: as it recorded itself
        return recording
    return with_curvature(recording, curvature, plane, seed)


def with_curvature(recording, curvature, kind="pca", seed=0):
    """``recording`` with its sharpness (``meta["sharpness_every"]``: the recorded steps
    between the points where it was computed), the plane of ``kind`` (``meta["plane"]``) and
    the loss along straight lines from the start (:mod:`viz.line`), from the problem's
    ``curvature`` (:mod:`viz.sharpness`). What the time budget left out, ``meta`` says
    (``no_sharpness``, ``no_lines``)."""
    sharpness, every = curvature.sharpness(recording.params)
    view, grads_on_plane = recording.plane, recording.grads_on_plane
    if kind != "pca" and curvature.planes:
        view = other_plane(recording, curvature, kind, seed)
        if grads_on_plane is not None:  # the arrows: the gradient on this plane, not the principal one's
            grads_on_plane = planes.projected_gradients(curvature.slope, with_state(recording.params, recording.state),
                                                        view.basis)
    lines = line.lines(recording.params, curvature.loss, curvature.loss_seconds, curvature.line_seconds)
    meta = {**recording.meta, "sharpness_every": every, "plane": view.kind}
    budget = f"not computed within the time budget (time_budget={recording.meta.get('time_budget')} s): raise it"
    meta.update({key: budget for key, missing in (("no_sharpness", not every), ("no_lines", not lines)) if missing})
    if curvature.off:
        meta["no_sharpness"] = "switched off (keras_model(..., sharpness=False))"
    return dataclasses.replace(recording, sharpness=sharpness, plane=view, meta=meta, line=lines,
                               grads_on_plane=grads_on_plane)


def other_plane(recording, curvature, kind, seed=0):
    """The plane of ``kind`` ("hessian" or "random") through the best end point of the paths
    (every initialization's, with several), the recording's paths projected onto it."""
    spread = recording.spread
    params = spread["params"].reshape(-1, *spread["params"].shape[2:]) if spread else recording.params
    loss = spread["loss"].reshape(-1, spread["loss"].shape[-1]) if spread else recording.loss
    origin = planes.best_end(params, loss)
    if kind == "hessian":
        values, basis = curvature.top_directions(origin)
        names = tuple(f"Hessian eigenvector {i + 1} (λ {value:.3g})" for i, value in enumerate(values))
    else:
        basis = planes.random_directions(origin, curvature.shapes, seed)
        names = ("random direction 1", "random direction 2")
    return planes.plane(params, loss, curvature.loss, recording.param_names, resolution=curvature.resolution,
                        basis=basis, kind=kind, names=names, shown=recording.params)


def schedule_rates(recording):
    """``recording`` with ``rates`` [n_paths, steps+1] when an optimizer follows a schedule: the
    rate of the update that led to each recorded step (step 0: the first update's), computed by
    Keras from the schedule's config (NaN for the other paths, and for a schedule Keras cannot
    rebuild), so that drawing it needs no Keras. Without schedules, ``recording`` as it is."""
    wanted = {label: rate for label in dict.fromkeys(recording.names)
              if is_schedule(rate := rate_of(recording, label))}
    if not wanted:
        return recording
    keras = load_keras()
    updates = np.maximum(recording.optimizer_steps - 1, 0)
    rates = np.full((len(recording.names), len(updates)), np.nan)
    for label, rate in wanted.items():
        try:
            schedule, steps = keras.optimizers.schedules.deserialize(rate), np.unique(updates)
            try:  # the built-in schedules take all steps at once
                values = np.asarray(keras.ops.convert_to_numpy(schedule(steps.astype("float32"))), float)
            except Exception:
                values = np.array([])
            if values.shape != steps.shape:
                values = np.array([float(schedule(int(step))) for step in steps])
        except Exception:  # a custom schedule Keras cannot rebuild: no rate on the frame
            continue
        rates[[name == label for name in recording.names]] = values[np.searchsorted(steps, updates)]
    return dataclasses.replace(recording, rates=rates)
