"""The lecture's flow (issue 18): captions from the scene, WebVTT beside videos, the player's
chapters, pauses, automatic events and small multiples (``--layout grid``)."""

import json
import re

import numpy as np
import pytest
from PIL import Image

import viz
from viz import SEED_OPTIMIZERS, Scene, problems, record, surfaces
from viz.cli import main
from viz.divergence import FACTOR
from viz.errors import OptionError, SpecError
from viz.events import events, lead_hold
from viz.render.animation import render
from viz.render.frames import Frames
from viz.render.options import Options
from viz.render.story import EVENT_SECONDS, build, webvtt
from viz.render.text import value_words

from browser import chromium, decoded, embedded_video, on_screen, settled, state, until
from conftest import one_error_line

CAPTIONS = {0: "All start at the same point", 7: "Adam pulls ahead of plain SGD on these batches", 15: "The end"}
FPS = 10


def test_captions_and_pauses_are_checked_before_training(small_scene):
    with pytest.raises(SpecError, match="caption at step 16, but its steps are 0 to 15"):
        Scene(title="t", problem=problems.logreg(epochs=1, batch_size=64), captions={16: "too late"})
    with pytest.raises(SpecError, match="pause at step 301"):
        Scene(title="t", problem=surfaces.get("rosenbrock"), pauses=[301])
    with pytest.raises(SpecError, match="must be some text"):
        Scene(title="t", problem=surfaces.get("rosenbrock"), captions={3: ""})
    with pytest.raises(SpecError, match="whole numbers from 0"):
        Scene(title="t", problem=surfaces.get("rosenbrock"), captions={-1: "before"})
    with pytest.raises(SpecError, match="pauses must be a list of steps"):
        Scene(title="t", problem=surfaces.get("rosenbrock"), pauses="50")
    assert Scene(title="t", problem=surfaces.get("rosenbrock"), steps=40, captions={40: "last"}).last_step == 40
    for keywords, keyword in [({"pause_at": [16]}, "pause_at"), ({"pause_at": "events"}, "pause_at"),
                              ({"layout": "mosaic"}, "layout"), ({"pause": 0}, "pause"),
                              ({"pause_at": "5,x"}, "pause_at"), ({"layout": "grid", "view": "3d"}, "layout")]:
        with pytest.raises(OptionError) as caught:  # viz.render plans (and refuses) before it records
            viz.render(small_scene, "unused.gif", **keywords)
        assert caught.value.keyword == keyword
    with pytest.raises(OptionError, match="past the scene's last step, 15"):
        viz.show(small_scene, pause_at=[5, 16])


def test_the_story_holds_pauses_and_times_its_captions(small):
    """Frames, holds and cue times, against counting them by hand: 16 steps at 10 fps, a 1 s
    pause at step 5 (10 more frames of step 5), captions at steps 0, 7 and 15."""
    story = build(small, Options.of(fmt="mp4", fps=FPS, pause=1.0), CAPTIONS, pauses=[5])
    expected = np.concatenate([np.arange(6), np.full(10, 5), np.arange(6, 16)])
    assert story.steps.tolist() == expected.tolist() and story.stops == [5] and story.pauses == [5]
    assert [(cue.step, cue.start, cue.on_frame) for cue in story.cues] == [(0, 0, True), (7, 17, True), (15, 25, True)]
    assert story.shown.tolist() == [0] * 17 + [1] * 8 + [2]
    html = build(small, Options.of(fmt="html", fps=FPS, pause=1.0), CAPTIONS, pauses=[5])
    assert html.steps.tolist() == list(range(16)) and html.stops == [5]  # the player stops instead


def test_a_caption_between_frames_moves_the_next_frame_to_its_step(small):
    story = build(small, Options.of(fmt="gif", max_frames=4, fps=10, pause=0.5), {5: "here"}, pauses=[9])
    assert story.steps.tolist() == [0, 5] + [9] * 6 + [15]  # from 0, 5, 10, 15: step 9 shown (held) instead of 10
    assert [cue.start for cue in story.cues] == [1]


