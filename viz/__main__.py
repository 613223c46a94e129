"""``python -m viz`` and the ``viz`` command: the door (:mod:`viz.cli`) run on this process's own
command line, and the process ended once the outcome is said (:func:`viz.signals.exit_now`)."""

from viz import signals
from viz.cli import main


def command():
    """Run the command line this process was started with, then end the process with its exit code."""
    signals.exit_now(main(prog_name="viz", standalone_mode=False))


if __name__ == "__main__":
    command()
