"""The last frame as SVG or PDF, every line and letter as vectors (for Beamer and print; the
contour fills as one image); the words ride along: SVG ``<title>`` and ``<desc>``, PDF title
and subject."""

import html


def write(frames, path, context):
    """The last frame as ``context.fmt`` (svg or pdf), drawn by the frames themselves, with
    ``context.words`` (if any): the short text as the title, the description as SVG's
    ``<desc>`` and PDF's subject."""
    words = context.words
    if words is None:
        frames.save_vector(path, context.fmt)
    elif context.fmt == "pdf":
        frames.save_vector(path, "pdf", {"Title": words.alt, "Subject": words.description})
    else:
        frames.save_vector(path, "svg", {"Title": words.alt, "Description": words.description})
        text = path.read_text(encoding="utf-8")  # matplotlib writes <title>; <desc> follows it
        title = text.index("</title>") + len("</title>")
        path.write_text(f"{text[:title]}\n <desc>{html.escape(words.description, quote=False)}</desc>{text[title:]}",
                        encoding="utf-8")