def test_rosenbrock_at_a_high_rate_diverges_and_leaves_the_view():
    """Events on a scene that diverges, against the divergence rule and the grid computed
    here with NumPy."""
    scene = Scene(title="r", problem=surfaces.get("rosenbrock", start=(-1.5, 2.0)), optimizers=SEED_OPTIMIZERS,
                  learning_rate=0.01, steps=60)
    recording = record(scene)
    found = events(recording)
    loss = recording.loss
    with np.errstate(invalid="ignore"):
        blown = ~np.isfinite(loss) | (loss > FACTOR * loss[:, :1])
    expected = {f"{name} diverged at step {int(row.argmax())}" for name, row in zip(recording.names, blown)
                if row.any()}
    assert expected and {e.text for e in found if e.kind == "diverged"} == expected
    assert "SGD diverged at step 4" in expected
    plane = recording.plane
    xy = plane.xy[0]
    out = ~((xy[:, 0] >= plane.grid_x[0]) & (xy[:, 0] <= plane.grid_x[-1]) &
            (xy[:, 1] >= plane.grid_y[0]) & (xy[:, 1] <= plane.grid_y[-1]))
    assert f"SGD leaves the view at step {int(out.argmax())}" in {e.text for e in found}
    assert [e.step for e in found] == sorted(e.step for e in found)
    story = build(recording, Options.of(fmt="mp4", fps=FPS, events=True, pause_at=("events",), pause=0.5))
    assert all(not later.on_frame or later.start - earlier.start >= 0.5 * FPS  # one new caption per half second
               for earlier, later in zip([c for c in story.cues if c.on_frame], [c for c in story.cues if c.on_frame][1:]))
    assert all(cue.on_frame for cue in story.cues)  # the rest are left out, not kept off the frame
    chosen = [cue for cue in story.cues if cue.kind != "scene"]  # the events that matter most, 4 s apart
    assert {cue.text for cue in chosen} < {e.text for e in found} and story.pauses == sorted({c.step for c in chosen})
    first = min((e for e in found if e.kind == "diverged"), key=lambda e: e.step)
    assert chosen[0].text == first.text  # a divergence comes before an overtaking
    assert all(b.start - a.start >= EVENT_SECONDS * FPS for a, b in zip(chosen, chosen[1:]))
    story = build(recording, Options.of(fmt="mp4", fps=FPS, events=True, duration=20))  # 200 frames
    last = max(cue.start for cue in story.cues if cue.on_frame)  # an event's caption leaves the frame after 4 s
    gone = last + round(EVENT_SECONDS * FPS)
    assert (story.shown[last:gone] >= 0).all() and (story.shown[gone:] == -1).all() and gone < len(story.shown)
    times = [line.split(" --> ") for line in webvtt(story.cues, FPS, len(story.steps)).splitlines() if " --> " in line]
    assert max(_seconds(end) - _seconds(start) for start, end in times) <= EVENT_SECONDS + 1e-9


def _seconds(stamp):
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


@pytest.mark.slow
def test_the_caption_is_text_in_a_pdf_and_in_a_band_under_the_panels(small, tmp_path):
    from pdfminer.high_level import extract_text

    path = tmp_path / "last.pdf"
    render(small, path, "small", captions=CAPTIONS, size=(640, 360))
    assert "The end" in extract_text(path) and "Adam pulls" not in extract_text(path)
    frames = Frames(small, "small", None, Options.of(size=(640, 360)), captions=[" ".join(["a long caption"] * 25)] * 16)
    renderer = frames.canvas.get_renderer()
    band = frames.band.artist
    frames[15]
    text = band.get_window_extent(renderer)
    assert band.get_text().count("\n") >= 1 and text.x0 >= 0 and text.x1 <= 640  # wrapped, within the frame
    assert all(text.y1 < ax.get_tightbbox(renderer).y0 for ax in frames.figure.axes)  # under every panel


def test_pauses_hold_steps_in_a_gif(small, tmp_path):
    path = tmp_path / "paused.gif"
    assert render(small, path, "small", size=(320, 180), fps=FPS, pause_at=(5,), pause=1.0, hold=0) == 26
    with Image.open(path) as gif:
        pictures = []
        for index in range(gif.n_frames):
            gif.seek(index)
            pictures.append(np.asarray(gif.convert("RGB")))
    assert len(pictures) == 26
    assert all(np.array_equal(pictures[5], pictures[i]) for i in range(6, 16))  # step 5, held 1 s
    assert not np.array_equal(pictures[15], pictures[16])  # then on to step 6


