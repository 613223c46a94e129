"""Why the paths move (issue 19): sharpness against independent Hessians, the stability limits,
the honest plane against NumPy, other planes, and the sharpness, range-test and line panels."""

import dataclasses
import re

import numpy as np
from matplotlib.colors import to_rgba
import pytest

from viz import Scene, plane, record, surfaces
from viz.errors import SpecError
from viz.problems.logreg import lesson_data, loss_and_accuracy, loss_gradient
from viz.record import with_curvature
from viz.recording import Recording
from viz.render.frames import Frames
from viz.render.options import Options
from viz.render.panels.honesty import PlaneReadout, percent
from viz.render.panels.line import LinePanel
from viz.render.panels.range_test import RangeTestPanel
from viz.render.panels.sharpness import SharpnessPanel, limits
from viz.problems.logreg import LessonCurvature
from viz.render.text import short_number
from viz.sharpness import SurfaceCurvature, stability_limit

from conftest import one_error_line

SIZE = (640, 360)


@pytest.fixture(scope="module")
def too_fast():
    """Rosenbrock at lr 0.01 from the classic start, 20 steps: the SGD family diverges."""
    scene = Scene(title="t", problem=surfaces.get("rosenbrock", start=(-1.2, 1.0)),
                  optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.01, steps=20)
    return record(scene)


def test_rosenbrock_sharpness_is_its_analytic_hessians_largest_eigenvalue():
    rng = np.random.default_rng(0)
    points = rng.uniform(-2, 2, size=(3, 50, 2))
    x, y = points[..., 0], points[..., 1]
    hessian = np.stack([np.stack([2 - 400 * (y - x**2) + 800 * x**2, -400 * x], -1),
                        np.stack([-400 * x, np.full_like(x, 200.0)], -1)], -2)
    values, every = SurfaceCurvature(surfaces.get("rosenbrock")).sharpness(points)
    assert every == 1
    np.testing.assert_allclose(values, np.linalg.eigvalsh(hessian)[..., -1], rtol=1e-6)


def test_the_lessons_sharpness_is_its_hessians_by_finite_differences_of_the_gradient():
    x, y = lesson_data()[:2]
    weights = np.random.default_rng(1).normal(size=(4, 5))
    h = 1e-5
    for w, value in zip(weights, LessonCurvature(x, y).sharpness(weights[None])[0][0]):
        columns = [(loss_gradient(w + h * e, x, y) - loss_gradient(w - h * e, x, y)) / (2 * h) for e in np.eye(5)]
        hessian = np.array(columns)
        assert value == pytest.approx(np.linalg.eigvalsh((hessian + hessian.T) / 2)[-1], rel=1e-4)


@pytest.mark.slow
def test_an_mlps_lanczos_sharpness_is_its_dense_hessians():
    """A 2-8-8-1 tanh MLP (105 weights, more than Lanczos' iterations): against the dense
    Hessian of the same loss written out in float64 TensorFlow."""
    import tensorflow as tf

    from viz.backend import load_keras
    from viz.problems import keras_model

    keras = load_keras()
    rng = np.random.default_rng(2)
    x = rng.normal(size=(200, 2)).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("float32")

    def build():
        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="tanh"),
                                 keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1, activation="sigmoid")])

    problem = keras_model(build, x, y)
    curvature = problem.curvature(0)
    shapes = curvature.shapes
    weights = np.stack([np.concatenate([v.numpy().ravel() for v in problem.first_model(seed).trainable_variables])
                        for seed in (0, 1, 2)])

    def loss(flat):
        pieces = tf.split(flat, [int(np.prod(s)) for s in shapes])
        (k1, b1, k2, b2, k3, b3) = [tf.reshape(p, s) for p, s in zip(pieces, shapes)]
        hidden = tf.tanh(tf.tanh(x.astype("float64") @ k1 + b1) @ k2 + b2)
        logits = tf.squeeze(hidden @ k3 + b3, 1)
        return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(y.astype("float64"), logits))

    values = curvature.sharpness(weights[:, None])[0][:, 0]
    for w, value in zip(weights, values):
        flat = tf.constant(w, tf.float64)
        with tf.GradientTape() as outer:
            outer.watch(flat)
            with tf.GradientTape() as inner:
                inner.watch(flat)
                value_64 = loss(flat)
            grad = inner.gradient(value_64, flat)
        dense = outer.jacobian(grad, flat).numpy()
        assert value == pytest.approx(np.linalg.eigvalsh((dense + dense.T) / 2)[-1], rel=1e-3)


