"""One optimizer's steps on a surface, compiled once per process and reused: a ``tf.function``
takes most of a small surface recording to trace, and ``--seeds``, the explorer's grid, tuning
and test suites record the same optimizer on the same surface again and again (at other
rates, from other starts)."""

import json
import threading
from collections import OrderedDict

import numpy as np

from viz.backend import load_keras

KEPT = 128  # idle compiled steppers kept per process, about 2 MB each (the least recently used go first)

_idle = OrderedDict()  # key -> [Stepper], the most recently used key last
_lock = threading.Lock()


class Stepper:
    """``optimizer`` on ``fn``: a float64 point and the optimizer's variables, its steps in one
    ``tf.function``; :meth:`start` sets it afresh (the optimizer's variables as built, its rate
    set), so a reused stepper takes exactly the steps a new one would."""

    def __init__(self, fn, optimizer):
        keras = load_keras()
        import tensorflow as tf  # the compiled loop is a tf.function: Keras runs on TensorFlow here

        self.optimizer, self.point = optimizer, keras.Variable([0.0, 0.0], dtype="float64")
        optimizer.build([self.point])
        self.built = [np.array(variable.numpy()) for variable in optimizer.variables]

        @tf.function
        def run(count):
            points = tf.TensorArray(tf.float64, size=count)
            for step in tf.range(count):
                with tf.GradientTape() as tape:
                    value = fn(self.point[0], self.point[1])
                optimizer.apply([tape.gradient(value, self.point.value)], [self.point])
                points = points.write(step, self.point.value)
            return points.stack()

        self.run_compiled = run

    def start(self, point, rate):
        """Back to the start: the point at ``point``, the optimizer's variables as built, its
        learning rate ``rate`` (a float; None: a schedule, which reads the step count)."""
        for variable, value in zip(self.optimizer.variables, self.built):
            variable.assign(value)
        if rate is not None:
            self.optimizer._learning_rate.assign(rate)
        self.point.assign(np.asarray(point, dtype=np.float64))

    def run(self, count):
        """The points after each of the next ``count`` steps, [count, 2]."""
        import tensorflow as tf  # (as above)

        return self.run_compiled(tf.constant(count)).numpy()  # a tensor argument: traced once


def fresh_names():
    """Keras names the next optimizers as in a new process ("adam", "adam_1", ...: their
    configs, and so the recordings' digests, do not depend on what was recorded before).
    Keras' ``clear_session`` would do it too, but it also drops TensorFlow's instantiated
    functions: each kept stepper would then be optimised again at its next call (30 ms)."""
    from keras.src.backend.common import global_state  # Keras' own counters (no public way to reset them alone)

    global_state.set_global_attribute("object_name_uids", None)


def _key(fn, optimizer, kept):
    """What a stepper's compiled steps depend on: the function, the optimizer's class and its
    config but a plain learning rate (a variable, set at each start), or None when it is not
    ``kept`` (a function of the user's may read globals they change between recordings) or
    the optimizer or its schedule is not Keras' own; and that rate, or None for a schedule."""
    keras = load_keras()
    config, rate, learning_rate = optimizer.get_config(), None, optimizer._learning_rate
    if isinstance(learning_rate, keras.Variable):
        rate = np.float32(learning_rate.numpy())
        config.pop("learning_rate")
    config.pop("name", None)  # (variables' names only)
    if not kept or not all(type(own).__module__.startswith("keras.") for own in (optimizer, learning_rate)):
        return None, rate  # (a schedule of the user's, or a function, is not all in its config)
    return (fn, type(optimizer), json.dumps(config, sort_keys=True, default=repr)), rate


def acquire(fn, optimizer, point, kept=True):
    """A stepper for ``optimizer`` (a fresh Keras optimizer, adopted when none is idle) on
    ``fn``, started at ``point``; hand it back with :func:`release`. ``kept``: False compiles
    anew and keeps nothing (``fn`` is the user's; so is an optimizer class not Keras').

    Returns:
        (key, :class:`Stepper`); the key is None when nothing is kept.
    """
    key, rate = _key(fn, optimizer, kept)
    with _lock:
        idle = _idle.get(key)
        stepper = idle.pop() if idle else None
        if idle == []:
            del _idle[key]
    stepper = stepper or Stepper(fn, optimizer)
    stepper.start(point, rate)
    return key, stepper


def release(key, stepper):
    """``stepper`` (from :func:`acquire`) idle again, for the next recording in this process."""
    if key is None:
        return
    with _lock:
        _idle.setdefault(key, []).append(stepper)
        _idle.move_to_end(key)
        while sum(len(kept) for kept in _idle.values()) > KEPT:
            oldest = next(iter(_idle))
            _idle[oldest].pop(0)
            if not _idle[oldest]:
                del _idle[oldest]
