"""Which optimizers escape a saddle point? f = x^2 - y^2, started almost on the ridge.

The gradient along y is tiny near y = 0, so plain SGD needs many steps before y grows; the
adaptive methods divide by the gradient's size and walk off the saddle at once.
"""

from viz import SEED_OPTIMIZERS, Scene, surfaces

saddle = Scene(
    title="Escaping the saddle x² − y² (lr 0.01)",
    problem=surfaces.get("saddle", start=(-1.8, 1e-3)),
    optimizers=SEED_OPTIMIZERS,
    learning_rate=0.01,
    steps=300,
)
