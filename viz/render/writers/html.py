"""The interactive player: one self-contained HTML file that plays the animation's frames,
encoded once as an H.264 MP4 and embedded as a ``data:`` URI, with controls a lecturer can
drive from the keyboard (pause, step one frame, scrub, change the speed). Nothing is loaded
from anywhere else: the page's own Content-Security-Policy forbids it."""

import base64
import html
import json
import re
import tempfile
from pathlib import Path

import numpy as np

from viz.render.steps import running
from viz.render.writers.video import encode
from viz.words import clock

SPEEDS = (0.25, 0.5, 1, 2)

# A page's head, the player's and the deck's: @NAME@ placeholders, filled by :func:`filled`;
# @SOURCES@ is what its Content-Security-Policy lets it load, data: URIs only.
HEAD = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; @SOURCES@; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="color-scheme" content="@SCHEME@">
<title>@TITLE@</title>
"""

# CSS and JS keep their braces as they are.
TEMPLATE = HEAD + """<style>
:root { --bg: @BACKGROUND@; --ink: @INK@; --muted: @MUTED@; --line: @GRID@; --track: @TRACK@; --accent: @ACCENT@;
  --done: 0%; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: var(--bg); color: var(--ink);
  font: 20px/1.25 system-ui, "Segoe UI", Helvetica, Arial, sans-serif; }
body { display: flex; flex-direction: column; }
#stage { flex: 1 1 auto; min-height: 0; }
video { display: block; width: 100%; height: 100%; object-fit: contain; background: var(--bg); cursor: pointer; }
#controls { flex: none; padding: 6px 20px 14px; }
#scrubber { display: block; width: 100%; height: 40px; margin: 0 0 8px; background: transparent; cursor: pointer;
  -webkit-appearance: none; appearance: none; }
#scrubber::-webkit-slider-runnable-track { height: 8px; border-radius: 4px;
  background: linear-gradient(to right, var(--accent) var(--done), var(--track) var(--done)); }
#scrubber::-webkit-slider-thumb { -webkit-appearance: none; width: 28px; height: 28px; margin-top: -10px;
  border-radius: 50%; background: var(--accent); border: 3px solid var(--bg); }
#scrubber::-moz-range-track { height: 8px; border-radius: 4px;
  background: linear-gradient(to right, var(--accent) var(--done), var(--track) var(--done)); }
#scrubber::-moz-range-thumb { width: 22px; height: 22px; border-radius: 50%; background: var(--accent);
  border: 3px solid var(--bg); }
#row { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
#buttons, #speeds { display: flex; gap: 8px; }
#speeds { margin-left: auto; }
button { display: inline-flex; align-items: center; justify-content: center; gap: 3px; min-width: 60px;
  height: 56px; padding: 0 14px; border: 2px solid var(--muted); border-radius: 10px; background: var(--bg);
  color: var(--ink); font: inherit; font-weight: 600; cursor: pointer; }
button:hover { background: var(--line); }
button[aria-pressed="true"] { background: var(--ink); border-color: var(--ink); color: var(--bg); }
button:focus-visible, #scrubber:focus-visible { outline: 4px solid var(--accent); outline-offset: 3px; }
#play { min-width: 84px; }
.bar { width: 5px; height: 22px; background: currentColor; }
.left { border-top: 11px solid transparent; border-bottom: 11px solid transparent;
  border-right: 17px solid currentColor; }
.right { border-top: 11px solid transparent; border-bottom: 11px solid transparent;
  border-left: 17px solid currentColor; }
.play { border-top: 14px solid transparent; border-bottom: 14px solid transparent;
  border-left: 24px solid currentColor; margin-left: 5px; }
