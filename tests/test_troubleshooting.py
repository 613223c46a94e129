"""The troubleshooting page's table of errors, row by row: each row's message is what viz prints
for a mistake that makes it (``...`` stands for any text, ``/home/me`` for the folder it ran in)
and its exit code is the one the row states."""

import re
import sys
from pathlib import Path

import pytest
from test_faults import full_disk

from viz.cli import main
from viz.render import writers

PAGE = Path(__file__).resolve().parent.parent / "docs" / "howto" / "troubleshooting.md"
SURFACE = ("from viz import Scene, surfaces\n"
           "{name} = Scene('{name}', surfaces.get('booth', start=(-2.0, 2.0)), optimizers={{'SGD': 'sgd'}}, "
           "learning_rate={rate}, steps=4)\n")
SCHEDULE = ("from viz import Scene, surfaces\n"
            "s = Scene('s', surfaces.get('matyas'), steps=4, optimizers={'SGD': {'class_name': 'SGD', 'config': {"
            "'learning_rate': {'class_name': 'ExponentialDecay', 'config': {'initial_learning_rate': 0.1, "
            "'decay_steps': 10, 'decay_rate': 0.9}}}}})\n")
LOGREG = "from viz import Scene, problems\nlogreg = Scene('logreg', problems.logreg(epochs=1, batch_size=256))\n"
QUICK = ["-s", "--format", "png", "--size", "160x90"]


def rows():
    """``(message, meaning)`` of every row of the page's table."""
    table = PAGE.read_text().split("| you see | what it means |\n|---|---|\n", 1)[1].split("\n\n", 1)[0]
    return [tuple(cell.strip().strip("`") for cell in line.strip("|").split(" | ", 1)) for line in table.splitlines()]


def surface(name="x", rate=0.01):
    return SURFACE.format(name=name, rate=rate)


def interrupted(*args, **kwargs):
    raise KeyboardInterrupt


FROZEN = ("import keras\nimport numpy as np\nfrom viz import Scene, problems\n"
          "def build():\n    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation='sigmoid', "
          "trainable=False)])\n"
          "m = Scene('m', problems.keras_model(build, np.zeros((8, 2)), np.zeros(8)), optimizers={'SGD': 'sgd'})\n")
CUSTOM = ("from viz import Scene, surfaces\ndef f(x, y):\n    return B * x ** 2 + y ** 2\n"
          "x = Scene('x', surfaces.custom(f, domain=((-2, 2), (-2, 2)), start=(1.0, 1.0)), steps=4)\n")

