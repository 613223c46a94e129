"""Decks (viz slides, viz.slides): a .pptx read back with python-pptx and converted by LibreOffice,
an .html deck driven in headless Chromium; scenes rendered in worker processes (--jobs) give the
same bytes; bad input leaves no deck."""

import hashlib
import html
import inspect
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import click
import numpy as np
import pytest
from PIL import Image
from browser import CHROMIUM, Chromium, wait

import viz
from viz.cli import main
from viz.divergence import diverged_steps
from viz.errors import OptionError, SpecError, VizError
from viz.render.theme import DARK
from viz.render.writers.video import last_frame
from viz.scene import load_scenes
from viz.words import number

TINY = {"size": (160, 90), "hold": 0.0}
SCENES = {  # file name -> (docstring, scene title); two files, given in reverse order of their names
    "b_valley.py": ("Rosenbrock's valley: momentum helps.", "The valley"),
    "a_bowl.py": ("A bowl: every optimizer finds the bottom.\n\nSay: ``Adam``'s steps are alike.", "The bowl"),
}
SOFFICE = shutil.which("soffice")


@pytest.fixture
def folder(tmp_path):
    """A folder of two scene files, each a surface with two optimizers and 3 steps."""
    scenes = tmp_path / "course"
    scenes.mkdir()
    for name, (doc, title) in SCENES.items():
        surface = "booth" if "bowl" in name else "rosenbrock"
        (scenes / name).write_text(f'"""{doc}"""\nfrom viz import Scene, surfaces\n\n'
                                   f"scene = Scene(title={title!r}, problem=surfaces.get({surface!r}), "
                                   "optimizers={'SGD': 'sgd', 'Adam': 'adam'}, learning_rate=0.05, steps=3)\n")
    return scenes


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def deck_flags():
    """The ``viz slides`` options as {keyword: default}."""
    command = main.commands["slides"]
    context = click.Context(command)
    return {param.name: param.get_default(context, call=False) for param in command.params
            if isinstance(param, click.Option) and param.name not in ("quiet", "help")}


def test_viz_slides_takes_the_commands_options_with_the_same_defaults():
    parameters = inspect.signature(viz.slides).parameters
    for keyword, default in deck_flags().items():
        assert keyword in parameters, keyword
        if keyword != "output":
            value = None if str(default).endswith("UNSET") else default
            assert parameters[keyword].default == value, keyword


@pytest.mark.slow
def test_a_pptx_deck_has_a_slide_per_scene_with_title_video_poster_and_notes(folder, tmp_path):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    path = viz.slides(folder, tmp_path / "lecture.pptx", title="Lecture 4: optimizers", **TINY)
    assert path == tmp_path / "lecture.pptx" and sorted(p.name for p in tmp_path.iterdir()) == ["course",
                                                                                                "lecture.pptx",
                                                                                                "outputs"]
    deck = Presentation(path)
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)  # 16:9
    cover, *pages = deck.slides
    assert cover.shapes.title.text == "Lecture 4: optimizers"
    assert [page.shapes.title.text for page in pages] == ["The bowl", "The valley"]  # file-name order
    for page, name in zip(pages, sorted(SCENES)):  # notes: the docstring, then the long description
        scene, = load_scenes(folder / name).values()
        recording = viz.record(scene)
        notes = page.notes_slide.notes_text_frame.text
        doc = SCENES[name][0].replace("``", "")  # (plain text: the code's backticks left out)
        assert notes.startswith(doc + "\n\n" + f"{scene.title}. The animation shows 2 optimizers")
        movie, = [shape for shape in page.shapes if shape.shape_type == MSO_SHAPE_TYPE.MEDIA]
        alt = movie._element._nvXxPr.cNvPr.get("descr")  # the video's and its poster's alt text
        for label, loss, gone in zip(recording.names, recording.loss, diverged_steps(recording)):
            assert f"{label} starts at loss {number(loss[0])}" in notes
            end = f"{label} {number(loss[-1])}" if gone is None else f"{label} diverged at step {gone}"
            assert end in alt  # every optimizer named with its final value (or where it diverged)
    for page in pages:
        parts = {rel.reltype.rsplit("/", 1)[-1]: rel.target_part for rel in page.part.rels.values()}
        assert parts["video"].content_type == "video/mp4" and parts["image"].content_type == "image/png"
        video = tmp_path / "video.mp4"
        video.write_bytes(parts["video"].blob)
        poster = np.asarray(Image.open(io.BytesIO(parts["image"].blob)).convert("RGB"))
        assert poster.shape == (90, 160, 3)
        assert np.array_equal(poster, last_frame(video))  # the poster is the video's last frame
        assert poster.std() > 10  # a picture, not a blank
    again = viz.slides(folder, tmp_path / "again.pptx", title="Lecture 4: optimizers", **TINY)
    assert digest(again) == digest(path)  # the same scenes make the same bytes (no dates in the zip)


