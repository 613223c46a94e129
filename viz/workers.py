"""Render jobs through an executor (:mod:`viz.executors`): here one after the other, in local
worker processes, or as tasks on a Ray cluster. A local worker plans each job again from the
same scene file and options, so every file is byte for byte what a run one after the other
writes. On Ray, a task gets the scene file's text (and its folder's other ``.py`` files), the
recording this machine has cached for it, and sends back what it made for the two stores
(the recording, the rendered output); this machine then writes the outputs from its stores,
as a build that finds them there does, so the files are the same bytes as a local build's."""

import dataclasses
import json
import tempfile
from pathlib import Path

from viz import executors, pipeline, sweep
from viz.errors import OptionError, SceneFailed, VizError
from viz.store import manifest
from viz.store.atomic import atomic_folder, atomic_path

STORES = (pipeline.CACHE, pipeline.RENDERED)  # the folders under OUTPUT_FOLDER that a Ray task fills


def executor(options, workers=1):
    """The executor the render keywords ``options`` ask for (``executor``, ``address``), with
    ``workers`` local processes; a Ray cluster is reached now, before anything is written.
    Raises :class:`~viz.errors.OptionError` or :class:`~viz.errors.VizError` (unreachable)."""
    if options.get("executor") == "ray" and not options.get("cache", True):
        raise OptionError("cache", False, "a Ray cluster sends its results back through the cache: "
                                          "leave --no-cache out with --executor ray")
    return executors.get(options.get("executor") or "processes", workers, options.get("address"))


def run(jobs, options, workers=1, progress=pipeline._no_progress, say=pipeline._silent):
    """Run the ``jobs`` that ``pipeline.plan(..., **options)`` made, where ``options`` say
    (``executor``: local processes, or Ray at ``address``).

    Args:
        jobs: the planned :class:`~viz.pipeline.Job` list.
        options: the render keywords they were planned with (as in ``viz.options.DEFAULTS``).
        workers: how many local processes; 1 runs the jobs here, in order. Jobs of a
            :class:`~viz.Scene` given as an object (no scene file to plan from) run here too.
        progress, say: as for :meth:`~viz.pipeline.Job.run`; a worker shows no progress bar,
            and what it says is said here when its job is done.

    Yields:
        ``(job, report)`` as each job finishes: in order here, else as they come. An error a
        job raises carries the scene's name as ``viz_scene``.
    """
    asked = running = executor(options, workers)
    if any(job.scene_file is None for job in jobs) or (not running.remote and len(jobs) < 2):
        running = executors.Here()
    if running.workers == 1:  # here, in order, with progress bars; a job's sweeps go where asked
        with sweep.through(asked if len(jobs) == 1 else None):
            for index, report in running.map(lambda job: _named(job.run, job.scene_file, job.name, progress, say),
                                             jobs):
                yield jobs[index], report
        return
    if running.remote:
        yield from _away(jobs, options, running, progress, say)
        return
    tasks = [(str(job.scene_file), job.name, str(job.path), options, str(pipeline.OUTPUT_FOLDER)) for job in jobs]
    for index, (report, said, error) in running.map(_run, tasks):
        for text, err in said:
            say(text, err)
        if error is not None:
            raise error
        yield jobs[index], report


def _run(task):
    """One job in a local worker, planned again from its scene file: (report, what it said, the
    error it raised or None)."""
    scene_file, name, path, options, outputs = task
    pipeline.OUTPUT_FOLDER = Path(outputs)  # the cache where the main process has it
    said = []
    try:
        job, = pipeline.plan(scene_file, path, scene=name, **options)
        report = _named(job.run, scene_file, name, say=lambda text, err=False: said.append((text, err)))
    except Exception as error:  # sent back in viz's words: unpickling TensorFlow's own error would load it here
        return None, said, error if isinstance(error, VizError) else SceneFailed.of(error, scene_file, name)
    return report, said, None


class _Missing(Exception):
    """A job would record or render: it goes to the cluster."""


def _refused(label):
    raise _Missing(label)


