"""The next lecture: a small neural network, a 2-16-1 MLP on two moons, with the lesson's six
optimizers. The data is made here with NumPy (1000 points, a little noise), nothing is
downloaded."""

import keras
import numpy as np

from viz import SEED_OPTIMIZERS, Scene, problems


def two_moons(count=1000, noise=0.15, seed=0):
    """Two interleaving half circles, as scikit-learn's make_moons draws them."""
    rng = np.random.default_rng(seed)
    half = count // 2
    outer, inner = np.linspace(0, np.pi, half), np.linspace(0, np.pi, count - half)
    points = np.concatenate([np.c_[np.cos(outer), np.sin(outer)], np.c_[1 - np.cos(inner), 0.5 - np.sin(inner)]])
    labels = np.concatenate([np.zeros(half), np.ones(count - half)])
    return (points + rng.normal(scale=noise, size=points.shape)).astype("float32"), labels.astype("float32")


def mlp():
    return keras.Sequential([
        keras.Input((2,)),
        keras.layers.Dense(16, activation="tanh"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])


x, y = two_moons()

moons_mlp = Scene(
    title="Six optimizers train a 2-16-1 network on two moons (lr 0.01, batch 32)",
    problem=problems.keras_model(mlp, x, y, batch_size=32, epochs=10, name="2-16-1 MLP, two moons"),
    optimizers=SEED_OPTIMIZERS,
    learning_rate=0.01,
)