@pytest.mark.parametrize("config, factor", [
    ({"class_name": "SGD", "config": {}}, 1.0),
    ({"class_name": "SGD", "config": {"momentum": 0.3}}, 1.3),
    ({"class_name": "SGD", "config": {"momentum": 0.3, "nesterov": True}}, 1.3 / 1.6),
])
def test_a_stability_limit_is_where_the_update_on_a_quadratic_turns_unstable(config, factor):
    """Keras' SGD update rules on f = λ w² / 2 stay bounded just below the limit, grow just above."""
    rate = 0.01
    limit = stability_limit(config, rate)
    assert limit == pytest.approx(2 * factor / rate)
    beta, nesterov = config["config"].get("momentum", 0.0), config["config"].get("nesterov", False)

    def final(curvature):
        w, v = 1.0, 0.0
        for _ in range(3000):
            g = curvature * w
            v = beta * v - rate * g
            w = w + beta * v - rate * g if nesterov else w + v
        return abs(w)

    assert final(limit * 0.99) < 1 < final(limit * 1.01)
    assert stability_limit({"class_name": "Adam", "config": {}}, rate) is None


def test_the_honest_plane_against_numpy(small):
    """Offsets and the loss at the projection, recomputed with an orthonormal basis from NumPy's QR."""
    view = small.plane
    x, y = lesson_data()[:2]
    np.testing.assert_allclose(view.basis @ view.basis.T, np.eye(2), atol=1e-10)
    q = np.linalg.qr(view.basis.T)[0]
    projected = view.origin + (small.params - view.origin) @ q @ q.T
    np.testing.assert_allclose(view.origin + view.xy @ view.basis, projected, atol=1e-10)
    np.testing.assert_allclose(view.offset, np.linalg.norm(small.params - projected, axis=-1), atol=1e-10)
    np.testing.assert_allclose(view.loss, loss_and_accuracy(projected, x, y)[0], rtol=1e-10)
    from sklearn.decomposition import PCA  # (an independent implementation of the principal plane)

    assert view.explained == pytest.approx(PCA(2).fit(small.params.reshape(-1, 5)).explained_variance_ratio_.sum(),
                                           rel=1e-9)


@pytest.mark.slow
def test_the_hessian_and_random_planes(small):
    x, y = lesson_data()[:2]
    curvature = LessonCurvature(x, y)
    hessian = with_curvature(small, curvature, "hessian").plane
    best = plane.best_end(small.params, small.loss)
    vectors = np.linalg.eigh(curvature.hessians(best)[0])[1][:, ::-1][:, :2].T
    np.testing.assert_allclose(np.abs(hessian.basis @ vectors.T), np.eye(2), atol=1e-8)
    assert hessian.kind == "hessian" and "Hessian eigenvector 1" in hessian.axis_labels[0]
    random = with_curvature(small, curvature, "random", seed=3).plane
    assert random.kind == "random" and "random direction" in random.axis_labels[1]
    assert np.all(random.basis[:, 4] == 0)  # the bias has no direction (Li et al.)
    said = Frames(dataclasses.replace(small, plane=random), "r", options=Options.of(size=SIZE)).panels[0].lines[0].axes
    shares = [float(s) for s in re.findall(r"\+?(\d+\.\d)%", said.get_xlabel() + said.get_ylabel())]
    assert len(shares) == 2 and abs(sum(shares) - 100 * random.explained) <= 0.11  # shares add up (rule 8)
    assert "not at right angles" in said.get_ylabel().replace("\n", " ")
    hessian_shares = [float(s) for s in re.findall(r"(\d+\.\d)%", " ".join(hessian.axis_labels))]
    assert abs(sum(hessian_shares) - 100 * hessian.explained) <= 0.11  # at right angles: each its own share
    np.testing.assert_allclose(np.linalg.norm(random.basis[:, :4], axis=1), np.linalg.norm(best[:4]), rtol=1e-12)
    least = np.linalg.lstsq(random.basis.T, (small.params - random.origin).reshape(-1, 5).T, rcond=None)[0].T
    np.testing.assert_allclose(random.xy.reshape(-1, 2), least, rtol=1e-8, atol=1e-12)  # not orthonormal: least squares
    readout = PlaneReadout(Frames(small, "h", options=Options.of(size=SIZE)).figure, 0.1, 0.0, 0.8,
                           dataclasses.replace(small, plane=hessian))
    readout.update(np.full(len(small.names), small.steps))
    assert hessian.explained < 0.8 and readout.text.get_text().startswith(
        f"⚠ this view shows only {percent(hessian.explained)}")
    words = readout.text.get_text()  # in a student's words (issue 28, point 23): no "plane", no "variance", not bold
    assert "plane" not in words and "variance" not in words and readout.text.get_fontweight() == "normal"
    pca = PlaneReadout(readout.text.get_figure(), 0.1, 0.0, 0.8, small)
    said = [pca.words(np.full(len(small.names), step)) for step in range(small.steps + 1)]
    assert any(words.endswith("the contours are <1% off") for words in said) and not any(" 0% off" in w for w in said)
    assert (percent(0.004), percent(0.0), percent(0.034)) == ("<1%", "<1%", "3%")  # (the Hessian plane's 0.3%)


