"""Rendering: viz's blitted frame loop and streaming writers against the FuncAnimation loop a
user would otherwise write.

The workload: the lesson's six optimizers, 300 steps each on Rosenbrock at learning rate 1e-3,
the standard two-panel frame; 301 frames (no hold) as a 1280x720 MP4 at 30 fps and a 640x360
GIF at 25 fps. viz renders with ``viz.render.render``. The baseline builds its figure with
viz's own ``Frames`` (animated artists made ordinary), so the picture is the same and only the
frame loop and the writer differ: ``FuncAnimation`` moving the artists with ``set_data``
(blit=False, a full redraw per frame), saved with ``FFMpegWriter`` (libx264, yuv420p, the
ffmpeg of imageio-ffmpeg) or ``PillowWriter``.

The scene is recorded once; every render then runs in a fresh subprocess that loads the
recording (no TensorFlow there), so each time and peak memory is that render's alone (peak
RSS of the Python process; ffmpeg's apart). These renders stay in one process (the memory
watcher is a second thread, and viz forks a second drawing process only when none runs), so
they measure the frame loop and the writer themselves; ``--cli`` measures the commands as a
lecturer runs them, two processes drawing where the machine has two cores. Also: peak memory of a 1000-frame render over a
100-frame one, and how far apart the last frames of the two sides are. Prints the targets
beside the measured values; it is a report, not a test.

    python bench/render.py            # a few minutes
    python bench/render.py --quick    # 60 steps, a smoke run
    python bench/render.py --no-memory  # the four renders and their ratios only (no 1000-frame renders)

``--cli`` measures as a reviewer does, each a whole command in a fresh process (start-up
included), in a fresh folder: the lesson (``scenes/logreg.py``, 1280x720) rendered cold (training
included) and from the cache as GIF and MP4, against ``bench/funcanimation.py`` (the same picture
as a standalone FuncAnimation script) per frame; ``--max-size`` at 60% of the plain GIF's size
against one render from the cache; and ``viz.show`` in a Jupyter kernel, cold and cached.
Times are wall clock and CPU (the command's and its children's: steadier on a loaded machine).

    python bench/render.py --cli      # about ten minutes
"""

import json
import os
import resource
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import imageio_ffmpeg
import matplotlib
import numpy as np
from matplotlib import animation
from PIL import Image

from viz import SEED_OPTIMIZERS, Scene, record, surfaces
from viz.recording import Recording
from viz.render.animation import render
from viz.render.options import Options
from viz.render.frames import Frames

RATE = 1e-3
TITLE = "Six optimizers on Rosenbrock"
FORMATS = {"mp4": ((1280, 720), 30), "gif": ((640, 360), 25)}  # size, fps
TARGETS = {"mp4_time": 0.05, "gif_time": 0.04, "gif_bytes": 0.20, "memory": 1.2, "budget": 1.5}
HERE = Path(__file__).resolve().parent
LESSON = HERE.parent / "scenes" / "logreg.py"


def render_baseline(recording, path, fmt, size, fps):
    """What a user would write: FuncAnimation moving the same artists, a full redraw per frame,
    saved with matplotlib's own writers."""
    matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
    frames = Frames(recording, TITLE, options=Options.of(size=size))
    for artist in frames.artists:
        artist.set_animated(False)

    def update(index):
        for panel in frames.panels:
            panel.update(frames.steps[index])
        frames.counter.set_text(frames.counter_text(frames.steps[index]))
        return frames.artists

    movie = animation.FuncAnimation(frames.figure, update, frames=len(frames), blit=False)
    if fmt == "mp4":
        writer = animation.FFMpegWriter(fps=fps, codec="libx264", extra_args=["-pix_fmt", "yuv420p"])
    else:
        writer = animation.PillowWriter(fps=fps)
    movie.save(path, writer=writer, dpi=frames.figure.dpi)
    return len(frames)


