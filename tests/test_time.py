"""An eased time scale: ``time="log"`` gives the early steps, where most happens, more frames,
and the counter says so."""

import numpy as np
import pytest

from viz.errors import OptionError
from viz.render.frames import Frames
from viz.pipeline import checked
from viz.render.options import Options, frame_steps, schedule

SIZE = (320, 180)


@pytest.mark.parametrize("steps, max_frames", [(300, 600), (500, 600), (5000, 600)])
def test_log_time_slows_the_early_steps_without_standing_still(steps, max_frames):
    linear = schedule(steps, Options(max_frames=max_frames))
    eased = schedule(steps, Options(max_frames=max_frames, time="log"))
    assert len(eased) == len(linear) and eased[0] == 0 and eased[-1] == steps
    assert np.all(np.diff(eased) >= 0)
    assert np.unique(eased, return_counts=True)[1].max() <= 3  # slow motion, never a standstill
    early = np.mean(eased <= steps // 10)
    assert early > 2 * np.mean(linear <= steps // 10)  # the first 10% of the steps: at least twice the frames
    if steps == 5000:
        assert early > 0.5


def test_log_time_with_a_duration_and_in_a_sequence(small):
    options = Options(fps=10, duration=6, time="log", size=SIZE)
    steps = schedule(small.steps, options)
    assert len(steps) == 60 and steps[-1] == small.steps
    turns = frame_steps(small, Options(time="log", sequence=True, size=SIZE))
    assert turns.shape[1] == len(small.names) and turns.max() == small.steps


def test_the_counter_says_log_time(small):
    eased = Frames(small, "small", schedule(small.steps, Options(time="log")), Options(size=SIZE, time="log"))
    assert eased.counter_text(eased.steps[3]).endswith("log time")
    plain = Frames(small, "small", options=Options(size=SIZE))
    assert "log" not in plain.counter_text(plain.steps[3])


def test_an_unknown_time_scale_is_refused_by_its_keyword():
    with pytest.raises(OptionError, match="time.*choose one of linear, log"):
        checked(time="cubic")
