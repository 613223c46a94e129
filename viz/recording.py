"""Recording: everything a render needs, as plain arrays; saved as ``.npz`` or exported as CSV.

Shapes: ``params`` and ``grads`` [n_opt, steps+1, d] (row 0 is the start; big models keep
``grads_on_plane`` [n_opt, steps+1, 2] instead of ``grads``), ``state`` [n_opt, steps+1, n_state]
(models with non-trainable state), ``loss`` and ``accuracy``
[n_opt, steps+1], ``xy`` [n_opt, steps+1, 2] (the paths on the 2D view), ``history`` values
[n_opt, epochs]. A diverged run keeps its steps up to the divergence, NaN after it. Paths of
different lengths (batch sizes) are NaN-padded after their ends (``Recording.ends``), and
``epoch`` says where each of their points lies in epochs. ``meta["paths"]`` describes each path:
``{"label", "optimizer", "learning_rate", "batch_size", "initializer"}``.
"""

import csv
import hashlib
import json
from dataclasses import MISSING, dataclass, field, fields

import numpy as np

from viz.store.atomic import atomic_path
from viz.plane import Plane, coordinates

GROUPS = ("regions", "data", "spread", "hidden", "samples", "line")  # optional dicts of arrays, saved as "<group>_<key>"


def rate_of(recording, label):
    """The ``learning_rate`` entry of ``label``'s config: a number, a Keras schedule's
    ``{"class_name", "config"}`` or None (unknown)."""
    return recording.meta.get("optimizers", {}).get(label, {}).get("config", {}).get("learning_rate")


def is_schedule(rate):
    """Whether a config's ``learning_rate`` is a Keras schedule (``{"class_name", "config"}``)."""
    return isinstance(rate, dict) and "class_name" in rate


