"""The player and the HTML deck in headless Chromium, checked by axe-core (Deque's engine, from
npm: ``.ci/run`` installs it into ``.ci/node``) for WCAG 2.1 A and AA, and under an emulated
``prefers-reduced-motion: reduce``."""

import json
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser import chromium, wait

import viz
from viz import Scene, surfaces

AXE = Path(__file__).parent.parent / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
NO_AXE = (f"no axe-core at {AXE}: install it as .ci/run does "
          "(npm install --prefix .ci/node --no-save axe-core@4.11.0)")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCENE = Scene(title="Two on Beale", problem=surfaces.get("beale"), optimizers={"SGD": "sgd", "Adam": "adam"},
              learning_rate=0.01, steps=12, captions={0: "Both start together"})


@contextmanager
def opened(path, reduced=False):
    """Chromium on ``path`` with the page's CSP bypassed (so axe can be evaluated in its frames),
    optionally preferring reduced motion; loaded, every player ready; closed afterwards."""
    if not AXE.is_file():
        pytest.fail(NO_AXE, pytrace=False)
    browser = chromium(Path(path).as_uri())
    try:
        browser.send("Page.enable")
        browser.send("Page.setBypassCSP", enabled=True)
        if reduced:
            browser.send("Emulation.setEmulatedMedia", features=[{"name": "prefers-reduced-motion", "value": "reduce"}])
        browser.send("Page.navigate", url=browser.url)
        wait(browser, "document.readyState === 'complete' && (window.vizPlayer !== undefined || "
                      "[...document.querySelectorAll('iframe')].every(f => f.contentWindow.vizPlayer))")
        yield browser
    finally:
        browser.close()


def on_its_poster(browser, window="window"):
    """Whether the player in ``window`` (a JS expression) waits on its last frame, paused."""
    return browser.js(f"[{window}.vizPlayer.frame() === {window}.vizPlayer.frames - 1, "
                      f"{window}.document.getElementById('video').paused]") == [True, True]


def violations(browser, frame=None):
    """axe-core's WCAG 2.1 A/AA violations in the page (or in its iframe ``frame``, a JS
    expression), as [(rule id, [target, ...])]."""
    window = "window" if frame is None else f"({frame}).contentWindow"
    browser.js(f"{window}.axe ? true : ({window}.eval({json.dumps(AXE.read_text())}), true)")
    found = browser.js(f"{window}.axe.run({window}.document, {{runOnly: {{type: 'tag', values: {json.dumps(TAGS)}}}, "
                       "iframes: false}).then(r => r.violations.map(v => [v.id, v.nodes.map(n => n.target)]))")
    return found


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The scene's player in both themes and an html deck of it (160x90)."""
    folder = tmp_path_factory.mktemp("a11y")
    for theme in ("light", "dark"):
        viz.render(SCENE, folder / f"{theme}.html", size=(320, 180), hold=0, theme=theme, events=True)
    viz.slides(SCENE, folder / "deck.html", title="Lecture", size=(160, 90), hold=0)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_player_passes_axe_and_says_what_it_shows(pages, theme):
    with opened(pages / f"{theme}.html") as browser:
        assert violations(browser) == []
        manifest = json.loads((pages / f"{theme}.html.json").read_text())
        video = "document.getElementById('video')"
        assert browser.js(f"{video}.getAttribute('aria-label')") == manifest["alt"]
        described = browser.js(f"[...document.getElementById({video}.getAttribute('aria-describedby'))"
                               ".querySelectorAll('p')].map(p => p.textContent).join('\\n\\n')")
        assert described == manifest["description"]
        assert browser.js("document.querySelector('#about summary').textContent") == "Description and transcript"
        items = browser.js("[...document.querySelectorAll('#transcript li')].map(li => li.textContent)")
        assert [item.split(" ", 1)[1] for item in items] == [c["text"] for c in manifest["captions"]]
        assert browser.js("[vizPlayer.frame(), document.getElementById('video').paused]") == [0, True]


@pytest.mark.slow
def test_under_reduced_motion_the_player_waits_on_its_poster_for_play(pages):
    with opened(pages / "light.html", reduced=True) as browser:
        assert browser.js("vizPlayer.reducedMotion") is True and on_its_poster(browser)
        for _ in range(4):  # Play/Pause is reached by Tab (after the scrubber and two buttons)
            browser.key("Tab", "Tab", 9)
            if browser.js("document.activeElement.id") == "play":
                break
        assert browser.js("document.activeElement.getAttribute('aria-label')") == "Play"
        assert browser.js("getComputedStyle(document.activeElement).outlineStyle") == "solid"  # focus visible
        for kind in ("keyDown", "keyUp"):  # Enter on the focused button plays it from the start
            browser.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13,
                         **({"text": "\r"} if kind == "keyDown" else {}))
        wait(browser, "document.getElementById('video').played.length > 0")


@pytest.mark.slow
def test_the_deck_passes_axe_and_waits_under_reduced_motion(pages):
    with opened(pages / "deck.html", reduced=True) as browser:
        assert violations(browser) == []
        browser.js("vizDeck.go(1)")
        frame = "document.querySelector('.slide.current iframe')"
        assert violations(browser, frame) == []
        assert on_its_poster(browser, f"({frame}).contentWindow")
