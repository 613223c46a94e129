"""A surface's compiled optimizer steps are kept per process (viz/problems/compiled.py) and
reused: a reused stepper records exactly what a newly compiled one records, at any rate and
from any start, and a path's numbers do not depend on the other paths of its scene."""

import keras
import pytest

from viz import Scene, record, surfaces
from viz.problems import compiled
from viz.problems.surface import Surface

OPTIMIZERS = {"Adam": "adam", "Adagrad": "adagrad"}  # (moments from 0, accumulators from 0.1)


@pytest.fixture
def built(monkeypatch):
    """The steppers compiled while the test runs (none kept from before it)."""
    monkeypatch.setattr(compiled, "_idle", type(compiled._idle)())
    made = []
    init = compiled.Stepper.__init__
    monkeypatch.setattr(compiled.Stepper, "__init__", lambda self, *args: (made.append(self), init(self, *args))[-1])
    return made


def scene(rate, start, optimizers=OPTIMIZERS, steps=12, surface="beale"):
    return Scene(title="t", problem=surfaces.get(surface, start=start), optimizers=optimizers, learning_rate=rate,
                 steps=steps)


def test_a_reused_step_records_what_a_new_one_records(built):
    """Adam's moments, Adagrad's accumulators, the step count and the rate start afresh: the
    second recording (other rate, other start) compiles nothing and equals one made from new."""
    record(scene(0.01, (1.0, 1.5)))
    assert len(built) == 2
    again = record(scene(0.05, (-1.0, 1.0)))
    assert len(built) == 2  # both reused
    compiled._idle.clear()
    new = record(scene(0.05, (-1.0, 1.0)))
    assert len(built) == 4
    assert again.digest() == new.digest()  # the paths, and the optimizers' configs named as in a new process


@pytest.mark.slow  # (one second; the fast tier keeps the reuse above)
def test_a_path_does_not_depend_on_its_neighbours(built):
    """SGD from two equal starts gives two equal paths beside Adam's, and the same path as SGD
    alone (in one graph for all paths, the second copy once differed in its last bits)."""
    start = [(0.3, -0.2), (0.3, -0.2)]
    both = record(scene(0.01, start, {"SGD": "sgd", "Adam": "adam"}, steps=8, surface="goldstein_price"))
    alone = record(scene(0.01, start[0], {"SGD": "sgd"}, steps=8, surface="goldstein_price"))
    assert both.params[0].tobytes() == both.params[1].tobytes() == alone.params[0].tobytes()


def test_a_users_function_is_compiled_every_time(built):
    """A function of the user's may read globals they change between recordings: never kept."""
    own = Surface(name="bowl", fn=lambda x, y: x**2 + 3 * y**2, domain=((-2, 2), (-2, 2)), starts=((1.0, 1.0),))
    for _ in range(2):
        record(Scene(title="t", problem=own, optimizers={"SGD": "sgd"}, learning_rate=0.1, steps=3))
    assert len(built) == 2 and not compiled._idle


def test_a_schedule_restarts_with_the_step_count(built):
    """A schedule reads the step count, which starts from 0 again."""
    decay = keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=2, decay_rate=0.5)
    spec = {"Adam": keras.optimizers.Adam(decay)}
    first, second = (record(scene(0.01, (1.0, 1.5), spec, steps=6)) for _ in range(2))
    assert len(built) == 1 and first.params.tobytes() == second.params.tobytes()


def test_steppers_taken_are_handed_back_when_a_later_one_cannot_be_had(built, monkeypatch):
    acquire, calls = compiled.acquire, []

    def second_fails(*args):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("no stepper")
        return acquire(*args)

    monkeypatch.setattr(compiled, "acquire", second_fails)
    with pytest.raises(RuntimeError, match="no stepper"):
        record(scene(0.01, (1.0, 1.0)))
    assert [len(idle) for idle in compiled._idle.values()] == [1]  # the first one, idle for the next recording
