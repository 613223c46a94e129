"""One wording for an unknown name, whatever kind of name it is."""

import difflib


def unknown(kind, name, known):
    """``unknown optimizer 'adma'. Did you mean 'adam'? Known: ...``"""
    near = difflib.get_close_matches(str(name).lower(), known, n=3)
    hint = f" Did you mean {' or '.join(map(repr, near))}?" if near else ""
    return f"unknown {kind} {name!r}.{hint} Known: {', '.join(known)}"
