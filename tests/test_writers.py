import os
import struct
import sys

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image, ImageColor

from viz.render.animation import render
from viz.render.options import Options
from viz.render.frames import Frames
from viz.render.panels import path_styles
from viz.render.options import CLEAR_FORMATS, DEFAULT_FPS, FORMATS, STILLS
from viz import choices
from viz.render.theme import THEMES
from viz.render.writers import WRITERS
from viz.render.writers.gif import delays as gif_delays

SIZE = (320, 180)


def gif_blocks(data):
    """(kind, fields) for each block of a GIF file; checks the structure as it goes."""
    assert data[:6] == b"GIF89a"
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    blocks = [("screen", {"size": struct.unpack("<HH", data[6:10]), "global_table": bool(flags & 0x80)})]
    while data[position] != 0x3B:
        if data[position] == 0x21:  # extension
            label, position = data[position + 1], position + 2
            body = b""
            while data[position]:
                body += data[position + 1: position + 1 + data[position]]
                position += 1 + data[position]
            position += 1
            blocks.append(("extension", {"label": label, "body": body}))
        else:
            assert data[position] == 0x2C
            local = data[position + 9]
            blocks.append(("image", {"local_table": bool(local & 0x80)}))
            position += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0) + 1
            while data[position]:
                position += 1 + data[position]
            position += 1
    return blocks


def test_gif_frames_size_timing_and_one_palette(recorded, tmp_path):
    path = tmp_path / "lesson.gif"
    count, last_step = recorded.steps + 1, recorded.steps
    assert render(recorded, path, title="lesson", size=SIZE, fps=25, hold=2.0) == count
    blocks = gif_blocks(path.read_bytes())
    assert blocks[0][1] == {"size": SIZE, "global_table": True}
    images = [fields for kind, fields in blocks if kind == "image"]
    assert len(images) == count and not any(image["local_table"] for image in images)
    delays = [struct.unpack("<H", f["body"][1:3])[0] for k, f in blocks if k == "extension" and f["label"] == 0xF9]
    assert delays == [4] * last_step + [4 + 200]  # 25 fps exactly, then the 2 s hold
    with Image.open(path) as gif:
        assert gif.n_frames == count and gif.size == SIZE
        palette = {tuple(entry) for entry in np.reshape(gif.getpalette(), (-1, 3)).tolist()}
        gif.seek(last_step)
        last = np.asarray(gif.convert("RGB"))
    frames = Frames(recorded, "lesson", options=Options.of(size=SIZE))
    expected = frames[last_step][..., :3].astype(int)
    # one palette of 255 colours, no dithering: every pixel close to what was drawn
    assert np.percentile(np.abs(last.astype(int) - expected).max(axis=-1), 99) < 40
    # and each optimizer keeps its own colour exactly, though its lines cover few pixels
    for index in range(len(recorded.names)):
        colour = ImageColor.getrgb(path_styles(recorded.names)[index]["color"])
        assert colour in palette
        assert (last == colour).all(axis=-1).sum() >= (expected == colour).all(axis=-1).sum()
    assert list(tmp_path.iterdir()) == [path]


def test_the_registry_holds_what_each_format_is():
    """The format tables that options, the CLI and the notebook read all come from the registry."""
    assert FORMATS == ("gif", "mp4", "webm", "png", "svg", "pdf", "frames", "html") == choices.FORMATS  # the table's
    assert tuple(THEMES) == choices.THEMES
    assert STILLS == ("png", "svg", "pdf") and CLEAR_FORMATS == ("gif", "png", "svg", "pdf", "frames")
    assert DEFAULT_FPS == {"gif": 25, "mp4": 30, "webm": 30, "frames": 25, "html": 30}
    assert {fmt: writer.mime for fmt, writer in WRITERS.items()} == {
        "gif": "image/gif", "mp4": "video/mp4", "webm": "video/webm", "png": "image/png", "svg": "image/svg+xml",
        "pdf": "application/pdf", "frames": None, "html": "text/html"}


def test_gif_delays_keep_exact_time_at_any_fps():
    delays = gif_delays(30, 30, 0)
    assert delays.sum() == 100 and set(delays) == {3, 4}
    assert gif_delays(10, 20, 1.5).tolist() == [5] * 9 + [155]


