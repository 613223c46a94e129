"""viz course (viz.course): a deck per chapter, every clip, an index page and a manifest; built
again with nothing changed, every file is the same, nothing is drawn or trained and neither
matplotlib nor TensorFlow is imported; after one scene file is edited, only that scene is
recorded and rendered again."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import viz
from viz.cli import main
from viz.deck.course import chapters
from viz.errors import SpecError

ROOT = Path(__file__).parent.parent
SCENE = '''"""{doc}"""
from viz import Scene, surfaces
{name} = Scene("{title}", surfaces.get("{surface}"), optimizers={{"SGD": "sgd", "Adam": "adam"}}, learning_rate=0.01,
               steps=5)
'''
COURSE = {  # chapter folder -> {file: (scene name, title, surface)}
    "01_bowls": {"b_booth.py": ("booth", "Booth's bowl", "booth"), "a_matyas.py": ("matyas", "A flat bowl", "matyas")},
    "02_valleys": {"valley.py": ("valley", "The valley", "rosenbrock")},
}
TINY = ["--size", "160x90", "--hold", "0", "--max-frames", "3"]
BUILD = """
import sys
from viz.cli import main
try:
    main({args!r})
except SystemExit as stop:
    assert not stop.code, stop.code
print("loaded=" + ",".join(sorted({{n.split(".")[0] for n in sys.modules}} & {{"matplotlib", "tensorflow", "keras"}})),
      file=sys.stderr)
"""


def write_course(root):
    for chapter, files in COURSE.items():
        (root / "course" / chapter).mkdir(parents=True)
        for file, (name, title, surface) in files.items():
            (root / "course" / chapter / file).write_text(SCENE.format(doc=title, name=name, title=title,
                                                                     surface=surface))
    (root / "course" / "02_valleys" / "chapter.toml").write_text('title = "Valleys: where momentum helps"\n')


def files_of(site):
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def build(root):
    """``viz course course -o site`` in a fresh interpreter in ``root``: what it printed, the heavy
    packages it loaded."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, "-c", BUILD.format(args=["course", "course", "-o", "site", *TINY])],
                            cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout, set(filter(None, result.stderr.strip().splitlines()[-1].removeprefix("loaded=").split(",")))


def test_chapters_are_named_by_their_toml_or_their_folder(tmp_path):
    write_course(tmp_path)
    found = chapters(tmp_path / "course")
    assert [(c.name, c.slug) for c in found] == [("Bowls", "01_bowls"), ("Valleys: where momentum helps", "02_valleys")]
    (tmp_path / "course" / "02_valleys" / "chapter.toml").write_text("title = 3\n")
    with pytest.raises(SpecError, match="chapter.toml: title must be"):
        chapters(tmp_path / "course")
    assert [c.name for c in chapters(tmp_path / "course" / "01_bowls")] == ["Bowls"]  # one folder: one chapter
    (tmp_path / "course" / "02_valleys" / "chapter.toml").unlink()
    (tmp_path / "course" / "02 valleys").mkdir()
    (tmp_path / "course" / "02 valleys" / "x.py").write_text("")
    with pytest.raises(SpecError, match="two chapters would share the site's folder '02_valleys'"):
        chapters(tmp_path / "course")


def test_a_folder_without_scene_files_is_one_error_line(tmp_path):
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["course", str(tmp_path / "empty"), "-o", str(tmp_path / "site")])
    assert result.exit_code == 2 and "holds no chapters" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