def test_sharpness_plane_and_lines_are_saved_loaded_and_exported(small, tmp_path):
    assert small.sharpness.shape == small.loss.shape and small.meta["sharpness_every"] == 1
    small.save(tmp_path / "r.npz")
    loaded = Recording.load(tmp_path / "r.npz")
    assert loaded.digest() == small.digest()
    np.testing.assert_array_equal(loaded.sharpness, small.sharpness)
    assert loaded.plane.kind == "pca" and set(loaded.line) == {"steps", "alpha", "loss"}
    with np.load(tmp_path / "r.npz") as npz:
        for key in ("sharpness", "plane_offset", "plane_loss", "plane_origin", "plane_basis", "plane_xy"):
            assert key in npz.files
    small.to_csv(tmp_path / "r.csv")
    import csv

    rows = list(csv.DictReader(open(tmp_path / "r.csv")))
    assert float(rows[3]["sharpness"]) == pytest.approx(small.sharpness[0, 3])
    assert float(rows[3]["plane_loss"]) == pytest.approx(small.plane.loss[0, 3])


def _colour_pixels(picture, ax, colour, rows):
    """How many pixels of ``colour`` (a hex) the panel ``ax`` has in the pixel ``rows`` (from the top)."""
    from matplotlib.colors import to_rgb

    box = ax.get_window_extent()
    height = picture.shape[0]
    top, bottom = int(height - box.y1), int(height - box.y0)
    region = picture[max(top, rows.start):min(bottom, rows.stop), int(box.x0):int(box.x1), :3].astype(int)
    target = np.array(to_rgb(colour)) * 255
    return int((np.abs(region - target).sum(axis=-1) < 30).sum())


@pytest.mark.slow
def test_on_rosenbrock_at_lr_001_sgd_is_above_its_line_where_it_diverges(too_fast):
    frames = Frames(too_fast, "t", options=Options.of(size=SIZE, extras=("sharpness",)))
    panel = next(p for p in frames.panels if isinstance(p, SharpnessPanel))
    first, last = frames[0].copy(), frames[len(frames) - 1].copy()
    ax = panel.lines[0].axes
    limit = limits(too_fast)[0]
    assert limit == pytest.approx(200) and limits(too_fast)[1] is None
    line_row = int(first.shape[0] - ax.transData.transform((0, limit))[1])
    sgd = panel.lines[0].get_color()
    above = range(0, line_row - 3)
    assert _colour_pixels(last, ax, sgd, above) > _colour_pixels(first, ax, sgd, above) + 10
    assert np.nanmax(too_fast.sharpness[0]) > 10 * limit  # it shoots through as it diverges
    assert panel.crosses[0].get_visible()  # and the cross marks where


