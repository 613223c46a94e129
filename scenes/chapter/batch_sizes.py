"""Zero to Deep Learning, "Gradient Descent": one SGD, four batch sizes.

The notebook's code: ``optimizer='sgd'`` (Keras' default rate, 0.01) with batch sizes 16, 32, 64
and 128, 10 epochs, on the lesson's logistic regression; the same initial weights for all four.
The paths take 60, 30, 15 and 8 steps an epoch (960 training rows), so the animation runs in
epochs: every path advances by the same fraction of an epoch per frame.

Point at: the smaller the batch, the more (noisier) steps an epoch, and the lower the loss
after 10 epochs at the same learning rate, as in the video (training loss 0.39, 0.49, 0.55 and
0.60 for batch 16 to 128, seed 0). Per step the large batches are not worse: they take fewer
steps in the same epochs.
"""

from viz import Scene, problems

batch_sizes = Scene(
    title="One SGD, four batch sizes (banknotes, lr 0.01, 10 epochs)",
    problem=problems.logreg(epochs=10),
    optimizers={"SGD": "sgd"},
    learning_rate=0.01,  # optimizer='sgd' runs at Keras' default rate, 0.01
    batch_size=[16, 32, 64, 128],
)
