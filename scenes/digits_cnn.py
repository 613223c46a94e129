"""After the lesson, a real network: a small convolutional network learns to read handwritten
digits (8x8 images of 1,797 digits shipped with viz, UCI's optical recognition of handwritten
digits: nothing is downloaded), with the lesson's six optimizers at one learning rate.

What to point at: the sample digits under the curves show what the optimizer in front reads
at each step; early on every digit gets the same answer, then one class after another is
learned. At lr 0.01, Adam and RMSprop read most digits within the first epoch, while plain SGD
is still guessing one class; the contour plane is a 2D slice of 1,610 weights, so its share of
variance is written on its axes.
"""

import keras
import numpy as np

from viz import SEED_OPTIMIZERS, Scene, problems

images, labels = problems.load_digits()
order = np.random.RandomState(42).permutation(len(images))
test, train = order[:360], order[360:]  # 1,437 training images, 360 held out


def cnn():
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(16, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ])


digits_cnn = Scene(
    title="Six optimizers train a small CNN to read handwritten digits (lr 0.01, batch 32)",
    problem=problems.keras_model(cnn, images[train], labels[train], loss="sparse_categorical_crossentropy",
                                 batch_size=32, epochs=3, validation=(images[test], labels[test]),
                                 name="CNN, 8x8 digits"),
    optimizers=SEED_OPTIMIZERS,
    learning_rate=0.01,
)
