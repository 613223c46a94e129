"""An output drawn by two processes (viz.render.writers.halves) is the output one process draws."""

import importlib
import os
import threading

import imageio_ffmpeg
import numpy as np
import pytest

from viz import Scene, record, surfaces
from viz.render.a11y import Meter
from viz.render.animation import render
from viz.render.frames import Frames
from viz.render.options import Options
from viz.render.theme import THEMES
from viz.render.writers import Context, gif

halves = importlib.import_module("viz.render.writers.halves")  # (viz.render is also a function)
video = importlib.import_module("viz.render.writers.video")

SIZE = (320, 180)


@pytest.fixture(scope="module")
def long():
    """Three optimizers on Rosenbrock, 90 steps: enough frames to be drawn in two processes."""
    return record(Scene("long", surfaces.get("rosenbrock", start=(-1.2, 1.0)), learning_rate=0.002, steps=90,
                        optimizers={"SGD": "sgd", "Adam": "adam", "RMSprop": "rmsprop"}))


@pytest.fixture
def seconds(monkeypatch):
    """Every :class:`halves.Second` made, with its process id, as it is entered."""
    made, enter = [], halves.Second.__enter__

    def entered(self):
        made.append(enter(self))
        return made[-1]

    monkeypatch.setattr(halves.Second, "__enter__", entered)
    return made


def one_process(monkeypatch):
    monkeypatch.setattr(halves, "cut", lambda count, share=0.5: None)


def drawn_both_ways(recording, path, monkeypatch, seconds, **fields):
    """Render ``path`` by two processes, then by one; the two files' bytes, the two meters and
    the progress each reported."""
    results = []
    for split in (True, False):
        if not split:
            one_process(monkeypatch)
        meter, said = Meter(25), []
        render(recording, path, title="long", size=SIZE, meter=meter, progress=lambda done, total: said.append(done),
               **fields)
        results.append((path.read_bytes(), meter, said))
    assert len(seconds) == 1  # the first render had a second process, the other none
    return results


def test_a_gif_drawn_by_two_processes_has_the_bytes_one_process_writes(long, tmp_path, monkeypatch, seconds):
    (two, meter_two, said_two), (one, meter_one, said_one) = drawn_both_ways(long, tmp_path / "a.gif", monkeypatch,
                                                                             seconds, fps=25)
    assert two == one
    assert meter_two.frames == meter_one.frames == long.steps + 1
    assert meter_two.paths == meter_one.paths and meter_one.paths  # measured on the last frame, by whoever drew it
    assert said_one == list(range(1, long.steps + 2))
    assert said_two == sorted(said_two) and said_two[-1] == long.steps + 1  # both parts counted, in order


def test_an_mp4_drawn_by_two_processes_decodes_to_the_frames_of_one(long, tmp_path, monkeypatch, seconds):
    (two, meter_two, said_two), (one, meter_one, _) = drawn_both_ways(long, tmp_path / "a.mp4", monkeypatch,
                                                                      seconds, fps=30, hold=1.0)
    drawn = Frames(long, "long", options=Options.of(size=SIZE))
    source = np.array([drawn[index][..., :3].ravel() for index in range(len(drawn))]).astype(int)
    errors = []
    for data in (two, one):
        (tmp_path / "read.mp4").write_bytes(data)
        reader = imageio_ffmpeg.read_frames(str(tmp_path / "read.mp4"))
        meta = next(reader)
        decoded = np.array([np.frombuffer(frame, np.uint8) for frame in reader])
        assert meta["fps"] == 30 and len(decoded) == long.steps + 1 + 30  # the hold is kept
        errors.append(np.abs(decoded[: len(source)] - source).mean(axis=1))  # each frame's, against what was drawn
    assert errors[0].max() < 1.2 * errors[1].max() and errors[0].mean() < 1.2 * errors[1].mean()  # H.264's loss alike
    assert two.index(b"moov") < two.index(b"mdat")  # the joined file still has its index first
    assert meter_two.paths == meter_one.paths and said_two[-1] == long.steps + 1