def test_a_deck_refuses_bad_input_before_rendering(folder, tmp_path, runner):
    with pytest.raises(OptionError, match="a deck is a .pptx"):
        viz.slides(folder, tmp_path / "lecture.ppt")
    with pytest.raises(OptionError, match="fps=0"):
        viz.slides(folder, tmp_path / "lecture.html", fps=0)
    (tmp_path / "empty").mkdir()
    with pytest.raises(SpecError, match="holds no scene files"):
        viz.slides(tmp_path / "empty", tmp_path / "lecture.pptx")
    result = runner.invoke(main, ["slides", str(folder), "-o", "/proc/no/lecture.pptx"])
    assert result.exit_code == 1 and "Error: cannot create the folder /proc/no" in result.output
    result = runner.invoke(main, ["slides", str(folder), "-o", str(tmp_path / "lecture.key")])
    assert result.exit_code == 2 and result.output.startswith("Error: --output")
    assert not list(tmp_path.glob("lecture*")) and not list(tmp_path.glob(".lecture*"))


def test_a_failing_scene_names_itself_and_leaves_no_deck(folder, tmp_path):
    (folder / "0_broken.py").write_text(textwrap.dedent("""
        from viz import Scene, surfaces

        broken = Scene(title="Broken", problem=surfaces.custom(lambda x, y: x * x + missing_name * y,
                       domain=((-2, 2), (-2, 2)), start=(1.0, 1.0)), optimizers={"SGD": "sgd"}, steps=3)
    """))
    with pytest.raises(VizError, match=r"0_broken.py, scene 'broken': NameError: name 'missing_name' is not defined; "
                                       "the deck was not written"):
        viz.slides(folder, tmp_path / "lecture.pptx", **TINY)
    assert [p.name for p in tmp_path.iterdir() if "lecture" in p.name] == []


@pytest.mark.slow
def test_frames_come_with_a_beamer_snippet(small, tmp_path):
    from viz.render.animation import render

    count = render(small, tmp_path / "lesson_frames", "lesson", size=(160, 90), fps=15, max_frames=6)
    snippet = (tmp_path / "lesson_frames.tex").read_text()
    assert count == 6 and len(list((tmp_path / "lesson_frames").iterdir())) == 6
    assert "% In the preamble: \\usepackage{animate}" in snippet
    assert snippet.rstrip().endswith("{15}{lesson_frames/frame_}{00000}{00005}%")


def test_beamer_preset_is_low_quality_frames_at_10_fps():
    from viz.pipeline import checked

    look, _ = checked(None, beamer=True)
    assert (look.output.fmt, look.output.size, look.timing.fps, look.timing.max_frames) == ("frames", (854, 480), 10.0, 80)
    look, _ = checked(None, beamer=True, fps=5, size="640x360", max_frames=40)
    assert (look.output.size, look.timing.fps, look.timing.max_frames) == ((640, 360), 5, 40)
    with pytest.raises(OptionError, match="beamer=True: writes a folder of frames"):
        checked(Path("a.gif"), beamer=True)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no pdflatex on PATH: the Beamer snippet is not compiled "
                    "(Debian: apt-get install texlive-latex-extra, which has beamer and animate)")
