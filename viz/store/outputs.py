"""Output files and folders: checked before any training, and a failed write said in one line."""

import re
import tempfile

from viz.errors import OutputError


def prepare_folder(path, overwrite=True, folder=False):
    """Create the output's folder and make sure a file can be written there, before any
    training: :class:`OutputError` if it cannot. ``folder``: the output is itself a folder."""
    if folder and (path.is_symlink() or (path.exists() and not path.is_dir())):
        raise OutputError(f"{path} exists and is not a folder; frames are written into a folder")
    if folder and path.is_dir() and any(not re.fullmatch(r"frame_\d+\.png", f.name) for f in path.iterdir()):
        raise OutputError(f"{path} holds other files than frames; name a new folder for the frames")
    if path.is_dir() and not folder:
        raise OutputError(f"{path} is a folder; give a file name such as {path / 'lesson.gif'}")
    if not overwrite and path.exists():
        raise OutputError(f"{path} exists, and overwriting is turned off")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create the folder {path.parent}: {error.strerror}") from None
    try:
        tempfile.TemporaryFile(dir=path.parent).close()
    except OSError as error:
        raise OutputError(f"cannot write into {path.parent}: {error.strerror}") from None


def distinct(paths, fmt, say):
    """Outputs told apart, so that no file (nor the manifest, captions or tables named after it)
    is written twice in a run.

    Args:
        paths: the outputs of a run's scenes, in order.
        fmt: their format ("frames": folders named ``<stem>_frames``).
        say: ``say(text, err)`` tells of each renamed output.

    Returns:
        ``paths`` with each one that repeats an earlier one (ignoring case, as some file
        systems do) renamed ``<stem>_1``, ``<stem>_2``... to a name no other path has.
    """
    def stem(path):
        return path.name.removesuffix("_frames") if fmt == "frames" else path.stem

    def key(path):
        return str(path.parent / stem(path)).casefold()

    taken, seen, named = {key(path) for path in paths}, set(), []
    for path in paths:
        if key(path) in seen:
            first, number = path, 1
            while key(path := first.with_name(first.name.replace(stem(first), f"{stem(first)}_{number}", 1))) in taken:
                number += 1
            taken.add(key(path))
            say(f"note: {first} is also another scene's output; this scene's is {path}", err=True)
        seen.add(key(path))
        named.append(path)
    return named


def cannot_write(path, error):
    """One line for a failed write: the OS's reason, or the first line of an encoder's report."""
    reason = getattr(error, "strerror", None) or str(error).splitlines()[0]
    if "No space left" in str(error):  # ffmpeg's report of a full disk
        reason = "No space left on device"
    return OutputError(f"cannot write {path}: {reason}")
