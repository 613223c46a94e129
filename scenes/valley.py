"""A long, narrow valley, f = 0.01 x^2 + y^2 (condition number 100): why momentum helps.

Plain SGD zig-zags across the steep direction and creeps along the shallow one; momentum
averages the zig-zag away and keeps the speed along the valley.
"""

from viz import SEED_OPTIMIZERS, Scene, surfaces

valley = Scene(
    title="A long valley, condition number 100 (lr 0.3)",
    problem=surfaces.get("valley"),
    optimizers=SEED_OPTIMIZERS,
    learning_rate=0.3,
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
