"""What viz refuses or fails to do, as Python exceptions worded for the person who asked; the
command line turns each into one ``Error:`` line (see ``viz.cli``)."""

import difflib


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


class BudgetError(OutputError):
    """No GIF within the size budget could be made."""


def unknown(kind, name, known):
    """``unknown optimizer 'adma'. Did you mean 'adam'? Known: ...``"""
    near = difflib.get_close_matches(str(name).lower(), known, n=3)
    hint = f" Did you mean {' or '.join(map(repr, near))}?" if near else ""
    return f"unknown {kind} {name!r}.{hint} Known: {', '.join(known)}"