.pause { width: 22px; height: 26px; border-left: 8px solid currentColor; border-right: 8px solid currentColor; }
#readout { font-variant-numeric: tabular-nums; margin-left: 10px; white-space: nowrap; }
#step { font-size: 26px; font-weight: 700; }
#frame { color: var(--muted); margin-left: 12px; }
#caption { flex: none; min-height: 1.25em; margin: 4px 20px 0; text-align: center; font-size: 22px; }
#chapters { flex: none; margin: 0 20px 14px; color: var(--muted); }
#chapters ol { margin: 4px 0 0; padding-left: 2.2em; columns: 2 22em; }
#chapters a { color: var(--ink); text-decoration: none; border-bottom: 1px solid var(--line); }
#chapters a[aria-current="true"] { font-weight: 700; border-bottom: 2px solid var(--accent); }
#chapters a:focus-visible { outline: 4px solid var(--accent); outline-offset: 2px; }
#about { flex: none; margin: 0 20px 14px; }
#about summary { cursor: pointer; }
#about summary:focus-visible { outline: 4px solid var(--accent); outline-offset: 2px; }
#about h2 { font-size: 20px; margin: 10px 0 4px; }
#about p, #about li { max-width: 60em; }
</style>
</head>
<body>
<main id="stage"><video id="video" muted playsinline preload="auto" disablepictureinpicture
  aria-label="@ALT@" aria-describedby="description" src="data:video/mp4;base64,@VIDEO@"></video></main>
@CAPTION@<div id="controls">
  <input id="scrubber" type="range" min="0" max="@LAST@" step="1" value="0" aria-label="frame">
  <div id="row">
    <div id="buttons">
      <button id="first" title="First frame (Home)" aria-label="first frame">
        <span class="bar"></span><span class="left"></span></button>
      <button id="back" title="One frame back (left arrow)" aria-label="one frame back">&minus;1</button>
      <button id="play" title="Play / pause (space)" aria-label="Play"><span class="play"></span></button>
      <button id="forward" title="One frame forward (right arrow)" aria-label="one frame forward">+1</button>
      <button id="last" title="Last frame (End)" aria-label="last frame">
        <span class="right"></span><span class="bar"></span></button>
    </div>
    <div id="readout" aria-live="off"><span id="step"></span><span id="frame"></span></div>
    <div id="speeds" role="group" aria-label="speed">@SPEEDS@</div>
  </div>
