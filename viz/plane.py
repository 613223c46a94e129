"""A 2D view of optimizer paths through a many-weight model, with the true loss on it.

The default plane passes through the point where the paths end best and is spanned by the two
principal directions of all paths together (Li et al. 2018, "Visualizing the Loss Landscape of
Neural Nets"). Each axis is labelled with its own share of the paths' variance, so a viewer can
tell how much of the motion the picture shows.
"""

from dataclasses import dataclass, field, replace

import numpy as np


GRID_FLOATS = 1e7  # weight values of the grid's points made at once (80 MB)


@dataclass(frozen=True)
class Plane:
    """Paths projected on a plane, and the loss evaluated on a square grid of that plane.

    The point (x, y) of the plane stands for the weights ``origin + x * basis[0] + y * basis[1]``.
    For a model, ``offset`` and ``loss`` [n_paths, steps+1] say how honest the picture is:
    each recorded point's distance from the plane, and the loss exactly at its projection
    (what the contours show under it); ``explained`` is the share of the paths' variance the
    plane holds. A surface's plane is the surface: they are empty there.
    """

    origin: np.ndarray     # [d]
    basis: np.ndarray      # [2, d] orthonormal
    xy: np.ndarray         # [n_paths, steps+1, 2] path coordinates on the plane
    grid_x: np.ndarray     # [nx] grid coordinates along the first axis
    grid_y: np.ndarray     # [ny] grid coordinates along the second axis
    grid_loss: np.ndarray  # [ny, nx] loss at (grid_x[j], grid_y[i]) is grid_loss[i, j]
    levels: np.ndarray     # contour levels, increasing
    marks: np.ndarray      # [k, 2] points to mark with a star (minima)
    marks_label: str       # what the stars are, for the legend
    axis_labels: tuple     # (first, second)
    spacing: str = "quantile"  # how ``levels`` are spaced: "quantile", "log" or "linear" (see :func:`spaced_levels`)
    kind: str = "surface"  # "pca", "hessian", "random", "axes" (two named weights) or "surface"
    explained: float = 1.0  # share of the paths' variance within the plane
    offset: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # [n_paths, steps+1] distance from the plane
    loss: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))    # [n_paths, steps+1] loss at the projection

    def paths(self, first, last):
        """The plane with only the paths ``first:last`` (their xy, offset and loss)."""
        return replace(self, xy=self.xy[first:last], offset=self.offset[first:last], loss=self.loss[first:last])


def grid_view(plane):
    """The whole grid of ``plane``: ((x0, x1), (y0, y1))."""
    return (float(plane.grid_x[0]), float(plane.grid_x[-1])), (float(plane.grid_y[0]), float(plane.grid_y[-1]))


def inside(points, low, high):
    """Whether each of ``points`` [..., k] lies in the box ``low``..``high`` (NaN: no)."""
    with np.errstate(invalid="ignore"):
        return np.all((points >= np.asarray(low)) & (points <= np.asarray(high)), axis=-1)


def quantile_levels(grid_loss, count=12):
    """Levels at quantiles of the loss in view: every band covers a similar area, so the
    valley floor gets as many contours as the walls."""
    finite = grid_loss[np.isfinite(grid_loss)]
    return _at_least_two(np.unique(np.quantile(finite, np.linspace(0, 1, count + 1))))


def log_levels(grid_loss, count=18):
    """Levels spaced logarithmically above the lowest value in view, for losses that span
    decades: the contours crowd around the minimum, where the paths end."""
    finite = grid_loss[np.isfinite(grid_loss)]
    low, span = finite.min(), np.ptp(finite)
    above = finite - low
    smallest = max(np.quantile(above[above > 0], 0.002) if np.any(above > 0) else 1.0, span * 1e-7)
    return _at_least_two(np.unique(np.concatenate([[low], low + np.geomspace(smallest, max(span, smallest * 10), count)])))


def linear_levels(grid_loss, count=16):
    """Evenly spaced levels from the lowest to the highest value in view."""
    finite = grid_loss[np.isfinite(grid_loss)]
    return _at_least_two(np.unique(np.linspace(finite.min(), finite.max(), count + 1)))


DECADES = 50  # "auto": log levels when the highest value is this many times a low one (above the lowest)


