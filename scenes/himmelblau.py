"""Himmelblau's function has four minima of equal depth: where you start decides where you end.

Every optimizer runs from four starts around the central hill. Plain SGD rolls downhill into
a different minimum from each; Adam and RMSprop, with steps of about lr in each coordinate,
can take another valley from the same start; Adagrad's shrinking steps stay on the hill.
"""

from viz import SEED_OPTIMIZERS, Scene, surfaces

himmelblau = Scene(
    title="Himmelblau's four minima, four starts (lr 0.01)",
    problem=surfaces.get("himmelblau", start=[(-0.3, 0.3), (-1.0, -0.6), (0.4, -1.2), (0.8, 0.0)]),
    optimizers=SEED_OPTIMIZERS,
    learning_rate=0.01,
    steps=300,
)
