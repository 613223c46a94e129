"""The "What if?" explorer: the grid of runs recorded as viz render records them, one offline
page driven in headless Chromium through its ``window.viz`` interface, compared with
``viz.record`` of the same scene at each value and, for click to start, from the same start."""

import json
import re
import shlex
import time

import numpy as np
import pytest

import viz
from viz.cli import main
from viz.errors import OptionError
from viz.explore import build, grid
from viz.varied import with_values

from browser import CHROMIUM, NO_CHROMIUM, Chromium

SURFACE = """
from viz import Scene, surfaces

beale = Scene(title="Beale", problem=surfaces.get("beale", start=(1.0, 1.5)),
              optimizers={"SGD": "sgd", "SGD momentum=0.3": {"class_name": "SGD", "config": {"momentum": 0.3}},
                          "Adam": "adam", "RMSprop": "rmsprop"},
              learning_rate=0.01, steps=30)
"""
PORTED = {"SGD": "sgd", "momentum": {"class_name": "SGD", "config": {"momentum": 0.9}},
          "nesterov": {"class_name": "SGD", "config": {"momentum": 0.9, "nesterov": True}},
          "Adam": "adam", "Adagrad": "adagrad", "RMSprop": "rmsprop",
          "RMSprop centred": {"class_name": "RMSprop", "config": {"momentum": 0.5, "centered": True}},
          "Adamax": "adamax", "Nadam": "nadam", "AdamW": "adamw", "Lion": "lion"}


def page_data(path):
    return json.loads(re.search(r'<script type="application/json" id="viz-data">(.*?)</script>',
                                path.read_text(), re.S).group(1))


def test_vary_reads_lists_and_log_spaced_rates():
    values = grid.parse(["learning_rate=1e-3:1:13", "momentum=0.9,0"])
    rates = values["learning_rate"]
    assert len(rates) == 13 and rates[0] == 0.001 and rates[-1] == 1.0 and rates[6] == 0.03162
    assert values["momentum"] == (0.0, 0.9)
    assert grid.parse({"batch_size": [16, 64], "seed": "0,1"}) == {"batch_size": (16, 64), "seed": (0, 1)}
    for wrong in (["lr=0.1"], ["learning_rate=0.1:0.01:3"], ["momentum=2"], ["batch_size=1.5"],
                  ["seed=1,1"], ["learning_rate"], []):
        with pytest.raises(OptionError):
            grid.parse(wrong)


def test_the_explore_command_refuses_in_one_line(runner, scene_file, outputs):
    path = scene_file(SURFACE, name="beale.py")
    for args, says in ((["--vary", "batch_size=8,16"], "is a surface"), (["--vary", "x=1"], "varies one of"),
                       (["--vary", "learning_rate=0.1", "-o", "page.txt"], "an .html file")):
        result = runner.invoke(main, ["explore", str(path), *args])
        assert result.exit_code == 2 and says in result.output, result.output


@pytest.mark.slow
def test_one_value_render_options_record_what_the_grid_records(scene_file, outputs):
    """A grid cell's runs are the ones viz render records with --learning-rate and --momentum."""
    path = scene_file(SURFACE, name="beale.py")
    scene = viz.scene.load_scenes(path)["beale"]
    made = build(path, outputs / "b.html", vary=["learning_rate=0.01,0.05", "momentum=0,0.9"])
    data = page_data(made.path)
    assert made.runs == len(data["paths"]) == 2 * (3 * 2 + 1)  # SGD, momentum, RMSprop have a momentum; Adam not
    for cell, (rate, momentum) in enumerate([(r, m) for r in (0.01, 0.05) for m in (0.0, 0.9)]):
        recording = viz.record(with_values(scene, learning_rate=rate, momentum=momentum))
        for o, run in enumerate(data["runs"][cell]):
            xy = np.array(data["paths"][run]["xy"], dtype=float).reshape(-1, 2)
            np.testing.assert_allclose(xy, recording.params[o], rtol=1e-12, atol=1e-15)  # one compiled loop: ulps


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail(NO_CHROMIUM, pytrace=False)
    chromium = Requests("about:blank")
    chromium.send("Network.enable")
    yield chromium
    chromium.close()


class Requests(Chromium):
    """Chromium that keeps every URL the page asks for."""

    asked = ()

    def saw(self, reply):
        if reply.get("method") == "Network.requestWillBeSent":
            self.asked = (*self.asked, reply["params"]["request"]["url"])


def load(browser, path, fragment=""):
    browser.url = path.as_uri() + fragment
    browser.send("Page.navigate", url="about:blank")
    browser.send("Page.navigate", url=browser.url)
    deadline = time.monotonic() + 20
    while browser.js("document.readyState === 'complete' && !!window.viz && viz.drawn()") is not True:
        assert time.monotonic() < deadline, "the explorer did not load"
        time.sleep(0.05)


