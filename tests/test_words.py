"""The words viz writes from a recording (alt text, description, transcript), checked against
the recording itself, and read back from every format that carries them."""

import json
import re

import numpy as np
import pytest
from PIL import Image

import viz
from viz import SEED_OPTIMIZERS, Scene, record, surfaces
from viz.divergence import diverged_steps
from viz.errors import SpecError
from viz.events import events
from viz.render.animation import render
from viz.words import ALT_LIMIT, describe, number, transcript


@pytest.fixture(scope="module")
def wild():
    """Rosenbrock at a rate where SGD diverges and leaves the view, Adam and Adagrad settle."""
    scene = Scene(title="Three optimizers on the Rosenbrock valley",
                  problem=surfaces.get("rosenbrock", start=(-1.5, 2.0)),
                  optimizers={label: SEED_OPTIMIZERS[label] for label in ("SGD", "Adam", "Adagrad")},
                  learning_rate=0.01, steps=60)
    return record(scene)


def test_numbers_keep_two_significant_digits_and_never_read_zero():
    assert [number(v) for v in (0.14, 2.93e-05, 0.0, 123.4, 0.001234, 9.99, 0.996, 12345.0, float("nan"))] == \
        ["0.14", "2.9e-05", "0", "120", "0.0012", "10", "1.0", "1.2e+04", "not a number"]
    assert all(number(v) not in ("0.00", "0.0") for v in (1e-9, 4e-4, 1e-3))
    assert [number(v) for v in (0.0009996, 9999.9, -0.0347)] == ["0.0010", "1.0e+04", "-0.035"]


def test_the_words_say_what_the_recording_holds(wild):
    words = describe(wild, "Three optimizers on the Rosenbrock valley")
    assert len(words.alt) <= ALT_LIMIT
    gone = diverged_steps(wild)
    loss = wild.loss
    alive = [i for i, step in enumerate(gone) if step is None]
    best = min(alive, key=lambda i: loss[i, -1])
    assert f"{wild.names[best]} {number(loss[best, -1])} (lowest)" in words.summary
    paragraphs = words.description.split("\n\n")
    assert len(paragraphs) == 1 + len(wild.names)
    for name, paragraph, row, step in zip(wild.names, paragraphs[1:], loss, gone):
        assert paragraph.startswith(f"{name} starts at loss {number(row[0])} and ")  # in the scene's order
        assert name in words.summary
        if step is None:
            assert f"ends at {number(row[-1])} at step 60" in paragraph
            assert f"{name} {number(row[-1])}" in words.summary
        else:
            assert f"diverges at step {step}" in paragraph and f"{name} diverged at step {step}" in words.summary
    assert gone == [4, None, None]  # SGD at step 4 (test_flow checks it by NumPy)
    for event in events(wild):  # every event in its path's paragraph, at its step
        if event.kind == "diverged":
            continue
        paragraph = next(p for p in paragraphs[1:] if p.startswith(f"{event.who} starts"))
        assert event.text[len(event.who) + 1:] in paragraph
        assert f"at step {event.step * wild.every}" in paragraph
    assert "leaves the view at step" in words.description and "settles at step" in words.description


def test_a_long_list_is_shortened_but_names_the_lowest(wild):
    words = describe(wild, "A rather long title for a lecture slide about optimizers in a curved valley " * 2)
    assert len(words.alt) <= ALT_LIMIT and "ends lowest" in words.alt
    assert all(name in words.summary for name in wild.names)


def test_a_scene_may_write_its_own_words(wild):
    words = describe(wild, "t", alt="Six dots roll down a banana.", description="Long words.")
    assert words.alt == "Six dots roll down a banana." and words.description == "Long words."
    with pytest.raises(SpecError, match="alt is 251 characters"):
        Scene(title="t", problem=surfaces.get("rosenbrock"), alt="x" * 251)
    with pytest.raises(SpecError, match="description must be some text"):
        Scene(title="t", problem=surfaces.get("rosenbrock"), description="  ")


def test_the_transcript_lists_the_captions_with_their_times(wild):
    words = describe(wild, "R")
    text = transcript(words, [(0.0, "All start"), (65.25, "SGD diverged at step 4")], "R")
    assert text.startswith("Transcript: R\n\n" + words.alt + "\n\n" + words.description)
    assert "0:00.0  All start\n1:05.2  SGD diverged at step 4" in text or "1:05.3  SGD" in text


SCENE = Scene(title="Two on Beale", problem=surfaces.get("beale"), optimizers={"SGD": "sgd", "Adam": "adam"},
              learning_rate=0.01, steps=20)


def _manifest(path):
    return json.loads(path.with_name(path.name + ".json").read_text())


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "gif"])
def test_each_still_and_gif_carries_the_words(fmt, small, tmp_path):
    path = tmp_path / f"small.{fmt}"
    words = describe(small, "small")
    render(small, path, "small", words=words, size=(160, 90), max_frames=4, hold=0)
    alt, description = words.alt, words.description
    assert "SGD" in alt and "Adam" in alt and description.count("starts at loss") == 2
    if fmt == "png":
        assert Image.open(path).text == {"Title": alt, "Description": description}
    elif fmt == "svg":
        import xml.etree.ElementTree as ET

        root = ET.parse(path).getroot()
        ns = "{http://www.w3.org/2000/svg}"
        assert root.find(f"{ns}title").text == alt and root.find(f"{ns}desc").text == description
    elif fmt == "pdf":
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser

        with open(path, "rb") as handle:
            info = PDFDocument(PDFParser(handle)).info[0]
        def text(value):
            value = value.resolve() if hasattr(value, "resolve") else value
            return value.decode("utf-16") if value.startswith(b"\xfe\xff") else value.decode("latin-1")
        assert text(info["Title"]) == alt and text(info["Subject"]) == description
    else:
        with Image.open(path) as gif:
            assert gif.info["comment"].decode() == alt


