"""Zero to Deep Learning, "Gradient Descent": the lesson's six optimizers (scenes/logreg.py).

The notebook's code: ``SGD``, ``SGD`` with momentum 0.3, with momentum 0.3 and Nesterov,
``Adam``, ``Adagrad`` and ``RMSprop``, all at learning rate 0.01, batch size 16, 5 epochs.

Point at: Adam and RMSprop get there first (training loss 0.19 and 0.14 after 5 epochs, seed
0); the three SGD variants nearly coincide (momentum 0.3 is a small push: 0.44 against plain
SGD's 0.49). Where Keras 3 differs from the video: its Adagrad starts its accumulator at 0.1,
so at this rate its steps shrink fast and it ends last (0.55), behind even plain SGD.
"""

from viz import SEED_OPTIMIZERS, Scene, problems

optimizers = Scene(
    title="Six optimizers, one logistic regression (banknotes, lr 0.01, batch 16)",
    problem=problems.logreg(epochs=5, batch_size=16),
    optimizers=SEED_OPTIMIZERS,
    learning_rate=0.01,
)
