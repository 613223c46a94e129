"""The option table: each row's default passes its own reader, its choices are the only values
it takes, the checked options come back in DESIGN's groups, and the table imports nothing of
the renderer."""

import ast
from pathlib import Path

import pytest

from viz import choices, options
from viz.errors import OptionError
from viz.options import GROUPS, OPTIONS, TABLE, read


def test_every_row_is_in_one_of_designs_groups_and_its_default_passes_its_reader():
    assert GROUPS == ("Output", "Look", "Timing", "Layout", "Recording")
    assert len(OPTIONS) == len(TABLE)  # one row a name
    for row in TABLE:
        assert row.group in GROUPS and row.help and set(row.doors) <= set(options.ALL_DOORS)
        row.check(row.default)


@pytest.mark.parametrize("row", [row for row in TABLE if row.choices and row.name not in ("overlays", "panels")],
                         ids=lambda row: row.name)
def test_a_choice_is_taken_and_anything_else_refused_by_its_keyword(row):
    for choice in row.choices:
        assert row.check(choice) == choice
    with pytest.raises(OptionError) as refused:
        row.check("nonsense")
    assert refused.value.keyword == row.name and "choose one of" in refused.value.reason


@pytest.mark.parametrize("keyword, value", [("fps", 0), ("fps", float("inf")), ("hold", -1), ("seeds", 0),
                                            ("seeds", 101), ("seeds", 2.0), ("seed", -1), ("trail", 0),
                                            ("max_frames", 1), ("pause", 0), ("font_scale", 2), ("size", "641x360"),
                                            ("camera", "120,0"), ("time_budget", 0), ("memory_budget", "10KB"),
                                            ("overlays", "gradient,gradient"), ("panels", "contour")])
def test_a_value_out_of_range_is_refused_by_its_keyword(keyword, value):
    with pytest.raises(OptionError) as refused:
        read({keyword: value})
    assert refused.value.keyword == keyword


def test_read_options_come_in_their_groups():
    chosen = read({"theme": "dark", "seeds": 3, "size": "640x360", "pause_at": "8,events"})
    assert chosen.look.theme == "dark" and chosen.recording.seeds == 3 and chosen.output.size == (640, 360)
    assert chosen.timing.pause_at == (8, "events") and chosen.layout.panels == (None, ())
    assert chosen["theme"] == "dark" and set(chosen.keys()) == set(OPTIONS)
    with pytest.raises(TypeError, match="unknown render option 'colour'"):
        read({"colour": "red"})


@pytest.mark.parametrize("module", [options, choices], ids=["options", "choices"])
def test_the_table_imports_nothing_of_the_renderer(module):
    tree = ast.parse(Path(module.__file__).read_text())
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [name for name in imported if name.startswith(("viz.render", "numpy", "matplotlib"))]


def test_the_render_options_are_grouped_by_the_rows_they_come_from():
    """Each drawn row is a field of its own group in the renderer's options; the fields the
    rules make sit in the group of the row they come from (MADE); fields go by name."""
    from viz.render.options import FIELDS, MADE, Options

    assert set(FIELDS) == {row.name for row in TABLE if row.drawn} | {name for name, _, _ in MADE}
    for row in TABLE:
        if row.drawn:
            assert getattr(getattr(Options(), row.group.lower()), row.name) == row.check(row.default)
    assert {name: FIELDS[name][0] for name, _, _ in MADE} == {name: OPTIONS[row].group for name, row, _ in MADE}
    chosen = Options.of(size=(640, 360), theme="dark", extras=("line",), fps=10)
    assert (chosen.output.size, chosen.look.theme, chosen.layout.extras, chosen.timing.fps) == \
        ((640, 360), "dark", ("line",), 10)
    assert chosen.frame_rate == 10 and Options.of(fmt="mp4").frame_rate == 30  # the format's own
    assert chosen.replace() is chosen and chosen.replace(hold=0).look == chosen.look  # other groups kept as they are
    assert Options.of(**chosen.flat()) == chosen
    with pytest.raises(TypeError, match="no render option 'colour'"):
        chosen.replace(colour="red")
