"""An independent NumPy reference for the Keras 3 optimizers, the ground truth for recorded paths.

``numpy_path`` replays what ``keras.optimizers.<Name>.apply`` does to one float64 variable, read
from the Keras 3.15 source (keras/src/optimizers/*.py and base_optimizer.py, TensorFlow backend),
with the arithmetic in the same order so the results agree to the last bit or nearly so. The
float32 roundings that Keras does even for float64 variables are copied here on purpose:

* the learning rate lives in a float32 variable, so the rate each step uses is ``f32(lr)``; a
  ``LearningRateSchedule`` is called with ``optimizer.iterations`` before the step (0 on the
  first step) and computes in float32 (ExponentialDecay: every operand float32), so a callable
  given here should compute in float32 too: a float64 evaluation rounded to float32 is an ulp
  off on most steps;
* ``ops.cast(<python float>, "float64")`` goes through a float32 tensor, so every constant that
  Keras passes through ``ops.cast`` is float32-rounded (``f32`` below): SGD's momentum, Adam's and
  Adamax's betas in the bias corrections ``beta ** t`` (not in their moment updates, which use the
  Python float), all of Nadam's ``beta_1``, ``beta_2`` and its 0.96 decay inside ``update_step``
  (but not in its ``u_product`` update), and Adagrad's initial accumulator value (the ``Constant``
  initializer casts it);
* every other constant (epsilon, rho, RMSprop's momentum, ``1 - beta`` from a Python float,
  clipnorm, clipvalue) meets the float64 tensor as an exact Python float.

No Keras or TensorFlow import here: this module must stay independent of what it checks.
"""

import math

import numpy as np

__all__ = ["numpy_path", "DEFAULTS", "GRADIENTS"]


def f32(value):
    """``value`` rounded to float32 and back, as ``ops.cast(value, "float64")`` does in Keras."""
    return float(np.float32(value))


# The constructor defaults of keras.optimizers.<Name> (Keras 3.15), without the base-class options.
DEFAULTS = {
    "sgd": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    "adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False},
    "adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7},
    "rmsprop": {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False},
    "nadam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "adamax": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "adadelta": {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7},
}

# Base-optimizer options this reference leaves out, with the value meaning "off" (as get_config has it).
_UNSUPPORTED = {"weight_decay": None, "global_clipnorm": None, "use_ema": False,
                "loss_scale_factor": None, "gradient_accumulation_steps": None}
# Base-optimizer options handled here (clipping) or without effect on the path.
_BASE = {"clipnorm", "clipvalue", "name", "ema_momentum", "ema_overwrite_frequency"}


def _sgd(c, x, g, lr, t, s):
    """SGD (momentum and nesterov optional); ``momentum`` is float32-rounded.

    momentum == 0:  x -= g * lr
    otherwise:      m = m * momentum - g * lr
                    x += m * momentum - g * lr   if nesterov else   x += m
    """
    if c["momentum"] == 0:
        return x - g * lr
    momentum = f32(c["momentum"])
    s["m"] = s.get("m", np.zeros_like(x)) * momentum - g * lr
    return x + (s["m"] * momentum - g * lr if c["nesterov"] else s["m"])


def _adam(c, x, g, lr, t, s):
    """Adam (amsgrad optional); betas are float32-rounded in the powers only.

    alpha = lr * sqrt(1 - f32(beta_2) ** (t + 1)) / (1 - f32(beta_1) ** (t + 1))
    m += (g - m) * (1 - beta_1);   v += (g ** 2 - v) * (1 - beta_2)
    amsgrad: v_hat = max(v_hat, v), used in place of v
    x -= m * alpha / (sqrt(v) + epsilon)
    """
    step = t + 1.0
    alpha = lr * math.sqrt(1 - f32(c["beta_2"]) ** step) / (1 - f32(c["beta_1"]) ** step)
    m, v = s.get("m", np.zeros_like(x)), s.get("v", np.zeros_like(x))
    m = s["m"] = m + (g - m) * (1 - c["beta_1"])
    v = s["v"] = v + (np.square(g) - v) * (1 - c["beta_2"])
    if c["amsgrad"]:
        v = s["v_hat"] = np.maximum(s.get("v_hat", np.zeros_like(x)), v)
    return x - m * alpha / (np.sqrt(v) + c["epsilon"])


def _adagrad(c, x, g, lr, t, s):
    """Adagrad; the accumulator starts at f32(initial_accumulator_value).

    acc += g ** 2
    x -= lr * g / sqrt(acc + epsilon)
    """
    acc = s["acc"] = s.get("acc", np.full_like(x, f32(c["initial_accumulator_value"]))) + np.square(g)
    return x - lr * g / np.sqrt(acc + c["epsilon"])


