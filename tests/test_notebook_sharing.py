"""Notebooks that survive sharing: a notebook executed with nbclient keeps a still (image/png)
beside the inline HTML; the html player fits the window with its controls in view (1280x800,
1920x1080) and, where a sanitizer removes its frame (an untrusted notebook), the last frame and a
line saying how to see it live remain."""

import base64
import io
import os
import re
import time

import pytest
from browser import chromium, wait
from PIL import Image

import viz
from viz import Scene, surfaces

CELL = """
import viz
from viz import Scene, surfaces

bowl = Scene("bowl", surfaces.get("booth"), optimizers={"Adam": "adam"}, learning_rate=0.5, steps=3)
viz.show(bowl, format="html", size=(320, 180), hold=0)
"""


@pytest.mark.slow
def test_an_executed_notebook_keeps_a_still_beside_the_html(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    os.environ.setdefault("MPLBACKEND", "Agg")
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    output, = [o for o in notebook.cells[0].outputs if o["output_type"] == "execute_result"]
    data = output["data"]
    assert {"text/html", "image/png", "text/plain"} <= set(data)
    with Image.open(io.BytesIO(base64.b64decode(data["image/png"]))) as poster:
        assert poster.size == (320, 180) and poster.convert("L").getextrema()[0] < 200  # a picture, not blank
    assert data["text/plain"].startswith("<viz animation 'bowl': html, 320x180")
    assert "<iframe srcdoc=" in data["text/html"] and "Trust Notebook" in data["text/html"]
    assert list(tmp_path.iterdir()) == []  # nothing written beside the notebook


def sanitized(markup):
    """The HTML as a sanitizer leaves it that drops frames and their event handlers (JupyterLab
    for an untrusted notebook's output)."""
    return re.sub(r"<iframe\b.*?</iframe>", "", markup, flags=re.S)


@pytest.fixture(scope="module")
def player_html():
    scene = Scene("bowl", surfaces.get("booth"), optimizers={"Adam": "adam"}, learning_rate=0.5, steps=3)
    return viz.show(scene, format="html", size=(1280, 720), hold=0)._repr_html_()


@pytest.mark.slow
@pytest.mark.parametrize("window", [(1280, 800), (1920, 1080)])
def test_the_notebook_player_fits_the_window_and_an_untrusted_one_shows_the_poster(player_html, window, tmp_path):
    width, height = window
    page = ("<!doctype html><html><body style='margin: 0'><div style='height: 110px'>notebook menus</div>"
            "<div style='margin: 0 40px 0 90px'>{}</div></body></html>")
    (tmp_path / "trusted.html").write_text(page.format(player_html))
    (tmp_path / "untrusted.html").write_text(page.format(sanitized(player_html)))
    browser = chromium((tmp_path / "trusted.html").as_uri())
    try:
        browser.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                     mobile=False)
        browser.send("Page.navigate", url=browser.url)
        wait(browser, "document.readyState === 'complete' && !!document.querySelector('iframe').contentWindow.vizPlayer"
                      " && !document.querySelector('.viz-poster')")  # the live player replaced the poster
        frame, controls, video = browser.js("""(() => { const f = document.querySelector('iframe');
            const d = f.contentDocument, r = f.getBoundingClientRect();
            const c = d.getElementById('controls').getBoundingClientRect();
            const v = d.querySelector('video').getBoundingClientRect();
            return [[r.top, r.bottom, r.width], [c.top + r.top, c.bottom + r.top], [v.width, v.height]]; })()""")
        assert frame[1] <= height and controls[1] <= frame[1] + 0.5  # the controls are in view, no scrolling
        assert controls[1] <= height
        picture = min(video[0], video[1] * 16 / 9)  # the picture's width inside the video box (contain)
        assert picture >= 0.75 * frame[2], (picture, frame)
        browser.url = (tmp_path / "untrusted.html").as_uri()
        browser.send("Page.navigate", url=browser.url)
        wait(browser, "document.readyState === 'complete' && document.querySelector('img').complete")
        shown = browser.js("""(() => { const img = document.querySelector('.viz-poster img');
            const line = document.querySelector('.viz-poster p');
            return [img.naturalWidth, img.getBoundingClientRect().width > 100, img.alt, line.textContent]; })()""")
        assert shown[:2] == [1280, True] and shown[2].startswith("Last frame: bowl: ")  # and the words' alt text
        assert "not trusted" in shown[3] and "Trust Notebook" in shown[3]
        assert browser.js("document.querySelector('.viz-poster p').getBoundingClientRect().height") < 40  # one line
    finally:
        browser.close()


@pytest.mark.slow
def test_the_notebook_frame_grows_by_the_players_captions_and_chapters(tmp_path):
    """Captions add a line and a chapter list under the player: the notebook's frame grows by
    them, so the picture keeps the size it has without captions."""
    bowl = Scene("bowl", surfaces.get("booth"), optimizers={"Adam": "adam"}, learning_rate=0.5, steps=6)
    told = Scene("bowl", surfaces.get("booth"), optimizers={"Adam": "adam"}, learning_rate=0.5, steps=6,
                 captions={0: "The start", 2: "Two steps in", 4: "Nearly there", 6: "The end"})
    widths = []
    for scene in (bowl, told):
        shown = viz.show(scene, format="html", size=(640, 360), hold=0)._repr_html_()
        (tmp_path / "page.html").write_text(f"<!doctype html><html><body style='margin: 0'>{shown}</body></html>")
        browser = chromium((tmp_path / "page.html").as_uri())
        try:
            browser.send("Emulation.setDeviceMetricsOverride", width=1280, height=1400, deviceScaleFactor=1,
                         mobile=False)
            browser.send("Page.navigate", url=browser.url)
            wait(browser, "document.readyState === 'complete' && !!document.querySelector('iframe').contentWindow"
                          ".vizPlayer && !document.querySelector('.viz-poster')")
            time.sleep(0.3)
            widths.append(browser.js("""(() => { const v = document.querySelector('iframe').contentDocument
                .querySelector('video').getBoundingClientRect(); return Math.min(v.width, v.height * 16 / 9); })()"""))
        finally:
            browser.close()
    assert widths[1] >= 0.97 * widths[0], widths  # the chapters did not shrink the picture
