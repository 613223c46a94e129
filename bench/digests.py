"""The recording digest of every shipped scene (``scenes/*.py``, ``scenes/chapter/*.py``):
run it before and after a change to the recording code to show that no recorded number moved.

    python bench/digests.py > before.txt
    python bench/digests.py > after.txt && diff before.txt after.txt

Prints one line per scene: its file, name, the recording's sha256 (:meth:`Recording.digest`),
the sha256 of its paths alone (params and loss: what training made, before the curvature's
extras), the recorded steps between sharpness points, and the seconds it took (not compared).
"""

import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from viz import record  # noqa: E402
from viz.scene import load_scenes  # noqa: E402


def main(paths):
    files = [Path(p).resolve() for p in paths] or sorted([*ROOT.glob("scenes/*.py"), *ROOT.glob("scenes/chapter/*.py")])
    for path in files:
        for name, scene in load_scenes(path).items():
            started = time.perf_counter()
            recording = record(scene)
            seconds = time.perf_counter() - started
            paths = hashlib.sha256(recording.params.tobytes() + recording.loss.tobytes()).hexdigest()
            print(f"{path.relative_to(ROOT)} {name} {recording.digest()} paths {paths[:16]} "
                  f"sharpness_every {recording.meta.get('sharpness_every')} {seconds:.1f}s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
