"""Which optimizers escape a saddle point? f = x^2 - y^2, started almost on the ridge.

The gradient along y is tiny near y = 0, so plain SGD is still near the ridge after 300 steps
and momentum needs over 200; Adam and RMSprop divide by the gradient's size and walk off the
saddle within 50. Adagrad's steps shrink as its sum of squared gradients grows: it stalls
before even reaching the saddle.
"""

from viz import SEED_OPTIMIZERS, Scene, surfaces

saddle = Scene(
    title="Escaping the saddle x² − y² (lr 0.01)",
    problem=surfaces.get("saddle", start=(-1.8, 1e-3)),
    optimizers=SEED_OPTIMIZERS,
    learning_rate=0.01,
    steps=300,
)
