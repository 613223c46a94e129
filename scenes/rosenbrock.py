"""Rosenbrock's banana valley: easy to find, slow to follow.

From the classic start (-1.2, 1), plain gradient steps reach the curved valley floor within
50 steps and then crawl along it, round the bend towards (1, 1); at lr 0.003 Adam and Adagrad
(whose steps are about lr long) are still near the start after 500 steps, and RMSprop has
got only halfway. At lr 0.01 the SGD family diverges in the steep walls within ten steps
while Adam, Adagrad and RMSprop, whose steps do not grow with the gradient, stay stable.
"""

from viz import SEED_OPTIMIZERS, Scene, surfaces

classic_start = surfaces.get("rosenbrock", start=(-1.2, 1.0))

rosenbrock = Scene(
    title="Six optimizers in Rosenbrock's valley (lr 0.003)",
    problem=classic_start,
    optimizers=SEED_OPTIMIZERS,
    learning_rate=0.003,
    steps=500,
)

too_fast = Scene(
    title="Rosenbrock at lr 0.01: the SGD family diverges",
    problem=classic_start,
    optimizers=SEED_OPTIMIZERS,
    learning_rate=0.01,
    steps=300,
)
