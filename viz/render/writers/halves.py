"""One output drawn by two processes at once. On a machine with two cores or more, a forked
copy of this process draws and writes the frames from the middle on into a file of its own
while this one does those before; the writer then joins the two parts (a GIF's blocks one
after the other, two video segments by ffmpeg). Frames are random-access
(:class:`~viz.render.frames.Frames`): the copy starts where it is told and draws exactly the
pixels this process would."""

import dataclasses
import os
import pickle
import signal
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

from viz import signals
from viz.render.a11y import Meter

LEAST = 60  # frames under which one process draws them all: a second one's start would cost more than it saves
STOPPING = 5  # seconds a copy told to stop has to remove its ffmpeg before it is killed


def cut(count, share=0.5):
    """The first of ``count`` frames that a second process draws (this one draws ``share`` of
    them), or None when this one draws them all: too few frames, one core, a system other than
    Linux (macOS's system libraries are not safe to use in a forked copy; Windows has no fork),
    or other Python threads running here (a copy would hold only this one)."""
    if count < LEAST or not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None
    return round(count * share) if len(os.sched_getaffinity(0)) > 1 else None


class Second:
    """``work(path, context)`` run by a forked copy of this process, from the ``with`` block's
    start: the output's later part written to ``path`` (a new temporary file), ``context`` the
    writer's own with a meter of its own and its progress said to this process. :meth:`join`
    waits for it; however the block ends, the copy has ended and its file is gone after it.
    :attr:`context` is the one for this process's part: its progress counts the copy's frames too."""

    def __init__(self, work, context, suffix=""):
        self.work, self.outer, self.suffix = work, context, suffix
        self.pid, self.counted, self.path = None, 0, None

    @property
    def context(self):
        """The writer's context for the frames before the copy's: progress counts both parts."""
        progress = self.outer.progress
        if progress is None:
            return self.outer
        return dataclasses.replace(self.outer, progress=lambda done, total: progress(done + self.done(), total))

    def __enter__(self):
        handle, self.path = tempfile.mkstemp(suffix=self.suffix, prefix="viz-part-")
        os.close(handle)
        self.result = tempfile.TemporaryFile()
        self.reading, telling = os.pipe()
        try:
            with signals.held(), warnings.catch_warnings():  # the copy is in hand before a signal can unwind
                warnings.simplefilter("ignore", DeprecationWarning)  # (3.12: other threads are native ones,
                self.pid = os.fork()                                  # BLAS's, which the copy never calls)
                if self.pid == 0:
                    _copy(self.work, self.outer, self.path, telling, self.result)  # (never returns)
        except OSError:  # no copy now (memory, a limit on processes): :meth:`join` draws the part here
            self.pid = None
        finally:
            os.close(telling)
        os.set_blocking(self.reading, False)
        return self

    def done(self):
        """How many frames the copy has written so far."""
        try:
            self.counted += len(os.read(self.reading, 1 << 16))
        except BlockingIOError:
            pass
        return self.counted

    def join(self, progress=None):
        """Wait for the copy, saying its frames to ``progress(frames written by the copy)`` as
        they come; then the path of its part. Its meter is joined to this process's. An error
        of the copy's is raised here. Without a copy (none could be forked), the part is drawn
        here, now."""
        if self.pid is None:
            own = _later(self.outer, lambda done: progress and progress(done))
            self.work(self.path, own)
            outcome, value = "done", own.meter
        else:
            outcome, value = self._waited(progress)
        if outcome == "failed":
            raise value
        if self.outer.meter is not None:
            self.outer.meter.join(value)
        return self.path

    def _waited(self, progress):
        """The copy's outcome ("done" and its meter, or "failed" and its error), once it has ended."""
        os.set_blocking(self.reading, True)
        while chunk := os.read(self.reading, 1 << 16):
            self.counted += len(chunk)
            if progress:
                progress(self.counted)
        status = os.waitpid(self.pid, 0)[1]
        self.pid = None
        self.result.seek(0)
        try:
            return pickle.load(self.result)
        except (EOFError, pickle.UnpicklingError):
            code = os.waitstatus_to_exitcode(status)
            raise OSError(f"the process drawing the later frames ended ({_ended(code)})") from None

    def __exit__(self, *exception):
        if self.pid is not None:  # left early: the copy removes its ffmpeg and goes, or is killed
            os.kill(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + STOPPING
            while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    break
                time.sleep(0.01)
            self.pid = None
        os.close(self.reading)
        self.result.close()
        Path(self.path).unlink(missing_ok=True)


def _copy(work, context, path, telling, result):
    """The forked copy: run ``work`` and leave, whatever happens, without returning into the
    caller's code (its files, its clean-up and its exit are this process's, not the copy's)."""
    status = 1
    try:
        signal.signal(signal.SIGTERM, _leave)  # unwind: the part's ffmpeg is stopped on the way
        signal.signal(signal.SIGINT, _leave)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
        own = _later(context, lambda done: os.write(telling, b"."))
        work(path, own)
        pickle.dump(("done", own.meter), result)
        status = 0
    except BaseException as error:  # (the caller sees it)
        try:
            pickle.dump(("failed", error), result)
        except Exception:  # not picklable: the caller says the copy ended
            pass
    finally:
        try:
            result.flush()
        finally:
            os._exit(status)


def _later(context, told):
    """The writer's ``context`` for the later part: a meter of its own (joined afterwards), each
    frame done said to ``told(frames done)``."""
    meter = Meter(context.meter.fps) if context.meter is not None else None
    return dataclasses.replace(context, meter=meter, progress=lambda done, total: told(done))


def _leave(signum, frame):
    sys.exit(1)


def _ended(code):
    """How a process with exit ``code`` (negative: a signal) ended, in words."""
    return f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
