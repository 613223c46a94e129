"""The manifest beside every output, ``NAME.json``: what made the file, enough to make it again
a year later (versions, the scene file's hash, every optimizer's full config, seed, steps, the
render options and the recording's hash)."""

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path

from viz.version import __version__
from viz.divergence import diverged_by_label
from viz.store.atomic import atomic_path

PACKAGES = ("keras", "tensorflow", "numpy", "matplotlib", "imageio-ffmpeg", "pillow")


def manifest_path(output):
    """``lesson.gif`` -> ``lesson.gif.json`` (so lesson.mp4's does not overwrite it); a frames
    folder ``lesson_frames`` -> ``lesson_frames.json``."""
    output = Path(output)
    return output.with_name(f"{output.name}.json")


def build(output, scene_file, scene_name, scene, recording, options, frames, changes=(), extra=None, *, story,
          looks, still, captions_file=None, words=None, transcript_file=None, accessibility=None):
    """The manifest of ``output`` as a JSON-able dict, handed what the render drew: the
    ``story`` of ``recording`` (a :class:`~viz.render.story.Story`), each optimizer's ``looks``
    ({label: JSON}), whether the output is a ``still`` and the names of the WebVTT file and of
    the transcript written beside it, if any; ``words`` (:class:`viz.words.Words`) give its
    ``"alt"`` and ``"description"``, ``accessibility`` its section of checks
    (:func:`viz.render.wcag.section`). ``extra`` adds entries (e.g. the learning-rate search and
    the tuned recording's hash)."""
    meta = json.loads(json.dumps(recording.meta, sort_keys=True))  # as the cache reads it back
    return {
        "output": Path(output).name,
        "frames": frames,
        "versions": {"viz": __version__, "python": platform.python_version(),
                     **{name: metadata.version(name) for name in PACKAGES}},
        **source(scene_file),
        "scene": scene_name,
        "title": scene.title,
        **({"alt": words.alt, "description": words.description, "transcript_file": transcript_file}
           if words else {}),
        "problem": {key: value for key, value in meta.items() if key not in ("optimizers", "keras")},
        "seed": meta.get("seed", scene.seed),
        "steps": int(recording.optimizer_steps[-1]),
        "recorded_every": recording.every,
        "learning_rate": scene.learning_rate,
        "optimizers": meta.get("optimizers") or {  # a problem of the user's may not say: the scene's specs
            label: spec if isinstance(spec, (str, dict)) else repr(spec) for label, spec in scene.optimizers.items()},
        "diverged": diverged_by_label(recording),  # optimizer step or None, as viz.divergence decides
        "looks": looks,
        "render": options.flat(),
        "budget_changes": list(changes),
        "recording_sha256": recording.digest(),
        **_story(story, options.frame_rate, still, captions_file),
        **({"seeds": recording.spread["seeds"].tolist()} if recording.spread else {}),
        **({"accessibility": accessibility} if accessibility is not None else {}),
        **(extra or {}),
    }


def source(scene_file):
    """The manifest's ``scene_file`` (None: a Scene given in Python) and its sha256."""
    return {"scene_file": None if scene_file is None else str(scene_file),
            "scene_file_sha256": None if scene_file is None else hashlib.sha256(Path(scene_file).read_bytes()).hexdigest()}


def _story(story, fps, still, captions_file):
    """The captions (the scene's and the events': step, text, kind, whether drawn on the frame,
    start in seconds of the first part), the paused steps and the WebVTT file, if any."""
    captions = [{"step": cue.step, "text": cue.text, "kind": cue.kind, "on_frame": cue.on_frame,
                 **({} if still else {"start": round(cue.start / fps, 3)})} for cue in story.cues]
    return {"captions": captions, "pauses": story.pauses, "captions_file": captions_file if captions else None}


def write(output, manifest):
    """Write ``manifest`` as ``NAME.json`` beside ``output``; returns its path."""
    path = manifest_path(output)
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n")
    return path
