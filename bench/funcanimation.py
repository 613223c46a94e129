"""The lesson's picture as a lecturer would animate it without viz: a standalone matplotlib
script with ``FuncAnimation`` (a full redraw per frame) saved by matplotlib's own writers.
It reads a recording written by ``viz export`` (its plane, paths and losses: no viz import)
and draws what the lesson's frame shows: filled contours with their lines and a colour bar,
six paths with their heads and a label with each head's loss, the loss and accuracy curves,
a legend, a title and the step counter, at 1280x720. ``bench/render.py --cli`` times it,
start-up included, against ``viz render``.

    python bench/funcanimation.py lesson.npz out.gif   # or out.mp4
"""

import sys
import time

started = time.perf_counter()

import imageio_ffmpeg  # noqa: E402  (after the clock: start-up counts)
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import animation  # noqa: E402

COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"]
STYLES = ["-", "--", ":", "-", "-.", "--"]
MARKERS = ["o", "s", "^", "D", "v", "P"]


def main(npz, out):
    data = np.load(npz)
    names, xy, loss = [str(n) for n in data["names"]], data["plane_xy"], data["loss"]
    accuracy, spe = data["accuracy"], int(data["steps_per_epoch"])
    steps = xy.shape[1]
    epochs = np.arange(steps) / spe
    figure = plt.figure(figsize=(12.8, 7.2), dpi=100)
    figure.suptitle("Six optimizers, one logistic regression (banknotes, lr 0.01, batch 16)", fontsize=18,
                    fontweight="bold")
    grid = figure.add_gridspec(2, 2, left=0.06, right=0.97, top=0.8, bottom=0.1, width_ratios=[1.3, 1])
    plane = figure.add_subplot(grid[:, 0])
    filled = plane.contourf(data["plane_grid_x"], data["plane_grid_y"], data["plane_grid_loss"],
                            levels=data["plane_levels"], cmap="Greys", alpha=0.5)
    plane.contour(data["plane_grid_x"], data["plane_grid_y"], data["plane_grid_loss"], levels=data["plane_levels"],
                  colors="grey", linewidths=0.6)
    figure.colorbar(filled, ax=plane, label="training loss on this plane")
    plane.set_xlabel("PC1")
    plane.set_ylabel("PC2")
    curves = [figure.add_subplot(grid[row, 1]) for row in range(2)]
    for ax, label in zip(curves, ["training loss", "training accuracy"]):
        ax.set_xlim(0, epochs[-1])
        ax.set_ylim(0, 1)
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.4)
    curves[1].set_xlabel("epoch")
    paths, heads, labels, lines = [], [], [], []
    for i, name in enumerate(names):
        style = {"color": COLOURS[i % 6], "linestyle": STYLES[i % 6]}
        paths.append(plane.plot([], [], lw=2, label=name, **style)[0])
        heads.append(plane.plot([], [], marker=MARKERS[i % 6], ms=12, mec="black", color=COLOURS[i % 6])[0])
        labels.append(plane.text(0, 0, "", fontsize=10, bbox={"boxstyle": "round", "fc": "white",
                                                               "ec": COLOURS[i % 6]}))
        lines.append([ax.plot([], [], lw=1.5, **style)[0] for ax in curves])
    figure.legend(handles=paths, loc="upper center", ncol=3, bbox_to_anchor=(0.5, 0.93), frameon=False)
    counter = figure.text(0.6, 0.82, "", fontsize=14)

    def update(step):
        for i in range(len(names)):
            paths[i].set_data(xy[i, : step + 1, 0], xy[i, : step + 1, 1])
            heads[i].set_data(xy[i, step:step + 1, 0], xy[i, step:step + 1, 1])
            labels[i].set_position((xy[i, step, 0] + 0.15, xy[i, step, 1] + 0.15 * (i - 2.5)))
            labels[i].set_text(f"{names[i]}: {loss[i, step]:.2f}")
            lines[i][0].set_data(epochs[: step + 1], loss[i, : step + 1])
            lines[i][1].set_data(epochs[: step + 1], accuracy[i, : step + 1])
        counter.set_text(f"epoch {step / spe:.1f} / {epochs[-1]:g}    step {step} / {steps - 1}")

    movie = animation.FuncAnimation(figure, update, frames=steps, blit=False)
    if out.endswith(".mp4"):
        matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
        writer = animation.FFMpegWriter(fps=30, codec="libx264", extra_args=["-pix_fmt", "yuv420p"])
    else:
        writer = animation.PillowWriter(fps=25)
    movie.save(out, writer=writer, dpi=100)
    return steps


if __name__ == "__main__":
    frames = main(sys.argv[1], sys.argv[2])
    print(f"{frames} frames in {time.perf_counter() - started:.2f} s")