@pytest.mark.slow
def test_paths_on_the_page_are_the_recordings_at_each_value(browser, scene_file, outputs):
    path = scene_file(SURFACE, name="beale.py")
    scene = viz.scene.load_scenes(path)["beale"]
    made = build(path, outputs / "beale.html", vary=["learning_rate=0.001:0.1:3", "momentum=0,0.5"])
    page = made.path.read_text()
    inline = viz.explore(path, vary={"learning_rate": "0.001:0.1:3", "momentum": [0, 0.5]})  # Jupyter: from the cache
    assert inline.fmt == "html" and "srcdoc=" in inline._repr_html_()
    shown_inline = json.loads(re.search(r'id="viz-data">(.*?)</script>', inline.data.decode(), re.S).group(1))
    for key, value in page_data(made.path).items():
        assert shown_inline[key] == value, (key, str(value)[:300], str(shown_inline[key])[:300])
    assert "http://" not in page and "https://" not in page and "default-src 'none'" in page
    browser.asked = ()
    load(browser, made.path)
    assert all(url.startswith(("file:", "data:", "about:")) for url in browser.asked), browser.asked
    for rate in (0.001, 0.01, 0.1):
        for momentum in (0.0, 0.5):
            snapped = browser.js(f"viz.set({{learning_rate: {rate * 1.1}, momentum: {momentum + 0.1}}})")
            assert snapped == {"learning_rate": rate, "momentum": momentum}
            assert browser.js("viz.settings()") == snapped
            shown = browser.js("viz.paths()")
            recording = viz.record(with_values(scene, learning_rate=rate, momentum=momentum))
            for o, points in enumerate(shown):
                mine = np.array(points, dtype=float)
                ref = recording.params[o]
                assert np.allclose(mine, ref, rtol=1e-9, atol=1e-12, equal_nan=True)
            losses = np.array(browser.js("viz.losses()"), dtype=float)
            assert np.allclose(losses, recording.loss, rtol=1e-9, equal_nan=True)
    # the fragment holds the state; the command states every varied value and parses
    browser.js("viz.step(12)")
    fragment = browser.js("location.hash")
    assert fragment == "#learning_rate=0.1&momentum=0.5&step=12"
    command = browser.js("viz.command()").splitlines()[0]
    words = shlex.split(command)
    assert words[:2] == ["viz", "render"] and "--learning-rate" in words and "--momentum" in words
    main.commands["render"].make_context("render", words[2:])
    load(browser, made.path, "#learning_rate=0.01&momentum=0&step=5")
    assert browser.js("viz.settings()") == {"learning_rate": 0.01, "momentum": 0.0}
    assert browser.js("viz.step()") == 5


@pytest.mark.slow
@pytest.mark.parametrize("surface,start,rate", [("rosenbrock", (-1.2, 1.0), 1e-3), ("himmelblau", (0.5, -1.5), 0.01),
                                                 ("booth", (8.0, -8.0), 0.01), ("beale", (-3.0, -3.0), 0.001)])
def test_click_to_start_runs_keras_update_rules(browser, scene_file, outputs, surface, start, rate):
    """startAt's paths equal viz's float64 recordings of the same start (300 steps), for every
    ported optimizer, wherever the path is not chaotic: where ulp-sized gradient noise moves
    the page's own path by 1e-12 or more, its last bits are not a property of the port."""
    path = scene_file(f"""
from viz import Scene, surfaces
scene = Scene(title="port", problem=surfaces.get({surface!r}), optimizers={PORTED!r}, learning_rate={rate!r},
              steps=300)
""", name=f"{surface}.py")
    scene = viz.scene.load_scenes(path)["scene"]
    made = build(path, outputs / f"{surface}.html", vary=[f"learning_rate={rate}"])
    load(browser, made.path)
    shown = browser.js(f"viz.startAt({start[0]}, {start[1]})")
    assert browser.js("location.hash").endswith(f"&start={start[0]:g},{start[1]:g}")
    assert f"--start {start[0]:g},{start[1]:g}" in browser.js("viz.command()")
    configs = json.dumps([page_data(made.path)["configs"][run] for run in page_data(made.path)["runs"][0]])
    shaken = browser.js(f"VizOptimizers.run({surface!r}, {configs}, [{start[0]}, {start[1]}], 300, 1e-15)"
                        ".map(p => p.xy)")
    recording = viz.record(with_values(scene, start=start))
    checked = []
    for o, label in enumerate(recording.names):
        mine = np.array(shown[o], dtype=float)
        noisy = np.array(shaken[o], dtype=float).reshape(-1, 2)
        scale = np.maximum(np.abs(recording.params[o]), 1.0)
        if np.nanmax(np.abs(noisy - mine) / scale) >= 1e-12:
            continue  # chaotic
        assert np.array_equal(np.isnan(mine), np.isnan(recording.params[o])), label
        assert np.nanmax(np.abs(mine - recording.params[o]) / scale) <= 1e-9, label
        checked.append(label)
    assert len(checked) >= len(PORTED) - 2, checked


