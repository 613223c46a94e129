"""How curved the loss is where the optimizers go: the sharpness (the largest eigenvalue of the
loss's Hessian) at every recorded point, and the Hessian's top directions for a plane.

Each problem gives its own :class:`Curvature` (its ``curvature(seed)`` hook): a surface's is
exact (float64 autodiff Hessians, 2x2), the lesson's is exact (its 5x5 logistic-regression
Hessian in float64 NumPy), any other Keras model's comes from Hessian-vector products by
Lanczos iteration to a relative accuracy of :data:`TOLERANCE`, within its share of the time
budget (the model's ``time_budget``, against the cost estimated from the model, so the same
scene gets the same points on every machine): at every recorded point, or at evenly spread
steps (``every`` says how far apart), or, when not even each path's start and end fit, at none.
"""

import numpy as np

from viz.line import affordable

TOLERANCE = 1e-3  # Lanczos stops when the top Ritz value's residual is this share of it
MAX_ITERATIONS = 60
CHUNK = 256       # points whose Lanczos iterations run together (one batched product a step)
ITERATIONS = 10   # Lanczos iterations a point is expected to take, for the time estimate (7-15 measured)
PRODUCT_PASSES = 4  # a Hessian-vector product costs about this many loss evaluations
MEMORY = 256e6    # bytes of Lanczos vectors held at once (points iterating together x iterations x weights)


def largest_symmetric(hessians):
    """The largest eigenvalue of each symmetric matrix [..., k, k] (NaN where it has NaN)."""
    hessians = np.asarray(hessians, dtype=np.float64)
    finite = np.isfinite(hessians).all(axis=(-1, -2))
    values = np.linalg.eigvalsh(np.where(finite[..., None, None], hessians, 0.0))[..., -1]
    return np.where(finite, values, np.nan)


class Curvature:
    """What a problem's curvature offers; each kind below fills it in.

    Attributes:
        planes: the ``plane`` kinds it can draw (``()``: its view is its own, a surface).
        shapes: the shapes of the model's weight tensors, in the flat vector's order (for
            filter-normalized random directions).
        resolution: grid points along each axis of a plane.
        loss_seconds: the estimated seconds of one loss evaluation (0: too cheap to count).
        line_seconds: the seconds the loss along lines may take (:func:`viz.line.lines`).
        off: the sharpness is switched off (computed nowhere, by choice rather than budget).

    Methods:
        loss(weights [m, d]) -> [m]: the loss the curves show.
        sharpness(params [n, points, d]) -> (values [n, points], every): the largest Hessian
            eigenvalue at every point (NaN where the path is); ``every`` is 1, or the recorded
            steps between the points where it was computed (NaN at the others) when a time
            budget ran out, or 0 when it was computed nowhere.
        top_directions(point [d], count=2) -> (values [count], vectors [count, d]): the
            Hessian's largest eigenvalues there and their unit eigenvectors, largest first.
    """

    planes = ("pca", "hessian", "random")
    shapes = ()
    resolution = 101
    loss_seconds = 0.0
    line_seconds = float("inf")
    off = False

    def short_of(self, paths):
        """The panels ("sharpness", "line") whose values the time budget affords at no point
        of ``paths`` paths: known before training, from the same estimates the recording
        uses. Default: none."""
        return [name for name, count in (("sharpness", self._points(paths)),
                                         ("line", affordable(paths, self.loss_seconds, self.line_seconds))) if count < 1]

    def _points(self, paths, points=2):
        """Points of each path whose sharpness the budget affords (``points`` when free); 0
        when not even a path's start and end."""
        return points


class ExactCurvature(Curvature):
    """A curvature with exact Hessians, ``hessians(points [m, d]) -> [m, d, d]`` float64: the
    sharpness at every point and the top directions from them."""

    def sharpness(self, params):
        params = np.asarray(params, dtype=np.float64)
        values = largest_symmetric(self.hessians(params.reshape(-1, params.shape[-1]))).reshape(params.shape[:2])
        return np.where(np.isfinite(params).all(axis=-1), values, np.nan), 1

    def top_directions(self, point, count=2):
        values, vectors = np.linalg.eigh(self.hessians(np.reshape(point, (1, -1)))[0])
        return values[::-1][:count], vectors[:, ::-1].T[:count]


