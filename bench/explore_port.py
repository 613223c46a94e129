"""Click to start against Keras: every ported optimizer from each built-in surface's default
start, 300 steps, the page's JavaScript (run by node) against viz's float64 recording; a path
counts as chaotic where gradient noise of rounding size (1e-15 (|g| + 1)) moves the
JavaScript path by 1e-12 or more (relative), and its difference is left out of the worst.

    python bench/explore_port.py
"""

import json
import subprocess
from pathlib import Path

import numpy as np

import viz
from viz import Scene, surfaces

SCRIPT = Path(__file__).resolve().parent.parent / "viz" / "explore" / "optimizers.js"
OPTIMIZERS = {"SGD": "sgd", "SGD momentum": {"class_name": "SGD", "config": {"momentum": 0.9}},
              "SGD Nesterov": {"class_name": "SGD", "config": {"momentum": 0.9, "nesterov": True}},
              "Adam": "adam", "Adam AMSGrad": {"class_name": "Adam", "config": {"amsgrad": True}},
              "Adagrad": "adagrad", "RMSprop": "rmsprop",
              "RMSprop centred, momentum": {"class_name": "RMSprop", "config": {"momentum": 0.5, "centered": True}},
              "Adamax": "adamax", "Nadam": "nadam", "AdamW": "adamw", "Lion": "lion"}
RATES = {"rosenbrock": 1e-3, "goldstein_price": 1e-4, "rastrigin": 1e-3, "matyas": 0.05, "valley": 0.05}


def relative(a, b):
    return float(np.nanmax(np.abs(a - b) / np.maximum(np.abs(b), 1.0)))


def main():
    worst, chaotic = {label: 0.0 for label in OPTIMIZERS}, []
    for name in surfaces.NAMES:
        surface = surfaces.get(name)
        scene = Scene(title=name, problem=surface, optimizers=OPTIMIZERS, learning_rate=RATES.get(name, 0.01), steps=300)
        recording = viz.record(scene)
        configs = [recording.meta["optimizers"][label] for label in recording.names]
        code = (f"var V = require({json.dumps(str(SCRIPT))}); var a = [{json.dumps(name)}, {json.dumps(configs)}, "
                f"{json.dumps(list(surface.starts[0]))}, 300];"
                "console.log(JSON.stringify([V.run(...a).map(p => p.xy), V.run(...a, 1e-15).map(p => p.xy)]));")
        plain, noisy = json.loads(subprocess.run(["node", "-e", code], capture_output=True, text=True,
                                                 check=True).stdout)
        for index, label in enumerate(recording.names):
            mine, shaken = (np.array(p[index], dtype=float).reshape(-1, 2) for p in (plain, noisy))
            if relative(shaken, mine) >= 1e-12:
                chaotic.append(f"{label} on {name}")
                continue
            worst[label] = max(worst[label], relative(mine, recording.params[index]))
    for label, difference in worst.items():
        print(f"{label}: worst relative difference {difference:.2g}")
    print(f"chaotic, left out ({len(chaotic)}): {'; '.join(chaotic)}")


if __name__ == "__main__":
    main()
