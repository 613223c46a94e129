"""The "Zero to Deep Learning" lesson: logistic regression on the banknote data.

The data is prepared exactly as the course notebook does it: all four features standardised
over the whole data set (``sklearn.preprocessing.scale``), then
``train_test_split(test_size=0.3, random_state=42)``, reproduced here without scikit-learn.
"""

import dataclasses
import functools
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from viz import optimizers, plane
from viz.backend import load_keras
from viz.errors import OptionError, SpecError
from viz.problems.base import Problem
from viz.problems.built import check_model_options
from viz.problems.fit import column_rates, fit_each, fit_rates, masked, no_progress, per_weight
from viz.problems.model import KerasModel
from viz.sharpness import ExactCurvature

FEATURES = ("variance", "skewness", "curtosis", "entropy")
PARAM_NAMES = tuple(f"w_{name}" for name in FEATURES) + ("bias",)
ROWS = 1372  # of the banknote data
TEST_SIZE = 412  # ceil(0.3 * 1372), as train_test_split counts it
SPLIT_SEED = 42
COLUMNS = 64  # weight vectors evaluated together


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
    loss, accuracy = np.empty(len(flat)), np.empty(len(flat))
    labels = target[:, None]
    for i in range(0, len(flat), COLUMNS):  # [rows, COLUMNS] at a time stays in the cache: 2-3x faster
        part = flat[i:i + COLUMNS]
        logits = features @ part[:, :-1].T + part[:, -1]  # [rows, m]
        loss[i:i + COLUMNS] = np.mean(np.logaddexp(0.0, logits) - labels * logits, axis=0)
        accuracy[i:i + COLUMNS] = np.mean((logits > 0) == (labels == 1), axis=0)
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


def feature_axes_ok(features):
    """Whether ``features`` names the lesson's boundary-panel axes: two different names of
    :data:`FEATURES`, or ``("pca",)``."""
    features = tuple(features)
    return features == ("pca",) or len(features) == 2 and len(set(features)) == 2 and set(features) <= set(FEATURES)


def lesson_model(width=1):
    """A fresh, uncompiled Keras model: 4 inputs, ``width`` sigmoid units (the lesson: one)."""
    keras = load_keras()

    return keras.Sequential([keras.Input((len(FEATURES),)), keras.layers.Dense(width, activation="sigmoid")])


def _summed_loss(width):
    """Binary cross-entropy of ``width`` models side by side: the mean over columns, times their number."""
    keras = load_keras()

    def summed_loss(y_true, y_pred):
        return width * keras.losses.binary_crossentropy(y_true, y_pred)

    return summed_loss


class LessonCurvature(ExactCurvature):
    """The lesson: the Hessian of the mean binary cross-entropy of ``sigmoid(x w + b)`` is
    ``X^T diag(p (1 - p)) X / n`` with X the rows and a column of ones (no regularization),
    exact in float64."""

    shapes = ((4, 1), (1,))

    def __init__(self, x, y):
        self.x, self.y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        self.rows = np.concatenate([self.x, np.ones((len(self.x), 1))], axis=1)

    def loss(self, weights):
        return loss_and_accuracy(weights, self.x, self.y)[0]

    def hessians(self, weights):
        """The Hessian at each weight vector [m, 5] -> [m, 5, 5]: each entry below the diagonal
        summed over the rows in order (as ``einsum("ri,rm,rj->mij")`` sums it, bit for bit),
        mirrored above it (the eigensolvers read the lower triangle): half the work."""
        weights = np.nan_to_num(np.asarray(weights, dtype=np.float64).reshape(-1, self.rows.shape[1]))
        logits = self.rows @ weights.T  # [rows, m]
        p = 0.5 * (1 + np.tanh(logits / 2))
        curve = p * (1 - p) / len(self.rows)
        size = self.rows.shape[1]
        hessians = np.empty((len(weights), size, size))
        for i in range(size):
            scaled = self.rows[:, i, None] * curve  # [rows, m]
            for j in range(i + 1):
                hessians[:, i, j] = hessians[:, j, i] = np.add.reduce(scaled * self.rows[:, j, None], axis=0)
        return hessians


