"""The lesson from several initializations, and the learning-rate search: whole CLI runs.

Each command is run RUNS times in a fresh process with --no-cache (so it trains), best time
kept: the one-seed render (the lesson as `viz render scenes/logreg.py` makes it), the 10-seed
render, the --tune-lr search plus its tuned render, and --tune-lr both (the scene's rate, then
the tuned rates, in one animation). Prints the times and the ratios to the
one-seed render (the target for 10 seeds: at most 3x).

    python bench/seeds.py
    python bench/seeds.py --tune    # only the one-seed render and --tune-lr both
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 2
SCENE = Path(__file__).resolve().parent.parent / "scenes" / "logreg.py"


def best_time(arguments, folder, runs=RUNS):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "viz", "render", str(SCENE), "--no-cache", "--quiet", *arguments],
                       cwd=folder, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    if "--tune" in sys.argv[1:]:
        with tempfile.TemporaryDirectory() as folder:
            one, both = [], []
            for _ in range(RUNS):  # alternating, so that a change of load hits both sides
                one.append(best_time(["-o", "one.gif"], folder, 1))
                both.append(best_time(["-o", "both.gif", "--tune-lr", "both"], folder, 1))
        print(f"lesson GIF, 1 seed:            {min(one):6.1f} s   (all: {', '.join(f'{t:.1f}' for t in one)})")
        print(f"lesson GIF, --tune-lr both:    {min(both):6.1f} s   (all: {', '.join(f'{t:.1f}' for t in both)})"
              f"   ratio {min(both) / min(one):.2f} (target <= 1.5)")
        pairs = sorted(b / o for b, o in zip(both, one))  # back to back: the same load
        print(f"ratio of each back-to-back pair: {', '.join(f'{r:.2f}' for r in pairs)}")
        return
    with tempfile.TemporaryDirectory() as folder:
        one = best_time(["-o", "one.gif"], folder)
        ten = best_time(["-o", "ten.gif", "--seeds", "10"], folder)
        tuned = best_time(["-o", "tuned.gif", "--tune-lr"], folder)
        both = best_time(["-o", "both.gif", "--tune-lr", "both"], folder)
    print(f"lesson GIF, 1 seed:            {one:6.1f} s")
    print(f"lesson GIF, 10 seeds:          {ten:6.1f} s   ratio {ten / one:.2f} (target <= 3)")
    print(f"lesson GIF, --tune-lr (9x6):   {tuned:6.1f} s   ratio {tuned / one:.2f}")
    print(f"lesson GIF, --tune-lr both:    {both:6.1f} s   ratio {both / one:.2f} (target <= 1.5)")
    print(f"(best of {RUNS} runs each, fresh process, --no-cache: training, rendering and encoding included)")


if __name__ == "__main__":
    main()
