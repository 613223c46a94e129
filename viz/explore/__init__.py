"""The "What if?" explorer: a grid of recorded runs (every combination of the values of
the varied settings, recorded and cached as ``viz render`` records) in one offline page that
swaps them in as a slider moves, and on a built-in surface runs the optimizers from a
clicked start. ``viz explore`` and :func:`viz.explore` are its doors."""

import dataclasses
import hashlib
import platform
import time
from importlib import metadata
from pathlib import Path

from viz import executors, pipeline
from viz.checks import checked_scene
from viz.errors import OptionError
from viz.explore import grid, page
from viz.options import read
from viz.problems.surface import Surface
from viz.render.theme import THEMES
from viz.store import manifest
from viz.store.atomic import atomic_path
from viz.store.manifest import PACKAGES
from viz.store.outputs import cannot_write, prepare_folder
from viz.surfaces import NAMES
from viz.varied import with_momentum
from viz.version import __version__

__all__ = ["build"]


@dataclasses.dataclass(frozen=True)
class Explorer:
    """What :func:`build` wrote: the page's ``path``, its ``size`` in bytes, the ``runs`` it
    holds, the ``cells`` (combinations of values), the seconds spent recording and whether
    anything was trained (else all came from the cache)."""

    path: Path
    size: int
    runs: int
    cells: int
    record_seconds: float
    trained: bool

    def __str__(self):
        how = f"recorded in {self.record_seconds:.1f} s" if self.trained else "recordings from the cache"
        return f"{self.path}: {self.cells} combinations, {self.runs} runs, {self.size / 1e6:.1f} MB; {how}"


def build(scene_or_file, output=None, *, scene=None, vary=None, theme="light", steps=None, cache=True,
          overwrite=True, progress=None, say=None, executor="processes", address=None, jobs=1):
    """Record the grid of ``vary`` for one scene and write the explorer page to ``output``
    (default ``outputs/<file stem>[_<scene>].explore.html``). The grid's trainings run where
    ``executor`` says (:mod:`viz.executors`: ``jobs`` local processes, or the Ray cluster at
    ``address``); the page is the same.

    Returns:
        An :class:`Explorer`.

    Raises:
        viz.errors.SpecError: a scene or option that cannot work (``OptionError`` names it),
            found before anything is trained.
        viz.errors.VizError: the Ray cluster cannot be reached (nothing is written).
        viz.errors.OutputError: the page cannot be written.
    """
    values = grid.parse(vary)
    if type(jobs) is not int or jobs < 1:
        raise OptionError("jobs", jobs, "is a whole number of worker processes, at least 1")
    if theme not in THEMES:
        raise OptionError("theme", theme, f"is one of {', '.join(THEMES)}")
    read_options = read({"cache": cache, "steps": steps, "executor": executor, "address": address})
    options = {**read_options.group("recording"), "overwrite": overwrite}
    chosen = pipeline._chosen(scene_or_file, scene, False)
    if len(chosen) > 1:
        raise OptionError("scene", scene, "explores one scene: name it")
    (scene_file, name, picked, n_scenes), = chosen
    picked = checked_scene(picked, name, options)
    _check(picked, values, name)
    output = Path(output) if output is not None else \
        pipeline.default_output(scene_file, name, n_scenes, picked, "explore.html")
    if output.suffix.lower() != ".html":
        raise OptionError("output", str(output), "is the explorer's page: an .html file")
    running = executors.get(options["executor"], jobs, options["address"])  # a cluster reached before any file
    prepare_folder(output, overwrite)
    job = pipeline.Job(scene_file, name, picked, output, None,
                       {"seed": None, "seeds": 1, "tune_lr": None, "cache": cache, "plane": "pca", "max_size": None})
    begun = time.perf_counter()
    recorded = grid.record(job, values, progress or pipeline._no_progress, say or pipeline._silent, running)
    seconds = time.perf_counter() - begun
    problem = picked.problem
    surface = problem.name if isinstance(problem, Surface) and problem.own_code is None and problem.name in NAMES \
        else None
    text = page.page(recorded, picked, name, scene_file, THEMES[theme], surface)
    try:
        with atomic_path(output) as temporary:
            temporary.write_text(text)
        manifest.write(output, _manifest(output, scene_file, name, picked, recorded, surface))
    except OSError as error:
        raise cannot_write(output, error) from None
    return Explorer(output, output.stat().st_size, len(recorded.xy), len(recorded.runs), seconds, recorded.trained)


def _manifest(output, scene_file, name, scene, recorded, surface):
    """What the page holds and what made it, for ``<page>.json``."""


    points = sum(len(loss) for loss in recorded.loss)
    return {
        "output": output.name,
        "bytes": output.stat().st_size,
        "holds": f"{len(recorded.runs)} combinations of {', '.join(recorded.values)}; {len(recorded.xy)} recorded runs "
                 f"({len(recorded.labels)} optimizers), every recorded step: {points} points, each its plane "
                 "coordinates and loss in float64; the contour panel as one PNG; "
                 + ("the optimizers' update rules and the surface in JavaScript, for click to start"
                    if surface else "no click to start (a custom surface or a model: the recorded grid only)"),
        "versions": {"viz": __version__, "python": platform.python_version(),
                     **{package: metadata.version(package) for package in PACKAGES}},
        "scene_file": None if scene_file is None else str(scene_file),
        "scene_file_sha256": None if scene_file is None else hashlib.sha256(Path(scene_file).read_bytes()).hexdigest(),
        "scene": name,
        "title": scene.title,
        "vary": {key: list(values) for key, values in recorded.values.items()},
        "click_to_start": surface,
        "recordings_sha256": [recording.digest() for recording in recorded.recordings],
    }


def _check(scene, values, name):
    """Refuse what the scene cannot vary: a scene that already compares a setting, batch
    sizes or seeds of a surface, a momentum no optimizer has."""

    if scene.varied:
        raise OptionError("vary", ",".join(values), f"scene {name!r} compares {scene.varied.replace('_', ' ')}s "
                                                    "already; explore a scene with one value of each setting")
    for setting in ("batch_size", "seed"):
        if setting in values and not scene.problem.fixed_steps:
            raise OptionError("vary", f"{setting}=...", f"scene {name!r} is a surface: its paths have no "
                                                        f"{setting.replace('_', ' ')}")
    if "momentum" in values and all(with_momentum(spec, 0.5, scene.learning_rate) is spec
                                    for spec in scene.optimizers.values()):
        raise OptionError("vary", "momentum=...", f"none of scene {name!r}'s optimizers has a momentum "
                                                  "(SGD and RMSprop have)")