class Flashing:
    """Frames that turn black and white every third frame (flashes for the meter)."""

    def __init__(self, count):
        self.count, self.parts, self.panels = count, [self], []

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        frame = np.full((48, 64, 4), 255 * ((index // 3) % 2), np.uint8)
        frame[..., 3] = 255
        frame[: index % 48, :4, :3] = 128  # (and a bar that grows: every frame differs)
        return frame


def test_the_meter_sees_the_flashes_of_both_parts_and_between_them(tmp_path, monkeypatch, seconds):
    frames, seen = Flashing(90), []
    for split in (True, False):
        if not split:
            one_process(monkeypatch)
        meter = Meter(25)
        context = Context("gif", 25, 0, False, 16, "", THEMES["light"], (), np.arange(90), 89, meter=meter)
        gif.write(frames, tmp_path / f"{split}.gif", context)
        seen.append(meter)
    assert seen[0].changes == seen[1].changes and seen[0].flashes == seen[1].flashes > 3
    assert any(index == 45 for index, _ in seen[0].changes)  # the change where the second part begins
    assert (tmp_path / "True.gif").read_bytes() == (tmp_path / "False.gif").read_bytes()


@pytest.fixture
def forks(monkeypatch):
    """The process id of every copy forked to draw a second part."""
    pids, fork = [], os.fork

    def forked():
        pid = fork()
        pids.append(pid)
        return pid

    monkeypatch.setattr(halves.os, "fork", forked)
    return pids


def gone(pid):
    """Whether the process ``pid``, once this one's child, has ended and been reaped."""
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    return True


def test_an_error_in_the_second_process_is_raised_and_leaves_no_file(long, tmp_path, monkeypatch, seconds, forks):
    encode = video.encode

    def full(frames, path, *args):
        if str(path).startswith(str(tmp_path)):  # the first part's encoder is fine; the second's disk is full
            return encode(frames, path, *args)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(video, "encode", full)
    made = video.tempfile.NamedTemporaryFile
    monkeypatch.setattr(video.tempfile, "NamedTemporaryFile", lambda **kwargs: made(dir=tmp_path, **kwargs))
    with pytest.raises(OSError, match="No space left"):
        render(long, tmp_path / "a.mp4", title="long", size=SIZE)
    assert len(forks) == 1 and gone(forks[0])
    assert not os.path.exists(seconds[0].path)
    assert list(tmp_path.iterdir()) == []  # neither the output nor a part of it


def test_an_interrupted_render_stops_the_second_process(long, tmp_path, seconds, forks):
    def interrupt(done, total):
        if done >= 10:  # (both parts' frames counted: it may pass 10 by more than one)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        render(long, tmp_path / "a.gif", title="long", size=SIZE, progress=interrupt)
    assert len(forks) == 1 and gone(forks[0])
    assert not os.path.exists(seconds[0].path) and list(tmp_path.iterdir()) == []


def test_without_a_second_process_the_first_draws_both_parts(long, tmp_path, monkeypatch, seconds):
    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")  # fork's EAGAIN: a limit on processes

    monkeypatch.setattr(halves.os, "fork", refused)
    meter, said = Meter(25), []
    render(long, tmp_path / "two.gif", title="long", size=SIZE, meter=meter, progress=lambda done, total: said.append(done))
    one_process(monkeypatch)
    alone = Meter(25)
    render(long, tmp_path / "one.gif", title="long", size=SIZE, meter=alone)
    assert len(seconds) == 1 and seconds[0].pid is None  # the part was drawn here
    assert (tmp_path / "two.gif").read_bytes() == (tmp_path / "one.gif").read_bytes()
    assert meter.frames == alone.frames and meter.paths == alone.paths and said[-1] == long.steps + 1
    assert not os.path.exists(seconds[0].path)


def test_few_frames_or_another_thread_keep_the_drawing_in_one_process():
    assert halves.cut(halves.LEAST - 1) is None
    assert halves.cut(100) == 50 and halves.cut(100, 0.55) == 55
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert halves.cut(100) is None  # a copy would hold only this thread: what the other holds stays locked
    finally:
        stop.set()
        other.join()


def test_both_gives_each_result_in_its_place_and_the_copys_error(monkeypatch, forks):
    assert halves.both(lambda: os.getpid(), lambda: os.getpid()) == (os.getpid(), forks[0])  # the second by the copy
    with pytest.raises(ZeroDivisionError):
        halves.both(lambda: 1, lambda: 1 / 0)
    assert len(forks) == 2 and all(gone(pid) for pid in forks)
    monkeypatch.setattr(halves, "forkable", lambda: False)
    assert halves.both(lambda: "here", lambda: os.getpid()) == ("here", os.getpid()) and len(forks) == 2
