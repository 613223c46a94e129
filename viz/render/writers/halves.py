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


def forkable():
    """Whether a second process can draw beside this one: Linux (macOS's system libraries are
    not safe to use in a forked copy; Windows has no fork), two cores or more, and no other
    Python thread running here (a copy would hold only this one)."""
    return (sys.platform.startswith("linux") and threading.active_count() == 1
            and len(os.sched_getaffinity(0)) > 1)


def cut(count, share=0.5):
    """The first of ``count`` frames that a second process draws (this one draws ``share`` of
    them), or None when this one draws them all: too few frames, or not :func:`forkable`."""
    return round(count * share) if count >= LEAST and forkable() else None


def both(here, there):
    """``here()`` and ``there()``: at once, ``there`` by a forked copy (a :class:`Copy`), where
    :func:`forkable`; else one after the other, here. Their results."""
    if not forkable():
        return here(), there()
    with Copy(lambda tell: there()) as copy:
        return here(), copy.join()


class Copy:
    """``work(tell)`` run by a forked copy of this process from the ``with`` block's start,
    ``tell()`` saying a step of it done to this process (:meth:`done`). :meth:`join` waits for
    it and gives what it returned (pickled), or raises its error; without a copy (none could be
    forked) the work is done there, in this process. However the block ends, the copy has ended
    after it."""

    def __init__(self, work):
        self.work, self.pid, self.counted = work, None, 0

    def __enter__(self):
        self.result = tempfile.TemporaryFile()
        self.reading, telling = os.pipe()
        try:
            with signals.held(), warnings.catch_warnings():  # the copy is in hand before a signal can unwind
                warnings.simplefilter("ignore", DeprecationWarning)  # (3.12: other threads are native ones,
                self.pid = os.fork()                                  # BLAS's, which the copy never calls)
                if self.pid == 0:
                    _copy(self.work, telling, self.result)  # (never returns)
        except OSError:  # no copy now (memory, a limit on processes): :meth:`join` does the work here
            self.pid = None
        finally:
            os.close(telling)
        os.set_blocking(self.reading, False)
        return self

    def done(self):
        """How many steps the copy has said done so far."""
        try:
            self.counted += len(os.read(self.reading, 1 << 16))
        except BlockingIOError:
            pass
        return self.counted

    def join(self, progress=None):
        """Wait for the copy, saying its steps to ``progress(steps done by the copy)`` as they
        come; then what its work returned. An error of the copy's is raised here."""
        if self.pid is None:
            return self.work(lambda: self._told(1, progress))
        os.set_blocking(self.reading, True)
        while chunk := os.read(self.reading, 1 << 16):
            self._told(len(chunk), progress)
        status = os.waitpid(self.pid, 0)[1]
        self.pid = None
        self.result.seek(0)
        try:
            outcome, value = pickle.load(self.result)
        except (EOFError, pickle.UnpicklingError):
            code = os.waitstatus_to_exitcode(status)
            raise OSError(f"the process drawing beside this one ended ({_ended(code)})") from None
        if outcome == "failed":
            raise value
        return value

    def _told(self, steps, progress):
        self.counted += steps
        if progress:
            progress(self.counted)

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


class Second(Copy):
    """``work(path, context)`` run by a forked copy of this process (a :class:`Copy`): the
    output's later part, frames ``cut`` to ``count``, written to ``path`` (a new temporary
    file), ``context`` the writer's own with a meter of its own (joined to the writer's) and its
    progress said to this process. :meth:`join` gives the part's path; it is gone after the
    block. :attr:`context` is the one for this process's part: its progress counts the copy's
    frames too."""

    def __init__(self, work, context, cut, count, suffix=""):
        self.outer, self.cut, self.count, self.suffix = context, cut, count, suffix
        super().__init__(lambda tell: _later(work, self.path, context, tell))

    def __enter__(self):
        handle, self.path = tempfile.mkstemp(suffix=self.suffix, prefix="viz-part-")
        os.close(handle)
        try:
            return super().__enter__()
        except BaseException:
            Path(self.path).unlink()
            raise

    @property
    def context(self):
        """The writer's context for the frames before the copy's: progress counts both parts."""
        progress = self.outer.progress
        if progress is None:
            return self.outer
        return dataclasses.replace(self.outer, progress=lambda done, total: progress(done + self.done(), total))

    def join(self):
        """Wait for the copy (see :meth:`Copy.join`), its frames said to the writer's progress as
        they come; its meter joined to the writer's, the path of its part."""
        progress = self.outer.progress
        meter = super().join(progress and (lambda done: progress(self.cut + done, self.count)))
        if self.outer.meter is not None:
            self.outer.meter.join(meter)
        return self.path

    def __exit__(self, *exception):
        try:
            super().__exit__(*exception)
        finally:
            Path(self.path).unlink(missing_ok=True)


def _later(work, path, context, tell):
    """Write the later part: ``work(path, context)`` with a meter of its own and each frame
    said with ``tell()``; the meter."""
    meter = Meter(context.meter.fps) if context.meter is not None else None
    work(path, dataclasses.replace(context, meter=meter, progress=lambda done, total: tell()))
    return meter


def _copy(work, telling, result):
    """The forked copy: run ``work`` and leave, whatever happens, without returning into the
    caller's code (its files, its clean-up and its exit are this process's, not the copy's)."""
    status = 1
    try:
        signal.signal(signal.SIGTERM, _leave)  # unwind: the part's ffmpeg is stopped on the way
        signal.signal(signal.SIGINT, _leave)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
        value = work(lambda: os.write(telling, b"."))
        pickle.dump(("done", value), result)
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


def _leave(signum, frame):
    sys.exit(1)


def _ended(code):
    """How a process with exit ``code`` (negative: a signal) ended, in words."""
    return f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
