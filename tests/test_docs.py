"""Docs that cannot rot: the site builds with --strict; every ``viz ...`` command in the docs
and the README is parsed by the real click command; every Python snippet runs (shrunk, see
``small_runs``); the gallery script runs and its committed page matches scenes/; the README is
short and keeps its two command blocks; the public docstrings share one style.

Every ``.md`` under docs/ is checked, so a new page is covered by adding it."""

import dataclasses
import importlib.util
import inspect
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
GENERATED = {DOCS / "gallery" / "index.md"}  # shows the scene files' source; tests/test_scenes.py runs those
SHELL = {"sh", "bash", "shell", "console", ""}
FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S)
INLINE = re.compile(r"`([^`\n]+)`")


def _name(path):
    return path.relative_to(ROOT).as_posix()


def fences(path):
    """``(language, first line number, body)`` of every fenced block of ``path``."""
    text = path.read_text()
    return [(m["lang"], text.count("\n", 0, m.start()) + 2, m["body"]) for m in FENCE.finditer(text)]


def commands(path):
    """``(where, words)`` of every ``viz ...`` command in ``path``: the lines of shell fences
    (split at ``&&``, ``;`` and ``|``, comments dropped) and inline code outside fences."""
    found = []
    for lang, line, body in fences(path):
        if lang not in SHELL:
            continue
        for offset, text in enumerate(body.splitlines()):
            for part in re.split(r"&&|;|\|", text.removeprefix("$ ")):
                words = shlex.split(part, comments=True)
                if words[:1] == ["viz"]:
                    found.append((f"{_name(path)}:{line + offset}", words))
    prose = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text())
    for match in INLINE.finditer(prose):
        words = shlex.split(match.group(1)) if match.group(1).startswith("viz ") else []
        if len(words) > 2 or words[1:2] and words[1].startswith("-"):  # `viz render` names a command: below
            found.append((f"{_name(path)}:{prose.count(chr(10), 0, match.start()) + 1}", words))
    return found


def named_commands(path):
    """Inline mentions of a command by name only (`viz render`): ``(where, name)``."""
    prose = FENCE.sub("", path.read_text())
    return [(_name(path), words[1]) for match in INLINE.finditer(prose) if match.group(1).startswith("viz ")
            for words in [shlex.split(match.group(1))] if len(words) == 2 and words[1][0].isalpha()]


def snippets(path):
    """``(where, code)`` of every ``python`` fence of ``path``."""
    return [(f"{_name(path)}:{line}", body) for lang, line, body in fences(path) if lang == "python"]


CHECKED = [*PAGES, ROOT / "README.md"]
COMMANDS = [command for path in CHECKED for command in commands(path)]
SNIPPETS = [snippet for path in CHECKED if path not in GENERATED for snippet in snippets(path)]


def test_the_docs_have_commands_and_snippets_to_check():
    # the extraction itself can fail: a page format it misses would leave nothing checked
    assert len(PAGES) >= 25 and len(COMMANDS) >= 80 and len(SNIPPETS) >= 15, (len(PAGES), len(COMMANDS), len(SNIPPETS))
    assert any(words[-2:] == ["--tune-lr", "both"] for _, words in COMMANDS)