def test_mp4_is_h264_yuv420p_faststart_with_hold(recorded, tmp_path):
    path = tmp_path / "lesson.mp4"
    count, last_step = recorded.steps + 1, recorded.steps
    render(recorded, path, title="lesson", size=SIZE, fps=30, hold=1.0)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    assert meta["codec"].startswith("h264")
    assert meta["pix_fmt"].startswith("yuv420p")
    assert tuple(meta["size"]) == SIZE and meta["fps"] == 30
    decoded = [np.frombuffer(frame, np.uint8).reshape(SIZE[1], SIZE[0], 3) for frame in reader]
    assert len(decoded) == count + 30
    data = path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # the index comes first: plays while loading
    frames = Frames(recorded, "lesson", options=Options.of(size=SIZE))
    first, last = frames[0][..., :3].astype(int), frames[last_step][..., :3].astype(int)
    moved = np.abs(first - last).max(axis=-1) > 60  # where the paths and curves were drawn
    assert moved.sum() > 200
    assert (np.abs(decoded[last_step].astype(int) - last)[moved].mean()
            < np.abs(decoded[0].astype(int) - last)[moved].mean() / 3)
    hold_change = np.abs(decoded[-1].astype(int) - decoded[last_step].astype(int))
    assert hold_change.mean() < 1  # the hold repeats the last frame (up to H.264's refinement)


@pytest.mark.slow
def test_mp4_at_a_size_not_a_multiple_of_16_is_that_size(small, tmp_path):
    """160x90: ffmpeg's writer would rescale to 160x96 unless told not to."""
    path = tmp_path / "tiny.mp4"
    render(small, path, title="tiny", size=(160, 90), fps=10, hold=0)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    assert tuple(meta["size"]) == (160, 90) and sum(1 for _ in reader) == small.steps + 1


def test_the_gif_palette_keeps_white_and_greys_exactly(recorded):
    """Point 25 of issue 28: a median cut averaged the contours' greys into tinted ones and
    Pillow's lookup took white for 252 grey: the colours that cover a frame stay as they are."""
    from viz.render.frames import Frames
    from viz.render.options import Options
    from viz.render.writers.gif import indices, palette

    frame = Frames(recorded, "gif", options=Options.of(size=(320, 180)))[0].copy()
    table = palette([frame], ["#0072b2"])
    back = np.reshape(table.getpalette(), (-1, 3))[indices(np.ascontiguousarray(frame[..., :3]), table)]
    colours, counts = np.unique(frame[..., :3].reshape(-1, 3), axis=0, return_counts=True)
    for colour in colours[counts >= 0.001 * counts.sum()]:  # the ground, the contours' fills
        assert (back[(frame[..., :3] == colour).all(axis=-1)] == colour).all(), colour


@pytest.mark.slow
def test_a_rendered_gif_keeps_white_white_and_grey_contours_grey(small, tmp_path):
    """Point 25 of issue 28, on the decoded pixels of a rendered GIF: the ground stays exactly
    white (not 252 grey) and the contours' lines and fills keep their own greys (no blue tint)."""
    path = tmp_path / "lesson.gif"
    render(small, path, title="lesson", size=SIZE, fps=25, hold=0)
    drawn = Frames(small, "lesson", options=Options.of(size=SIZE))[small.steps][..., :3].astype(int)
    with Image.open(path) as gif:
        gif.seek(small.steps)
        decoded = np.asarray(gif.convert("RGB")).astype(int)
    white = (drawn == 255).all(axis=-1)
    assert white.sum() > 0.2 * white.size and (decoded[white] == 255).all()
    colours, counts = np.unique(drawn[~white], axis=0, return_counts=True)
    for colour in colours[np.argsort(-counts)[:8]]:  # the contours' fills, each exactly
        assert (decoded[(drawn == colour).all(axis=-1)] == colour).all(), colour
    spread = decoded.max(axis=-1) - decoded.min(axis=-1)
    greys = (drawn.max(axis=-1) - drawn.min(axis=-1) <= 15) & ~white  # the contours' fills and lines
    assert (spread[greys] <= (drawn.max(axis=-1) - drawn.min(axis=-1))[greys] + 3).mean() > 0.99


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are Linux's")
def test_the_pipe_to_ffmpeg_holds_a_megabyte_where_linux_allows():
    import fcntl
    from pathlib import Path

    from viz.render.writers.video import PIPE_BYTES, _widen

    reading, writing = os.pipe()
    with os.fdopen(reading, "rb") as _, os.fdopen(writing, "wb") as pipe:
        before = fcntl.fcntl(pipe.fileno(), fcntl.F_GETPIPE_SZ)
        _widen(pipe)
        limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
        assert fcntl.fcntl(pipe.fileno(), fcntl.F_GETPIPE_SZ) == (PIPE_BYTES if limit >= PIPE_BYTES else before)