def test_the_beamer_snippet_compiles_in_a_beamer_document(small, tmp_path):
    from viz.render.animation import render

    render(small, tmp_path / "lesson_frames", "lesson", size=(160, 90), fps=15, max_frames=5)
    (tmp_path / "talk.tex").write_text("\\documentclass[aspectratio=169]{beamer}\n\\usepackage{animate}\n"
                                       "\\begin{document}\n\\begin{frame}{The lesson}\n\\input{lesson_frames}\n"
                                       "\\end{frame}\n\\end{document}\n")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "talk.tex"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "talk.pdf").stat().st_size > 5000 and "animate" in (tmp_path / "talk.log").read_text()


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="no soffice on PATH: the deck is not converted to PDF (Debian: apt-get "
                    "install libreoffice-impress)")
def test_libreoffice_converts_a_dark_4_3_deck_with_the_poster_on_each_page(folder, tmp_path):
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTFigure, LTImage
    from pptx import Presentation

    path = viz.slides(folder, tmp_path / "lecture.pptx", title="Lecture 4", aspect="4:3", theme="dark",
                      quality="l", max_frames=3, hold=0)
    deck = Presentation(path)
    assert (deck.slide_width, deck.slide_height) == (9144000, 6858000)  # 4:3, 10 x 7.5 inches
    for page in deck.slides:
        assert str(page.background.fill.fore_color.rgb) == DARK.background[1:].upper()
        assert str(page.shapes.title.text_frame.paragraphs[0].runs[0].font.color.rgb) == DARK.ink[1:].upper()
    profile = tmp_path / "profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], capture_output=True, timeout=180, check=True)

    def images(layout):
        for item in layout:
            if isinstance(item, LTImage):
                yield item
            elif isinstance(item, LTFigure):
                yield from images(item)

    pages = [list(images(page)) for page in extract_pages(tmp_path / "lecture.pdf")]
    assert len(pages) == 3 and pages[0] == []  # the title slide, then a poster on each scene's page
    for page in pages[1:]:
        poster, = page
        assert poster.srcsize == (640, 480)


@pytest.mark.slow
def test_jobs_2_writes_the_same_bytes_as_jobs_1(folder, tmp_path, outputs):
    one = viz.render(folder, format="mp4", jobs=1, cache=False, **TINY)
    first = {report.path.name: digest(report.path) for report in one}
    two = viz.render(folder, format="mp4", jobs=2, cache=False, **TINY)
    assert {report.path.name: digest(report.path) for report in two} == first
    assert sorted(first) == ["a_bowl.mp4", "b_valley.mp4"]


