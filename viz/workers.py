"""Render jobs one after the other, or several at once in worker processes. A worker is started
with 'spawn' (TensorFlow does not survive a fork), takes jobs one at a time over a pipe of its
own and plans each again from the same scene file and options, so every file is byte for byte
what a run one after the other writes. Ctrl-C and SIGTERM stop every worker: each removes its
unfinished file on the way out, and one that does not leave in time is killed."""

import multiprocessing
import os
import signal
from multiprocessing.connection import wait
from pathlib import Path

from viz import pipeline, signals
from viz.errors import SceneFailed, VizError

GRACE = 30  # seconds a stopped worker has to leave (a compiled training loop finishes its call first)


def run(jobs, options, workers=1, progress=pipeline._no_progress, say=pipeline._silent):
    """Run the ``jobs`` that ``pipeline.plan(..., **options)`` made, in ``workers`` processes.

    Args:
        jobs: the planned :class:`~viz.pipeline.Job` list.
        options: the render keywords they were planned with (as in ``viz.options.DEFAULTS``).
        workers: how many processes; 1 runs the jobs here, in order. Jobs of a
            :class:`~viz.Scene` given as an object (no scene file to plan from) run here too.
        progress, say: as for :meth:`~viz.pipeline.Job.run`; a worker shows no progress bar,
            and what it says is said here when its job is done.

    Yields:
        ``(job, report)`` as each job finishes: in order with one worker, else as they come.
        An error a job raises carries the scene's name as ``viz_scene``.
    """
    if workers == 1 or len(jobs) < 2 or any(job.scene_file is None for job in jobs):
        for job in jobs:
            yield job, _named(job.run, job.scene_file, job.name, progress, say)
        return
    waiting = [(index, str(job.scene_file), job.name, str(job.path), options, str(pipeline.OUTPUT_FOLDER))
               for index, job in enumerate(jobs)]
    context = multiprocessing.get_context("spawn")
    started = []
    try:
        for _ in range(min(workers, len(jobs))):
            ours, theirs = context.Pipe()
            process = context.Process(target=_work, args=(theirs,), daemon=True)
            process.start()
            theirs.close()
            started.append((process, ours))
        idle = [connection for _, connection in started]
        busy = 0
        while waiting or busy:
            while waiting and idle:
                idle.pop().send(waiting.pop(0))
                busy += 1
            for connection in wait([c for _, c in started if c not in idle]):
                try:
                    index, report, said, error = connection.recv()
                except EOFError:  # the worker died without a word (killed from outside)
                    raise RuntimeError("a worker process ended unexpectedly") from None
                idle.append(connection)
                busy -= 1
                for text, err in said:
                    say(text, err)
                if error is not None:
                    raise error
                yield jobs[index], report
        for _, connection in started:
            connection.send(None)  # done: the workers leave
    finally:
        _stop(started)


def _stop(started):
    """Stop the workers still running (SIGTERM: each deletes its unfinished file), then kill any
    that has not left within :data:`GRACE` seconds."""
    for process, _ in started:
        if process.is_alive():
            process.terminate()
    for process, connection in started:
        process.join(GRACE)
        if process.is_alive():
            process.kill()
            process.join()
        connection.close()


def _work(connection):
    """A worker: run the tasks that come over ``connection`` until None comes, or SIGTERM.
    Ctrl-C is left to the main process, which stops the workers with SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with signals.handled():  # SIGTERM unwinds the job it is running, so its unfinished file is removed
            while (task := connection.recv()) is not None:
                connection.send(_run(task))
    except (signals.Terminated, EOFError):
        pass
    connection.close()
    os._exit(0)  # no interpreter shutdown: TensorFlow's threads can hang it after a signal


def _run(task):
    """One job in a worker, planned again from its scene file: (index, report, what it said,
    the error it raised or None)."""
    index, scene_file, name, path, options, outputs = task
    pipeline.OUTPUT_FOLDER = Path(outputs)  # the cache where the main process has it
    said = []
    try:
        job, = pipeline.plan(scene_file, path, scene=name, **options)
        report = _named(job.run, scene_file, name, say=lambda text, err=False: said.append((text, err)))
    except Exception as error:  # sent back as viz words it: an error of TensorFlow's would load it here
        return index, None, said, error if isinstance(error, VizError) else SceneFailed.of(error, scene_file, name)
    return index, report, said, None


def _named(run, scene_file, name, *args, **kwargs):
    """``run(...)``; an error it raises carries the scene's name as ``viz_scene``, and one of the
    scene's own code (not one viz words) becomes a :class:`SceneFailed` naming file and scene."""
    try:
        return run(*args, **kwargs)
    except VizError as error:
        error.viz_scene = name
        raise
    except (Exception, SystemExit) as error:  # sys.exit() in the scene's own code is its failure, not viz's end
        failed = SceneFailed.of(error, scene_file, name)
        failed.viz_scene = name
        raise failed from error
