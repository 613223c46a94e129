"""Zero to Deep Learning, "Gradient Descent": what a hidden layer learns.

The notebook's code: ``Dense(2, input_shape=(4,), activation='relu')`` then ``Dense(1,
activation='sigmoid')``, ``RMSprop(learning_rate=0.01)``, binary cross-entropy, batch size 16,
20 epochs, ``validation_split=0.3`` (Keras trains on the first 672 of the 960 training rows and
validates on the last 288; here the same split is given as validation data). The scene is
shown with the hidden panel (its ``panels`` setting, also on a slide): the two hidden units'
outputs for the 412 test rows, by class, moving with training, and the output unit's decision
line in their plane.

Point at: the hidden layer turns the four features into two new ones in which the two classes
lie on either side of one straight line: the output unit is a logistic regression on the
hidden representation. ReLU units are zero for part of the data, so many points sit on the
axes. The notebook draws the representation after training and, for a 4-3-2-1 network, as 25
static subplots; here it moves step by step.
"""

import keras

from viz import Scene, problems
from viz.problems.logreg import lesson_data

X_train, y_train, X_test, y_test = lesson_data()
split = int(len(X_train) * (1 - 0.3))  # validation_split=0.3: the last 30% of the rows, unshuffled


def network():
    """The notebook's 4-2-1 network (``input_shape=(4,)`` written as Keras 3's Input)."""
    return keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(2, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])


hidden_layer = Scene(
    title="A hidden layer of two units learns to separate the banknotes (RMSprop 0.01, batch 16)",
    problem=problems.keras_model(network, X_train[:split], y_train[:split], batch_size=16, epochs=20,
                                 validation=(X_train[split:], y_train[split:]), name="4-2-1 network, banknotes",
                                 hidden_rows=(X_test, y_test)),
    optimizers={"RMSprop": "rmsprop"},
    learning_rate=0.01,
    panels="contour,curves,hidden",  # what the notes talk about, on a slide too
)
