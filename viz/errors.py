"""What viz refuses or fails to do, as Python exceptions worded for the person who asked; the
command line turns each into one ``Error:`` line (see ``viz.cli``)."""

import difflib
import traceback


class VizError(Exception):
    """Anything viz cannot do, with a message a user can act on."""


class SpecError(VizError, ValueError):
    """A scene or an option asks for something that cannot be: an unknown name, a field out
    of range, options that do not go together. The message names the field and the value."""


class OptionError(SpecError):
    """A render option that cannot work, worded with its keyword (``view='3d': ...``); the
    command line words it with its flag (``--view 3d: ...``)."""

    def __init__(self, keyword, value, reason):
        self.keyword, self.value, self.reason = keyword, value, reason
        super().__init__(f"{keyword}={value!r}: {reason}")

    def __reduce__(self):  # pickled as its three parts (a worker process sends it back whole)
        return OptionError, (self.keyword, self.value, self.reason)


class SceneFileError(VizError):
    """A scene file that cannot be loaded; the message says where and why, in one line."""


class OutputError(VizError):
    """An output that cannot be written (an unwritable folder, a full disk, a failing encoder)."""


class SceneFailed(VizError):
    """A scene's own code failed while it was recorded or drawn (a NameError in a surface, a
    model that cannot train): one line naming the file and the scene, then what failed.
    ``details``: the traceback, as text, where it was raised (possibly a worker process)."""

    def __init__(self, message, details=""):
        super().__init__(message)
        self.details = details

    @classmethod
    def of(cls, error, scene_file, scene):
        """The failure ``error`` of ``scene`` (from ``scene_file``, or None for a Scene object)."""
        where = f"{scene_file}, scene {scene!r}" if scene_file is not None else f"scene {scene!r}"
        return cls(f"{where}: {said(error)}",
                   "".join(traceback.format_exception(error)))

    def __reduce__(self):  # pickled whole, traceback text included (a worker process sends it back)
        return SceneFailed, (str(self), self.details)


class BudgetError(OutputError):
    """No GIF within the size budget could be made."""


def unknown(kind, name, known):
    """``unknown optimizer 'adma'. Did you mean 'adam'? Known: ...``"""
    near = difflib.get_close_matches(str(name).lower(), known, n=3)
    hint = f" Did you mean {' or '.join(map(repr, near))}?" if near else ""
    return f"unknown {kind} {name!r}.{hint} Known: {', '.join(known)}"


def said(error):
    """What ``error`` says in one line: its last line, led by its type's name once (TensorFlow's
    traced errors already end in ``NameError: ...``)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    last, name = (lines[-1] if lines else ""), type(error).__name__
    return last if isinstance(error, VizError) or last.startswith(f"{name}:") else f"{name}: {last}"
