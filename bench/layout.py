"""Laying out a frame: the time :func:`viz.render.layout.lay_out` takes and the passes it makes
over the figure (full draws, text and axes extents, plans placed), on the lesson's cached MP4
render (1280x720, 16:9) and on generated layout scenes (tests/generated_scenes.py, their last
frame as a PDF, as the layout-rule tests render them).

    python bench/layout.py                 # the lesson and generated scenes 0, 7, 8, 15, 16
    python bench/layout.py --seeds 3 11    # other generated scenes
    python bench/layout.py --profile       # and the 15 costliest calls inside lay_out

Run it from a folder whose ``outputs/.cache`` holds the lesson's recording (one cold
``viz render scenes/logreg.py`` makes it). Times are wall clock, one run each, and the CPU time
(steadier on a loaded machine): compare within one run. A report, not a test.
"""

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import viz  # noqa: E402
from viz.errors import SpecError  # noqa: E402
from viz.render import frames, layout  # noqa: E402
from viz.render.text import check_glyphs  # noqa: E402
from viz.store import rendered  # noqa: E402

COUNTED = {"full draws (draw_without_rendering)": (Figure, "draw_without_rendering"),
           "canvas draws (canvas.draw)": (FigureCanvasAgg, "draw"),
           "Text.get_window_extent": (Text, "get_window_extent"),
           "Axes.get_tightbbox": (Axes, "get_tightbbox")}


class Measured:
    """lay_out wrapped: its seconds and the calls of :data:`COUNTED` made inside it."""

    def __init__(self, profile):
        self.seconds, self.cpu, self.calls, self.inside, self.profile = 0.0, 0.0, Counter(), False, profile
        self.places = 0
        for name, (owner, method) in COUNTED.items():
            setattr(owner, method, self._counted(name, getattr(owner, method)))
        place = layout._place

        def counted_place(*args, **kwargs):
            self.places += 1
            return place(*args, **kwargs)

        layout._place = counted_place
        original = frames.lay_out

        def timed(*args, **kwargs):
            self.inside = True
            started, cpu = time.perf_counter(), time.process_time()
            if self.profile:
                self.profile.enable()
            try:
                return original(*args, **kwargs)
            finally:
                if self.profile:
                    self.profile.disable()
                self.seconds += time.perf_counter() - started
                self.cpu += time.process_time() - cpu
                self.inside = False

        frames.lay_out = timed

    def _counted(self, name, method):
        def counted(*args, **kwargs):
            if self.inside:
                self.calls[name] += 1
            return method(*args, **kwargs)

        return counted


def measure(measured, label, run, profile):
    measured.seconds, measured.cpu, measured.calls, measured.places = 0.0, 0.0, Counter(), 0
    measured.profile = cProfile.Profile() if profile else None
    started = time.perf_counter()
    run()
    total = time.perf_counter() - started
    calls = ", ".join(f"{name} {measured.calls[name]}" for name in COUNTED)
    print(f"{label}: lay_out {measured.seconds:.2f} s (CPU {measured.cpu:.2f} s) of {total:.2f} s; plans placed {measured.places}; {calls}")
    if profile:
        out = io.StringIO()
        pstats.Stats(measured.profile, stream=out).sort_stats("cumulative").print_stats(15)
        print("\n".join(out.getvalue().splitlines()[6:24]))
    return measured.seconds, measured.cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 7, 8, 15, 16])
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-lesson", action="store_true")
    args = parser.parse_args()
    rendered.reuse = lambda *args, **kwargs: None  # each render draws: none copied from the rendered-output store
    from tests.generated_scenes import generated

    measured = Measured(None)
    with tempfile.TemporaryDirectory() as folder:
        if not args.no_lesson:
            lesson = str(ROOT / "scenes" / "logreg.py")
            measure(measured, "lesson MP4 (cached)", lambda: viz.render(lesson, Path(folder) / "lesson.mp4"),
                    args.profile)
        total = cpu = 0.0
        for seed in args.seeds:
            scene, keywords = generated(seed)
            try:
                check_glyphs([scene.title, *scene.optimizers])
            except SpecError:  # refused before training (rule 6): nothing laid out
                continue
            seconds, used = measure(measured, f"generated {seed} {keywords}", lambda: viz.render(
                scene, Path(folder) / f"{seed}.pdf", last_frame=True, **keywords), args.profile)
            total, cpu = total + seconds, cpu + used
        print(f"generated scenes: lay_out {total:.2f} s (CPU {cpu:.2f} s) in all")


if __name__ == "__main__":
    main()
