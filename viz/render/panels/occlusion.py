"""Which points of a 3D view the surface hides: mplot3d draws each artist whole, in z-order,
so a path behind a ridge would show over it. Each point is tested against the surface's
height field along the ray from it to the camera (:class:`Occlusion`), and a path is split
into its visible part and the part the surface hides (:func:`split_hidden`)."""

import numpy as np
from mpl_toolkits.mplot3d import proj3d

SAMPLES = 240  # points along each ray, from the point to the near side of the axes' box
OWN_PATCH = 1.5  # grid cells around a point whose surface does not hide it (the bilinear surface's error)
ABOVE = 0.004  # how far above the ray the surface must be to hide it, in the z axis' spans


class Occlusion:
    """Whether the surface ``gz`` [rows, columns] over the regular grid ``grid_x``, ``grid_y``
    hides points from the camera of the 3D axes ``ax`` (as they are when it is made): a point
    is hidden where, on the ray from it to the camera, the surface (bilinear between the grid's
    nodes) rises above the ray, more than :data:`OWN_PATCH` grid cells from the point."""

    def __init__(self, ax, grid_x, grid_y, gz):
        self.projection = ax.get_proj()
        self.inverse = np.linalg.inv(self.projection)
        self.grid_x, self.grid_y = np.asarray(grid_x, dtype=np.float64), np.asarray(grid_y, dtype=np.float64)
        self.gz = np.where(np.isfinite(gz), gz, -np.inf)  # no surface there: it hides nothing
        box = [(low, high) for low, high in (ax.get_xlim(), ax.get_ylim(), ax.get_zlim())]
        corners = np.array(np.meshgrid(*box)).reshape(3, -1)
        self.near = proj3d.proj_transform(*corners, self.projection)[2].min()
        self.margin = ABOVE * (box[2][1] - box[2][0])
        self.cell = OWN_PATCH * np.array([np.ptp(self.grid_x) / (len(self.grid_x) - 1),
                                          np.ptp(self.grid_y) / (len(self.grid_y) - 1)])

    def height(self, x, y):
        """The surface's z at ``x``, ``y`` (arrays of one shape), bilinear; -inf off the grid."""
        gx, gy = self.grid_x, self.grid_y
        inside = (x >= gx[0]) & (x <= gx[-1]) & (y >= gy[0]) & (y <= gy[-1])
        fx = np.clip((x - gx[0]) / (gx[1] - gx[0]), 0, len(gx) - 1.000001)
        fy = np.clip((y - gy[0]) / (gy[1] - gy[0]), 0, len(gy) - 1.000001)
        ix, iy = np.nan_to_num(fx).astype(int), np.nan_to_num(fy).astype(int)
        tx, ty = fx - ix, fy - iy
        g = self.gz
        with np.errstate(invalid="ignore"):  # -inf * 0 where a corner has no surface
            z = ((g[iy, ix] * (1 - tx) + g[iy, ix + 1] * tx) * (1 - ty)
                 + (g[iy + 1, ix] * (1 - tx) + g[iy + 1, ix + 1] * tx) * ty)
        return np.where(inside & ~np.isnan(z), z, -np.inf)

    def __call__(self, points):
        """Whether each of ``points`` [n, 3] (data coordinates) is hidden (NaN: no)."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        hidden = np.zeros(len(points), dtype=bool)
        finite = np.isfinite(points).all(axis=1)
        if not finite.any():
            return hidden
        sx, sy, depth = proj3d.proj_transform(*points[finite].T, self.projection)
        along = np.linspace(0.0, 1.0, SAMPLES)[None, :]  # from the point (0) to the box's near side (1)
        ray_depth = depth[:, None] + (np.minimum(self.near, depth)[:, None] - depth[:, None]) * along
        screen = np.stack([np.broadcast_to(sx[:, None], ray_depth.shape), np.broadcast_to(sy[:, None], ray_depth.shape),
                           ray_depth, np.ones_like(ray_depth)], axis=-1)
        world = screen @ self.inverse.T
        x, y, z = (world[..., k] / world[..., 3] for k in range(3))
        own = points[finite]
        away = (np.abs(x - own[:, :1]) > self.cell[0]) | (np.abs(y - own[:, 1:2]) > self.cell[1])
        hidden[finite] = (away & (self.height(x, y) > z + self.margin)).any(axis=1)
        return hidden


def split_hidden(polyline, hidden):
    """A clipped polyline (vertices [m, 3], counts) as two of the same length: its visible part
    and the part the surface hides (with the segments into and out of it), NaN elsewhere."""
    vertices, counts = polyline
    behind = hidden.copy()
    behind[1:] |= hidden[:-1]
    behind[:-1] |= hidden[1:]
    return ((np.where(hidden[:, None], np.nan, vertices), counts),
            (np.where(behind[:, None], vertices, np.nan), counts))
