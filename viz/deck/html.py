"""The deck as one self-contained HTML file: a slide per scene, each the scene's interactive
player (its page in a frame of its own, the video a ``data:`` URI), moved with the arrow
keys, space and PageUp/PageDown (a presenter's clicker); ``n`` shows the speaker notes, ``k``
plays and pauses. Nothing is loaded from anywhere else: the page's Content-Security-Policy,
which its players inherit, forbids it."""

import html
import re

from viz.render.theme import THEMES
from viz.render.writers.html import HEAD, filled
from viz.store.atomic import atomic_path

# The player's head (@NAME@ placeholders filled by write); CSS and JS keep their braces as they are.
TEMPLATE = HEAD + """<style>
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; overflow: hidden; background: @BACKGROUND@; color: @INK@;
  font: 20px/1.3 system-ui, "Segoe UI", Helvetica, Arial, sans-serif; }
.slide { display: none; position: absolute; inset: 0; flex-direction: column; padding: 14px 24px 36px; }
.slide.current { display: flex; }
.slide h1 { flex: none; margin: 0 0 8px; font-size: 30px; }
.slide.cover { justify-content: center; align-items: center; text-align: center; }
.slide.cover h1 { font-size: 52px; }
iframe { flex: 1 1 auto; min-height: 0; width: 100%; border: 0; }
.notes { display: none; flex: none; max-height: 32%; overflow: auto; margin: 8px 0 0; padding: 8px 0 0;
  border-top: 2px solid @MUTED@; color: @INK@; font-size: 18px; white-space: pre-wrap; }
body.speaker .notes { display: block; }
.notes code { font: 0.9em ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
#counter { position: fixed; right: 18px; bottom: 6px; color: @MUTED@; font-size: 16px; }
</style>
</head>
<body>
@SLIDES@
<div id="counter" aria-live="polite"></div>
<script>
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var counter = document.getElementById("counter"), current = 0;
  var moves = { "ArrowRight": 1, "ArrowDown": 1, "PageDown": 1, " ": 1, "ArrowLeft": -1, "ArrowUp": -1, "PageUp": -1 };

  function player(index) {  // the slide's player, once its page has loaded
    var frame = slides[index].querySelector("iframe");
    return frame && frame.contentWindow ? frame.contentWindow.vizPlayer : undefined;
  }
  function go(index) {
    index = Math.min(slides.length - 1, Math.max(0, index));
    var before = player(current);
    if (before) before.pause();
    slides[current].classList.remove("current");
    current = index;
    slides[current].classList.add("current");
    counter.textContent = (current + 1) + " / " + slides.length;
    start(current);
  }
  function start(index) {  // a slide's animation plays from its start when the slide is shown, but for a
    var shown = player(index);  // viewer who prefers reduced motion: it waits on its last frame (the poster) for Play
    if (shown && shown.reducedMotion) shown.seek(shown.frames - 1);
    else if (shown) { shown.seek(0); shown.play(); }
  }
  function key(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var shown = player(current);
    if (event.key === "n" || event.key === "N") document.body.classList.toggle("speaker");
    else if (event.key === "k" && shown) shown.toggle();
    else if (event.key === "Home") go(0);
    else if (event.key === "End") go(slides.length - 1);
    else if (moves[event.key] !== undefined) go(current + moves[event.key]);
    else return;  // any other key goes on to the player (a focused button, the scrubber)
    event.preventDefault();
    event.stopPropagation();  // inside a player, the deck's keys do not also step its frames
  }
  document.addEventListener("keydown", key, true);
  slides.forEach(function (slide, index) {
    var frame = slide.querySelector("iframe");
    if (!frame) return;
    frame.addEventListener("load", function () {
      frame.contentWindow.addEventListener("keydown", key, true);
      if (index === current) start(index);
    });
  });
  go(0);
  window.vizDeck = { go: go, current: function () { return current; }, count: slides.length,
                     player: function () { return player(current); } };
})();
</script>
</body>
</html>
"""


CODE = re.compile(r"``(.+?)``", re.S)  # reStructuredText's inline code, as docstrings write it


def notes_html(text):
    """Speaker notes as HTML: escaped, ``double backticks`` as <code>."""
    return CODE.sub(r"<code>\1</code>", html.escape(text))


def write(slides, path, title, theme):
    """Write ``slides`` (:class:`viz.deck.Slide`, each a player page) as one HTML deck at
    ``path``, after a title slide if ``title`` is given, in the colours of ``theme``."""
    colours = THEMES[theme]
    sections = []
    if title:
        sections.append(f'<section class="slide cover" aria-label="title"><h1>{html.escape(title)}</h1></section>')
    for number, slide in enumerate(slides, 1):
        name = html.escape(slide.title)
        page = html.escape(slide.path.read_text(encoding="utf-8"), quote=True)
        notes = f'<aside class="notes">{notes_html(slide.notes)}</aside>' if slide.notes else ""
        sections.append(f'<section class="slide" aria-label="slide {number}: {name}"><h1>{name}</h1>'
                        f'<iframe title="{name}" srcdoc="{page}"></iframe>{notes}</section>')
    values = {"SCHEME": "dark" if theme == "dark" else "light", "TITLE": html.escape(title or slides[0].title),
              "BACKGROUND": colours.background, "INK": colours.ink, "MUTED": colours.muted,
              "SLIDES": "\n".join(sections)}
    with atomic_path(path) as temporary:
        temporary.write_text(filled(TEMPLATE, {**values, "SOURCES": "media-src data:; img-src data:"}), encoding="utf-8")