def high_water(status="/proc/self/status"):
    """A process's peak resident memory in MiB (VmHWM; 0 once it has exited). Not ru_maxrss:
    on Linux that starts from the parent's size at the fork, for a subprocess and for ffmpeg."""
    for line in Path(status).read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def watch_children(peak, stop):
    """Keep in ``peak[0]`` the largest VmHWM of this process's children (ffmpeg) while they run."""
    me = str(os.getpid())
    while not stop.wait(0.2):
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if stat.read_text().rsplit(")", 1)[1].split()[1] == me:
                    peak[0] = max(peak[0], high_water(stat.with_name("status")))
            except OSError:  # gone meanwhile
                pass


def child(job):
    """One render in this fresh process: its wall time, file size and peak memory, as JSON."""
    recording = Recording.load(job["npz"])
    size, fps = FORMATS[job["fmt"]]
    ffmpeg, stop = [0.0], threading.Event()
    watcher = threading.Thread(target=watch_children, args=(ffmpeg, stop))
    watcher.start()
    started, cpu = time.perf_counter(), _cpu()
    if job["side"] == "viz":  # every step a frame: no subsampling of long recordings
        frames = render(recording, job["out"], TITLE, size=size, fps=fps, hold=0, fmt=job["fmt"],
                        max_frames=recording.steps + 1)
    else:
        frames = render_baseline(recording, job["out"], job["fmt"], size, fps)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    stop.set()
    watcher.join()
    print(json.dumps({
        "seconds": seconds,
        "cpu": cpu,
        "frames": frames,
        "bytes": Path(job["out"]).stat().st_size,
        "peak_mb": high_water(),
        "ffmpeg_mb": ffmpeg[0],
        "tensorflow": "tensorflow" in sys.modules,
    }))


def _cpu():
    """CPU seconds of this process and its children (ffmpeg) so far."""
    mine, theirs = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + theirs.ru_utime + theirs.ru_stime


def run(side, fmt, npz, folder):
    """Run one render in its own subprocess; returns the child's report plus the output path."""
    out = Path(folder) / f"{side}-{Path(npz).stem}.{fmt}"
    job = {"side": side, "fmt": fmt, "npz": str(npz), "out": str(out)}
    done = subprocess.run([sys.executable, __file__, "--child", json.dumps(job)], stdout=subprocess.PIPE,
                          text=True, check=True)  # its stderr, e.g. a traceback, goes to ours
    return {**json.loads(done.stdout.splitlines()[-1]), "path": out}


def record_npz(steps, folder):
    scene = Scene(title=TITLE, problem=surfaces.get("rosenbrock"), optimizers=SEED_OPTIMIZERS,
                  learning_rate=RATE, steps=steps)
    path = Path(folder) / f"frames{steps + 1}.npz"
    record(scene).save(path)
    return path


def last_frame(path):
    """The last picture of an MP4 or GIF, [height, width, 3] uint8. A GIF is decoded frame by
    frame in order, so Pillow composites transparent patches and disposal."""
    if path.suffix == ".mp4":
        reader = imageio_ffmpeg.read_frames(str(path))
        width, height = next(reader)["size"]
        for data in reader:
            pass
        return np.frombuffer(data, np.uint8).reshape(height, width, 3)
    with Image.open(path) as gif:
        gif.seek(gif.n_frames - 1)
        return np.asarray(gif.convert("RGB"))


def machine():
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    names = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
    model = names[0] if names else platform.processor()
    return (f"machine: {os.cpu_count()} CPUs, {model}; Python {platform.python_version()}, "
            f"matplotlib {matplotlib.__version__}, ffmpeg {imageio_ffmpeg.get_ffmpeg_version()}")


def verdict(label, value, target, cpu=None):
    also = f"   ({cpu:.3f})" if cpu is not None else ""
    print(f"{label:<40}{value:9.3f}   <= {target:<5g} {'met' if value <= target else 'NOT MET'}{also}")


def row(side, fmt, r):
    (width, height), fps = FORMATS[fmt]
    ffmpeg = f"{r['ffmpeg_mb']:12.0f}" if fmt == "mp4" else f"{'-':>12}"
    print(f"{f'{side} {fmt.upper()} {width}x{height} {fps} fps':<28}{r['frames']:7}{r['seconds']:9.2f}"
          f"{r['bytes']:12,}{r['peak_mb']:10.0f}{ffmpeg}")


