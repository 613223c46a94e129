"""The rendered-output store, the second content-addressed stage: ``<key>/`` holds a rendered
file, the files written beside it (captions, transcript) and its manifest. The key is a hash
of the recordings drawn (their digests), the scene's words on the frame, the render options,
the output's file name and the rendering code (:data:`RENDERING_CODE`), so a build whose key
is unchanged copies the stored file instead of drawing it: the same bytes, without importing
matplotlib (or TensorFlow, when the recording is cached too).

It lives beside the recording cache, not in it (``outputs/.rendered`` next to
``outputs/.cache``), so that the recording cache keeps one ``<key>.npz`` per recording."""

import dataclasses
import hashlib
import json
import shutil
from importlib import metadata
from pathlib import Path

from viz.version import __version__
from viz.store.atomic import atomic_folder, atomic_path
from viz.store.cache import PACKAGE, _describe

VERSIONED = ("numpy", "matplotlib", "imageio-ffmpeg", "pillow")
ENTRY = "manifest.json"  # the stored manifest, in each entry's folder
# viz's own code that draws, encodes and describes an output from its recordings: the renderer
# and the modules it reads, the pipeline's render step and the manifest. Editing any of them
# renders again (from the cached recording).
RENDERING_CODE = ("render/**/*.py", "render/**/*.html", "render/**/*.js", "render/**/*.css", "pipeline.py",
                  "settings.py", "options.py", "choices.py", "words.py", "events.py", "divergence.py", "spread.py", "plane.py",
                  "line.py", "sharpness.py", "recording.py", "errors.py", "store/manifest.py", "store/atomic.py",
                  "problems/*.py")


def rendering_code(package=PACKAGE):
    """The sha256 of viz's code that renders (:data:`RENDERING_CODE` under ``package``)."""
    files = sorted({path for pattern in RENDERING_CODE for path in Path(package).glob(pattern)})
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def key(recordings, titles, scene, options, name, budget=None, extra=None):
    """The key of one rendered output, or None when it cannot be described exactly.

    Args:
        recordings: the recordings drawn, in order (their digests join the key).
        titles: the title each is drawn under.
        scene: the :class:`~viz.scene.Scene`; its words on the frame join the key (title,
            captions, pauses, alt, description).
        options: the render options (a dataclass).
        name: the scene's name and the output's file name (its side files and player refer to it).
        budget: the size budget, if any.
        extra: what else the manifest holds (e.g. a learning-rate search).

    Returns:
        A 32-character hex key, or None.
    """
    what = {
        "recordings": [recording.digest() for recording in recordings],
        "titles": list(titles),
        "scene": {field: getattr(scene, field) for field in ("title", "captions", "pauses", "alt", "description")},
        "options": dataclasses.asdict(options),
        "name": name,
        "budget": budget,
        "extra": extra or {},
        "versions": {"viz": __version__, "rendering_code": rendering_code(),
                     **{package: metadata.version(package) for package in VERSIONED}},
    }
    try:
        text = json.dumps(what, sort_keys=True, default=_describe)
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def reuse(folder, output_key, path):
    """Copy the stored output of ``output_key`` and its side files beside ``path`` (each
    written whole, or not at all). Returns its stored manifest (a dict), or None when there is
    no such entry, or a damaged one (then deleted)."""
    entry = Path(folder) / output_key
    try:
        stored = json.loads((entry / ENTRY).read_text())
        files = [entry / name for name in stored["files"]]
        if not all(file.is_file() for file in files):
            raise ValueError("a file is missing")
    except (OSError, ValueError, KeyError):
        shutil.rmtree(entry, ignore_errors=True)
        return None
    for file in files:
        with atomic_path(Path(path).with_name(file.name)) as temporary:
            shutil.copyfile(file, temporary)
    return stored["manifest"]


def store(folder, output_key, path, manifest):
    """Keep the output ``path``, the files beside it that ``manifest`` names (captions,
    transcript) and ``manifest`` under ``output_key`` in ``folder``, all or nothing."""
    path = Path(path)
    names = [path.name, *[manifest[field] for field in ("captions_file", "transcript_file") if manifest.get(field)]]
    Path(folder).mkdir(parents=True, exist_ok=True)
    with atomic_folder(Path(folder) / output_key) as entry:
        for name in names:
            shutil.copyfile(path.with_name(name), entry / name)
        (entry / ENTRY).write_text(json.dumps({"files": names, "manifest": manifest}, indent=1))
