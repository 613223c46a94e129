"""Beale's function: flat plateaus and a narrow curved valley to the minimum at (3, 0.5).

At lr 0.01 the SGD family and RMSprop follow the valley to within 0.3 of the minimum in 300
steps; Adam is on its way and Adagrad's shrinking steps leave it far behind, near the start.
"""

from viz import SEED_OPTIMIZERS, Scene, surfaces

beale = Scene(
    title="Six optimizers on Beale's function (lr 0.01)",
    problem=surfaces.get("beale", start=(1.0, 1.5)),
    optimizers=SEED_OPTIMIZERS,
    learning_rate=0.01,
    steps=300,
)