@dataclass(frozen=True)
class Recording:
    """What the optimizers did: per-step weights and loss, epoch history, and the 2D view.

    Attributes:
        names: optimizer labels, in the scene's order (one per path; several starts repeat them).
        params: [n_opt, steps+1, d] float64 weights; row 0 is the start.
        loss: [n_opt, steps+1] float64, on the full training set (a surface: f).
        param_names: the d weights' names.
        plane: the 2D view: the paths on it and the loss on its grid.
        accuracy: [n_opt, steps+1] on the full training set, or None.
        steps_per_epoch: batches an epoch; 0 when steps are not batches.
        every: optimizer steps between recorded points (big models: more than 1).
        history: the Keras History, key -> [n_opt, epochs].
        meta: JSON-able facts: seed, learning rate, every optimizer's config, ...
        regions: a two-input model's decision regions (grid and outputs per step).
        data: the lesson's training rows.
        spread: several initializations: ``seeds`` [n_seeds] (the main run's first),
            ``params`` [n_opt, n_seeds, steps+1, d], ``loss`` (and the lesson's ``accuracy``).
        grads: [n_opt, steps+1, d] float64, the loss's gradient at each point, or None.
        sharpness: [n_opt, steps+1], the largest eigenvalue of the loss's Hessian at each
            point (NaN between evenly spread steps: ``meta["sharpness_every"]``), or None.
        line: the loss along straight lines from the start (:mod:`viz.line`): ``steps`` [k],
            ``alpha`` [a], ``loss`` [n_opt, k, a].
        rates: [n_paths, steps+1], the learning rate of the update that led to each point, for
            paths whose optimizer follows a Keras schedule (NaN for the others), or None.
    """

    names: tuple               # optimizer labels, in the scene's order
    params: np.ndarray         # [n_opt, steps+1, d] float64
    loss: np.ndarray           # [n_opt, steps+1] float64, full training set
    param_names: tuple         # d names
    plane: Plane               # the paths on the 2D view and the loss on its grid
    accuracy: np.ndarray | None = None  # [n_opt, steps+1], full training set
    steps_per_epoch: int = 0   # 0 when steps are not batches of an epoch
    every: int = 1             # optimizer steps between recorded points (big models: more than 1)
    last_step: int = 0         # the last optimizer step, always recorded (0: steps * every)
    history: dict = field(default_factory=dict)  # Keras History: key -> [n_opt, epochs]
    meta: dict = field(default_factory=dict)     # JSON-able: seed, learning rate, configs...
    regions: dict = field(default_factory=dict)  # two-input models: grid_x, grid_y, outputs
                                                 # [n_opt, steps+1, ny, nx], data_x [rows, 2], data_y
    data: dict = field(default_factory=dict)     # the lesson: training rows x [rows, 4], y, feature_names
    spread: dict = field(default_factory=dict)   # several initializations: seeds [n_seeds] (the main
                                                 # run's first), params [n_opt, n_seeds, steps+1, d],
                                                 # loss and (the lesson) accuracy [n_opt, n_seeds, steps+1]
    samples: dict = field(default_factory=dict)  # image classifiers: images [k, h, w], labels [k], and each
                                                 # path's predicted [n_opt, steps+1, k] class and its
                                                 # probability confidence [n_opt, steps+1, k]
    hidden: dict = field(default_factory=dict)  # a model's two hidden units: outputs [n_paths, steps+1, rows, 2]
                                                # for rows of class y [rows], the output unit's line
                                                # [n_paths, steps+1, 3] (w1, w2, b), the layer's name
    grads: np.ndarray | None = None  # [n_opt, steps+1, d] float64: the loss's gradient at each point
    grads_on_plane: np.ndarray | None = None  # [n_opt, steps+1, 2]: big models keep only the gradient's
                                              # projection on the plane (for the arrows), not ``grads``
    state: np.ndarray | None = None  # [n_opt, steps+1, n_state]: non-trainable state (BatchNormalization's
                                     # moving statistics) in ``model.non_trainable_weights`` order
    epoch: np.ndarray | None = None  # [n_paths, steps+1]: each point's epoch, NaN past its path's end; only
                                     # when the paths' steps per epoch differ (batch sizes): time in epochs
    path_steps: np.ndarray | None = None  # [n_paths] each path's optimizer steps, with ``epoch``
    sharpness: np.ndarray | None = None  # [n_opt, steps+1]: the Hessian's largest eigenvalue at each point
                                         # (NaN between evenly spread steps: meta["sharpness_every"])
    line: dict = field(default_factory=dict)  # loss along start -> point -> beyond (viz.line): steps [k],
                                              # alpha [a], loss [n_opt, k, a]
    rates: np.ndarray | None = None  # [n_paths, steps+1]: a scheduled learning rate at each point (NaN: none)

    def gradient_on_plane(self):
        """The loss's gradient at each point projected on the plane [n_opt, steps+1, 2], or None."""
        if self.grads is not None:
            return coordinates(self.grads, 0.0, self.plane.basis)  # least squares: a random plane's basis is skew
        return self.grads_on_plane

    @property
    def ends(self):
        """Each path's last recorded point [n_paths] (paths of different batch sizes end at
        different points; the rest is NaN padding, not a divergence)."""
        if self.epoch is None:
            return np.full(len(self.names), self.steps)
        return np.isfinite(self.epoch).sum(axis=1) - 1

    def point_steps(self):
        """The optimizer step of each path's recorded points [n_paths, steps+1]: 0, every,
        2 every, ... and the path's last step (recorded even when ``every`` does not divide it)."""
        last = self.path_steps if self.path_steps is not None else np.full(len(self.names), self.optimizer_steps[-1])
        return np.minimum(np.arange(self.steps + 1)[None] * self.every, np.asarray(last)[:, None])

    @property
    def clock(self):
        """Each point's epoch on the path of the most points [steps+1], when paths differ in
        steps per epoch (batch sizes): the time the animation runs on; else None."""
        return None if self.epoch is None else self.epoch[int(np.argmax(self.ends))]

    def epochs(self):
        """Each point's position in epochs [n_paths, steps+1] (NaN past a path's end), or
        None for a surface."""
        if self.epoch is not None:
            return self.epoch
        if not self.steps_per_epoch:
            return None
        return np.tile(self.optimizer_steps / self.steps_per_epoch, (len(self.names), 1))

    @property
    def steps(self):
        """Number of recorded steps (points per path minus one); optimizer steps are
        ``steps * every``."""
        return self.params.shape[1] - 1

    @property
    def optimizer_steps(self):
        """The optimizer step of each recorded point [steps+1]: 0, every, 2 every, ... and the
        last step (recorded even when ``every`` does not divide it)."""
        last = self.last_step or self.steps * self.every
        return np.minimum(np.arange(self.steps + 1) * self.every, last)

    def _arrays(self):
        arrays = {
            "names": np.array(self.names, dtype=str),
            "params": self.params,
            "loss": self.loss,
            "param_names": np.array(self.param_names, dtype=str),
            "steps_per_epoch": np.array(self.steps_per_epoch),
            "every": np.array(self.every),
            "last_step": np.array(self.last_step),
            "meta": np.array(json.dumps(self.meta, sort_keys=True)),
        }
        if self.accuracy is not None:
            arrays["accuracy"] = self.accuracy
        for optional in ("grads", "grads_on_plane", "state", "path_steps", "sharpness", "rates"):
            if getattr(self, optional) is not None:
                arrays[optional] = getattr(self, optional)
        arrays["steps"] = self.point_steps()[np.arange(len(self.names)), self.ends]  # each path's optimizer steps
        if self.steps_per_epoch:
            arrays["epoch"] = self.epochs()
        for plane_field in fields(Plane):
            arrays[f"plane_{plane_field.name}"] = np.asarray(getattr(self.plane, plane_field.name))
        for key, values in self.history.items():
            arrays[f"history_{key}"] = values
        for group in GROUPS:
            for key, values in getattr(self, group).items():
                arrays[f"{group}_{key}"] = values
        return arrays

    def digest(self):
        """The sha256 of the recording's content (names, shapes, dtypes and bytes of every
        array): equal digests, identical recordings."""
        return _digest(self._arrays())

    def save(self, path):
        """Write the recording as ``.npz`` with its :meth:`digest`, which :meth:`load` checks.

        No pickled objects: the file loads with plain NumPy.

        Args:
            path: the ``.npz`` file to write (whole or not at all).
        """
        arrays = self._arrays()
        with atomic_path(path) as temporary, open(temporary, "wb") as out:
            np.savez_compressed(out, digest=np.array(_digest(arrays)), **arrays)

    @classmethod
    def load(cls, path):
        """Read a recording written by :meth:`save`.

        Args:
            path: the ``.npz`` file.

        Returns:
            The :class:`Recording`.

        Raises:
            ValueError: the file is not a recording, or its content does not match its digest.
        """
        with np.load(path, allow_pickle=False) as npz:
            data = {key: npz[key] for key in npz.files}
        needed = ["names", "params", "loss", "param_names", "steps_per_epoch", "every", "meta", "digest"]
        required = [f"plane_{f.name}" for f in fields(Plane) if f.default is MISSING and f.default_factory is MISSING]
        missing = [key for key in needed + required if key not in data]
        if missing:
            raise ValueError(f"{path} is not a recording of this viz version (it lacks {', '.join(missing)})")
        if _digest({key: value for key, value in data.items() if key != "digest"}) != str(data.pop("digest")):
            raise ValueError(f"{path} is damaged: its content does not match its sha256")
        epoch = data.pop("epoch", None)
        data.pop("steps", None)  # each path's steps: from ``epoch``
        plane = {f.name: data.pop(f"plane_{f.name}") for f in fields(Plane) if f"plane_{f.name}" in data}
        plane["axis_labels"] = tuple(plane["axis_labels"].tolist())
        for name, kind in (("marks_label", str), ("spacing", str), ("kind", str), ("explained", float)):
            if name in plane:
                plane[name] = kind(plane[name])
        history = {key[len("history_"):]: data.pop(key) for key in list(data) if key.startswith("history_")}
        groups = {group: {key[len(group) + 1:]: data.pop(key) for key in list(data) if key.startswith(f"{group}_")}
                  for group in GROUPS}
        return cls(
            names=tuple(data["names"].tolist()),
            params=data["params"],
            loss=data["loss"],
            param_names=tuple(data["param_names"].tolist()),
            plane=Plane(**plane),
            accuracy=data.get("accuracy"),
            steps_per_epoch=int(data["steps_per_epoch"]),
            every=int(data["every"]),
            last_step=int(data.get("last_step", 0)),
            history=history,
            meta=json.loads(str(data["meta"])),
            **groups,
            grads=data.get("grads"),
            grads_on_plane=data.get("grads_on_plane"),
            state=data.get("state"),
            epoch=epoch if epoch is not None and np.isnan(epoch).any() else None,
            path_steps=data.get("path_steps"),
            sharpness=data.get("sharpness"),
            rates=data.get("rates"),
        )

    def to_csv(self, path):
        """Write one CSV row per path and step.

        The columns: loss, accuracy, view coordinates, sharpness, the distance from the plane
        and the loss at the projection onto it (models), weights. The ``path`` column tells
        apart the paths of one optimizer from several starts; with several initializations,
        every seed's rows are written, ``seed`` telling them apart (the sharpness and the
        plane's honesty are the main run's).

        Args:
            path: the ``.csv`` file to write (whole or not at all).
        """
        spread = self.spread
        if spread:  # [n_opt, n_seeds, ...] -> one path per optimizer and seed
            count = len(spread["seeds"])
            names = [name for name in self.names for _ in range(count)]
            seeds = np.tile(spread["seeds"], len(self.names))
            params = spread["params"].reshape(-1, *spread["params"].shape[2:])
            loss, accuracy = (spread[key].reshape(-1, spread[key].shape[-1]) if key in spread else None
                              for key in ("loss", "accuracy"))
            xy = coordinates(params, self.plane.origin, self.plane.basis)
            per_path = lambda values: np.repeat(values, count, axis=0) if values.size else values  # noqa: E731
        else:
            per_path = lambda values: values  # noqa: E731
            names, params, loss, accuracy, xy = self.names, self.params, self.loss, self.accuracy, self.plane.xy
            seeds = np.full(len(names), self.meta.get("seed", ""))
        ends, epochs = np.repeat(self.ends, len(names) // len(self.names)), self.epochs()
        at = np.repeat(self.point_steps(), len(names) // len(self.names), axis=0)
        epochs = None if epochs is None else np.repeat(epochs, len(names) // len(self.names), axis=0)
        header = ["path", "optimizer", "seed", "step", "epoch", "loss", "accuracy", "view_x", "view_y", "sharpness",
                  "plane_offset", "plane_loss", *self.param_names]
        main = [per_path(values) if values is not None else np.zeros((0, 0))
                for values in (self.sharpness, self.plane.offset, self.plane.loss)]
        if spread:  # only the main run (each optimizer's first seed) has them
            first = np.arange(len(names)) % count == 0
            main = [np.where(first[:, None], values, np.nan) if values.size else values for values in main]
        with atomic_path(path) as temporary, open(temporary, "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            for i, name in enumerate(names):
                for step in range(ends[i] + 1):  # a path's own steps: no rows for its padding
                    epoch = float(epochs[i, step]) if epochs is not None else ""
                    writer.writerow([
                        i, name, seeds[i], int(at[i, step]), epoch, float(loss[i, step]),
                        float(accuracy[i, step]) if accuracy is not None else "",
                        *xy[i, step].tolist(), *[_cell(values, i, step) for values in main],
                        *params[i, step].tolist(),
                    ])


def _cell(values, path, step):
    """A CSV cell of a [paths, steps] array: the number, or empty where there is none."""
    if not values.size or not np.isfinite(values[path, step]):
        return ""
    return float(values[path, step])


def _digest(arrays):
    digest = hashlib.sha256()
    for key in sorted(arrays):
        value = np.ascontiguousarray(arrays[key])
        digest.update(f"{key}:{value.dtype.str}:{value.shape};".encode())
        digest.update(value.tobytes())
    return digest.hexdigest()