def _away(jobs, options, running, progress, say):
    """The jobs through a Ray cluster: each one this machine's stores already hold is written
    here; the others run as tasks, and each is written here from what its task sent back."""
    missing = []
    for job in jobs:
        said = []
        try:
            report = job.run(progress=_refused, say=lambda text, err=False: said.append((text, err)))
        except _Missing:
            missing.append(job)
            continue
        except Exception:  # a job that fails here fails the same way below, named
            missing.append(job)
            continue
        for text, err in said:
            say(text, err)
        yield job, report
    tasks = [(job.scene_file.name, _sources(job.scene_file), str(job.scene_file), job.name, job.path.name, options,
              _cached(job)) for job in missing]
    for index, (made, error) in running.map(_remote, tasks):
        if error is not None:
            raise error
        job = missing[index]
        _keep(made["files"])
        report = _named(job.run, job.scene_file, job.name, progress, say)
        if report.reused and not made["reused"]:  # drawn by the cluster for this build: as a local build says
            written = json.loads(report.manifest.read_text())
            manifest.write(job.path, {**written, "reused": False})
        yield job, dataclasses.replace(report, trained=made["trained"], reused=made["reused"],
                                       record_seconds=made["record_seconds"], render_seconds=made["render_seconds"])


def _sources(scene_file):
    """The scene file's folder's ``.py`` files ({name: bytes}): the scene file and what it imports beside it."""
    return {path.name: path.read_bytes() for path in sorted(Path(scene_file).parent.glob("*.py"))}


def _cached(job):
    """This machine's cache entries of ``job``'s recording ({path under OUTPUT_FOLDER: bytes})."""
    key = job._cache_key(job.scene)
    folder = pipeline.OUTPUT_FOLDER / pipeline.CACHE
    return {f"{pipeline.CACHE}/{path.name}": path.read_bytes()
            for path in ([folder / f"{key}.npz", folder / f"{key}.tuning.json"] if key else []) if path.is_file()}


def _remote(task):
    """One job on a Ray worker, in a folder of its own: the scene file written there, this
    machine's cache entries too; returns (what it made: the new store files as {path under
    OUTPUT_FOLDER: bytes}, whether it trained or reused and the seconds, or None; the error
    or None)."""
    file_name, sources, scene_file, name, output_name, options, cached = task
    with tempfile.TemporaryDirectory(prefix="viz-task-") as folder:
        folder = Path(folder)
        (folder / "scenes").mkdir()
        for source, data in sources.items():
            (folder / "scenes" / source).write_bytes(data)
        pipeline.OUTPUT_FOLDER = outputs = folder / "outputs"
        for relative, data in cached.items():
            (outputs / relative).parent.mkdir(parents=True, exist_ok=True)
            (outputs / relative).write_bytes(data)
        try:
            job, = pipeline.plan(folder / "scenes" / file_name, folder / "made" / output_name, scene=name, **options)
            with sweep.through(executors.within_ray()):  # its seeds as tasks of their own
                report = _named(job.run, scene_file, name)
        except Exception as error:
            return None, error if isinstance(error, VizError) else SceneFailed.of(error, scene_file, name)
        files = {path.relative_to(outputs).as_posix(): path.read_bytes() for store in STORES
                 for path in sorted((outputs / store).rglob("*")) if path.is_file()}
        made = {relative: data for relative, data in files.items() if relative not in cached}
    return {"files": made, "trained": report.trained, "reused": report.reused,
            "record_seconds": report.record_seconds, "render_seconds": report.render_seconds}, None


def _keep(files):
    """Put the store files a Ray task made ({path under OUTPUT_FOLDER: bytes}) into this
    machine's stores: a cache entry whole, a rendered output's folder whole."""
    entries = {}
    for relative, data in files.items():
        store, *rest = relative.split("/")
        if store == pipeline.CACHE:
            target = pipeline.OUTPUT_FOLDER / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(target) as temporary:
                temporary.write_bytes(data)
        else:
            entries.setdefault(rest[0], {})["/".join(rest[1:])] = data
    for key, entry in entries.items():
        folder = pipeline.OUTPUT_FOLDER / pipeline.RENDERED / key
        folder.parent.mkdir(parents=True, exist_ok=True)
        with atomic_folder(folder) as temporary:
            for name, data in entry.items():
                (temporary / name).write_bytes(data)


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