@pytest.mark.slow
def test_the_range_test_panel_marks_the_best_rate_as_it_fills_in():
    rates = (0.0003, 0.001, 0.003)
    scene = Scene(title="fan", problem=surfaces.get("rosenbrock", start=(-1.2, 1.0)),
                  optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=list(rates), steps=15)
    fan = record(scene)
    assert [path["optimizer"] for path in fan.meta["paths"]] == ["SGD"] * 3 + ["Adam"] * 3
    recording = dataclasses.replace(fan, meta={key: value for key, value in fan.meta.items() if key != "paths"})
    frames = Frames(fan, "fan", options=Options.of(size=SIZE, extras=("rates",)))
    panel = next(p for p in frames.panels if isinstance(p, RangeTestPanel))
    first = frames[0].copy()
    last = frames[len(frames) - 1].copy()
    for index, (label, fan_paths) in enumerate(panel.groups.items()):
        final = fan.loss[[path for _, path in fan_paths], -1]
        assert panel.bests[index].get_data()[0][0] == rates[int(np.argmin(final))]
        assert f"{label} best: lr {rates[int(np.argmin(final))]:g}" in panel.word.get_text().replace("\n", " ")
        shown = [tuple(colour) for colour in panel.points[index].get_facecolors()]  # each rate in its path's colour
        assert len(set(shown)) == len(fan_paths) == 3 and shown == [tuple(to_rgba(panel.colours[path]))
                                                                    for _, path in fan_paths]
    box = panel.lines[0].axes.get_window_extent()
    region = (slice(int(first.shape[0] - box.y1), int(first.shape[0] - box.y0)), slice(int(box.x0), int(box.x1)))
    assert np.any(first[region] != last[region])
    with pytest.raises(SpecError, match="at least two learning rates"):
        Frames(recording, "one", options=Options.of(size=SIZE, extras=("rates",)))


def test_the_line_panel_heads_are_the_recorded_points_and_move(small):
    frames = Frames(small, "s", options=Options.of(size=SIZE, extras=("line",)))
    panel = next(p for p in frames.panels if isinstance(p, LinePanel))
    step = int(small.line["steps"][-1])
    frames[len(frames) - 1]
    for path in range(len(small.names)):
        x, y = panel.heads[path].get_data()
        assert y[0] == pytest.approx(small.loss[path, step], rel=1e-12)
        assert x[0] == pytest.approx(np.linalg.norm(small.params[path, step] - small.params[path, 0]))
    frames[1]
    assert panel.heads[0].get_data()[0][0] < np.linalg.norm(small.params[0, step] - small.params[0, 0])


def test_bad_panels_and_planes_are_refused_before_training(runner, quick, scene_file):
    from viz.cli import main

    result = runner.invoke(main, ["render", str(quick), "--panels", "contour,curves,rates"])
    assert result.exit_code == 2 and "at least two learning rates" in one_error_line(result)
    surface = scene_file("""
        from viz import Scene, surfaces
        s = Scene(title="s", problem=surfaces.get("himmelblau"), optimizers={"SGD": "sgd"}, steps=5)
    """, name="surface.py")
    result = runner.invoke(main, ["render", str(surface), "--plane", "hessian"])
    assert result.exit_code == 2 and "surface's view is the surface itself" in one_error_line(result)


def test_blitted_frames_with_the_new_panels_equal_a_full_redraw(small):
    from conftest import blit_mismatch

    paths = [{"label": name, "optimizer": "Opt", "learning_rate": rate, "batch_size": 64, "initializer": None}
             for name, rate in zip(small.names, (0.05, 0.5))]
    fan = dataclasses.replace(small, meta={**small.meta, "paths": paths})
    from viz.render.layout import style

    frames = Frames(fan, "all", options=Options.of(size=SIZE, extras=("sharpness", "rates", "line")))
    with style(frames.options):  # as an SVG is drawn: the tick locators read the tick labels' size again
        assert len(blit_mismatch(frames, 7)) == 0


