import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import textwrap  # noqa: E402

import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from viz import SEED_OPTIMIZERS, Scene, pipeline, problems, record  # noqa: E402

SMALL_SIZE = (320, 180)
LESSON_SEED = 0


@pytest.fixture(scope="session")
def lesson_scene():
    """The lesson as the course ran it (and as scenes/logreg.py defines it)."""
    return Scene(title="lesson", problem=problems.logreg(epochs=5, batch_size=16),
                 optimizers=SEED_OPTIMIZERS, learning_rate=0.01, seed=LESSON_SEED)


@pytest.fixture(scope="session")
def lesson(lesson_scene):
    """The full lesson recording: six optimizers, 300 steps (recorded once per test run)."""
    return record(lesson_scene)


@pytest.fixture(scope="session")
def small(tmp_path_factory):
    """A quick recording: two optimizers for one epoch of batch size 64 (15 steps)."""
    scene = Scene(title="small", problem=problems.logreg(epochs=1, batch_size=64),
                  optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.05)
    return record(scene)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def scene_file(tmp_path):
    """Write a scene module into tmp_path and return its path."""

    def write(body, name="scenes.py"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(body))
        return path

    return write


SMALL_SCENE = """
    from viz import Scene, problems

    quick = Scene(
        title="Quick",
        problem=problems.logreg(epochs=1, batch_size=64),
        optimizers={"SGD": "sgd", "Adam": "adam"},
        learning_rate=0.05,
    )
"""


@pytest.fixture(autouse=True)
def outputs(tmp_path, monkeypatch):
    """Default outputs and the recording cache go to a temporary folder, never into the repository."""
    folder = tmp_path / "outputs"
    monkeypatch.setattr(pipeline, "OUTPUT_FOLDER", folder)
    return folder


@pytest.fixture
def quick(scene_file):
    """SMALL_SCENE as quick.py: two optimizers, 15 steps."""
    return scene_file(SMALL_SCENE, name="quick.py")


def one_error_line(result):
    """The run printed exactly one line, ``Error: ...``, and no traceback; returns it."""
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def blit_difference(frames, index):
    """The share of pixels where the blitted frame ``index`` differs from matplotlib's full
    redraw of the same step (the animated artists drawn as ordinary ones)."""
    import numpy as np

    blitted = frames[index].copy()
    for artist in frames.artists:
        artist.set_animated(False)
    frames.canvas.draw()
    full = np.asarray(frames.canvas.buffer_rgba())
    return np.any(blitted != full, axis=-1).mean()
