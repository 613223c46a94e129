"""The "Zero to Deep Learning" lesson: logistic regression on the banknote data.

The data is prepared exactly as the course notebook does it: all four features standardised
over the whole data set (``sklearn.preprocessing.scale``), then
``train_test_split(test_size=0.3, random_state=42)``, reproduced here without scikit-learn.
"""

import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from viz.errors import SpecError

from viz.backend import load_keras

FEATURES = ("variance", "skewness", "curtosis", "entropy")
PARAM_NAMES = tuple(f"w_{name}" for name in FEATURES) + ("bias",)
ROWS = 1372  # of the banknote data
TEST_SIZE = 412  # ceil(0.3 * 1372), as train_test_split counts it
SPLIT_SEED = 42


def load_banknotes():
    """The banknote authentication data shipped with viz: features [1372, 4], class [1372]."""
    with resources.files("viz").joinpath("data/banknotes.csv").open("rb") as csv:
        table = np.loadtxt(csv, delimiter=",", skiprows=1)
    return table[:, :4], table[:, 4].astype(np.int64)


def standardise(features):
    """Each column to mean 0 and population standard deviation 1 (``sklearn.preprocessing.scale``)."""
    return (features - features.mean(axis=0)) / features.std(axis=0)


def split(features, target):
    """``train_test_split(test_size=0.3, random_state=42)``: (x_train, y_train, x_test, y_test)."""
    order = np.random.RandomState(SPLIT_SEED).permutation(len(features))
    test, train = order[:TEST_SIZE], order[TEST_SIZE:]
    return features[train], target[train], features[test], target[test]


def lesson_data():
    """The lesson's standardised train and test sets: (x_train, y_train, x_test, y_test)."""
    features, target = load_banknotes()
    return split(standardise(features), target)


def loss_and_accuracy(weights, features, target):
    """Binary cross-entropy and accuracy of the model for each weight vector.

    ``weights`` is [..., 5] (4 kernel weights, then the bias); the result is two arrays of
    shape ``weights.shape[:-1]``, computed in float64 with the stable form of the loss.
    """
    weights = np.asarray(weights, dtype=np.float64)
    flat = weights.reshape(-1, weights.shape[-1])
    logits = features @ flat[:, :-1].T + flat[:, -1]  # [rows, m]
    labels = target[:, None]
    loss = np.mean(np.logaddexp(0.0, logits) - labels * logits, axis=0)
    accuracy = np.mean((logits > 0) == (labels == 1), axis=0)
    return loss.reshape(weights.shape[:-1]), accuracy.reshape(weights.shape[:-1])


def loss_gradient(weights, features, target):
    """The gradient of :func:`loss_and_accuracy`'s loss with respect to each weight vector:
    ``X^T (sigmoid(X w + b) - y) / n`` for the kernel, ``mean(sigmoid(X w + b) - y)`` for the
    bias. ``weights`` is [..., 5]; so is the result (float64; NaN where the weights are)."""
    weights = np.asarray(weights, dtype=np.float64)
    flat = weights.reshape(-1, weights.shape[-1])
    logits = features @ flat[:, :-1].T + flat[:, -1]  # [rows, m]
    error = 0.5 * (1 + np.tanh(logits / 2)) - target[:, None]  # sigmoid(logits) - y, without overflow
    kernel = features.T @ error / len(features)  # [4, m]
    return np.concatenate([kernel.T, error.mean(axis=0)[:, None]], axis=1).reshape(weights.shape)


def check_feature_axes(features):
    """``features`` as the lesson's boundary panel takes them: two different names of
    :data:`FEATURES`, or ``("pca",)``; :class:`SpecError` otherwise."""
    features = tuple(features)
    two_names = len(features) == 2 and len(set(features)) == 2 and set(features) <= set(FEATURES)
    if features != ("pca",) and not two_names:
        raise SpecError(f"{','.join(features)!r}: give two of {', '.join(FEATURES)} (e.g. variance,skewness), or pca")
    return features


@dataclass(frozen=True)
class LogReg:
    """The lesson's problem: ``Dense(1, sigmoid)`` on 4 standardised features.

    Args:
        epochs: passes over the 960 training rows. Defaults to 5.
        batch_size: rows per step; 960 / 16 = 60 steps an epoch. Defaults to 16.
        axes: ``None`` for the plane of the paths' two principal directions, or two names
            from ``PARAM_NAMES`` to use those weights as axes (the others held where the best
            optimizer ended).
    """

    epochs: int = 5
    batch_size: int = 16
    axes: tuple | None = None

    def __post_init__(self):
        for field in ("epochs", "batch_size"):
            value = getattr(self, field)
            if type(value) is not int or value <= 0:
                raise SpecError(f"logreg {field} must be a positive integer, not {value!r}")
        if self.axes is not None:
            axes = tuple(self.axes)
            unknown = [name for name in axes if name not in PARAM_NAMES]
            if len(axes) != 2 or len(set(axes)) != 2 or unknown:
                raise SpecError(
                    f"logreg axes must be two different names of {', '.join(PARAM_NAMES)}; "
                    f"got {self.axes!r}"
                )
            object.__setattr__(self, "axes", axes)

    @property
    def steps_per_epoch(self):
        return math.ceil((ROWS - TEST_SIZE) / self.batch_size)

    def build_model(self):
        """A fresh, uncompiled Keras model: 4 inputs, one sigmoid unit."""
        keras = load_keras()

        return keras.Sequential([
            keras.Input((len(FEATURES),)),
            keras.layers.Dense(1, activation="sigmoid"),
        ])


def logreg(epochs=5, batch_size=16, axes=None):
    """The lesson's logistic regression problem (see :class:`LogReg`)."""
    return LogReg(epochs=epochs, batch_size=batch_size, axes=axes)
