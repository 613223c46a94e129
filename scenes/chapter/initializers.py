"""Zero to Deep Learning, "Gradient Descent": five kernel initializations, one RMSprop.

The notebook's code: ``Dense(1, kernel_initializer=init, activation='sigmoid')`` for init in
``zeros``, ``uniform``, ``normal``, ``he_normal`` and ``lecun_uniform``, ``optimizer='rmsprop'``
(Keras' default rate, 0.001), batch size 16, 5 epochs, on the lesson's logistic regression; the
bias starts at zero in every run, and all five see the batches in the same order.

Point at: five starts on one plane; the zeros start sits exactly at the origin of the weights.
A logistic regression has one minimum, so every start heads for the same valley; the
small-scale starts (zeros, uniform and normal draw within ±0.05 or so) begin close together,
he_normal and lecun_uniform further out, and after 5 epochs the losses are close. In Keras 3,
``uniform`` and ``normal`` are RandomUniform(-0.05, 0.05) and RandomNormal(stddev=0.05).
"""

from viz import Scene, problems

initializers = Scene(
    title="Five initializations, one RMSprop (banknotes, batch 16, 5 epochs)",
    problem=problems.logreg(epochs=5, batch_size=16),
    optimizers={"RMSprop": "rmsprop"},
    learning_rate=0.001,  # optimizer='rmsprop' runs at Keras' default rate (a scene's default is 0.01)
    initializer=["zeros", "uniform", "normal", "he_normal", "lecun_uniform"],
)
