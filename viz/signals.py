"""SIGTERM as an exception that unwinds to the door, and is never lost on the way.

Python runs a signal handler between any two bytecodes, so the exception it raises can surface
where nobody can pass it on: in a finalizer or a weakref callback (Python prints "Exception
ignored" and goes on), or while a child process such as ffmpeg is being started (the child is
then nobody's, and writes its file after the unfinished one was removed). So the handler also
notes the signal: :func:`check` raises it again at every point that commits a file, and the
door asks :func:`received` before it says a run succeeded. :func:`held` makes the signals wait
while a child process is started."""

import atexit
import os
import signal
import sys
import threading
from contextlib import contextmanager


class Terminated(BaseException):
    """SIGTERM: raised wherever the program is, so that unfinished files are removed on the way out."""


_received = []  # the SIGTERMs that came while :func:`handled` was in force


def _terminate(signum, frame):
    _received.append(signum)
    if len(_received) == 1:  # later ones must not break the clean-up the first one started
        raise Terminated


def received():
    """Whether SIGTERM came while :func:`handled` was in force."""
    return bool(_received)


def check():
    """Raise :class:`Terminated` if SIGTERM came, even if the exception its handler raised was
    swallowed where it surfaced. Called before a finished file takes its place."""
    if _received:
        raise Terminated


def _quiet(hook):
    """``sys.unraisablehook`` that says nothing of a stop signal surfacing in a finalizer
    (:func:`check` and :func:`received` still see it)."""

    def unraisable(details):
        if not isinstance(details.exc_value, (Terminated, KeyboardInterrupt)):
            hook(details)

    return unraisable


@contextmanager
def handled():
    """Within the block, SIGTERM raises :class:`Terminated`; a stop signal that surfaces in a
    finalizer is not printed. What :func:`received` knows is forgotten when the block ends.
    Outside the main thread (a program running a command in a thread of its own) nothing
    changes: Python runs signal handlers in the main thread only, and sets them only there."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _received.clear()
    previous, hook = signal.signal(signal.SIGTERM, _terminate), sys.unraisablehook
    sys.unraisablehook = _quiet(hook)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        sys.unraisablehook = hook
        _received.clear()


def exit_now(code):
    """End this process with exit ``code``, its command's outcome decided and said: SIGTERM
    ignored from here (in the moments it takes, the signal would otherwise end it, exit -15),
    what Python does at exit done (threads' exit hooks: worker pools stopped; ``atexit``:
    temporary files removed; the streams flushed), then the process ends without taking the
    interpreter's modules apart (a tenth of a second or more, with matplotlib loaded). Never
    in a program that goes on after the command."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading._shutdown()  # (what Python's exit runs first: non-daemon threads joined, their exit hooks)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone (a closed pipe), a stream closed: nothing more to say
            pass
    os._exit(code)


@contextmanager
def held():
    """SIGTERM and SIGINT wait until the block has ended: a child process started inside it is
    in hand (its clean-up armed) before a signal can unwind."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
