"""What a scene can get wrong, and one wording for an unknown name."""

import difflib


class SpecError(ValueError):
    """A scene asks for something that cannot be: an unknown name, or a field out of range.
    The message names the field and the value."""


def unknown(kind, name, known):
    """``unknown optimizer 'adma'. Did you mean 'adam'? Known: ...``"""
    near = difflib.get_close_matches(str(name).lower(), known, n=3)
    hint = f" Did you mean {' or '.join(map(repr, near))}?" if near else ""
    return f"unknown {kind} {name!r}.{hint} Known: {', '.join(known)}"