@pytest.mark.slow
def test_a_course_rebuilt_reuses_every_output_and_after_an_edit_only_that_scene(tmp_path):
    write_course(tmp_path)
    said, _ = build(tmp_path)
    site = tmp_path / "site"
    first = files_of(site)
    assert "3 recorded, 6 rendered, 0 reused" in said
    for chapter in COURSE:
        assert f"{chapter}/{chapter}.pptx" in first and f"{chapter}/{chapter}.html" in first
    course = json.loads(first["course.json"])
    assert [c["name"] for c in course["chapters"]] == ["Bowls", "Valleys: where momentum helps"]
    assert [Path(c["file"]).name for c in course["chapters"][0]["clips"]] == [
        "a_matyas.mp4", "b_booth.mp4", "a_matyas.html", "b_booth.html"]  # file-name order
    index = first["index.html"].decode()
    assert str(tmp_path) not in index and "file:" not in index
    for clip in (c["file"] for chapter in course["chapters"] for c in chapter["clips"]):
        assert f'href="{clip}"' in index and clip in first
    from pptx import Presentation

    cover = Presentation(site / "02_valleys" / "02_valleys.pptx").slides[0]
    assert [shape.text_frame.text for shape in cover.shapes if shape.has_text_frame] == ["Valleys: where momentum helps"]

    said, loaded = build(tmp_path)  # nothing changed
    assert "0 recorded, 0 rendered, 6 reused" in said and not loaded & {"matplotlib", "tensorflow", "keras"}
    again = files_of(site)
    assert {name: data for name, data in again.items() if not name.endswith(".json")} == {
        name: data for name, data in first.items() if not name.endswith(".json")}
    assert again["course.json"] != first["course.json"]  # it says the outputs were reused
    assert all(clip["reused"] for chapter in json.loads(again["course.json"])["chapters"] for clip in chapter["clips"])

    edited = tmp_path / "course" / "01_bowls" / "b_booth.py"
    edited.write_text(edited.read_text().replace("steps=5", "steps=4"))
    said, _ = build(tmp_path)
    assert "1 recorded, 2 rendered, 4 reused" in said
    clips = {Path(c["file"]).name: c for chapter in json.loads((site / "course.json").read_text())["chapters"]
             for c in chapter["clips"]}
    assert [name for name, clip in clips.items() if not clip["reused"]] == ["b_booth.mp4", "b_booth.html"]
    assert len(list((tmp_path / "outputs" / ".cache").iterdir())) == 4  # one .npz per scene recording
    assert all(path.suffix == ".npz" for path in (tmp_path / "outputs" / ".cache").iterdir())


def test_viz_course_refuses_a_folder_without_scenes(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("no scenes here")
    with pytest.raises(SpecError, match="holds no chapters"):
        viz.course(tmp_path / "notes", tmp_path / "site")


LOOKS = '[[looks]]\ntheme = "light"\n\n[[looks]]\ntheme = "dark"\naspect = "4:3"\n'


@pytest.mark.slow
def test_a_course_toml_asks_for_several_looks_one_deck_per_chapter_per_look(tmp_path, monkeypatch):
    from pptx import Presentation

    monkeypatch.chdir(tmp_path)
    chapter = tmp_path / "course" / "01_bowls"
    chapter.mkdir(parents=True)
    (chapter / "a_matyas.py").write_text(SCENE.format(doc="A", name="matyas", title="A flat bowl", surface="matyas"))
    (tmp_path / "course" / "course.toml").write_text(LOOKS)
    result = CliRunner().invoke(main, ["course", "course", "-o", "site", "-q", "l", "--hold", "0", "--max-frames", "3",
                                       "--quiet"])  # no --size: the look's aspect sets it
    assert result.exit_code == 0, result.output
    site = tmp_path / "site" / "01_bowls"
    decks = sorted(path.name for path in site.iterdir() if path.is_file())
    assert decks == ["01_bowls-dark-4x3.html", "01_bowls-dark-4x3.pptx", "01_bowls-light.html", "01_bowls-light.pptx"]
    assert sorted(p.name for p in (site / "clips").iterdir()) == ["dark-4x3", "light"]
    assert json.loads((site / "clips" / "dark-4x3" / "a_matyas.mp4.json").read_text())["render"]["theme"] == "dark"
    shapes = {name: (deck.slide_width, deck.slide_height) for name in ("light", "dark-4x3")
              for deck in [Presentation(site / f"01_bowls-{name}.pptx")]}
    assert abs(shapes["light"][0] / shapes["light"][1] - 16 / 9) < 0.01  # 854x480
    assert abs(shapes["dark-4x3"][0] / shapes["dark-4x3"][1] - 4 / 3) < 0.01
    index = (tmp_path / "site" / "index.html").read_text()
    for link in ("01_bowls/01_bowls-dark-4x3.pptx", "01_bowls/clips/light/a_matyas.mp4",
                 "01_bowls/clips/dark-4x3/a_matyas.html"):
        assert f'href="{link}"' in index
    assert "PowerPoint deck (dark-4x3)" in index and "MP4 (light)" in index


@pytest.mark.parametrize("toml, message", [
    ('[[looks]]\ncolour = "red"\n', "a look sets theme, aspect, quality, size, font_scale or its name, not 'colour'"),
    ('looks = 3\n', "looks must be one or more [[looks]] tables"),
    ('[[looks]]\ntheme = "sepia"\n', "look 'sepia': theme='sepia': choose one of light, dark"),
])
def test_a_course_toml_that_cannot_work_is_one_error_before_anything_is_built(tmp_path, toml, message):
    write_course(tmp_path)
    (tmp_path / "course" / "course.toml").write_text(toml)
    with pytest.raises(SpecError) as error:
        viz.course(tmp_path / "course", tmp_path / "site")
    assert message in str(error.value)
    assert not (tmp_path / "site").exists()
