"""Write a file completely or not at all."""

import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it to ``path`` if the block succeeds,
    delete it if the block fails or is interrupted. Readers never see a half-written file."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def atomic_folder(path):
    """Like :func:`atomic_path` for a folder: yield a new temporary folder beside ``path``;
    on success it takes the place of ``path``. An older folder there is moved aside first and
    deleted only once the new one is in place (put back if that fails)."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    old = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.old")
    temporary.mkdir()
    try:
        yield temporary
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