def compare(npz, folder):
    """The four renders of the workload, their ratios, and how far apart their last frames are."""
    results = {(side, fmt): run(side, fmt, npz, folder) for fmt in FORMATS for side in ("viz", "baseline")}
    for (side, fmt), r in results.items():
        row(side, fmt, r)
    print(f"{'viz / baseline':<35}{'time':>9}{'bytes':>12}{'memory':>10}{'CPU time':>10}")
    ratios = {}
    for fmt in FORMATS:
        ratios[fmt] = [results["viz", fmt][key] / results["baseline", fmt][key]
                       for key in ("seconds", "bytes", "peak_mb", "cpu")]
        print(f"{'  ' + fmt.upper():<35}{ratios[fmt][0]:9.3f}{ratios[fmt][1]:12.3f}{ratios[fmt][2]:10.3f}"
              f"{ratios[fmt][3]:10.3f}")
    print("\nlast frame, mean |viz - baseline| per pixel and channel (0-255):")
    for fmt in FORMATS:
        ours, theirs = (last_frame(results[side, fmt]["path"]).astype(float) for side in ("viz", "baseline"))
        print(f"  {fmt.upper()}: {np.abs(ours - theirs).mean():.2f}")
    return ratios, list(results.values())


def main():
    quick = "--quick" in sys.argv
    steps, short_steps, long_steps = (60, 19, 199) if quick else (300, 99, 999)
    print(machine())
    with tempfile.TemporaryDirectory() as folder:
        npz = record_npz(steps, folder)
        print(f"workload: {len(SEED_OPTIMIZERS)} optimizers x {steps} steps on Rosenbrock, learning rate {RATE:g}, "
              "no hold; each render in its own subprocess; peak MiB: the Python process's, ffmpeg's apart\n")
        print(f"{'render':<28}{'frames':>7}{'seconds':>9}{'bytes':>12}{'peak MiB':>10}{'ffmpeg MiB':>12}")
        ratios, every = compare(npz, folder)
        if "--no-memory" in sys.argv:
            _verdicts(ratios)
            return
        print(f"\npeak memory, {long_steps + 1} / {short_steps + 1} frames (PillowWriter keeps every frame):")
        short_npz, long_npz = record_npz(short_steps, folder), record_npz(long_steps, folder)
        memory = {}
        for side, fmt in (("viz", "mp4"), ("viz", "gif"), ("baseline", "gif")):
            short, long = run(side, fmt, short_npz, folder), run(side, fmt, long_npz, folder)
            row(side, fmt, short)
            row(side, fmt, long)
            memory[side, fmt] = long["peak_mb"] / short["peak_mb"]
            print(f"{'  peak MiB ratio':<56}{memory[side, fmt]:10.3f}")
            every += [short, long]
    print(f"TensorFlow imported in a render subprocess: {'yes' if any(r['tensorflow'] for r in every) else 'no'}")
    _verdicts(ratios)
    for fmt in FORMATS:
        verdict(f"viz {fmt.upper()} peak memory, {long_steps + 1} / {short_steps + 1} frames",
                memory["viz", fmt], TARGETS["memory"])


def _verdicts(ratios):
    """The time and bytes targets against the ratios of :func:`compare`, with the load now."""
    print(f"\nload now {os.getloadavg()[0]:.1f}\n{'target':<40}{'measured':>9}   target   (CPU-time ratio)")
    verdict("MP4 time, viz / baseline", ratios["mp4"][0], TARGETS["mp4_time"], ratios["mp4"][3])
    verdict("GIF time, viz / baseline", ratios["gif"][0], TARGETS["gif_time"], ratios["gif"][3])
    verdict("GIF bytes, viz / baseline", ratios["gif"][1], TARGETS["gif_bytes"])


