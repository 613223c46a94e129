import numpy as np
import pytest

from viz.plane import plane
from viz.problems.logreg import PARAM_NAMES, lesson_data, loss_and_accuracy

X_TRAIN, Y_TRAIN, _, _ = lesson_data()


def true_loss(weights):
    return loss_and_accuracy(weights, X_TRAIN, Y_TRAIN)[0]


def test_principal_plane_is_centred_on_the_best_end_and_runs_left_to_right(recorded):
    view = recorded.plane
    best = np.argmin(recorded.loss[:, -1])
    np.testing.assert_allclose(view.xy[best, -1], 0, atol=1e-12)
    assert np.all(view.xy[:, 0, 0] < 0)  # every path starts on the left
    assert view.xy.shape == (len(recorded.names), recorded.steps + 1, 2)


def test_axes_carry_their_own_share_of_variance(recorded):
    first, second = recorded.plane.axis_labels
    share = [float(label.split("(")[1].split("%")[0]) for label in (first, second)]
    assert first.startswith("PC1") and second.startswith("PC2")
    assert share[0] > 90 and 0 < share[1] < share[0] and sum(share) <= 100.05


def test_plane_is_spanned_by_the_principal_directions(recorded):
    view = recorded.plane
    np.testing.assert_allclose(view.basis @ view.basis.T, np.eye(2), atol=1e-12)
    points = recorded.params.reshape(-1, 5)
    principal = np.linalg.svd(points - points.mean(axis=0), full_matrices=False)[2][:2]
    np.testing.assert_allclose(np.abs(np.sum(principal * view.basis, axis=1)), 1, atol=1e-9)


def test_path_points_are_their_orthogonal_projections(recorded):
    """What the plane's point leaves out of the weights is perpendicular to the plane (so the
    drawn point is the nearest one of the plane), and the weights' distances shrink, never grow."""
    view = recorded.plane
    rebuilt = view.origin + view.xy @ view.basis  # origin + x * basis[0] + y * basis[1]
    left_out = recorded.params - rebuilt
    scale = np.abs(recorded.params).max()
    np.testing.assert_allclose(left_out @ view.basis.T, 0, atol=1e-12 * scale)
    points, drawn = recorded.params.reshape(-1, 5), view.xy.reshape(-1, 2)
    apart = np.linalg.norm(points[:, None] - points[None], axis=-1)
    assert np.all(np.linalg.norm(drawn[:, None] - drawn[None], axis=-1) <= apart + 1e-12)


def test_points_in_a_known_plane_are_drawn_where_they_are():
    """Paths that lie in a plane of the five weights: the plane found is theirs, and every
    point's coordinates rebuild its weights exactly, distances kept."""
    rng = np.random.default_rng(0)
    u, v = np.linalg.qr(rng.normal(size=(5, 2)))[0].T  # two orthonormal directions
    corner = np.array([0.3, -0.2, 0.1, 0.5, -1.0])
    coordinates = np.array([[[-2.0, 0.5], [-1.0, 0.2], [0.0, 0.0]], [[-2.0, 0.5], [-1.5, -0.4], [-0.5, -0.3]]])
    params = corner + coordinates[..., :1] * u + coordinates[..., 1:] * v
    view = plane(params, np.array([[3.0, 2.0, 1.0], [3.0, 2.5, 2.0]]), true_loss, PARAM_NAMES, resolution=11)
    np.testing.assert_allclose(view.origin, params[0, -1])  # the lowest end: path 0's
    np.testing.assert_allclose(view.xy[0, -1], 0, atol=1e-12)
    np.testing.assert_allclose(view.origin + view.xy @ view.basis, params, atol=1e-12)
    assert abs(np.linalg.det(view.basis @ np.stack([u, v]).T)) == pytest.approx(1)  # the same plane
    flat = view.xy.reshape(-1, 2)
    np.testing.assert_allclose(np.linalg.norm(flat[:, None] - flat[None], axis=-1),
                               np.linalg.norm(coordinates.reshape(-1, 2)[:, None] - coordinates.reshape(-1, 2)[None],
                                              axis=-1), atol=1e-12)


def test_contours_are_the_true_loss_on_the_plane(recorded):
    view = recorded.plane
    for i, j in [(0, 0), (17, 83), (50, 50), (100, 3)]:
        weights = view.origin + view.grid_x[j] * view.basis[0] + view.grid_y[i] * view.basis[1]
        assert view.grid_loss[i, j] == pytest.approx(true_loss(weights[None])[0], rel=1e-9)


def test_grid_covers_every_path_as_a_square(recorded):
    view = recorded.plane
    assert view.grid_x[0] < view.xy[..., 0].min() and view.xy[..., 0].max() < view.grid_x[-1]
    assert view.grid_y[0] < view.xy[..., 1].min() and view.xy[..., 1].max() < view.grid_y[-1]
    assert np.ptp(view.grid_x) == pytest.approx(np.ptp(view.grid_y))


def test_named_axes_are_the_weights_themselves(recorded):
    view = plane(recorded.params, recorded.loss, true_loss, PARAM_NAMES, axes=("w_variance", "bias"))
    np.testing.assert_allclose(view.xy[..., 0], recorded.params[..., 0], atol=1e-12)
    np.testing.assert_allclose(view.xy[..., 1], recorded.params[..., 4], atol=1e-12)
    assert view.axis_labels[0].startswith("w_variance")


def test_diverged_steps_are_ignored():
    params = np.zeros((2, 4, 5))
    params[0, :, 0] = [0, 1, 2, 3]
    params[1, :, 1] = [0, 1, np.nan, np.nan]
    loss = true_loss(np.nan_to_num(params))
    loss[1, 2:] = np.nan
    view = plane(params, loss, true_loss, PARAM_NAMES)
    assert np.isfinite(view.grid_loss).all()
    assert np.isnan(view.xy[1, 2:]).all() and np.isfinite(view.xy[0]).all()


def test_the_star_says_when_the_loss_falls_past_the_view():
    """A bowl has its lowest point inside the view; a loss that keeps falling (as the
    lesson's does along its separating direction) has it on the edge, and the label says so."""
    paths = np.array([[[2.0, 1.0, 0.0], [1.0, 0.5, 0.0], [0.2, 0.1, 0.0]]])
    bowl = plane(paths, np.ones((1, 3)), lambda w: np.sum((w - [0.6, 0.3, 0.0]) ** 2, axis=1), ("a", "b", "c"),
                 resolution=21)
    assert bowl.marks_label == "lowest loss in view"
    falling = plane(paths, np.ones((1, 3)), lambda w: -w[:, 0], ("a", "b", "c"), resolution=21)
    assert falling.marks_label == "lowest in view, at edge"