def spans_decades(grid_loss):
    """Whether the values above the lowest span decades: the highest is more than
    :data:`DECADES` times the 5th percentile. A bowl x² + y² does not (about 30); a curved
    valley whose floor is f < 21 of a range in the thousands does, and so do Rosenbrock and
    Beale (linear levels there leave the whole valley in one band)."""
    finite = grid_loss[np.isfinite(grid_loss)]
    above = finite - finite.min()
    above = above[above > 0]
    return bool(above.size) and above.max() > DECADES * np.quantile(above, 0.05)


def spaced_levels(grid_loss, spacing):
    """Contour levels for ``grid_loss``: ``spacing`` "log", "linear", "quantile", or "auto"
    (log where the values span decades, see :func:`spans_decades`, else linear)."""
    if spacing == "auto":
        spacing = "log" if spans_decades(grid_loss) else "linear"
    return {"log": log_levels, "linear": linear_levels, "quantile": quantile_levels}[spacing](grid_loss)


def _at_least_two(levels):
    return levels if levels.size > 1 else np.array([levels[0], levels[0] + 1.0])


def best_end(params, loss):
    """The last finite point of the path whose last finite loss is lowest."""
    best_point, best_loss = None, np.inf
    for path, path_loss in zip(params, loss):
        finite = np.flatnonzero(np.isfinite(path_loss) & np.isfinite(path).all(axis=-1))
        if finite.size and path_loss[finite[-1]] < best_loss:
            best_point, best_loss = path[finite[-1]], path_loss[finite[-1]]
    return best_point  # never None: every path's start (row 0) is finite


def coordinates(params, origin, basis):
    """Where ``params`` [..., d] project onto the plane through ``origin`` spanned by the rows
    of ``basis`` [2, d] (not necessarily orthonormal): xy [..., 2] with ``origin + xy @ basis``
    the nearest point of the plane."""
    gram = basis @ basis.T
    return np.linalg.solve(gram, basis @ (np.asarray(params) - origin).reshape(-1, basis.shape[1]).T).T.reshape(
        *np.shape(params)[:-1], 2)


