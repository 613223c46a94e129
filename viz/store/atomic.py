"""Write a file completely or not at all. An unfinished file is a hidden ``.NAME.PID.XXXX.part``
beside its target, named after the process writing it, so the next write of the same target
can remove the parts of processes that were killed (``kill -9``) before they could."""

import glob
import os
import re
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

from viz import signals


def _unfinished(path, suffix="part"):
    """A new name for an unfinished ``path``, beside it."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.{suffix}")


def _remove_stale(path):
    """Remove the unfinished files and folders of ``path`` left by processes that no longer run."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*"):
        named = re.fullmatch(rf"\.{re.escape(path.name)}\.(\d+)\.[0-9a-f]{{8}}\.(part|old)", stale.name)
        if named and not _running(int(named[1])):
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)


def _running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it to ``path`` if the block succeeds,
    delete it if the block fails or is interrupted (a SIGTERM that came meanwhile counts, even
    if its exception was lost). Readers never see a half-written file."""
    path = Path(path)
    _remove_stale(path)
    temporary = _unfinished(path)
    try:
        yield temporary
        signals.check()
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def atomic_folder(path):
    """Like :func:`atomic_path` for a folder: yield a new temporary folder beside ``path``;
    on success it takes the place of ``path``. An older folder there is moved aside first and
    deleted only once the new one is in place (put back if that fails)."""
    path = Path(path)
    _remove_stale(path)
    temporary, old = _unfinished(path), _unfinished(path, "old")
    temporary.mkdir()
    try:
        yield temporary
        signals.check()
        try:
            if path.is_dir() and not path.is_symlink():
                path.rename(old)
            temporary.rename(path)
        except BaseException:
            if old.exists() and not path.exists():
                old.rename(path)
            raise
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