@pytest.mark.slow
def test_sigterm_during_parallel_renders_leaves_no_file_and_no_process(folder, tmp_path):
    for name in SCENES:  # long enough to be caught while encoding
        path = folder / name
        path.write_text(path.read_text().replace("steps=3", "steps=400"))
    process = subprocess.Popen([sys.executable, "-m", "viz", "render", str(folder), "-j", "2", "--format", "mp4",
                                "--size", "640x360", "--quiet"], cwd=tmp_path,
                               env={**os.environ, "PYTHONPATH": str(Path(viz.__file__).parents[1])},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs, deadline = tmp_path / "outputs", time.monotonic() + 120
    while not list(outputs.glob(".*.part")):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    workers = children(process.pid)
    assert len(workers) >= 2
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 143 and err.strip().endswith("Error: terminated; unfinished files were removed")
    assert not list(outputs.glob(".*part*")) and not list(outputs.glob("*.mp4"))
    deadline = time.monotonic() + 10  # multiprocessing's resource tracker leaves once it sees its parent gone
    while [pid for pid in workers if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in workers if alive(pid)] == []


def children(pid):
    """The process ids whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError):
                pass
    return found


def alive(pid):
    """Whether ``pid`` is a process that has not ended (a zombie has)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
def test_html_deck_moves_with_keys_plays_and_loads_nothing(folder, tmp_path):
    if CHROMIUM is None:
        pytest.fail("no Chromium on PATH: the html deck is driven in headless Chromium", pytrace=False)
    path = viz.slides(folder, tmp_path / "lecture.html", title="Lecture 4", size=(160, 90), hold=0.0)
    page = path.read_text()
    assert "http://" not in page and "https://" not in page and "default-src 'none'" in page
    players = [html.unescape(frame) for frame in re.findall(r'srcdoc="([^"]*)"', page)]
    assert len(players) == 2 and all(re.search(r'src="data:video/mp4;base64,', player) for player in players)
    assert "A bowl: every optimizer finds the bottom." in page
    browser = Watching(path.as_uri())
    try:
        browser.send("Network.enable")
        browser.send("Page.navigate", url=browser.url)
        wait(browser, "document.readyState === 'complete' && document.querySelectorAll('iframe').length === 2 && "
                      "[...document.querySelectorAll('iframe')].every(f => f.contentWindow.vizPlayer)")
        assert browser.js("[vizDeck.count, vizDeck.current()]") == [3, 0]
        browser.key("ArrowRight", "ArrowRight", 39)
        assert browser.js("vizDeck.current()") == 1
        wait(browser, "(() => { const v = document.querySelector('.slide.current iframe').contentDocument"
                      ".querySelector('video'); return v.played.length > 0 && v.currentTime > 0; })()")  # it plays
        browser.key(" ", "Space", 32)
        assert browser.js("vizDeck.current()") == 2
        browser.js("document.querySelector('.slide.current iframe').contentDocument.getElementById('forward').focus()")
        browser.key("ArrowLeft", "ArrowLeft", 37)  # inside a player, the arrows still move the deck
        assert browser.js("vizDeck.current()") == 1
        notes = "getComputedStyle(document.querySelector('.slide.current .notes')).display"
        assert browser.js(notes) == "none"
        browser.key("n", "KeyN", 78)
        assert browser.js(notes) == "block"
        shown = "[...document.querySelectorAll('.slide.current > *')].map(e => e.getBoundingClientRect().height > 20)"
        assert browser.js(shown) == [True, True, True]  # title, player and notes all on the page
        assert browser.js("document.querySelector('.slide.current .notes').textContent").startswith("A bowl")
        assert browser.js("document.querySelector('.slide.current .notes code').textContent") == "Adam"
        assert "``" not in browser.js("document.querySelector('.slide.current .notes').textContent")
        below = "document.querySelector('.slide.current .notes').getBoundingClientRect().bottom"
        assert browser.js(below) <= browser.js("document.getElementById('counter').getBoundingClientRect().top")
        assert browser.js("document.querySelector('.slide.current h1').textContent") == "The bowl"  # the title as text
        assert path.as_uri() in browser.requests  # the requests are watched: the deck's own is one
        requests = [url for url in browser.requests if not url.startswith(("data:", "about:", path.as_uri()))]
        assert requests == []
    finally:
        browser.close()


class Watching(Chromium):
    """Chromium that keeps the URL of every request the page makes (DevTools Network events)."""

    def saw(self, reply):
        self.requests = getattr(self, "requests", [])
        if reply.get("method") == "Network.requestWillBeSent":
            self.requests.append(reply["params"]["request"]["url"])


@pytest.mark.slow
def test_notes_add_the_tuning_summary(folder, tmp_path):
    path = viz.slides(folder / "a_bowl.py", tmp_path / "tuned.html", tune_lr="tuned", **TINY)
    notes = html.unescape(re.search(r'<aside class="notes">(.*?)</aside>', path.read_text(), re.S).group(1))
    doc, summary = notes.split("\n\nlearning rates for 'scene', the best of 9 from ")
    assert doc == re.sub(r"``(.+?)``", r"<code>\1</code>", SCENES["a_bowl.py"][0]) and re.search(r"SGD [0-9.e-]+.*, Adam [0-9.e-]+", summary)


@pytest.mark.slow
def test_the_hidden_layer_scene_is_shown_with_its_panel_on_a_slide(tmp_path):
    """Issue 28, point 22: the chapter's hidden_layer scene says its panels, and a deck's job
    (no title drawn in the video: the slide's own says it) shows them."""
    from viz.pipeline import plan

    job, = plan(Path("scenes/chapter/hidden_layer.py"), every=True, folder=tmp_path, format="mp4", show_title=False)
    assert job.options.layout.hidden and not job.options.look.show_title
