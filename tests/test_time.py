"""An eased time scale: ``time="log"`` gives the early steps, where most happens, more frames,
and the counter says so."""

from pathlib import Path

import numpy as np
import pytest

from viz.errors import OptionError
from viz.render.frames import Frames
from viz.pipeline import checked
from viz.render.options import FIELDS, Options, frame_steps, schedule

SIZE = (320, 180)


@pytest.mark.parametrize("steps, max_frames", [(300, 600), (500, 600), (5000, 600)])
def test_log_time_slows_the_early_steps_without_standing_still(steps, max_frames):
    linear = schedule(steps, Options.of(max_frames=max_frames))
    eased = schedule(steps, Options.of(max_frames=max_frames, time="log"))
    assert len(eased) == len(linear) and eased[0] == 0 and eased[-1] == steps
    assert np.all(np.diff(eased) >= 0)
    assert np.unique(eased, return_counts=True)[1].max() <= 3  # slow motion, never a standstill
    early = np.mean(eased <= steps // 10)
    assert early > 2 * np.mean(linear <= steps // 10)  # the first 10% of the steps: at least twice the frames
    if steps == 5000:
        assert early > 0.5


def test_log_time_with_a_duration_and_in_a_sequence(small):
    options = Options.of(fps=10, duration=6, time="log", size=SIZE)
    steps = schedule(small.steps, options)
    assert len(steps) == 60 and steps[-1] == small.steps
    turns = frame_steps(small, Options.of(time="log", sequence=True, size=SIZE))
    assert turns.shape[1] == len(small.names) and turns.max() == small.steps


def test_the_counter_says_log_time(small):
    eased = Frames(small, "small", schedule(small.steps, Options.of(time="log")), Options.of(size=SIZE, time="log"))
    assert eased.counter_text(eased.steps[3]).endswith("log time")
    plain = Frames(small, "small", options=Options.of(size=SIZE))
    assert "log" not in plain.counter_text(plain.steps[3])


def test_an_unknown_time_scale_is_refused_by_its_keyword():
    with pytest.raises(OptionError, match="time.*choose one of linear, log"):
        checked(time="cubic")


def test_a_quality_preset_draws_more_frames_not_a_longer_animation():
    """Rule 10: at -q h (60 fps) the steps take as long as at the format's own 30 fps, each
    drawn twice; at -q l (15 fps) every other step; the default is one frame a step."""
    from viz.settings import combine
    from viz.render.writers import WRITERS

    def frames(quality):
        render, _ = combine(Path("x.mp4"), {"quality": quality} if quality else {}, WRITERS)
        options = Options.of(**{key: value for key, value in render.items() if key in FIELDS})
        return len(schedule(300, options)), options.frame_rate

    (default, rate), (high, high_rate), (low, low_rate) = frames(None), frames("h"), frames("l")
    assert default == 301 and (rate, high_rate, low_rate) == (30, 60, 15)
    assert default / rate == pytest.approx(high / high_rate, abs=1 / high_rate)
    assert default / rate == pytest.approx(low / low_rate, abs=1 / low_rate)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["mp4", "gif"])
def test_the_same_animation_lasts_as_long_at_every_quality(fmt, tmp_path):
    """Rule 10, read back from the files: ffmpeg's count of an MP4's seconds, the sum of a
    GIF's frame durations (Pillow), at -q l and -q h."""
    import imageio_ffmpeg
    from PIL import Image

    import viz
    from viz import Scene, surfaces

    scene = Scene(title="t", problem=surfaces.get("booth"), optimizers={"SGD": "sgd"}, learning_rate=0.05, steps=40)
    seconds = {}
    for quality in ("l", "h"):
        path = tmp_path / f"{quality}.{fmt}"
        viz.render(scene, path, quality=quality, size=(160, 90), hold=0.5)
        if fmt == "mp4":
            seconds[quality] = imageio_ffmpeg.count_frames_and_secs(str(path))[1]
        else:
            with Image.open(path) as gif:
                seconds[quality] = sum(gif.seek(i) or gif.info["duration"] for i in range(gif.n_frames)) / 1000
    assert seconds["l"] == pytest.approx(seconds["h"], abs=0.08), seconds
    assert seconds["h"] == pytest.approx(41 / {"mp4": 30, "gif": 25}[fmt] + 0.5, abs=0.08), seconds
