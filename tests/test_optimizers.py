import keras
import pytest

from viz.errors import SpecError
from viz.optimizers import SEED_OPTIMIZERS, config_of, resolve


def test_the_lessons_six_in_order():
    assert list(SEED_OPTIMIZERS) == [
        "SGD", "SGD momentum=0.3", "SGD momentum=0.3 nesterov", "Adam", "Adagrad", "RMSprop"]
    built = {label: resolve(spec, 0.01) for label, spec in SEED_OPTIMIZERS.items()}
    assert [type(o).__name__ for o in built.values()] == ["SGD", "SGD", "SGD", "Adam", "Adagrad", "RMSprop"]
    assert all(o.get_config()["learning_rate"] == pytest.approx(0.01) for o in built.values())
    assert built["SGD"].get_config()["momentum"] == 0
    assert built["SGD momentum=0.3"].get_config()["momentum"] == pytest.approx(0.3)
    assert built["SGD momentum=0.3"].get_config()["nesterov"] is False
    assert built["SGD momentum=0.3 nesterov"].get_config()["nesterov"] is True
    # Keras defaults otherwise
    assert built["Adam"].get_config()["beta_1"] == keras.optimizers.Adam().get_config()["beta_1"]


def test_a_spec_keeps_its_own_learning_rate_and_ints_become_floats():
    assert resolve({"class_name": "Adam", "config": {"learning_rate": 0.5}}, 0.01).get_config()["learning_rate"] == 0.5
    assert resolve("sgd", 1).get_config()["learning_rate"] == 1.0
    assert resolve({"class_name": "SGD", "config": {"momentum": 0}}, 0.1).get_config()["momentum"] == 0


def test_instances_are_cloned_and_dicts_are_not_modified():
    instance = keras.optimizers.SGD(learning_rate=0.2, momentum=0.9)
    clone = resolve(instance, 0.01)
    assert clone is not instance
    assert clone.get_config()["momentum"] == pytest.approx(0.9)
    assert clone.get_config()["learning_rate"] == pytest.approx(0.2)
    spec = {"class_name": "SGD", "config": {"momentum": 0.5}}
    resolve(spec, 0.01)
    assert spec == {"class_name": "SGD", "config": {"momentum": 0.5}}
    assert resolve(spec, 0.01) is not resolve(spec, 0.01)


def test_unknown_names_list_the_known_and_suggest_the_nearest():
    with pytest.raises(SpecError, match=r"unknown optimizer 'adma'\. Did you mean .*'adam'.* Known: .*rmsprop"):
        resolve("adma", 0.01)
    with pytest.raises(SpecError, match="momentum"):
        resolve({"class_name": "SGD", "config": {"momentum": 2.0}}, 0.01)
    with pytest.raises(SpecError, match="not a name"):
        config_of(42, 0.01)


def test_every_listed_name_can_be_built():
    from viz.optimizers import known_names

    names = known_names()
    assert {"sgd", "adam", "nadam", "adadelta"} <= set(names)
    for name in names:
        assert resolve(name, 0.01).get_config()["learning_rate"] == pytest.approx(0.01)