def _rmsprop(c, x, g, lr, t, s):
    """RMSprop (centered and momentum optional); rho, momentum and epsilon are exact.

    v = rho * v + (1 - rho) * g ** 2
    centered: a = rho * a + (1 - rho) * g;  denominator = v - a ** 2 + epsilon
    otherwise:                              denominator = v + epsilon
    increment = lr * g / sqrt(denominator)
    momentum > 0: mom = momentum * mom + increment;  x -= mom
    otherwise:    x -= increment
    """
    rho = c["rho"]
    v = s["v"] = rho * s.get("v", np.zeros_like(x)) + (1 - rho) * np.square(g)
    if c["centered"]:
        a = s["a"] = rho * s.get("a", np.zeros_like(x)) + (1 - rho) * g
        denominator = v - np.square(a) + c["epsilon"]
    else:
        denominator = v + c["epsilon"]
    increment = lr * g / np.sqrt(denominator)
    if c["momentum"] > 0:
        s["mom"] = c["momentum"] * s.get("mom", np.zeros_like(x)) + increment
        return x - s["mom"]
    return x - increment


def _nadam(c, x, g, lr, t, s):
    """Nadam with Keras' momentum-decay schedule.

    u_product *= beta_1 * (1 - 0.5 * 0.96 ** (t + 1))     (exact constants, before update_step)
    in update_step b1, b2, decay = f32(beta_1), f32(beta_2), f32(0.96):
    u_t  = b1 * (1 - 0.5 * decay ** (t + 1));   u_t1 = b1 * (1 - 0.5 * decay ** (t + 2))
    m += (g - m) * (1 - b1);   v += (g ** 2 - v) * (1 - b2)
    m_hat = u_t1 * m / (1 - u_product * u_t1) + (1 - u_t) * g / (1 - u_product)
    v_hat = v / (1 - b2 ** (t + 1))
    x -= m_hat * lr / (sqrt(v_hat) + epsilon)
    """
    u_product = s["u_product"] = s.get("u_product", 1.0) * c["beta_1"] * (1.0 - 0.5 * 0.96 ** (t + 1.0))
    b1, b2, decay = f32(c["beta_1"]), f32(c["beta_2"]), f32(0.96)
    u_t = b1 * (1.0 - 0.5 * decay ** (t + 1.0))
    u_t1 = b1 * (1.0 - 0.5 * decay ** (t + 2.0))
    m, v = s.get("m", np.zeros_like(x)), s.get("v", np.zeros_like(x))
    m = s["m"] = m + (g - m) * (1 - b1)
    v = s["v"] = v + (np.square(g) - v) * (1 - b2)
    m_hat = u_t1 * m / (1 - u_product * u_t1) + (1 - u_t) * g / (1 - u_product)
    v_hat = v / (1 - b2 ** (t + 1.0))
    return x - m_hat * lr / (np.sqrt(v_hat) + c["epsilon"])


def _adamax(c, x, g, lr, t, s):
    """Adamax; beta_1 is float32-rounded in its power only.

    m += (g - m) * (1 - beta_1);   u = max(beta_2 * u, |g|)
    x -= lr * m / ((1 - f32(beta_1) ** (t + 1)) * (u + epsilon))
    """
    m = s.get("m", np.zeros_like(x))
    m = s["m"] = m + (g - m) * (1 - c["beta_1"])
    u = s["u"] = np.maximum(c["beta_2"] * s.get("u", np.zeros_like(x)), np.abs(g))
    return x - lr * m / ((1 - f32(c["beta_1"]) ** (t + 1.0)) * (u + c["epsilon"]))


def _adadelta(c, x, g, lr, t, s):
    """Adadelta; rho and epsilon are exact, and the step is scaled by lr.

    acc_g = rho * acc_g + (1 - rho) * g ** 2
    delta = -(sqrt(acc_dx + epsilon) * g / sqrt(acc_g + epsilon))
    acc_dx = rho * acc_dx + (1 - rho) * delta ** 2
    x += lr * delta
    """
    rho, eps = c["rho"], c["epsilon"]
    acc_g = s["acc_g"] = rho * s.get("acc_g", np.zeros_like(x)) + (1 - rho) * np.square(g)
    acc_dx = s.get("acc_dx", np.zeros_like(x))
    delta = -(np.sqrt(acc_dx + eps) * g / np.sqrt(acc_g + eps))
    s["acc_dx"] = rho * acc_dx + (1 - rho) * np.square(delta)
    return x + lr * delta


_UPDATES = {"sgd": _sgd, "adam": _adam, "adagrad": _adagrad, "rmsprop": _rmsprop,
            "nadam": _nadam, "adamax": _adamax, "adadelta": _adadelta}


def _clip(g, c):
    """Keras' per-variable clipping, done on the gradient before the update (TF's clip_by_norm)."""
    if c.get("clipnorm") and c["clipnorm"] > 0:
        norm = math.sqrt(float(np.sum(g * g)))
        return g * c["clipnorm"] / max(norm, c["clipnorm"])
    if c.get("clipvalue") and c["clipvalue"] > 0:
        return np.maximum(np.minimum(g, c["clipvalue"]), -c["clipvalue"])
    return g


