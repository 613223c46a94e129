"""A whole course from a folder of chapters: one deck per chapter (``.pptx`` and ``.html``, the
scenes in file-name order after a title slide with the chapter's name), every scene's clip
kept beside its decks, an index page linking them all and the course's manifest. Each scene
is an ordinary pipeline job, so an unchanged scene is neither recorded nor rendered again: its
recording comes from the cache and its clips from the rendered-output store
(:mod:`viz.store.rendered`). Nothing in the site depends on when or where it was built (no
timestamps, no absolute paths): the same course gives the same bytes."""

import dataclasses
import html
import json
import re
import tomllib
from pathlib import Path

from viz import deck, pipeline, workers
from viz.errors import SpecError
from viz.render.theme import THEMES
from viz.render.writers.html import HEAD, filled
from viz.store.atomic import atomic_path

MANIFEST = "course.json"
INDEX = "index.html"
SETTINGS = "chapter.toml"  # a chapter's own settings: title = "..."
COURSE_SETTINGS = "course.toml"  # the course's: [[looks]] theme = "dark", aspect = "4:3" ...
LOOK_KEYS = ("name", "theme", "aspect", "quality", "size", "font_scale")  # what a look can set
DECKS = (".pptx", ".html")

PAGE = HEAD + """<style>
body { margin: 0 auto; max-width: 52em; padding: 24px; background: @BACKGROUND@; color: @INK@;
  font: 18px/1.45 system-ui, "Segoe UI", Helvetica, Arial, sans-serif; }
a { color: @INK@; }
h2 { margin-top: 1.6em; }
.clips { color: @MUTED@; }
</style>
</head>
<body>
<h1>@TITLE@</h1>
@CHAPTERS@
</body>
</html>
"""


@dataclasses.dataclass(frozen=True)
class Chapter:
    """One chapter: its folder of scene files, its name (the title slide's) and its slug (the
    name of its folder in the site)."""

    folder: Path
    name: str
    slug: str


def chapters(folder):
    """The chapters of the course ``folder``: the folder itself if it holds scene files, then
    each subfolder that does, in name order. Raises :class:`~viz.errors.SpecError` if none does."""
    folder = Path(folder)
    found = [path for path in [folder, *sorted(p for p in folder.iterdir() if p.is_dir())]
             if not path.name.startswith((".", "_")) or path == folder
             if any(not f.name.startswith("_") for f in path.glob("*.py"))]
    if not found:
        raise SpecError(f"{folder} holds no chapters (folders of scene files)")
    listed = [Chapter(path, _name(path), _slug(path.resolve().name)) for path in found]
    slugs = [chapter.slug.casefold() for chapter in listed]
    for chapter, slug in zip(listed, slugs):
        if slugs.count(slug) > 1:
            raise SpecError(f"two chapters would share the site's folder {chapter.slug!r}: rename one of "
                            f"{', '.join(str(c.folder) for c, s in zip(listed, slugs) if s == slug)}")
    return listed


def _name(folder):
    """A chapter's name: ``title`` in its ``chapter.toml``, else its folder's name in words
    (``02_momentum`` -> ``Momentum``: a leading number only orders the chapters)."""
    settings = folder / SETTINGS
    if settings.is_file():
        try:
            title = tomllib.loads(settings.read_text(encoding="utf-8")).get("title")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise SpecError(f"{settings}: {error}") from None
        if not isinstance(title, str) or not title.strip():
            raise SpecError(f"{settings}: title must be a non-empty string, such as title = \"Momentum\"")
        return title.strip()
    words = re.sub(r"^\d+(?=[ _-])", "", folder.resolve().name).replace("_", " ").replace("-", " ").strip()
    return (words[:1].upper() + words[1:]) or folder.resolve().name


def _slug(name):
    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "chapter"


def looks(folder):
    """The looks the course ``folder`` asks for in its ``course.toml`` (``[[looks]]`` tables of
    :data:`LOOK_KEYS`), as ``(name, options)`` pairs; ``[(None, {})]`` (one deck per chapter in
    the options' look) without one. A look's name is its ``name``, or its values joined
    (``dark-4x3``). Raises :class:`~viz.errors.SpecError` for what the file cannot mean."""
    settings = Path(folder) / COURSE_SETTINGS
    if not settings.is_file():
        return [(None, {})]
    try:
        asked = tomllib.loads(settings.read_text(encoding="utf-8")).get("looks")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SpecError(f"{settings}: {error}") from None
    if not isinstance(asked, list) or not asked or not all(isinstance(look, dict) and look for look in asked):
        raise SpecError(f"{settings}: looks must be one or more [[looks]] tables, such as theme = \"dark\"")
    found = []
    for look in asked:
        strange = sorted(set(look) - set(LOOK_KEYS))
        if strange:
            raise SpecError(f"{settings}: a look sets {', '.join(LOOK_KEYS[1:])} or its name, not {strange[0]!r}")
        options = {key: value for key, value in look.items() if key != "name"}
        name = _slug(str(look.get("name") or "-".join(str(value).replace(":", "x") for value in options.values())))
        found.append((name, options))
    names = [name for name, _ in found]
    if len(set(names)) < len(names):
        raise SpecError(f"{settings}: two looks are both named {max(names, key=names.count)!r}; give each a name")
    return found


