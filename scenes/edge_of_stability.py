"""The edge of stability (Cohen et al., "Gradient Descent on Neural Networks Typically Occurs at
the Edge of Stability", ICLR 2021): full-batch gradient descent on a small tanh network, a
2-32-32-1 MLP (1,185 weights) fitting 200 points of two moons with the squared error, at three
step sizes η, 600 steps each.

What to point at (render it with the sharpness panel: ``--panels contour,curves,sharpness``):
each run's sharpness (the largest eigenvalue of the loss's Hessian) rises from about 14 towards
its own 2/η line (20, 17.4 and 15.4), reaches it within the first half of the run and then
hovers there, instead of passing it as the classical stability argument would forbid, while the
loss keeps falling, not smoothly but with spikes. The larger the step, the lower the sharpness
it settles at.
"""

import keras
import numpy as np

from viz import Scene, problems


def two_moons(count=200, noise=0.15, seed=0):
    """Two interleaving half circles with a little noise, targets -1 and +1 for the squared error."""
    rng = np.random.default_rng(seed)
    half = count // 2
    outer, inner = np.linspace(0, np.pi, half), np.linspace(0, np.pi, count - half)
    points = np.concatenate([np.c_[np.cos(outer), np.sin(outer)], np.c_[1 - np.cos(inner), 0.5 - np.sin(inner)]])
    targets = np.concatenate([-np.ones(half), np.ones(count - half)])
    return (points + rng.normal(scale=noise, size=points.shape)).astype("float32"), targets.astype("float32")


def tanh_mlp():
    return keras.Sequential([
        keras.Input((2,)),
        keras.layers.Dense(32, activation="tanh"),
        keras.layers.Dense(32, activation="tanh"),
        keras.layers.Dense(1),
    ])


x, y = two_moons()
STEP_SIZES = (0.1, 0.115, 0.13)

edge_of_stability = Scene(
    title="Gradient descent at the edge of stability: the sharpness rises to 2/η and stays there",
    problem=problems.keras_model(tanh_mlp, x, y, loss="mse", metrics=(), batch_size=len(x), epochs=600,
                                 shuffle=False, name="2-32-32-1 tanh MLP, full batch"),
    optimizers={f"GD η={rate:g}": {"class_name": "SGD", "config": {"learning_rate": rate}} for rate in STEP_SIZES},
)
