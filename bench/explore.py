"""The explorer's numbers: page size, and the swap time in headless Chromium (viz.set plus the
page's drawing in the next animation frame, the wait for the frame excluded), median of 50
swaps between random cells; in Firefox too with --firefox.

    python bench/explore.py [--firefox] outputs/logreg.explore.html [more pages]

Record the pages first (``viz explore ...``); the cold recording ratio is two timed commands
(see docs/explanation/measured.md)."""

import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from firefox import Firefox  # noqa: E402  (the tests' WebDriver BiDi driver)
from test_player import Chromium  # noqa: E402  (the tests' DevTools driver)

SWAPS = 50


def swap_times(browser, settings):
    """Milliseconds of each of SWAPS swaps to a random other cell: set() and the next frame's drawing."""
    random.seed(0)
    times = []
    for _ in range(SWAPS):
        values = {s["name"]: random.choice(s["values"]) for s in settings}
        times.append(browser.js("""new Promise(done => {
            const begun = performance.now(); viz.set(%s); const set = performance.now() - begun;
            requestAnimationFrame(() => done(set + viz.timing().draw)); })""" % json.dumps(values)))
    return times


def main(pages):
    firefox = "--firefox" in pages
    for page in [Path(page) for page in pages if page != "--firefox"]:
        browser = Firefox() if firefox else Chromium(page.resolve().as_uri())
        try:
            if firefox:
                browser.open(page.resolve().as_uri())
            else:
                browser.send("Page.navigate", url=browser.url)
            while browser.js("document.readyState === 'complete' && !!window.viz && viz.drawn()") is not True:
                time.sleep(0.05)
            settings = browser.js("JSON.parse(document.getElementById('viz-data').textContent).settings")
            times = swap_times(browser, settings)
        finally:
            browser.close()
        print(f"{'Firefox' if firefox else 'Chromium'} {page}: {page.stat().st_size / 1e6:.2f} MB; swap median {statistics.median(times):.2f} ms, "
              f"max {max(times):.2f} ms over {SWAPS}")


if __name__ == "__main__":
    main(sys.argv[1:])