@pytest.fixture
def reader_folder(tmp_path, monkeypatch):
    """A working folder like the repository's root (scenes/ and docs/ linked in), for files
    the docs name; outputs written there stay in tmp_path."""
    for name in ("scenes", "docs", "viz"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def parse(words):
    """Parse ``viz ...`` (``words``) with the real click commands, without running them."""
    from viz.cli import main
    from viz.errors import OptionError
    from viz.options import OPTIONS, read

    args = [word for word in words[1:] if word != "--debug"]  # viz's main() takes --debug anywhere
    try:
        if not args or args[0].startswith("-"):
            main.make_context("viz", args)
            return
        context = click.Context(main, info_name="viz")
        command = main.get_command(context, args[0])
        if command is None:
            raise click.UsageError(f"no such command {args[0]!r}")
        given = command.make_context(args[0], args[1:], parent=context).params
        read({name: value for name, value in given.items() if name in OPTIONS})  # each value, as viz reads it
    except click.exceptions.Exit as done:  # --help, --version
        assert done.exit_code == 0
    except OptionError as error:  # as the command says it: a usage error
        raise click.UsageError(str(error)) from None


@pytest.mark.parametrize("where, words", COMMANDS, ids=[where for where, _ in COMMANDS])
def test_every_command_in_the_docs_parses(where, words, reader_folder):
    for word in words:
        # a file of the reader's own (my_scenes.py) may be missing; a file of the repository may not
        if word.endswith((".py", ".npz")) and not word.startswith(("scenes/", "docs/", "-")) \
                and not Path(word).exists():
            Path(word).parent.mkdir(parents=True, exist_ok=True)
            Path(word).write_text("")
    try:
        parse(words)
    except click.ClickException as error:
        pytest.fail(f"{where}: {shlex.join(words)}: {error.format_message()}")


def test_no_tutorial_command_rewrites_an_earlier_steps_file_with_other_options(reader_folder):
    """Run in order, the tutorial's renders (its scene file saved as my_scenes.py) never write
    a file an earlier command wrote with other options: each step's result stays to look at."""
    from viz import pipeline
    from viz.cli import render

    tutorial = DOCS / "tutorial.md"
    (reader_folder / "my_scenes.py").write_text(next(code for _, code in snippets(tutorial) if "my_scenes" not in code
                                                     and "adam_vs_sgd" in code))
    written = {}
    for where, words in commands(tutorial):
        if words[1:2] != ["render"]:
            continue
        params = render.make_context("render", words[2:]).params
        jobs = pipeline.plan(params.pop("scenes"), params.pop("output"), scene=params.pop("scene"),
                             every=params.pop("every"), **{k: v for k, v in params.items() if k not in ("quiet", "jobs")})
        for job in jobs:
            made = (job.scene, job.options, job.settings)
            earlier = written.setdefault(job.path.resolve(), (where, made))
            assert earlier[1] == made, f"{where}: {shlex.join(words)} rewrites {job.path}, written at {earlier[0]}"
    assert len(written) >= 8


def test_the_tutorial_names_the_options_that_take_minutes_and_the_quick_look():
    """The tutorial promises no "seconds" for every render: it names the options that train or
    draw many times, and shows ``-s`` (the last frame) as the quick look while writing a scene."""
    tutorial = (DOCS / "tutorial.md").read_text()
    opening = tutorial.split("## 1.", 1)[0]
    assert "each render takes seconds" not in tutorial
    assert "minutes" in opening and all(f"`{option}`" in opening for option in ("--tune-lr", "--seeds", "--max-size"))
    assert "`-s`" in opening and any(words[:2] == ["viz", "render"] and "-s" in words
                                     for _, words in commands(DOCS / "tutorial.md"))


def test_commands_named_in_prose_exist():
    from viz.cli import main

    named = [mention for path in CHECKED for mention in named_commands(path)]
    assert named
    assert [(where, name) for where, name in named if name not in main.commands] == []


def test_the_command_parser_refuses_what_viz_refuses(reader_folder):
    for wrong in (["viz", "render", "scenes/logreg.py", "--colour", "red"],
                  ["viz", "render", "scenes/logreg.py", "--theme", "pink"],
                  ["viz", "render", "scenes/nothere.py"],
                  ["viz", "rendr", "scenes/logreg.py"]):
        with pytest.raises(click.UsageError):
            parse(wrong)


def small(scene):
    """``scene`` made quick: its first two optimizers; a surface runs 12 steps, the lesson one
    epoch of 4 batches, a Keras model one epoch of 4 batches; captions and pauses past its last
    step moved to it."""
    from viz.problems import KerasModel, LogReg
    from viz.problems.surface import Surface

    problem, changes = scene.problem, {"optimizers": dict(list(scene.optimizers.items())[:2])}
    if isinstance(problem, Surface):
        changes["steps"] = min(scene.steps or 300, 12)
    elif isinstance(problem, LogReg):
        changes["problem"] = dataclasses.replace(problem, epochs=1, batch_size=240)
    elif isinstance(problem, KerasModel):
        batch = max(1, -(-len(problem.x) // 4))
        changes["problem"] = dataclasses.replace(problem, epochs=1, batch_size=batch)
    shrunk = dataclasses.replace(scene, captions={}, pauses=(), **changes)  # captions and pauses: within its steps
    last = shrunk.last_step
    return dataclasses.replace(shrunk, captions={min(step, last): text for step, text in scene.captions.items()},
                               pauses=sorted({min(step, last) for step in scene.pauses}))


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory):
    """One recording cache for every snippet: many show the same (shrunk) scene."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def small_runs(monkeypatch, reader_folder, shared_cache):
    """Run doc snippets at a small size: every scene reaching ``viz.render``, ``viz.show`` or
    ``viz.record`` is shrunk by :func:`small`; at most 2 seeds; 2 learning rates for tune_lr; a
    15x15 landscape grid; pictures 160x90, at most 4 frames, no hold; recordings cached across
    snippets. The snippets stay as a lecturer writes them."""
    import viz
    from viz import pipeline, tune
    from viz.problems import cost
    from viz.record import record
    from viz.choices import pause_steps

    chosen, plan = pipeline._chosen, pipeline.plan

    def small_plan(scene_or_file, output=None, **options):
        options.update(size=(160, 90), max_frames=4, hold=0, duration=None, max_size=None, cache=True,
                       seeds=min(options.get("seeds", 1), 2))
        if options.get("steps"):
            options["steps"] = min(options["steps"], 12)
        if options.get("pause_at") is not None:  # the shrunk scenes' steps: pause at the first
            options["pause_at"] = tuple(step if step == "events" else 1 for step in pause_steps(options["pause_at"]))
        return plan(scene_or_file, output, **options)

    monkeypatch.setattr(pipeline, "_chosen", lambda *args: [(file, name, small(scene), count)
                                                            for file, name, scene, count in chosen(*args)])
    monkeypatch.setattr(pipeline, "plan", small_plan)
    monkeypatch.setattr(viz, "record", lambda scene, *args, seeds=1, **kwargs:
                        record(small(scene), *args, seeds=min(seeds, 2), **kwargs))
    monkeypatch.setattr(tune, "GRID", (1.0, 3.0))
    monkeypatch.setattr(cost, "GRID_LIMITS", (3, 15))
    monkeypatch.setattr(pipeline, "CACHE", shared_cache)  # OUTPUT_FOLDER / an absolute path is that path
    return reader_folder


@pytest.mark.slow
@pytest.mark.parametrize("where, code", SNIPPETS, ids=[where for where, _ in SNIPPETS])
def test_every_python_snippet_runs(where, code, small_runs):
    exec(compile(code, where, "exec"), {"__name__": "__main__"})


@pytest.mark.slow
def test_the_snippet_shrinking_reaches_every_door(small_runs):
    import viz
    from viz import pipeline
    from viz.scene import load_scenes

    job, = pipeline.plan("scenes/logreg.py", seeds=10, size=(1920, 1080), tune_lr="both")
    assert job.settings["seeds"] == 2 and job.options.output.size == (160, 90) and job.options.timing.max_frames == 4
    assert job.scene.problem.epochs * job.scene.problem.steps_per_epoch == 4 and len(job.scene.optimizers) == 2
    recording = viz.record(load_scenes("scenes/saddle.py")["saddle"])
    assert recording.steps == 12 and len(recording.names) == 2
    report = viz.show("scenes/saddle.py", format="gif")
    assert report.size == (160, 90)


def _build(site):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


SERVE = re.compile(r"`(python -m http\.server --directory site (\d+))`.*?(http://localhost:\2/)", re.S)


def test_the_readme_says_how_to_open_the_site_and_serve_its_search():
    """Opened from its files the site navigates (every link names a page's file, not a folder);
    its search needs a server, and the README gives the one command that serves it."""
    readme = (ROOT / "README.md").read_text()
    assert "open `site/index.html`" in readme and SERVE.search(readme), readme
    assert re.search(r"^use_directory_urls: false\b", (ROOT / "mkdocs.yml").read_text(), re.M)


@pytest.mark.slow
def test_the_site_builds_strict_with_generated_reference(tmp_path):
    site = tmp_path / "site"
    result = _build(site)
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    for page in PAGES:
        assert (site / page.relative_to(DOCS).with_suffix(".html")).is_file(), page
    cli = (site / "reference/cli.html").read_text()
    assert "--tune-lr" in cli and "viz export" in cli  # mkdocs-click read the real commands
    assert "scene_or_file" in (site / "reference/api.html").read_text()  # mkdocstrings
    surfaces = (site / "reference/surfaces.html").read_text()
    assert "six_hump_camel" in surfaces and "(3, 0.5) = 0" in surfaces  # the hook's table
    options = (site / "reference/options.html").read_text()
    assert "<code>--max-frames</code>" in options and "<code>--no-readout</code>" in options  # from the table
    assert "fixed_steps" in (site / "reference/problems.html").read_text()  # the Problem contract
    gallery = (site / "gallery/index.html").read_text()
    for video in re.findall(r'<video src="([^"]+)"', gallery):
        assert (site / "gallery" / video).is_file()
    for page in set(site.rglob("*.html")) - {site / "404.html"}:  # from the files: every link names a file
        for link in re.findall(r'<a [^>]*href="([^"#:?]+)(?:#[^"]*)?"', page.read_text()):
            assert (page.parent / link).is_file(), f"{page.relative_to(site)} links to {link}, which is no file"
    _served(site)


def _served(site):
    """The README's command, run beside ``site``, serves the pages and the search index."""
    import socket
    import time
    import urllib.request

    command, port, url = SERVE.search((ROOT / "README.md").read_text()).groups()
    with socket.socket() as free:
        free.bind(("localhost", 0))
        ours = str(free.getsockname()[1])  # the README's port may be taken on a shared machine
    server = subprocess.Popen([sys.executable if word == "python" else ours if word == port else word
                               for word in command.split()], cwd=site.parent, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for attempt in range(100):
            try:
                with urllib.request.urlopen(url.replace(port, ours) + "search/search_index.json") as reply:
                    assert b'"docs"' in reply.read()
                break
            except urllib.error.URLError:
                time.sleep(0.1)
        else:
            pytest.fail(f"{command} served nothing")
        with urllib.request.urlopen(url.replace(port, ours)) as reply:
            assert b"viz" in reply.read()
    finally:
        server.terminate()
        server.wait()


def scene_files(folder):
    spec = importlib.util.spec_from_file_location("gallery", DOCS / "gallery.py")
    gallery = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gallery)
    return gallery, gallery.scene_files(folder)


def test_the_gallery_shows_every_scene_file_as_it_is():
    _, files = scene_files(ROOT / "scenes")
    page = (DOCS / "gallery" / "index.md").read_text()
    for path in files:
        heading = f"## `{_name(path)}`"
        assert heading in page, f"{_name(path)} is not in the gallery: run python docs/gallery.py"
        section = page.split(heading, 1)[1].split("\n## ", 1)[0]
        assert f"```py\n{path.read_text().rstrip()}\n```" in section, \
            f"{_name(path)} changed since the gallery was made: run python docs/gallery.py"
    for picture in re.findall(r'(?:src|poster)="([^"]+)"', page):
        assert (DOCS / "gallery" / picture).is_file(), picture


@pytest.mark.slow
def test_the_gallery_script_renders_every_scene_of_every_file(tmp_path, monkeypatch):
    from PIL import Image

    scenes = tmp_path / "scenes"
    (scenes / "chapter").mkdir(parents=True)
    (scenes / "saddle.py").write_text((ROOT / "scenes" / "saddle.py").read_text())
    (scenes / "chapter" / "valley.py").write_text(
        "from viz import Scene, surfaces\n"
        "valley = Scene(title='Valley', problem=surfaces.get('valley'), optimizers={'SGD': 'sgd'}, steps=10)\n"
        "momentum = Scene(title='Momentum', problem=surfaces.get('valley'), optimizers={'SGD': 'sgd', "
        "'momentum': {'class_name': 'SGD', 'config': {'momentum': 0.9}}}, steps=10)\n")
    (scenes / "_helpers.py").write_text("raise SystemExit('not a scene file')\n")
    gallery, files = scene_files(scenes)
    assert [path.relative_to(scenes).as_posix() for path in files] == ["chapter/valley.py", "saddle.py"]
    out = tmp_path / "gallery"
    monkeypatch.chdir(tmp_path)
    gallery.main(["--scenes", str(scenes), "--out", str(out), "--size", "160x90", "--max-frames", "3"])
    made = sorted(path.name for path in out.iterdir())
    assert made == ["chapter_valley_momentum.mp4", "chapter_valley_momentum.png",
                    "chapter_valley_momentum.transcript.txt", "chapter_valley_valley.mp4", "chapter_valley_valley.png",
                    "chapter_valley_valley.transcript.txt", "index.md", "saddle.mp4", "saddle.png",
                    "saddle.transcript.txt"]
    page = (out / "index.md").read_text()
    assert page.count('<video src="') == 3 and page.count("```py\n") == 2
    assert page.count('aria-label="') == 3 and '(<a href="saddle.transcript.txt">transcript</a>)' in page
    assert "viz render " in page and "--scene momentum -q l --size 160x90 --max-frames 3 -s -o " in page
    with Image.open(out / "saddle.png") as poster:
        assert poster.size == (160, 90)


def test_the_readme_is_short_and_keeps_its_command_blocks():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.encode()) < 8000
    for block, command in (("render-command", "pip install -e . && viz render scenes/logreg.py"),
                           ("test-command", 'pip install -e ".[test,docs,ray]" && python -m pytest -n 2')):
        inside = readme.split(f"<!-- {block} -->\n```sh\n", 1)[1].split("\n```\n<!-- /" + block + " -->")[0]
        assert inside.startswith("python3 -m venv .venv && . .venv/bin/activate && ") and inside.endswith(command)
    assert "docs/logreg.gif" in readme and "CC BY 4.0" in readme and "MIT" in readme
    for link in re.findall(r"\]\(([^)#:]+)\)", readme):
        assert (ROOT / link).exists(), link


def test_the_docs_extra_has_the_site_builders():
    import configparser

    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg")
    docs = setup["options.extras_require"]["docs"]
    for package in ("mkdocs-material", "mkdocstrings[python]", "mkdocs-click"):
        assert package in docs


def public_api():
    import viz
    from viz import problems, surfaces
    from viz.api import Animation
    from viz.recording import Recording
    from viz.scene import load_scenes

    from viz.problems.surface import Surface

    return [viz.render, viz.show, viz.record, viz.Scene, load_scenes, surfaces.get, surfaces.custom, Surface,
            problems.logreg, problems.keras_model, problems.LogReg, problems.KerasModel, Animation, Animation.save,
            Recording, Recording.save, Recording.load, Recording.to_csv]


@pytest.mark.parametrize("thing", public_api(), ids=lambda thing: thing.__qualname__)
def test_public_docstrings_share_one_style(thing):
    from viz import problems

    doc = inspect.getdoc(thing)
    summary, _, rest = doc.partition("\n")
    assert summary.endswith(".") and (not rest or rest.startswith("\n")), f"one-line summary, then a blank line: {doc}"
    names = [name for name in inspect.signature(thing).parameters if name not in ("self", "cls")]
    section = next((name for name in ("Args", "Attributes") if f"\n{name}:\n" in doc), None)
    if names and thing is not problems.KerasModel:  # KerasModel's fields are keras_model's arguments
        assert section, f"no Args: {doc}"
        documented = re.findall(r"^    (\w+): ", doc.split(f"\n{section}:\n", 1)[1].split("\n\n", 1)[0], re.M)
        assert set(documented) <= set(names), documented
    if not inspect.isclass(thing) and thing.__name__ not in ("save", "to_csv"):
        assert "\nReturns:\n" in doc
