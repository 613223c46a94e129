"""The interactive HTML player: one self-contained file whose embedded MP4 holds the same frames
as the MP4 render, driven in headless Chromium (real time, through the DevTools pipe) by its
public ``window.vizPlayer`` API and by real key presses."""

import json
import re

import numpy as np
import pytest
from browser import chromium, decoded, embedded_video, frames_drawn, on_screen, settled, state, until
from conftest import ok

from viz.render.animation import render

SMALL = ["--size", "320x180"]
FPS = 30
FRAMES = 16  # the quick scene's 15 steps and its start


def test_a_tiny_player_page_holds_its_frames(small, tmp_path):
    """The fast tier's check of the player: 160x90, the quick recording's 16 frames."""
    path = tmp_path / "tiny.html"
    assert render(small, path, "tiny", size=(160, 90), fps=FPS) == FRAMES
    page = path.read_text()
    assert "http://" not in page and "https://" not in page and "default-src 'none'" in page
    data = json.loads(re.search(r'<script type="application/json" id="viz-data">(.*?)</script>', page).group(1))
    assert data == {"fps": FPS, "frames": FRAMES, "steps": list(range(FRAMES)), "lastStep": 15}
    (tmp_path / "embedded.mp4").write_bytes(embedded_video(page))
    size, frames = decoded(tmp_path / "embedded.mp4")
    assert size == (160, 90) and len(frames) == FRAMES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["embedded.mp4", "tiny.html"]


@pytest.mark.slow
def test_html_is_one_self_contained_file(runner, quick, outputs):
    result = ok(runner, "render", quick, "--format", "html", *SMALL)
    path = outputs / "quick.html"
    assert f"quick.html: 320x180, {FRAMES} frames at 30 fps" in result.stdout
    page = path.read_text()
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)=", page)  # nothing loaded from a file
    assert re.findall(r'\b(?:src|href)="([a-z]+):', page) == ["data"]  # the video, and nothing else
    assert "default-src 'none'" in page  # the page itself forbids fetching anything
    data = json.loads(re.search(r'<script type="application/json" id="viz-data">(.*?)</script>', page).group(1))
    assert data == {"fps": 30, "frames": FRAMES, "steps": list(range(FRAMES)), "lastStep": 15}
    manifest = json.loads((outputs / "quick.html.json").read_text())
    assert manifest["render"]["fmt"] == "html" and manifest["frames"] == FRAMES
    assert not list(outputs.glob(".*part*")) and not list(outputs.glob(".quick.html.*"))  # no leftovers


@pytest.mark.slow
def test_embedded_video_is_the_mp4_without_its_hold(runner, quick, tmp_path):
    ok(runner, "render", quick, "-o", tmp_path / "q.html", *SMALL, "--theme", "dark")
    ok(runner, "render", quick, "-o", tmp_path / "q.mp4", *SMALL, "--theme", "dark", "--hold", "1")
    (tmp_path / "embedded.mp4").write_bytes(embedded_video((tmp_path / "q.html").read_text()))
    size, frames = decoded(tmp_path / "embedded.mp4")
    mp4_size, mp4_frames = decoded(tmp_path / "q.mp4")
    assert size == mp4_size == (320, 180)
    assert len(frames) == FRAMES and len(mp4_frames) == FRAMES + FPS  # the MP4 holds its last frame 1 s
    difference = np.abs(frames.astype(int) - mp4_frames[:FRAMES].astype(int)).mean(axis=(1, 2, 3))
    assert difference.max() < 1.5, difference  # the same pictures (up to the encoder's rounding)
    assert (tmp_path / "q.html").read_text().count("--bg: #16181d;") == 1  # the page is the dark frame's colour


@pytest.fixture(scope="module")
def player(small, tmp_path_factory):
    """Chromium with the quick scene's player (320x180, 16 frames at 30 fps), and its decoded
    frames. Without Chromium the tests that use it fail: they are not skipped."""
    folder = tmp_path_factory.mktemp("player")
    render(small, folder / "quick.html", "quick", size=(320, 180))
    (folder / "embedded.mp4").write_bytes(embedded_video((folder / "quick.html").read_text()))
    browser = chromium((folder / "quick.html").as_uri())
    browser.frames = decoded(folder / "embedded.mp4")[1]
    yield browser
    browser.close()


