"""A long, narrow valley, f = 0.01 x^2 + y^2 (condition number 100): why momentum helps.

At lr 0.8 plain SGD zig-zags across the steep direction (each step overshoots the floor:
y flips sign every step, as 1 - 2 * 0.8 < 0) and creeps along the shallow one (each step
shortens x by only 1.6%); momentum 0.3 builds up speed along the valley, a quarter further
after 50 steps, and swings across it less often.

In ``momentum``, at lr 0.3, plain SGD does not zig-zag at all (each step shrinks y by 40%)
and creeps; momentum 0.5 and 0.9 overshoot and swing across the valley, and 0.9 and
Nesterov 0.9 reach the minimum first.
"""

from viz import SEED_OPTIMIZERS, Scene, surfaces

valley = Scene(
    title="A long valley, condition number 100 (lr 0.8)",
    problem=surfaces.get("valley"),
    optimizers=SEED_OPTIMIZERS,
    learning_rate=0.8,
    steps=300,
)

momentum = Scene(
    title="How much momentum? (lr 0.3)",
    problem=surfaces.get("valley"),
    optimizers={
        "SGD": "sgd",
        "momentum 0.5": {"class_name": "SGD", "config": {"momentum": 0.5}},
        "momentum 0.9": {"class_name": "SGD", "config": {"momentum": 0.9}},
        "Nesterov 0.9": {"class_name": "SGD", "config": {"momentum": 0.9, "nesterov": True}},
    },
    learning_rate=0.3,
    steps=300,
)
