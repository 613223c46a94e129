"""Zero to Deep Learning: six Keras optimizers train the same logistic regression.

One sigmoid unit on the four banknote features, batch size 16, 5 epochs, learning rate 0.01
for all six. Adam and RMSprop get there first; plain SGD is slowest.
"""

from viz import SEED_OPTIMIZERS, Scene, problems

logreg = Scene(
    title="Six optimizers, one logistic regression (banknotes, lr 0.01, batch 16)",
    problem=problems.logreg(epochs=5, batch_size=16),
    optimizers=SEED_OPTIMIZERS,
    learning_rate=0.01,
)
