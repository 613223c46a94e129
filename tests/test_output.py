"""Slide-ready output: every format decoded or parsed back, presets, themes, timing, the GIF
size budget, the manifest, folders of scenes and notebooks."""

import base64
import hashlib
import json
import xml.etree.ElementTree as ElementTree

import imageio_ffmpeg
import numpy as np
import pytest
from conftest import SMALL_SCENE, ok
from PIL import Image

from viz import show
from viz.cli import main
from viz.recording import Recording
from viz.errors import BudgetError
from viz.render.animation import render_within

pytestmark = pytest.mark.slow
SMALL = ["--size", "320x180"]


def video(path):
    """(metadata, frames as [n, height, width, 3] uint8) of an MP4 or WebM."""
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    width, height = meta["size"]
    return meta, np.stack([np.frombuffer(frame, np.uint8).reshape(height, width, 3) for frame in reader])


def luminance(rgb):
    return float((np.asarray(rgb, float)[..., :3] @ [0.2126, 0.7152, 0.0722]).mean())


def test_webm_is_vp9_with_every_frame(runner, quick, tmp_path):
    ok(runner, "render", quick, "-o", tmp_path / "q.webm", *SMALL, "--hold", "1")
    meta, frames = video(tmp_path / "q.webm")
    assert meta["codec"].startswith("vp9") and tuple(meta["size"]) == (320, 180) and meta["fps"] == 30
    assert len(frames) == 16 + 30


def test_quality_presets_and_aspect(runner, quick, tmp_path):
    result = ok(runner, "render", quick, "-o", tmp_path / "l.mp4", "-q", "l")
    meta, frames = video(tmp_path / "l.mp4")
    # the preset's 15 fps draws every other step: as long as the MP4's own 30 fps, a frame a step (rule 10)
    assert tuple(meta["size"]) == (854, 480) and meta["fps"] == 15 and len(frames) == 8 + 30
    assert "854x480, 8 frames (subsampled from 16) at 15 fps" in result.stdout
    ok(runner, "render", quick, "-o", tmp_path / "m.gif", "--aspect", "4:3")
    with Image.open(tmp_path / "m.gif") as gif:
        assert gif.size == (960, 720)
    result = runner.invoke(main, ["render", str(quick), "-q", "h"])  # 60 fps: a GIF's cap applies
    assert result.exit_code == 0 and "at 50 fps" in result.stdout


def test_last_frame_as_png_svg_and_pdf(runner, quick, outputs):
    result = ok(runner, "render", quick, "-s", *SMALL)
    assert "the last frame (step 15)" in result.stdout
    with Image.open(outputs / "quick.png") as png:
        assert png.size == (320, 180) and png.mode == "RGB"
    ok(runner, "render", quick, "-s", "--format", "svg")
    root = ElementTree.parse(outputs / "quick.svg").getroot()
    assert root.tag.endswith("svg") and root.get("width").startswith("921.6")  # 1280 px at 100 dpi, in points
    svg = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f".//{svg}path")) > 50  # contours, paths, ticks: vectors, not one picture
    words = " ".join("".join(text.itertext()) for text in root.iter(f"{svg}text"))
    assert "Quick" in words and "Adam" in words  # text stays text: it can be selected and searched
    ok(runner, "render", quick, "--format", "pdf")
    data = (outputs / "quick.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF") and b"/Type /Page" in data


def test_transparent_png_gif_and_frames_but_not_mp4(runner, quick, tmp_path):
    ok(runner, "render", quick, "-o", tmp_path / "t.png", "-t", *SMALL)
    with Image.open(tmp_path / "t.png") as png:
        alpha = np.asarray(png)[..., 3]
    assert png.mode == "RGBA" and alpha[0, 0] == 0 and alpha.max() == 255  # clear margins, solid contours
    ok(runner, "render", quick, "-o", tmp_path / "t.gif", "-t", *SMALL)
    with Image.open(tmp_path / "t.gif") as gif:
        assert gif.n_frames == 16
        gif.seek(15)
        last = np.asarray(gif.convert("RGBA"))
    assert last[0, 0, 3] == 0 and (last[..., 3] == 255).mean() > 0.25  # solid contours (less room: the plane readout)
    ok(runner, "render", quick, "-o", tmp_path / "frames", "-t", *SMALL)
    pictures = sorted((tmp_path / "frames").iterdir())
    assert [p.name for p in pictures[:2]] == ["frame_00000.png", "frame_00001.png"] and len(pictures) == 16
    with Image.open(pictures[-1]) as frame:
        assert frame.mode == "RGBA" and frame.size == (320, 180)
    result = runner.invoke(main, ["render", str(quick), "--format", "mp4", "-t"])
    assert result.exit_code == 2 and "MP4 video has no transparency" in result.output