@dataclass(frozen=True, eq=False)
class Lesson(KerasModel):
    """The lesson as a :class:`KerasModel` preset (see :meth:`LogReg.preset`): the same
    ``model.fit`` recording, with analytic extras: float64 loss, accuracy and gradient on the
    training rows, validation from the epoch-end weights on the test rows, the boundary panel's
    data, several seeds as the columns of one wide layer, and named axes."""

    axes: tuple | None = None
    rows: tuple = ()  # lesson_data(), float64: x_train, y_train, x_test, y_test

    own_code = None  # viz's own model: nothing of the user's joins the cache key

    def check(self, *, seeds=1, view="2d", boundary=False, features=None, steps=None, hidden=False):
        """Raise :class:`OptionError` for a render option the lesson cannot do."""
        check_model_options(view, steps)
        if hidden:
            raise OptionError("panels", "contour,curves,hidden", "draws a hidden layer of two units; the lesson's "
                              "model is one sigmoid unit on its four inputs (use a keras_model with a hidden layer)")
        if features is not None and not feature_axes_ok(features):
            raise OptionError("features", ",".join(features), "the lesson's boundary panel takes two different "
                              f"names of {', '.join(FEATURES)} (e.g. variance,skewness), or pca")

    def check_panels(self, scene, extras, seeds=1):
        """The lesson's boundary panel draws its rows and its line, not the model's outputs on a
        grid: only :class:`Problem`'s checks (the sharpness and line panels)."""
        Problem.check_panels(self, scene, extras, seeds)

    def share_plane(self, recordings):
        """Recordings of one lesson scene (e.g. at the same rate and at tuned rates) on the
        plane of all their paths together, so that the parts of one animation share their axes."""
        if len(recordings) < 2:
            return recordings
        view = self.view(None, np.concatenate([r.params for r in recordings]),
                         np.concatenate([r.loss for r in recordings]), self.landscape(None))
        ends = np.cumsum([0] + [len(r.names) for r in recordings])
        return [dataclasses.replace(r, plane=view.paths(a, b)) for r, a, b in zip(recordings, ends[:-1], ends[1:])]

    def curvature(self, seed=None):
        """The exact 5x5 Hessian of the training loss (:class:`LessonCurvature`)."""
        return LessonCurvature(*self.rows[:2])

    def landscape(self, first, gradient=False):
        x_train, y_train = self.rows[:2]
        if gradient:
            return lambda weights: loss_gradient(weights, x_train, y_train)
        return lambda weights: loss_and_accuracy(weights, x_train, y_train)[0]

    def along(self, weights, landscape):
        return dict(zip(("loss", "accuracy"), loss_and_accuracy(weights, *self.rows[:2])))

    def param_names(self, first):
        return PARAM_NAMES

    def gradients(self, first, points, view):
        """The lesson's five-weight gradients in full (float64, analytic)."""
        return {"grads": masked(self.landscape(first, gradient=True)(np.nan_to_num(points.reshape(-1, 5)))
                                .reshape(points.shape), points)}

    def reductions(self, first, every):
        """Nothing: the lesson is drawn in full."""
        return {}

    def on_plane(self, first, state=None):
        """None: the lesson's analytic loss is evaluated on the plane's weight vectors."""
        return None

    def view(self, first, params, loss, landscape, shown=None, on_plane=None):
        return plane.plane(params, loss, landscape, PARAM_NAMES, axes=self.axes, shown=shown, on_plane=on_plane)

    def wide(self, width):
        """This preset with ``width`` models side by side as the columns of one Dense layer,
        trained with the sum of their losses."""
        return dataclasses.replace(self, build=functools.partial(lesson_model, width), loss=_summed_loss(width),
                                   y=np.repeat(self.y[:, None], width, axis=1), metrics=())

    def other_paths(self, scene, seed, others, every, progress):
        """The lesson from each of ``others`` seeds' initial weights with ``seed``'s batch order:
        the seeds' models as the columns of one :meth:`wide` layer, one ``model.fit`` per
        optimizer; one fit per seed for an optimizer that couples weights (e.g. clipnorm).
        Returns the paths [n_opt, len(others), points, 5]."""
        initials = [self.first_model(other).get_weights() for other in others]
        steps = self.total_steps
        paths = np.empty((len(scene.optimizers), len(others), steps // every + 1, len(PARAM_NAMES)))
        done, total = 0, steps * len(scene.optimizers) * len(others)
        for index, (label, spec) in enumerate(scene.optimizers.items()):
            one = dataclasses.replace(scene, optimizers={label: spec})
            together = per_weight(optimizers.describe(optimizers.resolve(spec, scene.learning_rate)))
            for group in [list(range(len(others)))] if together else [[column] for column in range(len(others))]:
                width, wide = len(group), self.wide(len(group))
                initial = [np.concatenate([initials[c][0] for c in group], axis=1),
                           np.concatenate([initials[c][1] for c in group])]

                def report(batches, _, start=done, width=width):
                    progress(start + batches * width, total)

                _, flat, _ = fit_each(one, seed, wide.build, initial, steps, report, *wide.fit_args(), every)
                kernel = flat[0, :, : 4 * width].reshape(-1, 4, width)  # Keras' kernel is [inputs, units]
                bias = flat[0, :, 4 * width:]
                paths[index, group] = np.concatenate([kernel, bias[:, None, :]], axis=1).transpose(2, 0, 1)
                done += steps * width
        return paths

    def final_losses(self, scene, seed, rates, progress=no_progress):
        """:meth:`KerasModel.final_losses`, the rates batched as the seeds are in
        :meth:`other_paths`: an optimizer that updates each weight alone trains once, its rates
        as the columns of one :meth:`wide` layer, each column at its own rate
        (:func:`~viz.problems.fit.column_rates`); any other once a rate (:func:`fit_rates`).

        Returns:
            [n_opt, n_rates], +inf where a run diverged.
        """
        keras = load_keras()
        first = self.first_model(seed)
        initial, width = first.get_weights(), len(rates)
        wide = self.wide(width)
        compile_args, fit_args = wide.fit_args()
        ends = np.empty((len(scene.optimizers), width, len(PARAM_NAMES)))
        for index, (label, spec) in enumerate(scene.optimizers.items()):
            settings = optimizers.describe(optimizers.resolve(spec, scene.learning_rate))
            if per_weight(settings) and not settings["config"].get("weight_decay"):
                model = wide.build()
                model.set_weights([np.repeat(initial[0], width, axis=1), np.repeat(initial[1], width)])
                # as fit_rates trains: 32 batches a compiled call, the seed set just before fit
                model.compile(optimizer=column_rates(spec, rates),
                              **{**compile_args, "metrics": [], "steps_per_execution": 32})
                keras.utils.set_random_seed(seed)
                model.fit(verbose=0, **fit_args)
                kernel, bias = model.get_weights()
                ends[index] = np.concatenate([kernel.T, bias[:, None]], axis=1)
                keras.backend.clear_session(free_memory=False)
            else:
                one = dataclasses.replace(scene, optimizers={label: spec})
                ends[index] = fit_rates(one, seed, self.build, initial, rates, no_progress, *self.fit_args())[0]
            progress((index + 1) * width, len(scene.optimizers) * width)
        return self.ended(first, ends)

    def extras(self, first, fields):
        """The Recording's fields with what only the lesson adds: validation, the training rows."""
        x_train, y_train, x_test, y_test = self.rows
        # What fit's validation_data would add, without its per-epoch evaluate() calls (~40% of
        # the training time): the epoch-end weights on the test rows.
        epoch_ends = fields["params"][:, self.steps_per_epoch::self.steps_per_epoch]
        fields["history"]["val_loss"], fields["history"]["val_accuracy"] = loss_and_accuracy(epoch_ends, x_test, y_test)
        fields["data"] = {"x": x_train, "y": y_train, "feature_names": np.array(FEATURES)}
        fields["meta"]["test_rows"] = len(x_test)
        return fields


@dataclass(frozen=True)
class LogReg(Problem):
    """The lesson's problem: ``Dense(1, sigmoid)`` on 4 standardised features.

    Recorded as the :class:`Lesson` preset of the keras_model path (see :mod:`viz.problems`).

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

    fixed_steps = True
    records_gradients = True
    own_code = None

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

    def preset(self):
        """The lesson as a keras_model configuration (its model, data, compile and fit
        arguments) with its analytic extras: a :class:`Lesson`."""
        rows = lesson_data()
        return Lesson(lesson_model, rows[0].astype("float32"), rows[1].astype("float32"), loss="binary_crossentropy",
                      metrics=("accuracy",), batch_size=self.batch_size, epochs=self.epochs, shuffle=True,
                      name="logreg", axes=self.axes, rows=rows)

    def record(self, scene, seed, progress=no_progress, seeds=1):
        return self.preset().record(scene, seed, progress, seeds)

    def final_losses(self, scene, seed, rates, progress=no_progress):
        return self.preset().final_losses(scene, seed, rates, progress)

    def share_plane(self, recordings):
        return self.preset().share_plane(recordings)

    def vary(self, setting, values):
        return self.preset().vary(setting, values)

    def curvature(self, seed=None):
        return self.preset().curvature(seed)

    def check(self, *, seeds=1, view="2d", boundary=False, features=None, steps=None, hidden=False):
        return self.preset().check(seeds=seeds, view=view, boundary=boundary, features=features, steps=steps,
                                   hidden=hidden)


def logreg(epochs=5, batch_size=16, axes=None):
    """The lesson's logistic regression problem.

    Args:
        epochs: passes over the 960 training rows.
        batch_size: rows per step.
        axes: ``None`` for the paths' principal plane, or two weight names as axes.

    Returns:
        A :class:`LogReg`.
    """
    return LogReg(epochs=epochs, batch_size=batch_size, axes=axes)