def numpy_path(class_name, config, grad_fn, start, steps):
    """The path of ``keras.optimizers.<class_name>(**config)`` on one float64 variable.

    Args:
        class_name: "SGD", "Adam", "Adagrad", "RMSprop", "Nadam", "Adamax" or "Adadelta"
            (any case).
        config: that optimizer's Keras config keys (a full ``get_config()`` works too); missing
            keys take Keras' defaults. ``learning_rate`` is a float or a callable ``lr(step)``
            of the iterations counter before the step, like a ``LearningRateSchedule``.
        grad_fn: maps a float64 point ``[d]`` to its gradient ``[d]``.
        start: the start point ``[d]``.
        steps: how many updates.

    Returns:
        float64 array ``[steps + 1, d]``, row 0 the start.
    """
    name = class_name.lower()
    if name not in _UPDATES:
        raise ValueError(f"unknown optimizer {class_name!r}; expected one of {sorted(_UPDATES)}")
    c = {**DEFAULTS[name], **config}
    unknown = set(c) - set(DEFAULTS[name]) - set(_UNSUPPORTED) - _BASE
    if unknown:
        raise ValueError(f"{class_name}: unknown config keys {sorted(unknown)}")
    for key, off in _UNSUPPORTED.items():
        if c.get(key, off) != off:
            raise ValueError(f"{class_name}: {key}={c[key]!r} is not supported by the NumPy reference")
    rate, update, state = c["learning_rate"], _UPDATES[name], {}
    x = np.array(start, dtype=np.float64).reshape(-1)
    path = [x.copy()]
    for t in range(steps):  # t is optimizer.iterations before this update
        g = _clip(np.asarray(grad_fn(x.copy()), dtype=np.float64).reshape(x.shape), c)
        lr = f32(rate(t) if callable(rate) else rate)
        x = update(c, x, g, lr, t, state)
        path.append(x.copy())
    return np.array(path)


# Analytic gradients of the 2D test surfaces (viz.surfaces), float64, p = [x, y].

def _rosenbrock(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def _beale(p):
    x, y = p
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3
    return np.array([2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1),
                     2 * a * x + 4 * b * x * y + 6 * c * x * y**2])


def _himmelblau(p):
    x, y = p
    a, b = x**2 + y - 11, x + y**2 - 7
    return np.array([4 * x * a + 2 * b, 2 * a + 4 * y * b])


def _booth(p):
    x, y = p
    a, b = x + 2 * y - 7, 2 * x + y - 5
    return np.array([2 * a + 4 * b, 4 * a + 2 * b])


def _matyas(p):
    x, y = p
    return np.array([0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x])


def _saddle(p):
    x, y = p
    return np.array([2 * x, -2 * y])


def _monkey_saddle(p):
    x, y = p
    return np.array([3 * x**2 - 3 * y**2, -6 * x * y])


def _valley(p):
    x, y = p
    return np.array([0.02 * x, 2 * y])


def _rastrigin(p):
    x, y = p
    return np.array([2 * x + 20 * np.pi * np.sin(2 * np.pi * x), 2 * y + 20 * np.pi * np.sin(2 * np.pi * y)])


def _ackley(p):
    x, y = p
    radius = np.sqrt(0.5 * (x**2 + y**2) + 1e-30)
    near = 2 * np.exp(-0.2 * radius) / radius  # d/dx of -20 exp(-0.2 r) is near * x
    waves = np.pi * np.exp(0.5 * (np.cos(2 * np.pi * x) + np.cos(2 * np.pi * y)))
    return np.array([near * x + waves * np.sin(2 * np.pi * x), near * y + waves * np.sin(2 * np.pi * y)])


def _goldstein_price(p):
    x, y = p
    s, d = x + y + 1, 2 * x - 3 * y
    p1 = 19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2
    p2 = 18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2
    a, b = 1 + s**2 * p1, 30 + d**2 * p2
    da = 2 * s * p1 + s**2 * (-14 + 6 * x + 6 * y)  # the same in x and y
    db_dx = 4 * d * p2 + d**2 * (-32 + 24 * x - 36 * y)
    db_dy = -6 * d * p2 + d**2 * (48 - 36 * x + 54 * y)
    return np.array([da * b + a * db_dx, da * b + a * db_dy])


def _six_hump_camel(p):
    x, y = p
    return np.array([8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3])


GRADIENTS = {
    "rosenbrock": _rosenbrock, "beale": _beale, "himmelblau": _himmelblau, "booth": _booth,
    "matyas": _matyas, "saddle": _saddle, "monkey_saddle": _monkey_saddle, "valley": _valley,
    "rastrigin": _rastrigin, "ackley": _ackley, "goldstein_price": _goldstein_price,
    "six_hump_camel": _six_hump_camel,
}
