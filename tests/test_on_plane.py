"""The loss on a plane of weights with the model's first layer in three passes equals the
plain evaluation of every weight vector of that plane."""

import numpy as np
import pytest

from viz.backend import load_keras
from viz.problems.cost import forward_cost
from viz.problems.evaluate import loss_evaluator
from viz.problems import on_plane
from viz.problems.on_plane import plane_loss_evaluator

keras = load_keras()
RNG = np.random.default_rng(0)


def mlp():
    return keras.Sequential([keras.Input((10,)), keras.layers.Dense(8, activation="tanh"),
                             keras.layers.Dense(1, activation="sigmoid")])


def cnn():
    return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
                             keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
                             keras.layers.Dense(3, activation="softmax")])


def cnn_gelu():
    """GELU is not monotone: the pooling after it stays a layer of its own."""
    return keras.Sequential([keras.Input((9, 9, 1)), keras.layers.Conv2D(4, 3, activation="gelu"),
                             keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
                             keras.layers.Dense(3, activation="softmax")])


def cnn_1d():
    """Seven steps pooled by two: the last is cropped, as valid pooling does."""
    return keras.Sequential([keras.Input((9, 3)), keras.layers.Conv1D(4, 3, activation="tanh"),
                             keras.layers.MaxPooling1D(2), keras.layers.Flatten(), keras.layers.Dense(1)])


def two_convs():
    """A convolution after the first layer: the points go one by one (map_fn), not vectorized."""
    return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
                             keras.layers.Conv2D(2, 3), keras.layers.Flatten(),
                             keras.layers.Dense(3, activation="softmax")])


def normalized():
    """A first layer with a BatchNormalization after it: its statistics are state."""
    return keras.Sequential([keras.Input((10,)), keras.layers.Dense(6, activation="relu"),
                             keras.layers.BatchNormalization(), keras.layers.Dense(1, activation="sigmoid")])


CASES = {"mlp": (mlp, RNG.normal(size=(50, 10)), (RNG.random(50) > 0.5).astype("float32"), "binary_crossentropy"),
         "cnn": (cnn, RNG.random((40, 8, 8, 1)), RNG.integers(0, 3, 40), "sparse_categorical_crossentropy"),
         "cnn fused": (cnn, RNG.random((40, 8, 8, 1)), RNG.integers(0, 3, 40), "sparse_categorical_crossentropy"),
         "cnn tiled": (cnn, RNG.random((40, 8, 8, 1)), RNG.integers(0, 3, 40), "sparse_categorical_crossentropy"),
         "cnn blocks": (cnn, RNG.random((40, 8, 8, 1)), RNG.integers(0, 3, 40), "sparse_categorical_crossentropy"),
         "gelu tiled": (cnn_gelu, RNG.random((40, 9, 9, 1)), RNG.integers(0, 3, 40), "sparse_categorical_crossentropy"),
         "1d": (cnn_1d, RNG.random((40, 9, 3)), RNG.normal(size=40), "mse"),
         "two convs": (two_convs, RNG.random((40, 8, 8, 1)), RNG.integers(0, 3, 40), "sparse_categorical_crossentropy"),
         "state": (normalized, RNG.normal(size=(30, 10)), (RNG.random(30) > 0.5).astype("float32"),
                   "binary_crossentropy")}