class SurfaceCurvature(ExactCurvature):
    """A surface f(x, y): exact float64 Hessians by TensorFlow's autodiff."""

    planes = ()

    def __init__(self, surface):
        self.surface = surface

    def loss(self, weights):
        weights = np.asarray(weights, dtype=np.float64)
        with np.errstate(all="ignore"):
            return self.surface.values(weights[..., 0], weights[..., 1])

    def hessians(self, points):
        """f's Hessian at each of ``points`` [m, 2] -> [m, 2, 2], float64 (surfaces are
        elementwise, so one gradient of the sum gives every point's)."""
        import tensorflow as tf  # TensorFlow: only when training or evaluating

        points = tf.constant(np.nan_to_num(np.asarray(points, dtype=np.float64)), tf.float64)
        with tf.GradientTape(persistent=True) as outer:
            outer.watch(points)
            with tf.GradientTape() as inner:
                inner.watch(points)
                values = self.surface(points[:, 0], points[:, 1])
            grads = inner.gradient(values, points, unconnected_gradients=tf.UnconnectedGradients.ZERO)
            rows = [grads[:, 0], grads[:, 1]]
        hessian = [outer.gradient(row, points, unconnected_gradients=tf.UnconnectedGradients.ZERO) for row in rows]
        return np.stack([h.numpy() for h in hessian], axis=1)