def timed(command, cwd):
    """Run ``command`` (a list) in ``cwd``; its wall and CPU seconds (its own and its children's)."""
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def in_kernel(cwd, code):
    """Run ``code`` in a fresh Jupyter kernel in ``cwd`` (nbclient); the seconds it took there,
    wall and CPU (the kernel's: it reports its own)."""
    import nbformat
    from nbclient import NotebookClient

    cell = ("import resource, time\n_t, _c = time.perf_counter(), time.process_time()\n" + code +
            "\nprint(time.perf_counter() - _t, time.process_time() - _c + "
            "sum(getattr(resource.getrusage(resource.RUSAGE_CHILDREN), f) for f in ('ru_utime', 'ru_stime')))")
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
    NotebookClient(book, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    wall, cpu = book.cells[0].outputs[-1]["text"].split()
    return float(wall), float(cpu)


def cli():
    """The reviewer's measurement (see the module): whole commands, start-up included."""
    viz = [sys.executable, "-m", "viz"]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        runs = {
            "cold GIF": viz + ["render", str(LESSON), "-o", "cold.gif"],
            "cold MP4": viz + ["render", str(LESSON), "-o", "cold.mp4", "--no-cache"],
            "cached GIF": viz + ["render", str(LESSON), "-o", "cached.gif"],
            "cached MP4": viz + ["render", str(LESSON), "-o", "cached.mp4"],
            "export": viz + ["export", str(LESSON), "-o", "lesson.npz"],
            "FuncAnimation GIF": [sys.executable, str(HERE / "funcanimation.py"), "lesson.npz", "fa.gif"],
            "FuncAnimation MP4": [sys.executable, str(HERE / "funcanimation.py"), "lesson.npz", "fa.mp4"],
        }
        times = {name: timed(command, out) for name, command in runs.items()}
        budget = int(0.6 * (out / "cached.gif").stat().st_size)
        times["--max-size 60%"] = timed(viz + ["render", str(LESSON), "-o", "budget.gif", "--max-size", str(budget)],
                                        out)
        code = f"import viz\nviz.show({str(LESSON)!r}, cache=True)"
        (out / "kernel").mkdir()
        times["viz.show cold (kernel)"] = in_kernel(out / "kernel", code)
        times["viz.show cached (kernel)"] = in_kernel(out / "kernel", code)
        frames = np.load(out / "lesson.npz")["params"].shape[1]
        print(machine())
        print(f"the lesson, {frames} frames at 1280x720; each a whole command in a fresh process; load now "
              f"{os.getloadavg()[0]:.1f}\n")
        print(f"{'command':<28}{'wall s':>9}{'CPU s':>9}{'bytes':>12}")
        files = {"cold GIF": "cold.gif", "cold MP4": "cold.mp4", "cached GIF": "cached.gif", "cached MP4": "cached.mp4",
                 "FuncAnimation GIF": "fa.gif", "FuncAnimation MP4": "fa.mp4", "--max-size 60%": "budget.gif"}
        for name, (wall, cpu) in times.items():
            size = f"{(out / files[name]).stat().st_size:12,}" if name in files else ""
            print(f"{name:<28}{wall:9.2f}{cpu:9.2f}{size}")
        print(f"\n{'target':<40}{'measured':>9}   target   (CPU-time ratio)")
        for fmt, target in (("MP4", TARGETS["mp4_time"]), ("GIF", TARGETS["gif_time"])):
            ours, theirs = times[f"cached {fmt}"], times[f"FuncAnimation {fmt}"]
            verdict(f"{fmt} time per frame, viz / FuncAnimation", ours[0] / theirs[0], target, ours[1] / theirs[1])
        verdict("GIF bytes, viz / FuncAnimation", (out / "cached.gif").stat().st_size / (out / "fa.gif").stat().st_size,
                TARGETS["gif_bytes"])
        verdict("--max-size 60% / one cached GIF render", times["--max-size 60%"][0] / times["cached GIF"][0],
                TARGETS["budget"], times["--max-size 60%"][1] / times["cached GIF"][1])
        print(f"budget {budget:,} bytes: the GIF is {(out / 'budget.gif').stat().st_size:,}; lesson GIF "
              f"{(out / 'cached.gif').stat().st_size / 1e6:.2f} MB (target <= 0.8 MB)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(json.loads(sys.argv[2]))
    elif "--cli" in sys.argv:
        cli()
    else:
        main()
