"""The independent trainings inside one recording (the other initializations of ``--seeds``,
the learning-rate grid of ``--tune-lr``, the paths of a scene that compares a setting, such
as the explorer's grid) spread over the executor the door chose (:mod:`viz.executors`): local
processes with ``--jobs N``, or Ray tasks with ``--executor ray``. The problem trains each part
as it would train the whole, and the parts are joined in order, so the recording is the same.
A scene file's own code travels with its file (the executor loads it in the worker); where no
executor is set, or the training cannot travel (a lambda, a notebook's function), it runs here."""

import copyreg
import types
from contextlib import contextmanager
from dataclasses import replace

import numpy as np

_through = [None]  # the executor sweeps go through, set by the door for the job it runs here


def _proxy(mapping):
    return types.MappingProxyType(mapping)


def _mapping(proxy):
    return _proxy, (dict(proxy),)


copyreg.pickle(types.MappingProxyType, _mapping)  # a Scene's optimizers (read-only): pickled as a dict


@contextmanager
def through(executor):
    """Within the block, :func:`spread` sends its parts through ``executor`` (None: here)."""
    previous, _through[0] = _through[0], executor
    try:
        yield
    finally:
        _through[0] = previous


def spread(train, scene, seed, others, every, progress):
    """``train(scene, seed, others, every, progress)`` (an array [n_opt, len(others), ...]), in
    parts of ``others`` through the executor set by :func:`through`, joined in order.

    Args:
        train: a problem's bound method that trains from each of ``others`` seeds.
        scene, seed, every: as ``train`` takes them.
        others: the seeds.
        progress: ``progress(done, total)``; told as each part finishes when spread.

    Returns:
        What ``train`` returns for all of ``others``.
    """
    executor = _spreading(len(others), train, scene)
    if executor is None:
        return train(scene, seed, others, every, progress)
    return _joined(executor, others, lambda chunk: (train, scene, seed, chunk, every), _along(1), progress)


def spread_rates(final_losses, scene, seed, rates, progress):
    """``final_losses(scene, seed, rates, progress)`` ([n_opt, n_rates]: a problem's search of
    the learning ``rates``), the optimizers in parts through the executor set by
    :func:`through`, each part a scene of those optimizers alone, joined in order: each
    optimizer trains from the same initial weights wherever it runs, so the search is the same."""
    labels = list(scene.optimizers)
    executor = _spreading(len(labels), final_losses, scene)
    if executor is None:
        return final_losses(scene, seed, rates, progress)
    return _joined(executor, labels, lambda chunk: (final_losses, replace(
        scene, optimizers={label: scene.optimizers[label] for label in chunk}), seed, rates), _along(0), progress,
        len(rates))


def spread_paths(alone, scene, seed, paths, seeds, every, progress):
    """``alone(scene, seed, paths, seeds, every, progress)`` (a list: each of the scene's
    ``paths`` recorded as its one-path scene), in parts of ``paths`` through the executor set
    by :func:`through`, the lists joined in order. ``progress(done, total)`` counts steps here,
    paths when spread."""
    executor = _spreading(len(paths), alone, scene)
    if executor is None:
        return alone(scene, seed, paths, seeds, every, progress)
    return _joined(executor, paths, lambda chunk: (alone, scene, seed, chunk, seeds, every),
                   lambda parts: [one for part in parts for one in part], progress)


def _along(axis):
    return lambda results: np.concatenate(results, axis=axis)


def _spreading(count, function, scene):
    """The executor to spread ``count`` independent trainings over, or None: none is set, it
    has one slot, or ``function`` and ``scene`` cannot travel."""
    executor = _through[0]
    if executor is None or min(count, executor.slots) < 2 or not executor.travels(function, scene):
        return None
    return executor


def _joined(executor, items, task, join, progress, each=1):
    """``items`` in parts, one per slot, each ``task(part)`` = (function, *arguments) run
    through ``executor`` as ``function(*arguments, progress)``, the results joined in order by
    ``join``; ``progress(done, total)`` told as each part finishes (``each`` counted an item)."""
    size = -(-len(items) // min(len(items), executor.slots))
    chunks = [items[start:start + size] for start in range(0, len(items), size)]
    done, results = 0, [None] * len(chunks)
    for index, result in executor.map(_quietly, [task(chunk) for chunk in chunks]):
        results[index] = result
        done += len(chunks[index]) * each
        progress(done, len(items) * each)
    return join(results)


def _quietly(task):
    function, *arguments = task
    return function(*arguments, lambda done, total: None)

