"""A PDF frame's first page as pdfminer.six reads it (the objects the layout rules are checked on:
tests/layout_rules.py, tests/least_size.py), its content streams split into tokens by one regular
expression instead of pdfminer's byte-by-byte tokenizer (pure Python: a frame's contour lines took
most of a second); the operators are pdfminer's own, so the objects are the same. A stream holding
anything the expression does not know (inline images, dictionaries, comments) is read by pdfminer's
tokenizer as before."""

import functools
import os
import re

from pdfminer import settings
from pdfminer.converter import PDFPageAggregator
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import stream_value
from pdfminer.psparser import KWD, LIT, PSKeyword

TOKEN = re.compile(rb"""[\s\x00]*(?:(?P<number>[-+]?(?:\d+(?:\.\d*)?|\.\d+))(?=[\s\x00/\[\]()<>{}%]|\Z)
    |/(?P<name>[^#/%\[\]()<>{}\s]*)
    |\((?P<string>(?:[^\\()]|\\.)*)\)
    |<(?P<hex>[0-9A-Fa-f\s]*)>
    |(?P<open>\[)|(?P<close>\])
    |(?P<keyword>[A-Za-z][^#/%\[\]()<>{}\s]*|['"])
    |(?P<other>.)|\Z)""", re.VERBOSE | re.DOTALL)  # (each token with the space before it)
ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|.)", re.DOTALL)
ESCAPED = {b"b": b"\b", b"t": b"\t", b"n": b"\n", b"f": b"\f", b"r": b"\r", b"(": b"(", b")": b")", b"\\": b"\\"}


class Unknown(Exception):
    """Content the regular expression does not read as pdfminer would."""


def _unescaped(match):
    code = match.group(1)
    if code[:1].isdigit():
        if int(code, 8) > 255:
            raise Unknown(code)
        return bytes((int(code, 8),))
    return ESCAPED.get(code, b"")  # (pdfminer drops an unknown escape and a line's end after a backslash)


def _literal(name):
    try:
        return LIT(str(name, "utf-8"))
    except UnicodeDecodeError:
        return LIT(name)


def content(data):
    """The objects of a content stream (numbers, names, strings, arrays, keywords), as pdfminer's
    parser hands them to its interpreter. Raises :class:`Unknown` on anything else."""
    objects, arrays = [], []
    for match in TOKEN.finditer(data):
        kind = match.lastgroup
        if kind is None:  # (the end)
            continue
        text = match.group(kind)
        if kind == "number":
            value = float(text) if b"." in text else int(text)
        elif kind == "name":
            value = _literal(text)
        elif kind == "string":
            value = ESCAPE.sub(_unescaped, text) if b"\\" in text else text
        elif kind == "hex":
            digits = re.sub(rb"\s", b"", text)  # (an odd last digit: its own byte, as pdfminer reads it)
            value = bytes(int(digits[i: i + 2], 16) for i in range(0, len(digits), 2))
        elif kind == "open":
            arrays.append([])
            continue
        elif kind == "close" and arrays:
            value = arrays.pop()
        elif kind == "keyword" and text not in (b"BI", b"ID", b"EI"):
            value = {b"true": True, b"false": False}.get(text) if text in (b"true", b"false") else KWD(text)
        else:
            raise Unknown(text)
        (arrays[-1] if arrays else objects).append(value)
    if arrays:
        raise Unknown(b"[")
    return objects


class Interpreter(PDFPageInterpreter):
    """pdfminer's interpreter reading content streams through :func:`content`, noting where each
    text object (BT ... ET) starts among the page's objects."""

    def do_BT(self):
        self.starts.append(len(self.device.cur_item._objs))
        super().do_BT()

    def execute(self, streams):
        streams = [stream_value(stream) for stream in streams]
        parents = getattr(self, "parent_stream_ids", set())  # (pdfminer.six since 2025: circular forms refused)
        if any(stream.objid is None or stream.objid in parents for stream in streams):
            return super().execute(streams)  # (pdfminer's own refusals)
        try:
            objects = content(b"\n".join(stream.get_data() for stream in streams))
        except Unknown:
            return super().execute(streams)
        if hasattr(self, "stream_ids"):
            self.stream_ids.clear()
            self.stream_ids.update(stream.objid for stream in streams)
        operators = {}
        for obj in objects:
            if not isinstance(obj, PSKeyword):
                self.push(obj)
                continue
            if obj not in operators:
                name = str(obj.name, "utf-8", "ignore").replace("*", "_a").replace('"', "_w").replace("'", "_q")
                func = getattr(self, f"do_{name}", None)
                operators[obj] = func, func.__code__.co_argcount - 1 if func else 0
            func, count = operators[obj]
            if func is None:
                if settings.STRICT:
                    raise ValueError(f"Unknown operator: {obj.name!r}")
            elif count:
                args = self.pop(count)
                if len(args) == count:
                    func(*args)
            else:
                func()


def pdf_page(path):
    """The first page of the PDF at ``path``, as pdfminer reads it: its objects, where each
    text object starts among them, and its media box (in points). Parsed once per version of
    the file."""
    stat = os.stat(path)
    return _parsed(os.fspath(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _parsed(path, mtime, size):
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = Interpreter(manager, device)
    interpreter.starts = []
    with open(path, "rb") as file:
        page = next(PDFPage.get_pages(file))
        interpreter.process_page(page)
    objects = device.get_result()._objs
    return objects, interpreter.starts, page.mediabox
