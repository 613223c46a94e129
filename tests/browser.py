"""Headless Chromium driven through its DevTools pipe, and what the tests read from the HTML
player in it: the player's state, the frame on screen, the embedded video decoded. The player's,
the decks', the explorer's, the notebooks' and the accessibility tests share these."""

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
from PIL import Image

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = ("no Chromium binary on PATH (looked for 'chromium' and 'chromium-browser'): the HTML player's "
               "tests drive it in headless Chromium and cannot run. Install Debian's package "
               "(apt-get update && apt-get install -y chromium); .ci/run does this when it is missing.")

HANG = 120  # seconds after which a wait for the page gives up: a hung browser, not a slow one


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
        wait(self, "location.href === %s && document.readyState === 'complete' && "
                   "document.querySelector('video').readyState >= 2" % json.dumps(self.url))

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


def chromium(url):
    """A :class:`Chromium` on ``url``; the test fails (it is not skipped) without Chromium."""
    if CHROMIUM is None:
        pytest.fail(NO_CHROMIUM, pytrace=False)
    return Chromium(url)


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


def frames_drawn(browser, count):
    """Wait until the page has drawn ``count`` more animation frames (time passing, counted in
    the page's own frames)."""
    browser.js(f"""new Promise(done => {{ let left = {count};
        (function tick() {{ --left <= 0 ? done() : requestAnimationFrame(tick); }})(); }})""")


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


def wait(browser, condition):
    """Until the page's JavaScript ``condition`` is true, asked again and again from here (so a
    page that is still loading may answer); :data:`HANG` seconds is a hung browser."""
    deadline = time.monotonic() + HANG
    while browser.js(condition) is not True:
        assert time.monotonic() < deadline, f"the page never reached: {condition}"
        time.sleep(0.02)
