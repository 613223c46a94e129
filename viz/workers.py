"""Render jobs one after the other, or several at once in worker processes. A worker is started
with 'spawn' (TensorFlow does not survive a fork) and plans its job again from the same scene
file and options, so every file is byte for byte what a run one after the other writes.
Ctrl-C and SIGTERM stop every worker, and each removes its unfinished file on the way out."""

import multiprocessing
import signal
from pathlib import Path

from viz import pipeline


def run(jobs, options, workers=1, progress=pipeline._no_progress, say=pipeline._silent):
    """Run the ``jobs`` that ``pipeline.plan(..., **options)`` made, in ``workers`` processes.

    Args:
        jobs: the planned :class:`~viz.pipeline.Job` list.
        options: the render keywords they were planned with (as in ``viz.settings.DEFAULTS``).
        workers: how many processes; 1 runs the jobs here, in order. Jobs of a
            :class:`~viz.Scene` given as an object (no scene file to plan from) run here too.
        progress, say: as for :meth:`~viz.pipeline.Job.run`; a worker shows no progress bar,
            and what it says is said here when its job is done.

    Yields:
        ``(job, report)`` as each job finishes: in order with one worker, else as they come.
    """
    if workers == 1 or len(jobs) < 2 or any(job.scene_file is None for job in jobs):
        for job in jobs:
            yield job, _named(job.run, job.name, progress, say)
        return
    tasks = [(index, str(job.scene_file), job.name, str(job.path), options, str(pipeline.OUTPUT_FOLDER))
             for index, job in enumerate(jobs)]
    pool = multiprocessing.get_context("spawn").Pool(min(workers, len(jobs)), initializer=_started)
    try:
        for index, report, said in pool.imap_unordered(_run, tasks):
            for text, err in said:
                say(text, err)
            yield jobs[index], report
        pool.close()
    finally:
        pool.terminate()  # SIGTERM: each worker still busy deletes its unfinished file (see _stop)
        pool.join()


def _started():
    """A worker leaves Ctrl-C to the main process, which stops it with SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)


def _stop(signum, frame):
    raise SystemExit(143)  # unwinds the job: its unfinished file and encoder go on the way out


def _run(task):
    """One job in a worker: planned again from its scene file, run, and what it said."""
    index, scene_file, name, path, options, outputs = task
    pipeline.OUTPUT_FOLDER = Path(outputs)  # the cache where the main process has it
    said = []
    job, = pipeline.plan(scene_file, path, scene=name, **options)
    report = _named(job.run, name, say=lambda text, err=False: said.append((text, err)))
    return index, report, said


def _named(run, name, *args, **kwargs):
    """``run(...)``; an error it raises carries the scene's name as ``viz_scene``."""
    try:
        return run(*args, **kwargs)
    except Exception as error:
        error.viz_scene = name
        raise
