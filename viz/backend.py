"""Load Keras (on TensorFlow) once, without the start-up chatter TensorFlow's C++ side writes
to stderr (absl notices about oneDNN and CUDA) that no environment variable silences."""

import os
import sys


def load_keras():
    """The ``keras`` module, imported with TensorFlow's start-up notices hidden."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import keras
            import tensorflow as tf

            tf.config.list_physical_devices()  # the CUDA probe also writes its notice now
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    return keras