def build(folder, site, *, workers_count=1, progress=pipeline._no_progress, say=pipeline._silent, **options):
    """Build the course of ``folder`` into the folder ``site``.

    Args:
        folder: the course: a folder of chapter folders (each a folder of scene files), or one
            folder of scene files (a course of one chapter).
        site: where the site goes: ``index.html``, ``course.json`` and a folder per chapter
            holding its decks (``<chapter>.pptx``, ``<chapter>.html``) and ``clips/``; with
            looks in the course's ``course.toml``, a pair of decks per look
            (``<chapter>-<look>.pptx``) and ``clips/<look>/``.
        workers_count: local worker processes for the renders (the ``executor`` option may
            send them to a Ray cluster instead).
        progress, say: as for :meth:`viz.pipeline.Job.run`; ``say`` also tells each scene's
            stages (recorded or from the cache, rendered or reused).
        options: the ``viz slides`` keywords (:func:`viz.slides`), for every scene.

    Returns:
        The path of the index page and the course's manifest (a dict).

    Raises:
        viz.errors.SpecError: no chapters, a bad ``chapter.toml``, a scene or an option that
            cannot work.
        viz.errors.VizError: a scene failed (the message names it).
    """
    site = Path(site)
    found, entries = chapters(folder), []
    workers.executor(options, workers_count)  # a Ray cluster reached before anything is written
    if site.exists() and not site.is_dir():
        raise SpecError(f"{site} exists and is not a folder; a course is written into a folder")
    chosen = looks(folder)
    for chapter in found:  # every scene, option and look checked before anything is trained
        for name, look in chosen:
            for suffix in DECKS:
                try:
                    pipeline.plan(chapter.folder, every=True, folder=site / chapter.slug / "clips",
                                  **{**options, **look, "format": deck.KINDS[suffix]})
                except SpecError as error:
                    raise SpecError(f"{Path(folder) / COURSE_SETTINGS}, look {name!r}: {error}") if name else error
    for chapter in found:
        place, clips, decks = site / chapter.slug, [], []
        for name, look in chosen:
            folder_of_clips = place / "clips" / (name or "")
            for suffix in DECKS:
                output = place / f"{chapter.slug}{'-' + name if name else ''}{suffix}"
                say(f"{chapter.name}: {output.relative_to(site).as_posix()}")
                _, slides = deck.build(chapter.folder, output, title=chapter.name, workers_count=workers_count,
                                       clips=folder_of_clips, progress=progress, say=say, **{**options, **look})
                decks.append(output.relative_to(site).as_posix())
                clips += [{"scene": slide.report.scene, "title": slide.title,
                           "file": slide.path.relative_to(site).as_posix(), **({"look": name} if name else {}),
                           "recorded": slide.report.trained, "reused": slide.report.reused} for slide in slides]
        entries.append({"name": chapter.name, "folder": chapter.slug, "decks": decks, "clips": clips})
    course = {"title": _name(Path(folder)), "chapters": entries}
    index = site / INDEX
    with atomic_path(index) as temporary:
        temporary.write_text(_page(course, options.get("theme", "light")), encoding="utf-8")
    with atomic_path(site / MANIFEST) as temporary:
        temporary.write_text(json.dumps(course, indent=1) + "\n", encoding="utf-8")
    every = [clip for entry in entries for clip in entry["clips"]]
    say(f"{len(every)} clips: {sum(c['recorded'] for c in every)} recorded, "
        f"{sum(not c['reused'] for c in every)} rendered, {sum(c['reused'] for c in every)} reused")
    return index, course


def _page(course, theme):
    """The index page: every chapter with its decks and clips, relative links only."""
    def link(path, text):
        return f'<a href="{html.escape(path, quote=True)}">{html.escape(text)}</a>'

    def look(path):  # a look's name, from the deck's or the clip's place: 01_x-dark.pptx, clips/dark/a.mp4
        parts = Path(path).parts
        return f" ({parts[-2]})" if len(parts) > 3 else ""

    parts = []
    for chapter in course["chapters"]:
        named = {path: f" ({Path(path).stem.removeprefix(chapter['folder'] + '-')})"
                 if Path(path).stem != chapter["folder"] else "" for path in chapter["decks"]}
        decks = " · ".join(link(path, ("PowerPoint deck" if path.endswith(".pptx") else "web deck") + named[path])
                           for path in chapter["decks"])
        scenes = {}  # a scene's clips (its MP4 and its player, in each look) by their common stem
        for clip in chapter["clips"]:
            scenes.setdefault(Path(clip["file"]).stem, (clip["title"], []))[1].append(clip["file"])
        items = "".join(f"<li>{html.escape(title)} <span class=\"clips\">" +
                        " · ".join(link(path, Path(path).suffix[1:].upper() + look(path)) for path in paths) +
                        "</span></li>" for title, paths in scenes.values())
        parts.append(f"<h2>{html.escape(chapter['name'])}</h2>\n<p>{decks}</p>\n<ul>{items}</ul>")
    colours = THEMES[theme]
    return filled(PAGE, {"SCHEME": "dark" if theme == "dark" else "light", "TITLE": html.escape(course["title"]),
                         "SOURCES": "img-src 'none'", "BACKGROUND": colours.background, "INK": colours.ink,
                         "MUTED": colours.muted, "CHAPTERS": "\n".join(parts)})
