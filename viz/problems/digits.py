"""Handwritten digits shipped with viz (``viz/data/digits.csv.gz``: 1,797 8x8 images, UCI's
optical recognition of handwritten digits, as scikit-learn bundles it): nothing is downloaded."""

import gzip
from importlib import resources

import numpy as np


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