@pytest.mark.slow
def test_small_multiples_give_each_optimizer_a_moving_panel(small, tmp_path):
    """The grid decoded from a GIF: each panel (where the layout put it) changes from the
    first frame to the last, where its optimizer's head moved; the panels share one view."""
    options = Options.of(size=(640, 360), layout="grid", fps=FPS, hold=0)
    frames = Frames(small, "grid", None, options)
    grid = frames.panels[0]
    assert [cell.view for cell in grid.cells] == [grid.cells[0].view] * 2
    path = tmp_path / "grid.gif"
    render(small, path, "grid", size=(640, 360), layout="grid", fps=FPS, hold=0)
    with Image.open(path) as gif:
        first = np.asarray(gif.convert("RGB")).astype(int)
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB")).astype(int)
    assert len(grid.cells) == 2
    for cell, path_index in zip(grid.cells, (0, 1)):
        ax = cell.lines[0].axes
        box = ax.get_window_extent()
        rows, columns = slice(int(360 - box.y1) + 3, int(360 - box.y0) - 3), slice(int(box.x0) + 3, int(box.x1) - 3)
        assert np.abs(first[rows, columns] - last[rows, columns]).sum(axis=-1).astype(bool).sum() > 50
        head = ax.transData.transform(cell.head(path_index, small.steps))  # where the layout says it ends
        assert box.x0 <= head[0] <= box.x1 and box.y0 <= head[1] <= box.y1
    frames[len(frames) - 1]
    losses = [f"loss {value_words(value)}" for value in small.loss[:, -1]]  # the one format of a scene's values
    assert [title.get_text() for title in grid.titles] == losses  # under each name, the loss now
    assert [[t.get_text() for t in cell.lines[0].axes.texts if t.get_text()][0] for cell in grid.cells] == ["SGD", "Adam"]


@pytest.mark.slow
def test_the_lesson_has_a_lead_change():
    """Two epochs of the lesson with SGD and Adagrad: Adagrad starts ahead, SGD passes it
    (found here from the losses with NumPy: the first step after which SGD stays lower)."""
    scene = Scene(title="l", problem=problems.logreg(epochs=2), optimizers={"SGD": "sgd", "Adagrad": "adagrad"})
    recording = record(scene)
    loss = recording.loss
    lower = loss[0] < loss[1]
    assert not lower[1] and lower[-1]
    step = int(np.flatnonzero(~lower)[-1]) + 1
    found = [e for e in events(recording) if "takes the lead" in e.text]
    assert len(found) == 1 and found[0].text.startswith("SGD takes the lead from Adagrad at step ")
    assert abs(found[0].step - step) <= lead_hold(recording.steps)  # ties within a thousandth count as level


@pytest.mark.slow
def test_mp4_with_captions_events_and_pauses(runner, quick, outputs):
    """The CLI door: the MP4's decoded frame count holds the pause and the hold; the WebVTT
    beside it parses, its cue times are the frames' times; the manifest lists the captions."""
    text = quick.read_text().replace('learning_rate=0.05,', 'learning_rate=0.05, captions={0: "Off they go", '
                                     '10: "Nearly there"}, pauses=[4],')
    quick.write_text(text)
    result = runner.invoke(main, ["render", str(quick), "--format", "mp4", "--size", "320x180", "--fps", "10",
                                  "--pause", "0.5", "--pause-at", "8", "--events", "--layout", "grid", "--hold", "1"])
    assert result.exit_code == 0, result.output
    (width, height), pictures = decoded(outputs / "quick.mp4")
    assert (width, height) == (320, 180) and len(pictures) == 16 + 5 + 5 + 10
    cues = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)\n(.+)",
                      (outputs / "quick.vtt").read_text())
    assert (outputs / "quick.vtt").read_text().startswith("WEBVTT\n")
    times = [(int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000, int(h2) * 3600 + int(m2) * 60 + int(s2)
              + int(ms2) / 1000, words) for h, m, s, ms, h2, m2, s2, ms2, words in cues]
    manifest = json.loads((outputs / "quick.mp4.json").read_text())
    assert manifest["captions_file"] == "quick.vtt" and manifest["pauses"] == [4, 8]
    assert [c["text"] for c in manifest["captions"]] == [words for _, _, words in times]
    by_text = dict((words, start) for start, _, words in times)
    assert by_text["Off they go"] == 0 and by_text["Nearly there"] == pytest.approx((10 + 5 + 5) / 10)
    assert max(end for _, end, _ in times) == pytest.approx(len(pictures) / 10)  # to the end of the hold
    assert manifest["render"]["layout"] == "grid" and manifest["render"]["events"] is True
    bad = runner.invoke(main, ["render", str(quick), "--pause-at", "99"])
    assert bad.exit_code == 2 and "--pause-at" in one_error_line(bad) and "last step, 15" in bad.output