@pytest.mark.slow  # a few seconds: TensorFlow's first traces
@pytest.mark.parametrize("name", CASES)
def test_three_passes_equal_the_plain_evaluation(name, monkeypatch):
    build, x, y, loss = CASES[name]
    if name in ("cnn fused", "cnn tiled", "cnn blocks", "gelu tiled"):  # as a big model's are: compiled by XLA
        monkeypatch.setattr(on_plane, "FUSED_ACTIVATIONS", 0)
    if name.endswith("tiled"):  # tiles of 7 rows: 40 rows end in a tile of 5 (and 2 rows of padding)
        monkeypatch.setattr(on_plane, "TILE_BYTES", 7 * 3 * 4 * (6 * 6 * 4 if name == "cnn tiled" else 7 * 7 * 4))
    if name == "cnn blocks":  # tiles of 7 rows; batches of 4 points, blocks of 12: 29 points = 12 + 12 + 5 (3 padded)
        monkeypatch.setattr(on_plane, "TILE_BYTES", 7 * 3 * 4 * 6 * 6 * 4)
        monkeypatch.setattr(on_plane, "CHUNK_FLOATS", 4 * (111 + 7 * forward_cost(cnn()).activations))
        monkeypatch.setattr(on_plane, "GRID_FLOATS", 12 * 111)
    keras.utils.set_random_seed(1)
    model = build()
    x = x.astype("float32")
    origin = np.concatenate([v.numpy().ravel() for v in model.trainable_variables])
    basis = np.linalg.qr(RNG.normal(size=(origin.size, 2)))[0].T * np.linalg.norm(origin)
    xy = RNG.uniform(-2, 2, size=(29, 2))
    state = None
    if name == "state":  # moving mean and variance, not the model's own
        state = np.concatenate([RNG.uniform(-1, 1, 6), RNG.uniform(0.5, 2, 6)]).astype(np.float32)
    plain = loss_evaluator(model, x, y, loss)(
        origin + xy @ basis if state is None else np.concatenate([origin + xy @ basis, np.tile(state, (29, 1))], 1))
    fast = plane_loss_evaluator(model, x, y, loss, state)(origin, basis, xy)
    folded = name not in ("mlp", "state", "gelu tiled", "two convs")
    assert (on_plane._folded_pooling(model, keras) is not None) == folded
    assert np.ptp(plain) > 0.1  # the points differ: a wrong coefficient would show
    np.testing.assert_allclose(fast, plain, rtol=0, atol=1e-5 * np.max(np.abs(plain)))


@pytest.mark.slow  # a second each: TensorFlow's traces
@pytest.mark.parametrize("budget, sizes", [(1, [2] * 14 + [1]), (5 * 111, [4] * 7 + [1]), (12 * 111, [12, 12, 5])])
def test_a_block_of_points_holds_at_most_the_grid_budget(budget, sizes, monkeypatch):
    """The points' weight vectors a block holds are at most :data:`viz.plane.GRID_FLOATS` values
    (or one batch, when even that is more): a tiny budget, blocks of one batch of two points.
    The same losses whatever the blocks."""
    build, x, y, loss = CASES["cnn"]
    keras.utils.set_random_seed(1)
    model = build()
    x = x.astype("float32")
    weights = 111  # the layers' after the first
    chunk = 2 if budget == 1 else 4
    monkeypatch.setattr(on_plane, "CHUNK_FLOATS", chunk * (weights + len(x) * forward_cost(model).activations))
    monkeypatch.setattr(on_plane, "GRID_FLOATS", budget)
    blocks, made = [], on_plane._blocks
    monkeypatch.setattr(on_plane, "_blocks", lambda *args: blocks.extend(made(*args)) or blocks)
    origin = np.concatenate([v.numpy().ravel() for v in model.trainable_variables])
    basis = np.linalg.qr(RNG.normal(size=(origin.size, 2)))[0].T * np.linalg.norm(origin)
    xy = RNG.uniform(-2, 2, size=(29, 2))
    fast = plane_loss_evaluator(model, x, y, loss)(origin, basis, xy)
    assert [len(block) for block in blocks] == sizes
    assert max(len(block) for block in blocks) * weights <= max(budget, chunk * weights)
    plain = loss_evaluator(model, x, y, loss)(origin + xy @ basis)
    np.testing.assert_allclose(fast, plain, rtol=0, atol=1e-5 * np.max(np.abs(plain)))


def test_models_it_cannot_split_are_evaluated_plainly():
    """A functional model, a regularized or grouped first layer or one of few inputs (two: three
    passes would cost what they save): None, the caller evaluates each vector."""
    inputs = keras.Input((10,))
    functional = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    regularized = keras.Sequential([keras.Input((10,)), keras.layers.Dense(2, kernel_regularizer="l2"),
                                    keras.layers.Dense(1)])
    narrow = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16), keras.layers.Dense(1)])
    grouped = keras.Sequential([keras.Input((4, 4, 4)), keras.layers.Conv2D(4, 3, groups=2), keras.layers.Flatten(),
                                keras.layers.Dense(1)])
    x, y = np.zeros((4, 10), "float32"), np.zeros(4, "float32")
    assert plane_loss_evaluator(functional, x, y, "mse") is None
    assert plane_loss_evaluator(regularized, x, y, "mse") is None
    assert plane_loss_evaluator(narrow, x[:, :2], y, "mse") is None
    assert plane_loss_evaluator(grouped, np.zeros((4, 4, 4, 4), "float32"), y, "mse") is None
    assert plane_loss_evaluator(mlp(), x, y, "mse") is not None