def test_dark_theme_is_dark_and_light_is_light(runner, quick, tmp_path):
    ok(runner, "render", quick, "-o", tmp_path / "dark.png", "--theme", "dark", *SMALL)
    ok(runner, "render", quick, "-o", tmp_path / "light.png", *SMALL)
    with Image.open(tmp_path / "dark.png") as dark, Image.open(tmp_path / "light.png") as light:
        assert luminance(dark) < 60 < 180 < luminance(light)
        text = np.asarray(dark)[2:20, 100:220]  # the title: light letters on the dark ground
        assert text.max() > 200


def test_font_scale_makes_the_title_bigger(runner, quick, tmp_path):
    inked = []
    for scale in ("1", "1.5"):
        ok(runner, "render", quick, "-o", tmp_path / f"{scale}.png", "--font-scale", scale)
        with Image.open(tmp_path / f"{scale}.png") as png:
            inked.append((np.asarray(png)[:45].min(axis=-1) < 128).sum())  # dark title pixels at the top
    assert inked[1] > 1.5 * inked[0]
    result = runner.invoke(main, ["render", str(quick), "--font-scale", "3"])
    assert result.exit_code == 2 and "--font-scale 3: must be between 0.75 and 1.5" in result.output


def test_duration_subsamples_or_holds(runner, quick, tmp_path, scene_file):
    ok(runner, "render", quick, "-o", tmp_path / "slow.gif", *SMALL, "--duration", "2", "--hold", "0")
    with Image.open(tmp_path / "slow.gif") as gif:  # 16 steps in 2 s at 25 fps: each shown ~3 frames
        assert gif.n_frames == 50 and sum(frame_delays(gif)) == 200
    surface = scene_file("from viz import Scene, surfaces\n"
                         "s = Scene('s', surfaces.get('booth'), optimizers={'Adam': 'adam'}, learning_rate=0.1)\n")
    result = ok(runner, "render", surface, "-o", tmp_path / "fast.mp4", *SMALL, "--duration", "1", "--hold", "0")
    assert "30 frames (subsampled from 301)" in result.stdout
    assert len(video(tmp_path / "fast.mp4")[1]) == 30