@pytest.mark.slow
def test_the_player_lists_chapters_jumps_and_stops_at_pauses(small, tmp_path):
    """In headless Chromium: the chapters are links in the page; clicking one shows its step's
    frame, n and p go to the next and previous; playing stops at the pause, then goes on."""
    path = tmp_path / "chapters.html"
    render(small, path, "chapters", size=(320, 180), captions=CAPTIONS, pauses=[4], fps=30)
    page = path.read_text()
    assert re.findall(r'<a href="#step-(\d+)"[^>]*>step \d+: ([^<]+)</a>', page) == \
        [(str(step), text) for step, text in CAPTIONS.items()]
    (tmp_path / "embedded.mp4").write_bytes(embedded_video(page))
    browser = chromium(path.as_uri())
    try:

        browser.frames = decoded(tmp_path / "embedded.mp4")[1]
        browser.open()
        assert browser.js("document.getElementById('caption').textContent") == CAPTIONS[0]
        browser.js("document.querySelectorAll('#chapters a')[1].click()")
        shown = settled(browser)
        assert shown["frame"] == 7 and shown["readout"] == "step 7 / 15" and on_screen(browser) == 7
        assert browser.js("document.getElementById('caption').textContent") == CAPTIONS[7]
        assert browser.js("document.querySelectorAll('#chapters a')[1].getAttribute('aria-current')") == "true"
        browser.key("n", "KeyN", 78)
        assert settled(browser)["frame"] == 15 and on_screen(browser) == 15
        browser.key("p", "KeyP", 80)
        assert settled(browser)["frame"] == 7
        browser.key("p", "KeyP", 80)
        assert settled(browser)["frame"] == 0
        browser.js("vizPlayer.speed(0.5); vizPlayer.play()")
        until(browser, "video.paused")  # the pause at step 4 stops it
        stopped = settled(browser)
        assert stopped["paused"] and stopped["frame"] == 4 and on_screen(browser) == 4
        browser.key(" ", "Space", 32)  # continue, as a slide step would
        until(browser, "vizPlayer.frame() > 4")  # playing on past the pause
        assert state(browser)["frame"] > 4
    finally:
        browser.close()


def _cue_times(vtt):
    return [(_seconds(start), _seconds(end)) for start, end in
            (line.split(" --> ") for line in vtt.splitlines() if " --> " in line)]


def test_webvtt_cues_never_overlap(small):
    """Cues that start together become one cue; each ends by the next one's start."""
    story = build(small, Options.of(fmt="mp4", fps=FPS, events=True), captions={0: "Off", 7: "Mid"})
    cues = [*story.cues, story.cues[-1]._replace(text="at once", kind="scene")]  # two at one frame
    vtt = webvtt(sorted(cues, key=lambda cue: cue.start), FPS, len(story.steps) + 20)
    times = _cue_times(vtt)
    assert len(times) == len({cue.start for cue in cues}) and "· at once" in vtt
    assert all(end <= later for (_, end), (later, _) in zip(times, times[1:])) and all(s < e for s, e in times)


@pytest.mark.slow
def test_the_lessons_events_say_who_leads_and_pause_only_for_those(lesson):
    """Issue 28, point 24: the lesson's events are ranked (the leader first, not three times
    "X overtakes Adagrad"), one per EVENT_SECONDS, and --pause-at events holds only those; the
    WebVTT read back has no two cues at once."""
    story = build(lesson, Options.of(fmt="mp4", fps=30, events=True, pause_at=("events",), pause=1.0))
    chosen = [cue for cue in story.cues if cue.kind != "scene"]
    leader = lesson.names[int(np.argmin(lesson.loss[:, -1]))]
    assert chosen and chosen[0].kind == "lead" and any(f"{name} leads at step" in cue.text for cue in chosen
                                                       for name in ("Adam", "RMSprop"))
    assert len(chosen) <= len(story.steps) / 30 / EVENT_SECONDS + 1 and leader in {"Adam", "RMSprop"}
    assert sum("overtakes Adagrad" in cue.text for cue in chosen) <= 1
    assert story.pauses == sorted({cue.step for cue in chosen})
    times = _cue_times(webvtt(story.cues, 30, len(story.steps)))
    assert all(end <= later for (_, end), (later, _) in zip(times, times[1:]))