class ModelCurvature(Curvature):
    """Any Keras model: Hessian-vector products of its training loss (regularization
    included), batched over points; Lanczos iteration for the top eigenvalues.

    Args:
        loss: flat weight vectors [m, d] -> the training loss [m].
        product: (weight vectors, directions) [m, d] each -> Hessian times direction [m, d].
        shapes: the weight tensors' shapes.
        resolution: the plane's grid points along each axis.
        slope: flat weight vectors [m, d] -> the loss's gradient [m, d] (for the arrows on
            another plane).
        seconds: the time budget for :meth:`sharpness`; None switches it off.
        loss_seconds: the estimated seconds of one loss evaluation (from the model's cost).
        point_seconds: the estimated seconds of one point's sharpness (from the model's cost,
            :func:`viz.problems.cost.sharpness_seconds`); 0: too cheap to count.
        line_seconds: the time budget for the loss along lines.
    """

    def __init__(self, loss, product, shapes, resolution, slope=None, seconds=60.0, loss_seconds=0.0,
                 point_seconds=0.0, line_seconds=float("inf")):
        self.loss, self.product, self.slope = loss, product, slope
        self.shapes, self.resolution, self.seconds = tuple(shapes), resolution, seconds or 0.0
        self.loss_seconds, self.point_seconds, self.line_seconds = loss_seconds, point_seconds, line_seconds
        self.off = seconds is None

    def _points(self, paths, points=2):
        if self.off:
            return 0
        each = int(self.seconds / (self.point_seconds * paths)) if self.point_seconds else points  # a path affords
        return min(each, points) if min(each, points) >= min(2, points) else 0  # not even a path's start and end

    def every(self, paths, points):
        """The recorded steps between the points of ``paths`` paths of ``points`` points each
        whose sharpness the budget affords: 1 (all), more, or 0 (none)."""
        affordable = self._points(paths, points)
        if not affordable:
            return 0
        return 1 if affordable == points else int(np.ceil((points - 1) / (affordable - 1)))

    def sharpness(self, params):
        params = np.asarray(params, dtype=np.float64)
        n, points, _ = params.shape
        values = np.full((n, points), np.nan)
        every = self.every(n, points)
        if not every:
            return values, 0
        chosen = list(range(0, points, every)) + ([points - 1] if (points - 1) % every else [])  # the last always
        values[:, chosen] = self._top(params[:, chosen])
        return values, every

    def _top(self, params):
        """The largest Hessian eigenvalue at each point of ``params`` [n, k, d] -> [n, k]."""
        flat = params.reshape(-1, params.shape[-1])
        finite = np.isfinite(flat).all(axis=1)
        out = np.full(len(flat), np.nan)
        index = np.flatnonzero(finite)
        chunk = int(np.clip(MEMORY // (8 * MAX_ITERATIONS * flat.shape[-1]), 1, CHUNK))
        for start in range(0, len(index), chunk):
            chosen = index[start:start + chunk]
            out[chosen] = lanczos(self.product, flat[chosen], count=1)[0][:, 0]
        return out.reshape(params.shape[:2])

    def top_directions(self, point, count=2):
        values, vectors = lanczos(self.product, np.reshape(point, (1, -1)), count=count)
        return values[0], vectors[0]


def lanczos(product, points, count=1, tolerance=TOLERANCE, iterations=MAX_ITERATIONS, seed=0):
    """The ``count`` largest eigenvalues (and unit eigenvectors) of the Hessian at each of
    ``points`` [m, d], all points iterating together (one batched Hessian-vector ``product``
    per iteration), with full reorthogonalization, until every point's top ``count`` Ritz
    values have residuals below ``tolerance`` times their size.

    Returns:
        Values [m, count] (largest first) and vectors [m, count, d].
    """
    m, d = points.shape
    steps = min(d, iterations)
    rng = np.random.default_rng(seed)
    basis = np.zeros((m, steps, d))
    alpha, beta = np.zeros((m, steps)), np.zeros((m, steps))
    vector = rng.normal(size=(m, d))
    vector /= np.linalg.norm(vector, axis=1, keepdims=True)
    for j in range(steps):
        basis[:, j] = vector
        w = product(points, vector)
        alpha[:, j] = np.einsum("md,md->m", w, vector)
        w -= np.einsum("mjd,mj->md", basis[:, :j + 1], np.einsum("mjd,md->mj", basis[:, :j + 1], w))
        w -= np.einsum("mjd,mj->md", basis[:, :j + 1], np.einsum("mjd,md->mj", basis[:, :j + 1], w))  # twice is enough
        norm = np.linalg.norm(w, axis=1)
        exhausted = norm <= 1e-9 * np.maximum(np.abs(alpha[:, :j + 1]).max(axis=1), 1e-300)
        if exhausted.any():  # an invariant subspace found: carry on in a fresh, orthogonal direction
            fresh = rng.normal(size=(int(exhausted.sum()), d))
            for _ in range(2):
                fresh -= np.einsum("mjd,mj->md", basis[exhausted, :j + 1],
                                   np.einsum("mjd,md->mj", basis[exhausted, :j + 1], fresh))
            w[exhausted], norm[exhausted] = fresh, 0.0
        values, ritz = _ritz(alpha[:, :j + 1], beta[:, :j])
        top = values[:, -count:]
        residual = np.abs(norm[:, None] * ritz[:, -1, -count:])
        if j + 1 == steps or np.all(residual <= tolerance * np.maximum(np.abs(top), 1e-12)) and j + 1 >= count:
            break
        beta[:, j] = norm
        vector = w / np.linalg.norm(w, axis=1, keepdims=True)
    vectors = np.einsum("mjd,mjc->mcd", basis[:, :j + 1], ritz[:, :, -count:])
    return top[:, ::-1], vectors[:, ::-1]


def _ritz(alpha, beta):
    """The eigenvalues (ascending) and eigenvectors of each Lanczos tridiagonal matrix."""
    m, k = alpha.shape
    tridiagonal = np.zeros((m, k, k))
    index = np.arange(k)
    tridiagonal[:, index, index] = alpha
    tridiagonal[:, index[:-1], index[1:]] = beta
    tridiagonal[:, index[1:], index[:-1]] = beta
    return np.linalg.eigh(tridiagonal)


PRECONDITIONED = {"Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "Adamax", "Nadam", "Ftrl", "Lion", "Lamb",
                  "Adafactor", "Muon"}  # steps scaled per weight by the gradients' history: no 2/lr line


def stability_limit(config, rate):
    """The largest sharpness at which the optimizer ``config`` (``{"class_name", "config"}``)
    at learning rate ``rate`` is stable on a quadratic: 2/lr for SGD; 2(1 + β)/lr with
    momentum β (heavy ball, as Keras' SGD steps it); 2(1 + β)/((1 + 2β) lr) with Nesterov
    momentum (Keras' form: w += β v - lr g after v = β v - lr g). None where no such line
    applies: a preconditioned optimizer (Adam, RMSprop, Adagrad, ...), an unknown one, a
    schedule."""
    if config.get("class_name") != "SGD" or not isinstance(rate, (int, float)) or rate <= 0:
        return None
    settings = config.get("config", {})
    beta = float(settings.get("momentum") or 0.0)
    if settings.get("nesterov") and beta:
        return 2 * (1 + beta) / ((1 + 2 * beta) * rate)
    return 2 * (1 + beta) / rate
