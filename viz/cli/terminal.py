"""What a command shows on the terminal besides its result: progress bars and what the
pipeline says."""

import sys
from contextlib import contextmanager

import click


def progress_bars(quiet):
    """``progress(label)``: a context manager yielding a ``(done, total)`` callback that draws a
    bar on stderr when stderr is a terminal (and not ``quiet``); otherwise it does nothing."""

    @contextmanager
    def progress(label):
        if quiet or not sys.stderr.isatty():
            yield lambda done, total: None
            return
        bar = None

        def report(done, total):
            nonlocal bar
            if bar is None:
                bar = click.progressbar(length=total, label=label, file=sys.stderr, width=30)
                bar.__enter__()
            bar.update(done - bar.pos)

        try:
            yield report
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)

    return progress


def say(text, err=False):
    click.echo(text, err=err)  # what the pipeline says: warnings and notes (err) on stderr