def test_lanczos_and_the_time_budget_on_known_matrices():
    """A product by fixed symmetric matrices (one per point, 80 x 80: more than Lanczos'
    iterations): the top eigenpairs within the bounds Lanczos' stopping residual gives; with little time to spare, evenly spread steps,
    with none, no steps."""
    from viz.sharpness import TOLERANCE, ModelCurvature, lanczos

    rng = np.random.default_rng(4)
    d = 80
    matrices = []
    for _ in range(3):
        q = np.linalg.qr(rng.normal(size=(d, d)))[0]
        matrices.append(q @ np.diag(np.concatenate([[5.0, 3.0], rng.uniform(-1, 1, d - 2)])) @ q.T)
    matrices = np.array(matrices)

    def product(points, vectors):
        return np.einsum("mij,mj->mi", matrices[points[:, 0].astype(int)], vectors)

    points = np.zeros((3, d))
    points[:, 0] = [0, 1, 2]
    values, vectors = lanczos(product, points, count=2)
    # a Ritz pair with residual r is within r^2 / gap of its eigenvalue and r / gap of its vector (Kato-Temple,
    # Davis-Kahan); Lanczos stops at r = TOLERANCE * value, and the gaps here are 2 (5 to 3, 3 to at most 1)
    residual = TOLERANCE * np.array([5.0, 3.0])
    assert (np.abs(values - [5.0, 3.0]) <= residual**2 / 2).all()
    np.testing.assert_allclose(np.abs(np.einsum("mcd,mdk->mck", vectors, np.linalg.eigh(matrices)[1][..., ::-1][..., :2])),
                               np.broadcast_to(np.eye(2), (3, 2, 2)), atol=residual.max() / 2)
    path = np.zeros((1, 41, d))
    path[0, :, 0] = 1
    point = 0.5  # seconds a point's sharpness is estimated at
    budget = ModelCurvature(None, product, [(d,)], 11, seconds=2.5 * point, point_seconds=point)
    sharpness, every = budget.sharpness(path)
    computed = np.flatnonzero(np.isfinite(sharpness[0]))
    assert every == 40 and computed.tolist() == [0, 40]  # time for two points: the two ends
    assert budget.sharpness(path)[0].tobytes() == sharpness.tobytes()  # decided by the estimate: the same every time
    budget.seconds = 11 * point
    assert budget.sharpness(path)[1] == 4  # 11 points afford every 4th step: 0, 4, ..., 40
    budget.seconds = 1.5 * point
    nowhere, every = budget.sharpness(path)
    assert every == 0 and np.isnan(nowhere).all()  # not even the two ends: none
    budget.seconds = 60 * point
    assert budget.sharpness(path)[1] == 1
    off = ModelCurvature(None, product, [(d,)], 11, seconds=None, point_seconds=point)  # sharpness=False
    assert off.off and off.sharpness(path)[1] == 0 and np.isnan(off.sharpness(path)[0]).all()
    np.testing.assert_allclose(sharpness[0, computed], 5.0, atol=residual[0] ** 2 / 2)


def test_the_plane_readout_is_drawn_unless_turned_off(small):
    def words(frames):
        return [text.get_text() for panel in frames.panels if isinstance(panel, PlaneReadout)
                for text in panel.animated_artists]

    shown = Frames(small, "on", options=Options.of(size=SIZE))
    shown[len(shown) - 1]
    assert len(words(shown)) == 1 and "off this flat view" in words(shown)[0]
    hidden = Frames(small, "off", options=Options.of(size=SIZE, readout=False))
    hidden[len(hidden) - 1]
    assert words(hidden) == []
    texts = [text.get_text() for text in hidden.figure.texts]
    assert not any("off this flat view" in text for text in texts)


def test_stability_limits_look_like_no_path_and_say_their_value(small):
    """Issue 28, point 12: a path on its limit must stay visible, so the limit's line style is
    none of the paths' own, and its value is written beside it."""
    from viz.render.looks import DASHES
    from viz.render.panels.sharpness import LIMIT_DASH

    frames = Frames(small, "s", options=Options.of(size=SIZE, extras=("sharpness",)))
    panel = next(p for p in frames.panels if isinstance(p, SharpnessPanel))
    ax = panel.lines[0].axes
    bounds = [bound for bound in limits(small) if bound is not None]
    assert LIMIT_DASH not in DASHES and bounds
    said = {text.get_text() for text in ax.texts} | {ax.get_title(loc="left").replace("\n", " ")}
    assert all(f"2/lr {short_number(bound)}" in said or f"off this scale: {short_number(bound)}" in " ".join(said)
               for bound in bounds[:1])  # beside its line, or, far off the sharpness drawn, in the note
