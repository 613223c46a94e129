"""Zero to Deep Learning, "Gradient Descent": the lesson's six optimizers (scenes/logreg.py).

The notebook's code: ``SGD``, ``SGD`` with momentum 0.3, with momentum 0.3 and Nesterov,
``Adam``, ``Adagrad`` and ``RMSprop``, all at learning rate 0.01, batch size 16, 5 epochs.

Point at: Adam and RMSprop get there first; the three SGD variants nearly coincide (momentum
0.3 is a small push); plain SGD is slowest. In Keras 3 Adagrad starts its accumulator at 0.1,
so its first steps are short and it trails Adam and RMSprop, unlike the video's older Keras.
"""

from viz import SEED_OPTIMIZERS, Scene, problems

optimizers = Scene(
    title="Six optimizers, one logistic regression (banknotes, lr 0.01, batch 16)",
    problem=problems.logreg(epochs=5, batch_size=16),
    optimizers=SEED_OPTIMIZERS,
    learning_rate=0.01,
)