# The first words of each row's message -> (files to write, the command, what to change first)
MAKE = {
    "Error: Invalid value for 'SCENES'": ({}, ["render", "scenes/lesson.py"], None),
    "Error: scenes holds no scene files": ({"scenes/notes.py": "x = 1\n"}, ["render", "scenes/"], None),
    "Error: /home/me/x.py:3: syntax error": ({"x.py": "from viz import Scene\n\na = Scene('a', dict(x=1)\n"},
                                             ["render", "x.py"], None),
    "Error: /home/me/x.py: NameError": ({"x.py": "from viz import Scene, problems\n\nx = Scene('x', "
                                                 "problems.logreg(), learning_rate=rate)\n"}, ["render", "x.py"], None),
    "Error: /home/me/x.py: called sys.exit(0)": ({"x.py": "import sys\nsys.exit(0)\n"}, ["render", "x.py"], None),
    "Error: --scene: scenes/x.py defines several scenes": ({"scenes/x.py": surface("a") + surface("b")},
                                                           ["render", "scenes/x.py"], None),
    "Error: /home/me/x.py: unknown surface": ({"x.py": surface().replace("booth", "rosenbrok")}, ["render", "x.py"],
                                              None),
    "Error: /home/me/x.py: Scene learning_rate": ({"x.py": surface(rate=0)}, ["render", "x.py"], None),
    "Error: /home/me/x.py: Scene title": ({"x.py": surface().replace("'x', surfaces", "'Lecture\\x0b4', surfaces")},
                                          ["render", "x.py"], None),
    "Error: --steps 100000000": ({"x.py": surface()}, ["render", "x.py", "--steps", "100000000"], None),
    "warning: in 'x' every optimizer diverged": ({"x.py": surface(rate=1e6)}, ["render", "x.py", *QUICK], None),
    "Error: --size 641x360": ({"x.py": surface()}, ["render", "x.py", "--size", "641x360"], None),
    "Error: cannot write into talks": ({"x.py": surface(), "talks/": None},
                                       ["render", "x.py", "-o", "talks/x.gif"], "read-only"),
    "Error: cannot write outputs/x.gif": ({"x.py": surface()}, ["render", "x.py", "--size", "160x90"], "full"),
    "warning: the cached recording": ({"x.py": surface()}, ["render", "x.py", *QUICK], "damaged"),
    "Error: ...name 'B' is not defined": ({"x.py": CUSTOM}, ["render", "x.py", *QUICK], None),
    "Error: even with": ({"x.py": surface()}, ["render", "x.py", "--size", "160x90", "--max-size", "100B"],
                         "tiny budget"),
    "Error: interrupted": ({"x.py": surface()}, ["render", "x.py", *QUICK], "interrupt"),
    "Error: --seeds 3: scene 'himmelblau'": ({"x.py": surface("himmelblau")}, ["render", "x.py", "--seeds", "3"], None),
    "Error: --tune-lr tuned: scene 's'": ({"x.py": SCHEDULE}, ["render", "x.py", "--tune-lr"], None),
    "Error: --view 3d: scene 'logreg'": ({"x.py": LOGREG}, ["render", "x.py", "--view", "3d"], None),
    "Error: --panels pie": ({"x.py": surface()}, ["render", "x.py", "--panels", "pie"], None),
    "Error: scene 'm': keras_model build()": ({"x.py": FROZEN}, ["render", "x.py"], None),
}


def test_every_row_has_one_way_to_make_it():
    starts = [[start for start in MAKE if message.startswith(start)] for message, _ in rows()]
    assert all(len(found) == 1 for found in starts) and len(rows()) == len(MAKE), starts


SLOW = {"Error: even with", "Error: cannot write outputs/x.gif"}  # these encode GIFs


@pytest.mark.parametrize("start", [pytest.param(start, marks=pytest.mark.slow) if start in SLOW else start
                                   for start in MAKE])
def test_each_row_is_what_viz_says(runner, tmp_path, monkeypatch, start):
    files, args, change = MAKE[start]
    (message, meaning), = [row for row in rows() if row[0].startswith(start)]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys.modules["viz.pipeline"], "OUTPUT_FOLDER", Path("outputs"))
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            (tmp_path / name).mkdir()
        else:
            (tmp_path / name).write_text(text)
    if change == "read-only":
        def refused(*args, **kwargs):  # as a folder the user may not write to (the tests may run as root)
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("tempfile.TemporaryFile", refused)
    elif change == "full":
        monkeypatch.setattr(writers, "atomic_path", full_disk)
    elif change == "damaged":
        assert runner.invoke(main, args).exit_code == 0
        entry, = (tmp_path / "outputs" / ".cache").iterdir()
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 0xFF
        entry.write_bytes(bytes(data))
    elif change == "tiny budget":  # the least budget viz takes, 10KB, is always met by 2 frames at 160x90
        from viz.choices import budget

        monkeypatch.setattr(budget, "__defaults__", ("max_size", 100, "at least 100 bytes"))
    elif change == "interrupt":
        monkeypatch.setattr("viz.pipeline.record", interrupted)
    result = runner.invoke(main, args)
    said = [line.replace(str(tmp_path), "/home/me") for line in result.output.splitlines()]
    pattern = ".*".join(map(re.escape, message.split("...")))
    assert any(re.fullmatch(pattern, line) for line in said), (message, said)
    code = re.search(r"\(exit (\d+)", meaning)
    assert code, f"the row does not say its exit code: {meaning}"
    assert result.exit_code == int(code.group(1))