@pytest.mark.slow
def test_the_lesson_grid_over_rates_batch_sizes_and_seeds_is_what_viz_record_records(browser, scene_file, outputs):
    """Every cell of the lesson's grid shows viz.record of the lesson at those values, on the
    page's one plane (1e-5: model.fit's float32 weights)."""
    from viz.plane import coordinates

    path = scene_file("""
from viz import Scene, problems
lesson = Scene(title="lesson", problem=problems.logreg(epochs=1, batch_size=32),
               optimizers={"SGD momentum=0.3": {"class_name": "SGD", "config": {"momentum": 0.3}}, "Adam": "adam"},
               learning_rate=0.01)
""", name="lesson.py")
    scene = viz.scene.load_scenes(path)["lesson"]
    made = build(path, outputs / "lesson.html", vary={"learning_rate": [0.05, 0.5], "batch_size": "32,64",
                                                       "seed": [0, 1]})
    manifest = json.loads((outputs / "lesson.html.json").read_text())
    assert manifest["vary"] == {"learning_rate": [0.05, 0.5], "batch_size": [32, 64], "seed": [0, 1]}
    assert len(manifest["recordings_sha256"]) == 4 and manifest["click_to_start"] is None
    plane = page_data(made.path)["plane"]
    origin, basis = np.array(plane["origin"]), np.array(plane["basis"])
    load(browser, made.path)
    assert "built-in surfaces only" in browser.js("document.body.textContent")
    with pytest.raises(RuntimeError, match="built-in surfaces"):
        browser.js("viz.startAt(0, 0)")
    for rate in (0.05, 0.5):
        for batch in (32, 64):
            for seed in (0, 1):
                browser.js(f"viz.set({{learning_rate: {rate}, batch_size: {batch}, seed: {seed}}})")
                recording = viz.record(with_values(scene, learning_rate=rate, batch_size=batch), seed=seed)
                expected = coordinates(recording.params, origin, basis)
                shown = np.array(browser.js("viz.paths()"), dtype=float)
                assert shown.shape == expected.shape
                scale = np.abs(expected).max()
                assert np.abs(shown - expected).max() <= 1e-5 * scale, (rate, batch, seed)
                command = browser.js("viz.command()")
                assert f"--learning-rate {rate:g} --batch-size {batch} --seed {seed}" in command


@pytest.mark.slow
def test_the_page_works_in_firefox_too(scene_file, outputs):
    """Firefox (WebDriver BiDi): the recorded paths at a value, click to start and the fragment."""
    from firefox import FIREFOX, NO_FIREFOX, Firefox

    if FIREFOX is None:
        pytest.fail(NO_FIREFOX, pytrace=False)
    path = scene_file(SURFACE, name="beale.py")
    scene = viz.scene.load_scenes(path)["beale"]
    made = build(path, outputs / "beale.html", vary=["learning_rate=0.001,0.01", "momentum=0,0.5"])
    firefox = Firefox()
    try:
        firefox.open(made.path.as_uri() + "#learning_rate=0.001&momentum=0.5&step=7")
        assert firefox.js("viz.settings()") == {"learning_rate": 0.001, "momentum": 0.5}
        assert firefox.js("viz.step()") == 7
        recording = viz.record(with_values(scene, learning_rate=0.001, momentum=0.5))
        assert np.allclose(np.array(firefox.js("viz.paths()"), dtype=float), recording.params, rtol=1e-9, atol=1e-12)
        shown = np.array(firefox.js("viz.startAt(-1, 2)"), dtype=float)
        started = viz.record(with_values(scene, learning_rate=0.001, momentum=0.5, start=(-1, 2)))
        assert np.allclose(shown, started.params, rtol=1e-9, atol=1e-12)  # 30 steps: none of them chaotic
        assert firefox.js("location.hash") == "#learning_rate=0.001&momentum=0.5&step=7&start=-1,2"
    finally:
        firefox.close()


@pytest.mark.slow
def test_a_surface_with_several_starts_shows_each_optimizer_from_each(scene_file, outputs):
    path = scene_file("""
from viz import Scene, surfaces
two = Scene(title="two", problem=surfaces.get("himmelblau", start=[(0.0, 0.0), (-0.5, -1.5)]),
            optimizers={"SGD": "sgd", "Adam": "adam"}, learning_rate=0.01, steps=10)
""", name="two.py")
    scene = viz.scene.load_scenes(path)["two"]
    data = page_data(build(path, outputs / "two.html", vary=["learning_rate=0.01,0.02"]).path)
    assert data["labels"] == ["SGD, start 1", "SGD, start 2", "Adam, start 1", "Adam, start 2"]
    assert data["optimizers"] == ["SGD", "SGD", "Adam", "Adam"]
    for cell, rate in enumerate((0.01, 0.02)):
        recording = viz.record(with_values(scene, learning_rate=rate))
        assert len(recording.names) == 4
        for o, run in enumerate(data["runs"][cell]):
            xy = np.array(data["paths"][run]["xy"], dtype=float).reshape(-1, 2)
            np.testing.assert_allclose(xy, recording.params[o], rtol=1e-12, atol=1e-15)
