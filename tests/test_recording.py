import csv
import json

import numpy as np

from viz.problems.fit import finite_prefix as _finite_prefix
from viz.recording import Recording


def test_npz_round_trip_loads_with_plain_numpy(small, tmp_path):
    path = tmp_path / "small.npz"
    small.save(path)
    with np.load(path, allow_pickle=False) as npz:
        assert npz["names"].tolist() == ["SGD", "Adam"]
        assert npz["params"].dtype == np.float64 and npz["params"].shape == (2, 16, 5)
        assert npz["loss"].dtype == np.float64 and npz["loss"].shape == (2, 16)
        np.testing.assert_array_equal(npz["params"][:, 0], small.params[:, 0])
        assert json.loads(str(npz["meta"]))["batch_size"] == 64
    loaded = Recording.load(path)
    assert loaded.names == small.names and loaded.param_names == small.param_names
    np.testing.assert_array_equal(loaded.params, small.params)
    np.testing.assert_array_equal(loaded.plane.grid_loss, small.plane.grid_loss)
    assert loaded.plane.axis_labels == small.plane.axis_labels
    assert loaded.history.keys() == small.history.keys()
    assert loaded.meta == small.meta
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left beside it


def test_csv_has_one_row_per_optimizer_and_step(small, tmp_path):
    path = tmp_path / "small.csv"
    small.to_csv(path)
    with open(path, newline="") as rows:
        table = list(csv.DictReader(rows))
    assert len(table) == 2 * 16
    assert list(table[0])[:9] == ["path", "optimizer", "seed", "step", "epoch", "loss", "accuracy", "view_x", "view_y"]
    last_adam = table[-1]
    assert last_adam["optimizer"] == "Adam" and last_adam["step"] == "15" and last_adam["path"] == "1"
    assert float(last_adam["loss"]) == small.loss[1, 15]
    assert float(last_adam["bias"]) == small.params[1, 15, 4]


def test_divergence_keeps_the_finite_steps_and_pads_with_nan():
    params = np.ones((2, 5, 3))
    loss = np.ones((2, 5))
    params[0, 3, 1] = np.inf
    loss[1, 2] = np.nan
    params[1, 4] = 5.0  # a finite value after a divergence is still padded
    params, loss = _finite_prefix(params, loss)
    assert np.isfinite(params[0, :3]).all() and np.isnan(params[0, 3:]).all()
    assert np.isnan(loss[0, 3:]).all() and np.isfinite(loss[0, :3]).all()
    assert np.isnan(params[1, 2:]).all() and np.isnan(loss[1, 2:]).all()
