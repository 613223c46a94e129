"""The manifest beside every output, ``NAME.json``: what made the file, enough to make it again
a year later (versions, the scene file's hash, every optimizer's full config, seed, steps, the
render options and the recording's hash)."""

import dataclasses
import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path

from viz import __version__
from viz.divergence import diverged_by_label
from viz.store.atomic import atomic_path

PACKAGES = ("keras", "tensorflow", "numpy", "matplotlib", "imageio-ffmpeg", "pillow")


def manifest_path(output):
    """``lesson.gif`` -> ``lesson.gif.json`` (so lesson.mp4's does not overwrite it); a frames
    folder ``lesson_frames`` -> ``lesson_frames.json``."""
    output = Path(output)
    return output.with_name(f"{output.name}.json")


def build(output, scene_file, scene_name, scene, recording, options, frames, changes=(), extra=None, words=None,
          meter=None):
    """The manifest of ``output`` as a JSON-able dict; ``extra`` adds entries (e.g. the
    learning-rate search and the tuned recording's hash); ``words`` (:class:`viz.words.Words`)
    its ``"alt"`` and ``"description"``; with ``meter`` (:class:`viz.render.a11y.Meter`, what
    the render measured) its ``"accessibility"`` section (:func:`viz.render.wcag.section`)."""
    from viz.render.wcag import section

    meta = recording.meta
    looks = _looks(recording.names, options.theme)
    return {
        "output": Path(output).name,
        "frames": frames,
        "versions": {"viz": __version__, "python": platform.python_version(),
                     **{name: metadata.version(name) for name in PACKAGES}},
        "scene_file": None if scene_file is None else str(scene_file),  # None: a Scene given in Python
        "scene_file_sha256": None if scene_file is None else hashlib.sha256(Path(scene_file).read_bytes()).hexdigest(),
        "scene": scene_name,
        "title": scene.title,
        **({"alt": words.alt, "description": words.description, "transcript_file": _transcript(output, options)}
           if words else {}),
        "problem": {key: value for key, value in meta.items() if key not in ("optimizers", "keras")},
        "seed": meta.get("seed", scene.seed),
        "steps": int(recording.optimizer_steps[-1]),
        "recorded_every": recording.every,
        "learning_rate": scene.learning_rate,
        "optimizers": meta["optimizers"],
        "diverged": diverged_by_label(recording),  # optimizer step or None, as viz.divergence decides
        "looks": looks,
        "render": dataclasses.asdict(options),
        "budget_changes": list(changes),
        "recording_sha256": recording.digest(),
        **_story(output, scene, recording, options),
        **({"seeds": recording.spread["seeds"].tolist()} if recording.spread else {}),
        **({"accessibility": section(options, looks, words, meter, frames)} if meter is not None else {}),
        **(extra or {}),
    }


def _story(output, scene, recording, options):
    """The captions (the scene's and the events': step, text, kind, whether drawn on the frame,
    start in seconds of the first part), the paused steps and the WebVTT file, if any."""
    from viz.render.animation import captions_path
    from viz.render.options import STILLS
    from viz.render.story import build

    story = build(recording, options, scene.captions, scene.pauses)
    fps = options.frame_rate
    captions = [{"step": cue.step, "text": cue.text, "kind": cue.kind, "on_frame": cue.on_frame,
                 **({} if options.fmt in STILLS else {"start": round(cue.start / fps, 3)})} for cue in story.cues]
    vtt = captions_path(output).name if captions and options.fmt in ("mp4", "webm") else None
    return {"captions": captions, "pauses": story.pauses, "captions_file": vtt}


def _transcript(output, options):
    """The transcript's name beside a video (its text alternative), else None."""
    from viz.render.animation import transcript_path

    return transcript_path(output).name if options.fmt in ("mp4", "webm") else None


def _looks(names, theme):
    """Each optimizer's colour, line style and marker in ``theme``, for matching it in slides."""
    from viz.render.looks import as_json, looks
    from viz.render.theme import THEMES

    return {label: as_json(style) for label, style in looks(names, THEMES[theme]).items()}


def write(output, manifest):
    """Write ``manifest`` as ``NAME.json`` beside ``output``; returns its path."""
    path = manifest_path(output)
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n")
    return path