def frame_delays(gif):
    delays = []
    for index in range(gif.n_frames):
        gif.seek(index)
        delays.append(gif.info["duration"] // 10)
    return delays


def test_steps_override_for_surfaces_only(runner, quick, scene_file, tmp_path):
    surface = scene_file("from viz import Scene, surfaces\n"
                         "s = Scene('s', surfaces.get('booth'), optimizers={'Adam': 'adam'}, learning_rate=0.1)\n")
    result = ok(runner, "render", surface, "-o", tmp_path / "s.gif", *SMALL, "--steps", "20")
    assert "21 frames at 25 fps" in result.stdout
    result = runner.invoke(main, ["render", str(quick), "--steps", "20"])
    assert result.exit_code == 2 and "counts a surface's steps; a model's steps are its epochs x batches" in result.output


def test_max_size_fits_the_gif_and_says_how(runner, scene_file, tmp_path):
    path = scene_file("from viz import Scene, SEED_OPTIMIZERS, surfaces\n"
                      "s = Scene('s', surfaces.get('himmelblau'), learning_rate=0.01, steps=60)\n")
    gif = tmp_path / "s.gif"
    ok(runner, "render", path, "-o", gif, "--size", "640x360")
    budget = gif.stat().st_size // 3
    result = ok(runner, "render", path, "-o", gif, "--size", "640x360", "--max-size", f"{budget}B")
    assert gif.stat().st_size <= budget
    assert f"(to fit {budget / 1e6:g} MB: " in result.stdout
    manifest = json.loads((tmp_path / "s.gif.json").read_text())
    assert manifest["budget_changes"] and manifest["budget_changes"][0].endswith("colours")
    kept = gif.read_bytes()
    with pytest.raises(BudgetError, match="over the budget of 0.001 MB; nothing was written"):
        render_within(Recording.load(next((tmp_path / "outputs" / ".cache").iterdir())), gif, 1000, size=(320, 180))
    assert gif.read_bytes() == kept and sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    result = runner.invoke(main, ["render", str(path), "--format", "mp4", "--max-size", "5MB"])
    assert result.exit_code == 2 and "--max-size 5MB: is a GIF budget" in result.output


def test_manifest_reproduces_the_animation(runner, quick, tmp_path):
    gif = tmp_path / "q.gif"
    ok(runner, "render", quick, "-o", gif, *SMALL, "--seed", "4", "--theme", "dark")
    manifest = json.loads((tmp_path / "q.gif.json").read_text())
    ok(runner, "export", quick, "-o", tmp_path / "q.npz", "--seed", "4")
    assert manifest["recording_sha256"] == Recording.load(tmp_path / "q.npz").digest()
    assert manifest["scene_file_sha256"] == hashlib.sha256(quick.read_bytes()).hexdigest()
    assert manifest["seed"] == 4 and manifest["steps"] == 15 and manifest["frames"] == 16
    assert set(manifest["versions"]) >= {"viz", "keras", "tensorflow", "numpy", "matplotlib"}
    assert manifest["optimizers"]["Adam"]["config"]["beta_1"] == 0.9
    assert manifest["optimizers"]["SGD"]["class_name"] == "SGD"
    assert manifest["render"] == {**manifest["render"], "fmt": "gif", "size": [320, 180], "theme": "dark"}


def test_a_folder_renders_every_scene_of_every_file(runner, scene_file, outputs):
    folder = scene_file(SMALL_SCENE, name="quick.py").parent
    scene_file("from viz import Scene, surfaces\n"
               "a = Scene('a', surfaces.get('booth'), optimizers={'Adam': 'adam'}, steps=10)\n"
               "b = Scene('b', surfaces.get('matyas'), optimizers={'Adam': 'adam'}, steps=10)\n", name="two.py")
    (folder / "_helpers.py").write_text("raise RuntimeError('not a scene file')\n")
    result = ok(runner, "render", folder, *SMALL, "--quiet")
    assert sorted(p.name for p in outputs.glob("*.gif")) == ["quick.gif", "two_a.gif", "two_b.gif"]
    assert len(result.stdout.splitlines()) == 3


def test_show_returns_inline_video_and_writes_nothing(quick, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.iterdir())
    animation = show(quick, size=(320, 180), hold=0)
    html = animation._repr_html_()
    assert html.startswith('<video src="data:video/mp4;base64,') and "autoplay" in html and "muted" in html
    data = base64.b64decode(html.split("base64,")[1].split('"')[0])
    assert data == animation.data and b"ftyp" in data[:16] and data.index(b"moov") < data.index(b"mdat")
    assert sorted(tmp_path.iterdir()) == before
    picture = show(quick, size=(320, 180), output=tmp_path / "kept.gif")  # the format from the suffix
    assert picture._repr_html_().startswith('<img src="data:image/gif;base64,R0lGODlh')  # "GIF89a"
    with Image.open(tmp_path / "kept.gif") as gif:
        assert gif.n_frames == 16


def test_show_html_is_the_player_in_a_frame_of_its_own(quick):
    """In Jupyter the html player sits in an iframe whose document is the player file itself."""
    import html as markup

    animation = show(quick, size=(320, 180), format="html")
    frame = animation._repr_html_()
    assert frame.startswith('<iframe srcdoc="') and "aspect-ratio: 320 / 345" in frame  # 180 + the controls, 165
    page = markup.unescape(frame.split('srcdoc="')[1].split('" title=')[0])
    assert page == animation.data.decode() and 'id="viz-data"' in page and "data:video/mp4;base64," in page