@pytest.mark.slow
def test_a_video_has_its_transcript_beside_it(tmp_path):
    scene = Scene(title=SCENE.title, problem=SCENE.problem, optimizers=dict(SCENE.optimizers), steps=20,
                  learning_rate=0.01, captions={0: "Both start at (1, 1)"})
    path = viz.render(scene, tmp_path / "beale.mp4", size=(320, 180), max_frames=8, hold=0, events=True).path
    manifest = _manifest(path)
    text = (tmp_path / manifest["transcript_file"]).read_text()
    assert manifest["transcript_file"] == "beale.transcript.txt"
    assert manifest["alt"] in text and manifest["description"] in text
    for caption in manifest["captions"]:
        assert re.search(rf"\d:\d\d\.\d  {re.escape(caption['text'])}", text)


def test_a_flash_is_counted_per_second_on_the_frames():
    from viz.render.a11y import Meter

    def flashes(period, fps=25, frames=50):
        meter = Meter(fps)
        for index in range(frames):
            meter.see(np.full((32, 32, 4), 255 if (index // period) % 2 else 0, np.uint8))
        return meter.flashes

    assert flashes(1) == 12 and flashes(4) == 3 and flashes(10) == 1
    meter = Meter(25)
    for index in range(50):  # a small corner blinking: under WCAG's area, no flash
        frame = np.zeros((64, 64, 3), np.uint8)
        frame[:8, :8] = 255 * (index % 2)
        meter.see(frame)
    assert meter.flashes == 0


def test_the_flash_meter_reads_rgb_and_rgba_frames_alike_and_skips_only_small_changes():
    """The meter compares sampled pixels before it computes any luminance: a change over a
    quarter of one quarter is still measured, whatever the frames' opacity or channels."""
    from viz.render.a11y import Meter

    frames = []
    for index in range(12):  # a quarter blinking, the rest still; its opacity changing too
        frame = np.full((40, 48, 4), 90, np.uint8)
        frame[:20, :24, :3] = 250 if index % 2 else 10
        frame[..., 3] = 255 - index
        frames.append(frame)
    rgba, rgb = Meter(25), Meter(25)
    for frame in frames:
        rgba.see(frame)
        rgb.see(frame[..., :3])
    assert rgba.changes == rgb.changes == [(index, 1 if index % 2 else -1) for index in range(1, 12)]
    assert rgba.flashes == 5


@pytest.mark.slow
def test_the_manifest_checks_accessibility_and_the_flag_makes_a_failure_an_error(runner, scene_file, tmp_path):
    from viz.cli import main

    from conftest import one_error_line

    path = scene_file('from viz import Scene, surfaces\n\nbowl = Scene(title="Bowl", problem=surfaces.get("booth"), '
                      'optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.05, steps=10)\n')
    long_gif = tmp_path / "long.gif"
    result = runner.invoke(main, ["render", str(path), "-o", str(long_gif), "--size", "160x90", "--duration", "6",
                                  "--max-frames", "6", "--fps", "1"])
    assert result.exit_code == 0, result.output
    assert ("warning: long.gif: moving for more than 5 s needs a way to pause it (WCAG 2.2.2 Pause, Stop, Hide): "
            "a GIF loops with no pause control: in a web page or an LMS use the html player or MP4") in result.stderr
    section = json.loads((tmp_path / "long.gif.json").read_text())["accessibility"]
    motion = next(check for check in section["checks"] if check["criterion"].startswith("2.2.2"))
    assert motion["value"] == {"seconds": 8.0, "loops": True, "pause_control": False} and not motion["pass"]
    assert not section["passed"] and section["standard"] == "WCAG 2.1 AA"
    assert {check["criterion"].split()[0] for check in section["checks"]} == {"1.1.1", "1.4.1", "1.4.11", "1.4.3",
                                                                             "2.2.2", "2.3.1"}
    result = runner.invoke(main, ["render", str(path), "-o", str(long_gif), "--size", "160x90", "--duration", "6",
                                  "--max-frames", "6", "--fps", "1", "--check-a11y"])
    assert result.exit_code == 1
    assert one_error_line(result).startswith("Error: long.gif fails 1 accessibility check(s): moving for more than 5 s")
    result = runner.invoke(main, ["render", str(path), "-o", str(tmp_path / "short.gif"), "--size", "160x90",
                                  "--max-frames", "6", "--hold", "0", "--check-a11y"])
    assert result.exit_code == 0 and "warning" not in result.stderr
    section = json.loads((tmp_path / "short.gif.json").read_text())["accessibility"]
    assert section["passed"] and all(check["pass"] for check in section["checks"])