</div>
@CHAPTERS@@ABOUT@<script type="application/json" id="viz-data">@DATA@</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("viz-data").textContent);
  var video = document.getElementById("video"), scrubber = document.getElementById("scrubber");
  var playButton = document.getElementById("play"), playIcon = playButton.firstElementChild;
  var stepText = document.getElementById("step"), frameText = document.getElementById("frame");
  var speedButtons = document.querySelectorAll("#speeds button");
  var count = data.frames, fps = data.fps, current = 0;

  function frameAt(time) {  // the frame on screen at a media time: frame i lasts from i/fps to (i+1)/fps
    return Math.min(count - 1, Math.max(0, Math.floor(time * fps + 1e-3)));
  }
  function show(frame) {
    current = frame;
    scrubber.value = frame;
    scrubber.style.setProperty("--done", (100 * frame / (count - 1)) + "%");
    stepText.textContent = data.epochs ? "epoch " + data.epochs[frame].toFixed(1) + " / " + data.lastEpoch
                                       : "step " + data.steps[frame] + " / " + data.lastStep;
    frameText.textContent = "frame " + (frame + 1) + " / " + count;
    tell(frame);
  }
  var cues = data.chapters || [], stops = data.stops || [], from = 0;  // from: the frame playing started at
  var caption = document.getElementById("caption"), links = document.querySelectorAll("#chapters a");
  function chapterAt(frame, onFrame) {  // the last caption (on the frame only: onFrame) started by a frame, or -1
    var found = -1;
    cues.forEach(function (cue, index) { if (cue.frame <= frame && (!onFrame || cue.shown)) found = index; });
    return found;
  }
  function tell(frame) {  // the caption under the frame, and the current chapter marked
    if (!caption) return;
    var said = chapterAt(frame, true), now = chapterAt(frame, false);
    caption.textContent = said < 0 ? "" : cues[said].text;
    links.forEach(function (link, index) { link.setAttribute("aria-current", String(index === now)); });
  }
  function chapter(delta) {  // to the next (1) or previous (-1) chapter's frame
    var now = chapterAt(current, false), target = now + delta;
    if (delta < 0 && now >= 0 && cues[now].frame < current) target = now;  // back: to this chapter's start first
    if (target >= 0 && target < cues.length) seek(cues[target].frame);
    else if (target < 0) seek(0);
  }
  function reach(frame) {  // playback reached a frame: stop at the first pause passed since play
    for (var i = 0; i < stops.length; i++) {
      if (stops[i] > from && stops[i] <= frame) { seek(stops[i]); from = stops[i]; return; }
    }
    show(frame);
  }
  function seek(frame) {  // frame i is shown from the middle of its time, where no rounding can miss it
    video.pause();
    frame = Math.min(count - 1, Math.max(0, Math.round(frame)));
    video.currentTime = (frame + 0.5) / fps;
    show(frame);
  }
  function step(frames) { seek(current + frames); }
  function play() {
    if (current >= count - 1) seek(0);  // at the end, play starts again
    from = current;
    return video.play();
  }
  function pause() {
    video.pause();
    show(frameAt(video.currentTime));
  }
  function toggle() { return video.paused ? play() : pause(); }
  function speed(rate) {
    video.playbackRate = video.defaultPlaybackRate = rate;
    speedButtons.forEach(function (button) {
      button.setAttribute("aria-pressed", String(Number(button.dataset.speed) === rate));
    });
  }
  function follow() {  // the readout and scrubber follow playback: each frame shown, and at least every timeupdate
    video.addEventListener("timeupdate", function () { if (!video.paused) reach(frameAt(video.currentTime)); });
    if (video.requestVideoFrameCallback) {
      video.requestVideoFrameCallback(function presented(now, meta) {
        if (!video.paused) reach(frameAt(meta.mediaTime));
        video.requestVideoFrameCallback(presented);
      });
    } else {
      (function tick() {
        if (!video.paused) reach(frameAt(video.currentTime));
        requestAnimationFrame(tick);
      })();
    }
  }
  function playing(isPlaying) {
    playIcon.className = isPlaying ? "pause" : "play";
    playButton.setAttribute("aria-label", isPlaying ? "Pause" : "Play");
  }

  video.addEventListener("play", function () { playing(true); });
  video.addEventListener("pause", function () { playing(false); });
  // at its end a video may show the frame before the last: go to the last one's middle
  video.addEventListener("ended", function () { seek(count - 1); });
  video.addEventListener("click", toggle);
  playButton.addEventListener("click", toggle);
  document.getElementById("first").addEventListener("click", function () { seek(0); });
  document.getElementById("last").addEventListener("click", function () { seek(count - 1); });
  document.getElementById("back").addEventListener("click", function () { step(-1); });
  document.getElementById("forward").addEventListener("click", function () { step(1); });
  scrubber.addEventListener("input", function () { seek(Number(scrubber.value)); });
  speedButtons.forEach(function (button) {
    button.addEventListener("click", function () { speed(Number(button.dataset.speed)); });
  });
  links.forEach(function (link, index) {
    link.addEventListener("click", function (event) { event.preventDefault(); seek(cues[index].frame); });
  });
  var keys = {
    " ": toggle, "k": toggle,
    "ArrowLeft": function () { step(-1); }, "ArrowRight": function () { step(1); },
    "Home": function () { seek(0); }, "End": function () { seek(count - 1); },
    "n": function () { chapter(1); }, "p": function () { chapter(-1); },
    "PageDown": function () { chapter(1); }, "PageUp": function () { chapter(-1); }
  };
  document.addEventListener("keydown", function (event) {
    var action = keys[event.key];
    if (!action || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();  // the focused button or scrubber does not act on the key as well
    action();
  });
  document.addEventListener("keyup", function (event) {
    if (event.key === " ") event.preventDefault();  // a focused button would click on space's release
  });

  // a reader who asked for less motion (WCAG 2.3.3) starts on the last frame, the poster: nothing moves until Play
  var still = !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  speed(1);
  show(0);
  if (still) seek(count - 1);
  follow();
  window.vizPlayer = { play: play, pause: pause, toggle: toggle, seek: seek, step: step, speed: speed, chapter: chapter,
                       frame: function () { return current; }, frames: count, fps: fps, steps: data.steps,
                       reducedMotion: still };
})();
</script>
</body>
</html>
"""


def write(frames, path, context):
    """The player as one HTML file at ``path``. The frames are encoded once as H.264, without
    a hold: the player stays on the last frame. Its readout shows the optimizer step of each
    frame and ``context.last_step`` (the epoch, with a ``context.clock``); the page takes ``context.theme``'s colours so it
    surrounds the frames seamlessly."""
    path, theme = Path(path), context.theme
    steps = [int(context.point_steps[running(row)[1]]) for row in frames.steps]
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.") as folder:
        video = Path(folder) / "frames.mp4"
        encode(context.stream(frames), video, context.fps, 0, "mp4")
        encoded = base64.b64encode(video.read_bytes()).decode("ascii")
    chapters = [{"frame": cue.start, "step": cue.step, "text": cue.text, "shown": cue.on_frame} for cue in context.cues]
    clock = context.clock
    epochs = {} if clock is None else {  # as the frame's counter: the epoch of the path furthest on
        "epochs": [round(float(clock[max(int(np.max(row)), 0)]), 3) for row in frames.steps],
        "lastEpoch": float(np.nanmax(clock))}
    data = json.dumps({"fps": context.fps, "frames": len(steps), "steps": steps, "lastStep": int(context.last_step),
                       **epochs,
                       **({"chapters": chapters} if chapters else {}),
                       **({"stops": list(context.stops)} if context.stops else {})})
    speeds = "".join(f'<button data-speed="{speed:g}" aria-pressed="false" title="Play at {speed:g} times the speed">'
                     f'{speed:g}&times;</button>' for speed in SPEEDS)
    values = {"SCHEME": "dark" if theme.name == "dark" else "light", "TITLE": html.escape(context.title),
              "BACKGROUND": theme.background, "INK": theme.ink, "MUTED": theme.muted, "GRID": theme.grid,
              "TRACK": _mix(theme.background, theme.muted), "ACCENT": theme.paths[0], "LAST": str(len(steps) - 1),
              "SPEEDS": speeds, "DATA": inline_json(data), "VIDEO": encoded, **_chapters(chapters),
              "ALT": html.escape(context.words.alt if context.words else context.title),
              "ABOUT": about(context.words, [(cue.start / context.fps, cue.text) for cue in context.cues])}
    page = filled(TEMPLATE, {**values, "SOURCES": "media-src data:"})
    path.write_text(page, encoding="utf-8")


def inline_json(text):
    """JSON ``text`` made safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` (which JSON
    holds only within strings) as ``\\u`` escapes, so no ``</script``, ``<!--`` or ``<script`` in
    the data ends the element early or hides the rest of the page."""
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def filled(template, values):
    """``template`` with each @NAME@ replaced by ``values[NAME]``, in one pass: values stay as
    given, even when they hold @...@ themselves."""
    return re.sub(r"@([A-Z]+)@", lambda match: values[match.group(1)], template)


def _chapters(chapters):
    """The caption line under the frame and the list of chapters (every caption, each a link
    to its step), as plain HTML; nothing without captions."""
    if not chapters:
        return {"CAPTION": "", "CHAPTERS": ""}
    items = "".join(f'<li><a href="#step-{c["step"]}" data-frame="{c["frame"]}">step {c["step"]}: '
                    f'{html.escape(c["text"])}</a></li>' for c in chapters)
    return {"CAPTION": '<p id="caption" aria-live="polite"></p>\n',
            "CHAPTERS": f'<nav id="chapters" aria-label="chapters">Chapters (n / p: next / previous)'
                        f'<ol>{items}</ol></nav>\n'}


def about(words, cues):
    """The section under the player that the video's ``aria-describedby`` points to: the
    description (``words``, a :class:`viz.words.Words`) and the transcript, every caption and
    event with its time (``cues``: (seconds, text) pairs), in a ``<details>`` a sighted reader
    opens and a screen reader reaches."""

    paragraphs = "".join(f"<p>{html.escape(part)}</p>" for part in (words.description if words else "").split("\n\n")
                         if part)
    said = "".join(f"<li>{clock(seconds)} {html.escape(text)}</li>" for seconds, text in cues)
    listed = f'<h2>Transcript</h2><ol id="transcript">{said}</ol>' if said else ""
    return (f'<details id="about"><summary>Description and transcript</summary>'
            f'<div id="description">{paragraphs}</div>{listed}</details>\n')


def _mix(colour, other):
    """The colour halfway between two ``#rrggbb`` colours: the scrubber's track, visible on
    light and dark pages alike."""
    channels = [(int(colour[i:i + 2], 16) + int(other[i:i + 2], 16)) // 2 for i in (1, 3, 5)]
    return "#" + "".join(f"{channel:02x}" for channel in channels)
