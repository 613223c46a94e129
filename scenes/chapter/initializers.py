"""Zero to Deep Learning, "Gradient Descent": five kernel initializations, one RMSprop.

The notebook's code: ``Dense(1, kernel_initializer=init, activation='sigmoid')`` for init in
``zeros``, ``uniform``, ``normal``, ``he_normal`` and ``lecun_uniform``, ``optimizer='rmsprop'``
(Keras' default rate, 0.001), batch size 16, 5 epochs, on the lesson's logistic regression; the
bias starts at zero in every run, and all five see the batches in the same order.

Point at: five starts on one plane, the zeros start marked (all weights exactly 0, loss
log 2 = 0.69). zeros, uniform and normal start near the origin (Keras 3's ``uniform`` and
``normal`` draw within about ±0.05: RandomUniform(-0.05, 0.05), RandomNormal(stddev=0.05)) and
move together; lecun_uniform happens to start lowest and stays ahead; he_normal starts
furthest out (loss 1.77, seed 0). At RMSprop's default rate 5 epochs are short: the lines do
not meet (training loss 0.55, 0.54, 0.57, 1.36 and 0.42 at the end, he_normal's accuracy
still 0.27). A logistic regression has one minimum, so every start heads for the same valley;
only the time to get there differs.
"""

from viz import Scene, problems

initializers = Scene(
    title="Five initializations, one RMSprop (banknotes, batch 16, 5 epochs)",
    problem=problems.logreg(epochs=5, batch_size=16),
    optimizers={"RMSprop": "rmsprop"},
    learning_rate=0.001,  # optimizer='rmsprop' runs at Keras' default rate (a scene's default is 0.01)
    initializer=["zeros", "uniform", "normal", "he_normal", "lecun_uniform"],
)
