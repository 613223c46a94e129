"""The recording cache: one ``<key>.npz`` per recording, keyed by a hash of everything that
determines the recording (problem, optimizers, learning rate, steps, seed, versions) and of
nothing that only changes its look (title, theme, size, fps, format)."""

import dataclasses
import hashlib
import inspect
import json
from importlib import metadata
from pathlib import Path

import numpy as np

from viz.version import __version__
from viz.recording import Recording
from viz.store.atomic import atomic_path

VERSIONED = ("keras", "tensorflow", "numpy")
PACKAGE = Path(__file__).parent.parent
# viz's own code that makes recordings, and only that: the problems and the training loop, the
# optimizers, the scene's paths, the recording format and what is recorded with it (plane,
# sharpness, lines), the learning-rate search (cached under the same key). Not the renderer,
# the options, the events, the errors, the pipeline or the command line: editing those
# re-renders from the cache.
RECORDING_CODE = ("problems/*.py", "record.py", "recording.py", "optimizers.py", "surfaces.py", "scene.py",
                  "varied.py", "plane.py", "sharpness.py", "line.py", "tune.py", "backend.py", "sweep.py")


def key(scene, seed, scene_file=None, seeds=1, plane="pca"):
    """The cache key of ``scene`` recorded with ``seed`` (and ``seeds`` initializations, on
    the model plane ``plane``), or
    None when the scene holds something that cannot be described exactly (such a scene is recorded every time). When
    the scene runs code of its own (a custom surface function, an optimizer or schedule class
    that is not Keras'), what that code reads is not all in the description: the sha256 of
    ``scene_file`` (and of the file the function comes from) joins the key, so any edit of
    them records again."""
    what = {
        "problem": scene.problem,
        "optimizers": dict(scene.optimizers),
        "learning_rate": scene.learning_rate,
        "steps": scene.steps,
        "batch_size": scene.batch_size,
        "initializer": scene.initializer,
        "seed": seed,
        "seeds": seeds,
        "plane": plane,
        "versions": {"viz": __version__, "recording_code": recording_code(),
                     **{name: metadata.version(name) for name in VERSIONED}},
    }
    if _runs_own_code(scene):
        if scene_file is None:
            return None
        sources = {Path(scene_file), *[Path(f) for f in [_source_file(scene.problem.own_code)] if f]}
        what["sources"] = sorted(hashlib.sha256(path.read_bytes()).hexdigest() for path in sources)
    try:
        text = json.dumps(what, sort_keys=True, default=_describe)
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def recording_code(package=PACKAGE):
    """The sha256 of viz's own code that makes recordings (:data:`RECORDING_CODE` under
    ``package``): a changed recording code records again, even before viz's version number
    changes; a changed renderer does not."""
    files = sorted({path for pattern in RECORDING_CODE for path in Path(package).glob(pattern)})
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _source_file(function):
    """The file a function was written in, if it is a file (a helper module beside the scene)."""
    try:
        return inspect.getsourcefile(function)
    except TypeError:
        return None


def _runs_own_code(scene):
    """Whether the scene's problem or optimizers hold functions or classes from outside viz
    and Keras."""
    def foreign(value):
        if isinstance(value, (str, int, float, bool, type(None))):
            return False
        if isinstance(value, (list, tuple)):
            return any(map(foreign, value))
        if hasattr(value, "items"):
            return any(map(foreign, value.values()))
        return not type(value).__module__.startswith("keras")

    return scene.problem.own_code is not None or foreign(dict(scene.optimizers)) or foreign(scene.initializer)


def _describe(value):
    """JSON for the parts of a scene json cannot write itself; TypeError for the unknown."""
    if dataclasses.is_dataclass(value):
        return {"type": type(value).__name__,
                **{f.name: getattr(value, f.name) for f in dataclasses.fields(value)}}
    if callable(getattr(value, "get_config", None)):  # Keras optimizers and schedules
        return {"type": type(value).__name__, "config": value.get_config()}
    if hasattr(value, "__code__"):  # a surface's function: its compiled code, defaults, closure
        cells = [cell.cell_contents for cell in value.__closure__ or ()]
        return {"code": _code_digest(value.__code__),
                "defaults": value.__defaults__, "closure": cells}
    if isinstance(value, np.ndarray):  # data: its hash, not its values
        return {"shape": value.shape, "dtype": value.dtype.str,
                "sha256": hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()}
    if isinstance(value, np.generic):
        return value.item()
    if hasattr(value, "items"):  # read-only mappings
        return dict(value)
    raise TypeError(f"cannot describe {type(value).__name__}")


def _code_digest(code):
    """The sha256 of a function's compiled code: its bytecode, names and constants (nested
    code too). Not ``marshal``, whose bytes change with reference counts once the code has run."""
    digest = hashlib.sha256(code.co_code)
    for constant in code.co_consts:
        digest.update((_code_digest(constant) if inspect.iscode(constant) else repr(constant)).encode())
    digest.update(repr((code.co_names, code.co_varnames, code.co_freevars)).encode())
    return digest.hexdigest()


def load(folder, cache_key):
    """The cached recording, or None if there is none. An entry that cannot be read or whose
    content does not match its sha256 is deleted, never trusted: ``ValueError`` says so."""
    path = Path(folder) / f"{cache_key}.npz"
    if not path.exists():
        return None
    try:
        return Recording.load(path)
    except Exception as error:  # any damage at all (truncated zip, bad digest, missing keys)
        path.unlink(missing_ok=True)
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValueError(f"the cached recording {path} was damaged ({reason})") from None


def store(folder, cache_key, recording):
    """Save ``recording`` under ``cache_key`` (written beside and renamed: all or nothing)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    recording.save(folder / f"{cache_key}.npz")


def load_tuning(folder, cache_key):
    """The cached learning-rate search of ``cache_key``, or None (a damaged entry is deleted)."""
    path = Path(folder) / f"{cache_key}.tuning.json"
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except ValueError:
        path.unlink(missing_ok=True)  # damaged: search again
        return None


def store_tuning(folder, cache_key, tuning):
    """Save a learning-rate search (a JSON-able dict) under ``cache_key``, all or nothing."""
    path = Path(folder) / f"{cache_key}.tuning.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(tuning, indent=1))
