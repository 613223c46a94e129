"""Handwritten digits shipped with viz (``viz/data/digits.csv.gz``: 1,797 8x8 images, UCI's
optical recognition of handwritten digits, as scikit-learn bundles it): nothing is downloaded. And the
sample images of an image classifier's predictions panel, with each path's predictions."""

import gzip
from importlib import resources

import numpy as np

from viz.problems.evaluate import output_evaluator


def load_digits():
    """The digits as images [1797, 8, 8, 1] float32 in 0..1 (the 0..16 counts / 16) and their
    labels [1797] int64 (0 to 9), in the file's order."""
    with resources.files("viz").joinpath("data/digits.csv.gz").open("rb") as packed, gzip.open(packed) as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.int64)
    return (table[:, :64] / 16.0).astype(np.float32).reshape(-1, 8, 8, 1), table[:, 64]


def sample_rows(labels, count=10):
    """Indices of the first row of each class (in class order), at most ``count``: one example
    of every digit for the predictions panel."""
    classes = np.unique(labels)[:count]
    return np.array([int(np.flatnonzero(labels == label)[0]) for label in classes])


def samples(first, x, y, points):
    """For an image classifier ``first`` (inputs [h, w] or [h, w, channels], several class
    outputs, integer labels ``y``): one image of each class of ``x`` and every path's prediction
    for it at each of ``points`` [paths, points, weights]; {} for other models."""
    x, y = np.asarray(x), np.asarray(y)
    classes = int(np.prod(first.outputs[0].shape[1:]))
    if x.ndim not in (3, 4) or classes < 2 or not np.issubdtype(y.dtype, np.integer) or y.size != len(y):
        return {}
    rows = sample_rows(y.reshape(-1))
    with np.errstate(all="ignore"):
        outputs = output_evaluator(first, x[rows])(np.nan_to_num(points.reshape(-1, points.shape[-1])))
    outputs = outputs.reshape(*points.shape[:2], len(rows), classes)
    finite = np.isfinite(points).all(axis=-1)[..., None]
    return {"images": x[rows].reshape(len(rows), *x.shape[1:3]).astype(np.float32),
            "labels": y.reshape(-1)[rows],
            "predicted": np.where(finite, outputs.argmax(axis=-1), -1).astype(np.int8),
            "confidence": np.where(finite, outputs.max(axis=-1), np.nan).astype(np.float16)}
