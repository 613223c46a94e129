"""Quiet back ends: Keras (on TensorFlow) loaded once without the start-up chatter its C++
side writes to stderr (absl notices about oneDNN and CUDA) that no environment variable
silences; and a way to give a child process such as ffmpeg its own stderr."""

import os
import sys
from contextlib import contextmanager


@contextmanager
def stderr_to(file):
    """Point file descriptor 2 at ``file`` (an open file) for the block: C libraries and the
    child processes started inside it write there."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        os.dup2(file.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def load_keras():
    """The ``keras`` module, imported with TensorFlow's start-up notices hidden."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with open(os.devnull, "w") as devnull, stderr_to(devnull):
        import keras  # TensorFlow and Keras: only when a recording is made (this is the one place)
        import tensorflow as tf  # as above

        tf.config.list_physical_devices()  # the CUDA probe also writes its notice now
    tf.get_logger().setLevel("ERROR")  # retracing notices: viz makes an evaluator per problem, on purpose
    return keras
