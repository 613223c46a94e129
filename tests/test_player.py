"""The interactive HTML player: one self-contained file whose embedded MP4 holds the same frames
as the MP4 render, driven in headless Chromium (real time, through the DevTools pipe) by its
public ``window.vizPlayer`` API and by real key presses."""

import base64
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import numpy as np
import pytest
from conftest import ok
from PIL import Image

from viz.render.animation import render

SMALL = ["--size", "320x180"]
FPS = 30
FRAMES = 16  # the quick scene's 15 steps and its start
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = ("no Chromium binary on PATH (looked for 'chromium' and 'chromium-browser'): the HTML player's "
               "tests drive it in headless Chromium and cannot run. Install Debian's package "
               "(apt-get update && apt-get install -y chromium); .ci/run does this when it is missing.")


def embedded_video(page):
    """The MP4 inside the player's page, as bytes."""
    match = re.search(r'src="data:video/mp4;base64,([A-Za-z0-9+/=]+)"', page)
    assert match, "no embedded MP4"
    return base64.b64decode(match.group(1))


def decoded(path):
    """(size, frames [n, height, width, 3] uint8) of a video file, decoded by ffmpeg."""
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path))
    width, height = next(reader)["size"]
    return (width, height), np.stack([np.frombuffer(f, np.uint8).reshape(height, width, 3) for f in reader])


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


class Chromium:
    """Headless Chromium driven through ``--remote-debugging-pipe`` (DevTools messages on fds 3
    and 4): playback runs in real time, unlike under ``--virtual-time-budget``."""

    def __init__(self, url):
        commands_read, self.commands = os.pipe()
        self.replies, replies_write = os.pipe()
        self.profile = tempfile.mkdtemp()

        def pipes_on_3_and_4():
            command_end, reply_end = os.dup(commands_read), os.dup(replies_write)
            os.dup2(command_end, 3)
            os.dup2(reply_end, 4)

        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={self.profile}", "--autoplay-policy=no-user-gesture-required",
             "--remote-debugging-pipe", "--window-size=800,500", "about:blank"],
            preexec_fn=pipes_on_3_and_4, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(commands_read)
        os.close(replies_write)
        self.count, self.buffer, self.session = 0, b"", None
        page = next(t for t in self.send("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        self.url = url

    def saw(self, reply):
        """Each DevTools message as it arrives (an event or a reply); a subclass may watch them."""

    def send(self, method, **params):
        self.count += 1
        message = {"id": self.count, "method": method, "params": params,
                   **({"sessionId": self.session} if self.session else {})}
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self.buffer:
                chunk = os.read(self.replies, 1 << 16)
                if not chunk:
                    raise EOFError("chromium closed the DevTools pipe")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(raw)
            self.saw(reply)
            if reply.get("id") == self.count:
                if "error" in reply:
                    raise RuntimeError(reply["error"])
                return reply["result"]

    def js(self, expression):
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"]["exception"]["description"])
        return result["result"].get("value")

    def open(self):
        """Load the page afresh and wait until its first frame can be shown."""
        self.send("Page.navigate", url=self.url)
        deadline = time.monotonic() + 10
        while self.js("location.href === %s && document.readyState === 'complete' && "
                      "document.querySelector('video').readyState >= 2" % json.dumps(self.url)) is not True:
            assert time.monotonic() < deadline, "the player did not load"
            time.sleep(0.02)

    def key(self, key, code, keycode):
        """A real key press (down and up), as the keyboard makes it."""
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, code=code, windowsVirtualKeyCode=keycode,
                      **({"text": key} if kind == "keyDown" and len(key) == 1 else {}))

    def close(self):
        try:
            self.send("Browser.close")
            self.process.wait(10)
        finally:
            self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def player(small, tmp_path_factory):
    """Chromium with the quick scene's player (320x180, 16 frames at 30 fps), and its decoded
    frames. Without Chromium the tests that use it fail: they are not skipped."""
    if CHROMIUM is None:
        pytest.fail(NO_CHROMIUM, pytrace=False)
    folder = tmp_path_factory.mktemp("player")
    render(small, folder / "quick.html", "quick", size=(320, 180))
    (folder / "embedded.mp4").write_bytes(embedded_video((folder / "quick.html").read_text()))
    browser = Chromium((folder / "quick.html").as_uri())
    browser.frames = decoded(folder / "embedded.mp4")[1]
    yield browser
    browser.close()


def state(browser):
    """What the page shows: frame index, media time, readout, scrubber, paused."""
    return browser.js("""(() => { const video = document.querySelector("video");
        return {frame: vizPlayer.frame(), time: video.currentTime, paused: video.paused,
                readout: document.getElementById("step").textContent,
                scrubber: Number(document.getElementById("scrubber").value)}; })()""")


def settled(browser):
    """Wait until a seek has finished; then the page's state."""
    browser.js("""new Promise(done => { const video = document.querySelector("video");
        (function wait() { video.seeking ? setTimeout(wait, 10) : done(); })(); })""")
    return state(browser)


def sleep(browser, ms):
    browser.js(f"new Promise(done => setTimeout(done, {ms}))")


def until(browser, condition):
    """Wait until the page's ``condition`` (JavaScript, with ``video`` the player's video and
    ``vizPlayer`` its controls) holds: no guess at how long playback takes."""
    browser.js(f"""new Promise(done => {{ const video = document.querySelector("video");
        (function wait() {{ ({condition}) ? done() : setTimeout(wait, 5); }})(); }})""")


def on_screen(browser):
    """The index of the decoded frame that the video element shows now (drawn into a canvas)."""
    url = browser.js("""(() => { const video = document.querySelector("video");
        const canvas = document.createElement("canvas");
        canvas.width = video.videoWidth; canvas.height = video.videoHeight;
        canvas.getContext("2d").drawImage(video, 0, 0); return canvas.toDataURL("image/png"); })()""")
    picture = np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB"), int)
    differences = np.abs(browser.frames.astype(int) - picture).mean(axis=(1, 2, 3))
    return int(np.argmin(differences))


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
    sleep(player, 300)
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


def wait(browser, condition, seconds=15):
    """Until the page's JavaScript ``condition`` is true (an assertion error after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while browser.js(condition) is not True:
        assert time.monotonic() < deadline, condition
        time.sleep(0.05)


@pytest.mark.slow
def test_the_readout_counts_epochs_for_paths_of_different_batch_sizes(tmp_path):
    """Paths of 6 and 3 steps over 2 epochs: Chromium shows the frame's epoch, not one path's steps."""
    from test_varied import padded

    if CHROMIUM is None:
        pytest.fail(NO_CHROMIUM, pytrace=False)
    render(padded(), tmp_path / "batches.html", size=(160, 90), max_frames=7)
    browser = Chromium((tmp_path / "batches.html").as_uri())
    try:
        browser.open()
        assert state(browser)["readout"] == "epoch 0.0 / 2"
        browser.js("vizPlayer.seek(6)")
        assert settled(browser)["readout"] == "epoch 2.0 / 2"
    finally:
        browser.close()
