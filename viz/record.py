"""Run a scene's optimizers and record every step. Never draws (no matplotlib here): each
problem records itself (see :mod:`viz.problems`)."""

from viz.problems.fit import no_progress


def record(scene, seed=None, progress=None, seeds=1):
    """Run every optimizer of ``scene`` and record every step.

    Args:
        scene: the :class:`~viz.scene.Scene`.
        seed: overrides ``scene.seed``; the same seed gives the same recording.
        progress: ``progress(done, total)``, called as training steps complete.
        seeds: > 1 (models only) also trains from the next ``seeds - 1`` seeds' initial
            weights, with the main run's batch order, into ``Recording.spread``.

    Returns:
        The :class:`~viz.recording.Recording`.
    """
    seed = scene.seed if seed is None else seed
    return scene.problem.record(scene, seed, progress or no_progress, seeds)

