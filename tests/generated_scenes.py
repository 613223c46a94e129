"""A seeded generator of the scenes the layout rules are checked over (tests/layout_rules.py,
tests/test_layout_rules.py): surfaces and a tiny Keras model, 1-8 optimizers labelled in
several scripts, fans of learning rates, 16:9 and 4:3, both themes, font scales, panels."""

import random

import numpy as np

WORDS = {
    "latin": "fast slow small step warm restart valley run trial baseline tuned default".split(),
    "german": "schnell Größe Täler über grün Schrittweite Übung Lösung äußerst".split(),
    "greek": "βήμα ταχύ αργό κλίση".split(),
    "cyrillic": "шаг быстро медленно долина".split(),
    "japanese": "最適化 学習率 谷 速い".split(),  # no glyphs in DejaVu Sans: refused (rule 6)
}
OPTIMIZERS = ["sgd", "adam", "rmsprop", "adagrad", "nadam", "adamax", "adamw", "lion", "momentum"]
SURFACES = ["rosenbrock", "beale", "himmelblau", "booth", "matyas", "saddle", "valley", "rastrigin", "ackley"]


def _label(rng, kind, taken):
    """A label of 3 to 60 characters naming ``kind``, in a script drawn by ``rng``."""
    name = {"sgd": "SGD", "momentum": "SGD momentum=0.9", "rmsprop": "RMSprop"}.get(kind, kind.capitalize())
    script = rng.choice(list(WORDS)[:-1] * 6 + ["japanese"])
    while True:
        words = [name, *rng.sample(WORDS[script], rng.randint(0, 3))] if rng.random() < 0.8 else [name]
        if rng.random() < 0.25:  # long labels
            words += rng.choices(WORDS[script], k=rng.randint(3, 8))
        label = " ".join(words)[:60].rstrip()
        if len(label) < 3:
            label += " run"
        if label not in taken:
            return label
        words.append(str(len(taken)))


def _spec(kind, rate):
    config = {"learning_rate": rate}
    if kind == "momentum":
        return {"class_name": "SGD", "config": {**config, "momentum": 0.9}}
    return {"class_name": {"sgd": "SGD", "rmsprop": "RMSprop", "adamw": "AdamW"}.get(kind, kind.capitalize()),
            "config": config}


def tiny_model(seed):
    """A tiny Keras problem: a 2-2-1 network on 64 points of two blobs, 4 steps."""
    import keras

    from viz import problems

    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.normal(-1, 0.6, (32, 2)), rng.normal(1, 0.6, (32, 2))]).astype("float32")
    y = np.repeat([0.0, 1.0], 32).astype("float32")

    def build():
        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="tanh"),
                                 keras.layers.Dense(1, activation="sigmoid")])

    return problems.keras_model(build, x, y, batch_size=32, epochs=2, name="2-2-1 on two blobs")


def _optimizers(rng, count):
    """``count`` optimizers drawn from ``rng``, labelled in several scripts; now and then
    (3 or more) one optimizer's learning-rate fan: "SGD lr 0.01", "SGD lr 0.1", ..."""
    optimizers = {}
    if count >= 3 and rng.random() < 0.2:
        kind = rng.choice(OPTIMIZERS[:4])
        for rate in sorted(rng.sample([0.001, 0.003, 0.01, 0.03, 0.1, 0.3], min(count, 6))):
            optimizers[f"{_label(rng, kind, optimizers).split()[0]} lr {rate:g}"] = _spec(kind, rate)
    else:
        for _ in range(count):
            kind = rng.choice(OPTIMIZERS)
            optimizers[_label(rng, kind, optimizers)] = _spec(kind, rng.choice([1e-3, 1e-2, 0.05]))
    return optimizers


def generated(seed, quick=False):
    """A scene and render keywords drawn from ``seed``: a surface (mostly) or a tiny Keras
    model, 1–8 optimizers (now and then one optimizer's learning-rate fan) labelled in several
    scripts, 16:9 or 4:3, either theme, a font scale from 0.75 to 1.5, now and then other
    panels or the grid, now and then no title. ``quick``: surfaces only, at most 3 optimizers and 10 steps."""
    from viz import Scene, surfaces

    rng = random.Random(seed)
    model = not quick and rng.random() < 0.04  # (a model costs seconds an optimizer to trace)
    count = rng.randint(1, 3 if model or quick else 8)
    optimizers = _optimizers(rng, count)
    script = rng.choice(list(WORDS)[:-1] * 6 + ["japanese"])
    title = " ".join(rng.choices(WORDS[script], k=rng.randint(1, 14)))
    aspect = rng.choice(["16:9", "4:3"])
    keywords = {"aspect": aspect, "size": (640, 360) if aspect == "16:9" else (640, 480),
                "theme": rng.choice(["light", "dark"]),
                "font_scale": round(rng.uniform(0.75, 1.5 if aspect == "16:9" else 1.25), 2)}
    if model:
        problem, steps = tiny_model(seed), None
        keywords["time_budget"] = 1  # a coarse loss grid: the text is what is checked
        if rng.random() < 0.4:
            keywords["panels"] = "contour,curves,boundary"
    else:
        problem, steps = surfaces.get(rng.choice(SURFACES)), rng.randint(6, 10 if quick else 16)
        chosen = rng.random()  # (not yet the 3D view: its tick labels crowd, see the report of issue 28)
        if chosen < 0.1 and len(optimizers) > 1:
            keywords["layout"] = "grid"
        elif chosen < 0.2:
            keywords["panels"] = rng.choice(["contour,curves,sharpness", "contour,curves,line"])
    keywords["show_title"] = rng.random() > 0.2  # (drawn last: each seed keeps its scene of before)
    scene = Scene(title=title, problem=problem, optimizers=optimizers, learning_rate=0.01, steps=steps)
    return scene, keywords


def generated_3d(seed):
    """A surface scene in the 3D view (``view="3d"``), drawn from ``seed``: a surface of
    :data:`SURFACES`, 1–8 optimizers labelled as :func:`generated` labels them (now and then a
    fan), 16:9 or 4:3, either theme, a font scale up to what the aspect allows, now and then
    a camera of its own, the sharpness or line panel, or no title; 6–12 steps."""
    from viz import Scene, surfaces

    rng = random.Random(f"3d {seed}")  # (its own draws: seeds of generated() keep their scenes)
    count = rng.randint(1, 8)
    optimizers = _optimizers(rng, count)
    script = rng.choice(list(WORDS)[:-1])
    title = " ".join(rng.choices(WORDS[script], k=rng.randint(1, 14)))
    aspect = rng.choice(["16:9", "4:3"])
    keywords = {"aspect": aspect, "size": (640, 360) if aspect == "16:9" else (640, 480), "view": "3d",
                "theme": rng.choice(["light", "dark"]),
                "font_scale": round(rng.uniform(0.75, 1.5 if aspect == "16:9" else 1.25), 2),
                "show_title": rng.random() > 0.2}
    chosen = rng.random()
    if chosen < 0.25:
        keywords["camera"] = (rng.randint(15, 75), rng.randint(-180, 180))
    elif chosen < 0.4:
        keywords["panels"] = rng.choice(["contour,curves,sharpness", "contour,curves,line"])
    scene = Scene(title=title, problem=surfaces.get(rng.choice(SURFACES)), optimizers=optimizers,
                  learning_rate=0.01, steps=rng.randint(6, 12))
    return scene, keywords
