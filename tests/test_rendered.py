"""The rendered-output store (the second content-addressed stage): a build whose recordings,
options and rendering code are unchanged copies the stored output, byte for byte, without
importing matplotlib or TensorFlow; what changes the picture renders again; the recording cache
keeps one ``.npz`` per recording."""

import json
from pathlib import Path

import pytest
from test_light import CLI, loaded

from viz import pipeline
from viz.store import rendered

BOWL = """\"\"\"A bowl.\"\"\"
from viz import Scene, surfaces
bowl = Scene("A bowl", surfaces.get("matyas"), optimizers={{"SGD": "sgd", "Adam": "adam"}}, learning_rate=0.1,
             steps=6{more})
"""
TINY = {"size": "160x90", "hold": 0.0, "max_frames": 4}


def run(path, output, **options):
    job, = pipeline.plan(path, output, **{**TINY, **options})
    return job.run()


def test_an_unchanged_build_copies_the_stored_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bowl.py").write_text(BOWL.format(more=""))
    first = run(tmp_path / "bowl.py", tmp_path / "bowl.gif")
    assert first.trained and not first.reused
    made = (tmp_path / "bowl.gif").read_bytes()
    again = run(tmp_path / "bowl.py", tmp_path / "bowl.gif")
    assert again.reused and not again.trained and again.frames == first.frames
    assert (tmp_path / "bowl.gif").read_bytes() == made
    told = json.loads((tmp_path / "bowl.gif.json").read_text())
    assert told["reused"] is True and told["frames"] == first.frames
    cached = sorted(path.name for path in (tmp_path / "outputs" / ".cache").iterdir())
    assert len(cached) == 1 and cached[0].endswith(".npz")  # the recording cache: one .npz per recording
    assert len(list((tmp_path / "outputs" / ".rendered").iterdir())) == 1


@pytest.mark.slow
def test_what_changes_the_picture_renders_again(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bowl.py").write_text(BOWL.format(more=""))
    run(tmp_path / "bowl.py", tmp_path / "bowl.gif")
    assert not run(tmp_path / "bowl.py", tmp_path / "bowl.gif", theme="dark").reused  # an option
    (tmp_path / "bowl.py").write_text(BOWL.format(more=', captions={0: "Both start here"}'))
    captioned = run(tmp_path / "bowl.py", tmp_path / "bowl.gif")  # the scene's words, same recording
    assert not captioned.reused and not captioned.trained
    assert not run(tmp_path / "bowl.py", tmp_path / "bowl.gif", cache=False).reused


@pytest.mark.slow
def test_a_manifest_is_the_same_from_a_fresh_recording_and_from_the_cache(tmp_path, monkeypatch):
    """The recording's facts keep one order whether just trained or read back from the cache
    (a local and a cluster build of the same course write the same bytes)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bowl.py").write_text(BOWL.format(more=""))
    assert run(tmp_path / "bowl.py", tmp_path / "fresh.gif").trained
    assert not run(tmp_path / "bowl.py", tmp_path / "cached.gif").trained
    fresh, cached = (json.loads((tmp_path / name).read_text(), object_pairs_hook=list)
                     for name in ("fresh.gif.json", "cached.gif.json"))
    drop = ("output", "reused", "seconds")
    assert [item for item in fresh if item[0] not in drop] == [item for item in cached if item[0] not in drop]


def test_the_rendering_code_joins_the_key(tmp_path):
    package = tmp_path / "viz"
    (package / "render").mkdir(parents=True)
    (package / "render" / "frames.py").write_text("A = 1\n")
    (package / "record.py").write_text("B = 1\n")
    before = rendered.rendering_code(package)
    (package / "record.py").write_text("B = 2\n")  # not rendering code
    assert rendered.rendering_code(package) == before
    (package / "render" / "frames.py").write_text("A = 2\n")
    assert rendered.rendering_code(package) != before


def test_the_rendering_code_holds_every_module_the_renderer_reads():
    """Every viz module that a module under ``viz/render/`` (or one it reads) imports is in
    :data:`RENDERING_CODE` too, but those that cannot change a picture (the version, the signals)."""
    import ast

    package = Path(rendered.PACKAGE)
    files = {path for pattern in rendered.RENDERING_CODE for path in package.glob(pattern) if path.suffix == ".py"}
    missing, seen, reading = set(), set(), list(package.glob("render/**/*.py"))
    while reading:
        path = reading.pop()
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("viz."):
                module = package.parent / Path(*node.module.split("."))
                target = module.with_suffix(".py") if module.with_suffix(".py").exists() else module / "__init__.py"
                if not target.exists() or node.module in ("viz.version", "viz.signals"):
                    continue
                if target not in files:
                    missing.add(node.module)
                elif target not in seen:
                    reading.append(target)
    assert not missing


@pytest.mark.slow
def test_a_reused_render_imports_neither_tensorflow_nor_matplotlib(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bowl.py").write_text(BOWL.format(more=""))
    args = ["render", "bowl.py", "-o", "bowl.mp4", "--size", "160x90", "--hold", "0", "--max-frames", "4"]
    loaded(CLI.format(args=args), cwd=tmp_path)  # records and renders
    made = (tmp_path / "bowl.mp4").read_bytes()
    modules, _ = loaded(CLI.format(args=args), cwd=tmp_path)
    assert not modules & {"tensorflow", "keras", "matplotlib"}
    assert (tmp_path / "bowl.mp4").read_bytes() == made
    assert json.loads((tmp_path / "bowl.mp4.json").read_text())["reused"] is True