@pytest.mark.slow
def test_player_plays_pauses_and_stops_on_the_last_frame(player):
    player.open()
    assert player.js("[vizPlayer.frames, vizPlayer.fps, document.querySelector('video').duration]") == \
        [FRAMES, FPS, pytest.approx(FRAMES / FPS, abs=0.01)]
    assert state(player) == {"frame": 0, "time": 0, "paused": True, "readout": "step 0 / 15", "scrubber": 0}
    player.js("vizPlayer.speed(0.25); vizPlayer.play()")
    until(player, "vizPlayer.frame() >= 2")  # the player has shown frame 2: playing, not yet at the end
    playing = state(player)
    assert not playing["paused"] and playing["time"] < FRAMES / FPS
    assert 0 < playing["frame"] and playing["scrubber"] == playing["frame"]  # the scrubber follows playback
    player.js("vizPlayer.pause()")
    paused = state(player)
    frames_drawn(player, 30)
    assert state(player) == paused and paused["paused"]  # pause holds
    assert paused["frame"] == int(paused["time"] * FPS) and paused["readout"] == f"step {paused['frame']} / 15"
    player.js("vizPlayer.speed(1); vizPlayer.play()")
    until(player, "video.paused")  # it stops by itself, on the last frame
    assert settled(player) == {"frame": 15, "time": pytest.approx(15.5 / FPS, abs=1e-3), "paused": True,
                               "readout": "step 15 / 15", "scrubber": 15}
    assert on_screen(player) == 15


@pytest.mark.slow
def test_seek_step_and_scrub_are_frame_accurate(player):
    player.open()
    for frame in (7, 0, 15, 3):
        player.js(f"vizPlayer.seek({frame})")
        shown = settled(player)
        assert shown["time"] == pytest.approx((frame + 0.5) / FPS, abs=1e-3)
        assert (shown["frame"], shown["scrubber"], shown["readout"]) == (frame, frame, f"step {frame} / 15")
        assert on_screen(player) == frame
    player.js("vizPlayer.step(1)")
    assert settled(player)["frame"] == 4 and on_screen(player) == 4
    player.js("vizPlayer.step(-1); vizPlayer.step(-1)")
    assert settled(player)["frame"] == 2 and on_screen(player) == 2
    player.js("vizPlayer.step(-5)")
    assert settled(player)["frame"] == 0  # no frame before the first
    player.js("vizPlayer.seek(99)")
    assert settled(player)["frame"] == 15
    player.js("""(() => { const scrubber = document.getElementById("scrubber");
        scrubber.value = 9; scrubber.dispatchEvent(new Event("input")); })()""")
    shown = settled(player)
    assert (shown["frame"], shown["readout"], on_screen(player)) == (9, "step 9 / 15", 9)
    assert shown["time"] == pytest.approx(9.5 / FPS, abs=1e-3)


@pytest.mark.slow
def test_keyboard_steps_and_plays(player):
    player.open()
    player.key("ArrowRight", "ArrowRight", 39)
    player.key("ArrowRight", "ArrowRight", 39)
    assert settled(player)["frame"] == 2 and on_screen(player) == 2
    player.key("ArrowLeft", "ArrowLeft", 37)
    assert settled(player)["frame"] == 1
    player.key("End", "End", 35)
    assert settled(player)["frame"] == 15
    player.key("Home", "Home", 36)
    assert settled(player)["frame"] == 0
    player.js("vizPlayer.speed(0.25)")
    player.key(" ", "Space", 32)
    until(player, "video.currentTime > 0")
    assert not state(player)["paused"]
    player.key(" ", "Space", 32)
    paused = state(player)
    assert paused["paused"] and paused["time"] > 0
    # a focused button takes space as play/pause only once (not as a click as well)
    player.js("document.getElementById('forward').focus()")
    player.key(" ", "Space", 32)
    until(player, f"video.currentTime > {paused['time']}")
    assert not state(player)["paused"]
    player.key(" ", "Space", 32)
    paused = state(player)
    assert paused["paused"]
    # a key dispatched by a script on the document works as well
    player.js("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}))")
    assert settled(player)["frame"] == paused["frame"] + 1


@pytest.mark.slow
def test_the_readout_follows_the_running_optimizer_in_a_sequence(runner, quick, outputs):
    ok(runner, "render", quick, "--format", "html", "--sequence", *SMALL)
    page = (outputs / "quick.html").read_text()
    data = json.loads(re.search(r'<script type="application/json" id="viz-data">(.*?)</script>', page).group(1))
    # SGD runs its 16 steps, then Adam its 16 while SGD stays at 15
    assert data["frames"] == 2 * FRAMES and data["steps"] == list(range(FRAMES)) * 2


@pytest.mark.slow
def test_the_readout_counts_epochs_for_paths_of_different_batch_sizes(tmp_path):
    """Paths of 6 and 3 steps over 2 epochs: Chromium shows the frame's epoch, not one path's steps."""
    from test_varied import padded

    render(padded(), tmp_path / "batches.html", size=(160, 90), max_frames=7)
    browser = chromium((tmp_path / "batches.html").as_uri())
    try:
        browser.open()
        assert state(browser)["readout"] == "epoch 0.0 / 2"
        browser.js("vizPlayer.seek(6)")
        assert settled(browser)["readout"] == "epoch 2.0 / 2"
    finally:
        browser.close()
