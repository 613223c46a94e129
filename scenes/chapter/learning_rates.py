"""Zero to Deep Learning, "Gradient Descent": one SGD, four learning rates.

The notebook's code: ``SGD(learning_rate=lr)`` for lr in 0.01, 0.05, 0.1 and 0.5, on the lesson's
logistic regression (one sigmoid unit on the four standardised banknote features), batch size
16, 10 epochs (600 steps), every run from the same initial weights and in the same batch order.

Point at: the larger the rate, the longer each step and the lower the loss after 10 epochs,
as in the video (training loss 0.39, 0.16, 0.11 and 0.05 for 0.01 to 0.5, seed 0); at 0.5
each batch's step is long, so its path is the most jagged. Nothing diverges at these rates:
the loss of a logistic regression is convex and gentle, the video's point is speed.
"""

from viz import Scene, problems

learning_rates = Scene(
    title="One SGD, four learning rates (banknotes, batch 16, 10 epochs)",
    problem=problems.logreg(epochs=10, batch_size=16),
    optimizers={"SGD": "sgd"},
    learning_rate=[0.01, 0.05, 0.1, 0.5],
)
