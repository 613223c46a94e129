import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import textwrap  # noqa: E402

import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from viz import SEED_OPTIMIZERS, Scene, pipeline, problems, record  # noqa: E402

SMALL_SIZE = (320, 180)
LESSON_SEED = 0


# The order the two xdist workers take tests in (`-n 2` hands them out in collection order): the
# longest files first (processes, Ray, whole renders: 15-60 s a test), the generated scenes' many
# 1-3 s checks last, so the two workers end within a few seconds of each other.
FIRST = ("test_ray.py", "test_explore_executors.py", "test_signals.py", "test_explore.py", "test_course.py",
         "test_scene_claims.py", "test_scenes.py", "test_small_faults.py")
LAST = ("test_layout_rules.py", "test_layout_rules_3d.py")


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.path.name
        return 0 if name in FIRST else 2 if name in LAST else 1

    items.sort(key=rank)  # (stable: each file's own order kept)


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
def small_scene():
    """The lesson made quick: two optimizers for one epoch of batch size 64 (15 steps)."""
    return Scene(title="small", problem=problems.logreg(epochs=1, batch_size=64),
                 optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.05)


@pytest.fixture(scope="session")
def small(small_scene):
    """A quick recording: two optimizers for one epoch of batch size 64 (15 steps)."""
    return record(small_scene)


@pytest.fixture(params=["small", pytest.param("lesson", marks=pytest.mark.slow)])
def recorded(request):
    """The quick recording (2 optimizers, 15 steps) and, in the slow tier, the full lesson."""
    return request.getfixturevalue(request.param)


def ok(runner, *args):
    """``viz ARGS`` through ``runner``, which must succeed; its result."""
    from viz.cli import main

    result = runner.invoke(main, [str(arg) for arg in args])
    assert result.exit_code == 0, result.output
    return result


def mlp():
    """A small Keras classifier of two inputs: 2-4-1, tanh then sigmoid."""
    import keras

    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="tanh"),
                             keras.layers.Dense(1, activation="sigmoid")])


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


def assign_flat(variables, flat):
    """Set Keras ``variables`` from one flat vector, in their order (as viz flattens them)."""
    import numpy as np

    start = 0
    for variable in variables:
        size = int(np.prod(variable.shape))
        variable.assign(np.reshape(flat[start:start + size], variable.shape))
        start += size


def counted_processes(workers):
    """Local worker processes (:class:`viz.executors.Processes`) counting the tasks sent
    through them in ``.tasks``."""
    from viz import executors

    class Counted(executors.Processes):
        tasks = 0

        def map(self, function, tasks):
            tasks = list(tasks)
            self.tasks += len(tasks)
            yield from super().map(function, tasks)

    return Counted(workers)


def one_error_line(result):
    """The run printed exactly one line, ``Error: ...``, and no traceback; returns it."""
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


FRAME_LINE_MARGIN = 3  # pixels either side of an axes' edge


def full_redraw(frames):
    """matplotlib's full redraw of the figure as it stands (the animated artists drawn as
    ordinary ones), as a [height, width, 4] array; the artists are animated again afterwards."""
    import numpy as np

    for artist in frames.artists:
        artist.set_animated(False)
    frames.canvas.draw()
    picture = np.asarray(frames.canvas.buffer_rgba()).copy()
    for artist in frames.artists:
        artist.set_animated(True)
    return picture


def off_frame_lines(frames, margin=FRAME_LINE_MARGIN):
    """[height, width] True away from every axes' frame lines (its spines, the edges of its
    box): there a moving line crossing a static spine is layered differently by blitting (over
    it) than by a full redraw (under it), and nowhere else may the two differ."""
    import numpy as np

    height, width = int(frames.figure.bbox.height), int(frames.figure.bbox.width)
    rows, columns = np.mgrid[:height, :width]
    keep = np.ones((height, width), bool)
    for ax in frames.figure.axes:
        box = ax.get_window_extent()
        left, right, top, bottom = box.x0, box.x1, height - box.y1, height - box.y0
        along_x = (columns >= left - margin) & (columns <= right + margin)
        along_y = (rows >= top - margin) & (rows <= bottom + margin)
        keep &= ~(along_y & ((np.abs(columns - left) <= margin) | (np.abs(columns - right) <= margin)))
        keep &= ~(along_x & ((np.abs(rows - top) <= margin) | (np.abs(rows - bottom) <= margin)))
    return keep


def redraw_mismatch(frames, blitted):
    """(row, column) of every pixel, away from the axes' frame lines, where the blitted
    picture ``blitted`` differs at all from matplotlib's full redraw of the same state."""
    import numpy as np

    return np.argwhere(np.any(blitted != full_redraw(frames), axis=-1) & off_frame_lines(frames))


def blit_mismatch(frames, index):
    """:func:`redraw_mismatch` of frame ``index``: empty when blitting draws what a full
    redraw draws."""
    return redraw_mismatch(frames, frames[index].copy())