def projected_gradients(slope, points, basis, floats=2e7):
    """The gradients ``slope`` gives at ``points`` [n_paths, count, d (+ state)] in the plane's
    ``basis`` [2, d] (least squares, as :func:`viz.plane.coordinates`: a random basis is
    skew), [n_paths, count, 2], NaN where a point is; ``floats`` gradient values at a time
    (never all full gradients at once)."""
    flat = np.nan_to_num(points.reshape(-1, points.shape[-1]))
    chunk = max(1, int(floats // points.shape[-1]))
    with np.errstate(all="ignore"):
        on_plane = np.concatenate([coordinates(slope(flat[i:i + chunk]), 0.0, basis)
                                   for i in range(0, len(flat), chunk)])
    finite = np.isfinite(points).all(axis=-1, keepdims=True)
    return np.where(finite, on_plane.reshape(*points.shape[:-1], 2), np.nan)


def project(view, params, loss_fn, on_plane=None):
    """``view`` with the paths ``params`` [n, points, d] on it: their coordinates, their
    distance from the plane and the loss ``loss_fn`` gives exactly at their projections
    (NaN where a path is; ``on_plane``: as :func:`plane`'s)."""
    params = np.asarray(params, dtype=np.float64)
    xy = coordinates(params, view.origin, view.basis)
    projected = view.origin + xy @ view.basis
    finite = np.isfinite(params).all(axis=-1)
    at = np.full(finite.shape, np.nan)
    if finite.any():
        with np.errstate(all="ignore"):
            at[finite] = np.asarray(loss_fn(projected[finite]) if on_plane is None
                                    else on_plane(view.origin, view.basis, xy[finite]), dtype=np.float64)
    offset = np.where(finite, np.linalg.norm(params - projected, axis=-1), np.nan)
    return replace(view, xy=xy, offset=offset, loss=at)


def random_directions(origin, shapes, seed=0):
    """Two random directions through the weights ``origin`` [d], filter-normalized (Li et al.
    2018): Gaussian, then each filter (a unit's incoming weights: the last axis of a weight
    tensor indexes the units) scaled to that filter's norm in ``origin``; biases (1-D
    tensors) get no direction. ``shapes``: the weight tensors' shapes in the flat order.

    Returns:
        [2, d].
    """
    rng = np.random.default_rng(seed)
    directions = rng.normal(size=(2, origin.size))
    offset = 0
    for shape in shapes:
        size = int(np.prod(shape))
        piece = slice(offset, offset + size)
        if len(shape) < 2:
            directions[:, piece] = 0.0
        else:
            units = shape[-1]
            weights = origin[piece].reshape(-1, units)
            for row in directions:
                block = row[piece].reshape(-1, units)
                block *= np.linalg.norm(weights, axis=0) / np.maximum(np.linalg.norm(block, axis=0), 1e-300)
                row[piece] = block.ravel()
        offset += size
    return directions


def explained_share(centred, basis):
    """The share of the variance of ``centred`` [n, d] that lies in the span of ``basis``."""
    total = np.sum(centred**2)
    if total <= 0:
        return 0.0
    orthonormal = np.linalg.qr(basis.T)[0]
    return float(np.sum((centred @ orthonormal) ** 2) / total)


def plane(params, loss, loss_fn, param_names, axes=None, resolution=101, margin=0.15, basis=None, kind="pca",
          names=None, shown=None, on_plane=None):
    """Project ``params`` [n_opt, steps+1, d] onto a plane and evaluate ``loss_fn`` on it.

    Args:
        params: the recorded weight vectors; NaN rows (diverged steps) are ignored.
        loss: [n_opt, steps+1] loss at each recorded point; picks the best end point.
        loss_fn: maps weights [m, d] to loss [m].
        param_names: the d weight names.
        axes: ``None`` for the principal plane centred on the best end point, or two names of
            ``param_names``: those weights become the axes, in their own units, and the others
            are held at the best end point's values.
        resolution: grid points along each axis.
        margin: space around the paths, as a share of their extent.
        basis: two directions [2, d] to span the plane with instead (``kind`` "hessian" or
            "random", ``names`` their axis names), through the best end point.
        shown: the paths the plane shows (:func:`project`), if not ``params`` (several
            initializations' paths span it, the main run's are drawn on it).
        on_plane: a function of (origin, basis, xy [m, 2]) giving ``loss_fn`` at the weights
            ``origin + xy @ basis`` faster (a model's first layer in three passes,
            :func:`viz.problems.on_plane.plane_loss_evaluator`), or None.

    Returns:
        A :class:`Plane`. The grid is a square in plane units, so with equal axis scales
        distances on screen are distances in weight space.
    """
    params = np.asarray(params, dtype=np.float64)
    points = params.reshape(-1, params.shape[-1])
    points = points[np.isfinite(points).all(axis=1)]
    origin = best_end(params, loss)
    centred = points - points.mean(axis=0)
    total = np.sum(centred**2)
    if basis is not None or axes is None:
        if basis is None:
            basis, names, kind = _principal_directions(centred), ("PC1", "PC2"), "pca"
        start_offset = (params[0, 0] - origin) @ basis.T
        basis = basis * np.where(start_offset > 0, -1.0, 1.0)[:, None]  # paths run left to right
    else:
        index = [param_names.index(name) for name in axes]
        basis = np.eye(params.shape[-1])[index]
        origin = origin.copy()
        origin[index] = 0.0  # coordinates on the plane are the weights themselves
        names, kind = axes, "axes"
    units = basis / np.linalg.norm(basis, axis=1, keepdims=True)
    explained = explained_share(centred, basis)
    labels = share_labels(names, centred, units, explained)

    finite_xy = coordinates(points, origin, basis)
    low, high = finite_xy.min(axis=0), finite_xy.max(axis=0)
    centre = (low + high) / 2
    half = max(np.max(high - low) / 2, 1e-3) * (1 + 2 * margin)
    grid_x = np.linspace(centre[0] - half, centre[0] + half, resolution)
    grid_y = np.linspace(centre[1] - half, centre[1] + half, resolution)
    grid_xy = np.stack([g.ravel() for g in np.meshgrid(grid_x, grid_y)], axis=1)
    if on_plane is not None:
        grid_loss = np.asarray(on_plane(origin, basis, grid_xy)).reshape(resolution, resolution)
    else:
        chunk = max(1, int(GRID_FLOATS // origin.size))  # the grid's weight vectors a few at a time: big models
        grid_loss = np.concatenate([np.asarray(loss_fn(origin + grid_xy[i:i + chunk] @ basis))
                                    for i in range(0, len(grid_xy), chunk)]).reshape(resolution, resolution)
    lowest = np.unravel_index(np.nanargmin(grid_loss), grid_loss.shape)
    edge = {0, resolution - 1} & set(lowest)  # the loss still falls past the view: say so
    view = Plane(origin=origin, basis=basis, xy=np.zeros((0, 0, 2)), grid_x=grid_x, grid_y=grid_y, grid_loss=grid_loss,
                 levels=quantile_levels(grid_loss), marks=np.array([[grid_x[lowest[1]], grid_y[lowest[0]]]]),
                 marks_label="lowest in view, at edge" if edge else "lowest loss in view", axis_labels=labels,
                 kind=kind, explained=explained)
    return project(view, params if shown is None else shown, loss_fn, on_plane)


def share_labels(names, centred, units, explained):
    """The two axes' labels, each with its share of the paths' variance, shares that add up to
    ``explained`` (the plane's): where the directions ``units`` [2, d] are not at right angles
    (random ones), the second says what it adds to the first ("+46.7%"), and that they are not.

    Args:
        names: the two axes' names.
        centred: the paths' points, centred [n, d].
        units: the plane's two directions, unit length.
        explained: the share of the variance the plane holds (:func:`explained_share`).

    Returns:
        The two labels.
    """
    total = np.sum(centred**2)
    shares = np.sum((centred @ units.T) ** 2, axis=0) / total if total > 0 else np.zeros(2)
    first = f"{names[0]}  ({shares[0]:.1%} of the paths' variance)"
    if abs(float(units[0] @ units[1])) <= 1e-6:
        return first, f"{names[1]}  ({shares[1]:.1%} of the paths' variance)"
    return first, f"{names[1]}  (+{max(explained - shares[0], 0):.1%}: not at right angles to the first)"


def _principal_directions(centred):
    """The two leading right singular vectors of ``centred`` [n, d]. With many more weights
    than points (big models), through the n x n Gram matrix: no d x d work, no copies of size
    n x d beyond one."""
    count, weights = centred.shape
    if weights <= count:
        return np.linalg.svd(centred, full_matrices=False)[2][:2]
    values, vectors = np.linalg.eigh(centred @ centred.T)
    top = vectors[:, ::-1][:, :2]
    directions = top.T @ centred
    return directions / np.maximum(np.linalg.norm(directions, axis=1, keepdims=True), 1e-300)


def surface_plane(surface, params, resolution=401):
    """The plane of a 2D surface is the surface itself: paths as they are, the loss on a grid
    over the surface's domain (fine enough that a view zoomed to the paths, decided when
    rendering, still has smooth contours), its global minima marked; the levels spaced as the
    surface says ("auto": log where its values span decades)."""
    (x_min, x_max), (y_min, y_max) = surface.domain
    grid_x = np.linspace(x_min, x_max, resolution)
    grid_y = np.linspace(y_min, y_max, resolution)
    gx, gy = np.meshgrid(grid_x, grid_y)
    grid_loss = surface.values(gx, gy)
    spacing = surface.levels if surface.levels != "auto" else "log" if spans_decades(grid_loss) else "linear"
    levels = spaced_levels(grid_loss, spacing)
    marks = np.array(surface.minima, dtype=np.float64).reshape(-1, 2)
    inside = (marks[:, 0] >= x_min) & (marks[:, 0] <= x_max) & (marks[:, 1] >= y_min) & (marks[:, 1] <= y_max)
    return Plane(origin=np.zeros(2), basis=np.eye(2), xy=np.asarray(params, dtype=np.float64), grid_x=grid_x,
                 grid_y=grid_y, grid_loss=grid_loss, levels=levels, marks=marks[inside],
                 marks_label="global minimum" if len(surface.minima) < 2 else "global minima", axis_labels=("x", "y"),
                 spacing=spacing)
