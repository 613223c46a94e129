"""The layout rules hold on generated scenes in the 3D view (tests/generated_scenes.py's
``generated_3d``): each is rendered to a PDF still (its last frame) and checked from the PDF's
text boxes and the recording's numbers, as tests/test_layout_rules.py checks the 2D ones.
3 scenes in the fast tier, 30 more in the slow one."""

import pytest

from tests.generated_scenes import generated_3d
from tests.least_size import rule_10
from tests.layout_rules import finals, read_pdf, rule_1, rule_3, rule_5, rule_6, rule_7, rule_8
from tests.test_layout_rules import still

FAST, SLOW = 2, 30


def check(seed, tmp_path, monkeypatch):
    """Render ``generated_3d(seed)``'s last frame as a PDF and check rules 1, 3, 5, 7 and 8 on
    it, or, where a label is in a script the font lacks, that it is refused (rule 6) (rule 4 is about direct labels, which the 3D view does not draw; rule 9 about the
    legend, which is the 2D view's: tests/test_view3d.py checks it in 3D)."""
    scene, keywords = generated_3d(seed)
    if rule_6(scene, keywords, tmp_path / "frame.pdf"):  # refused before training, naming the characters
        return
    path = tmp_path / "frame.pdf"
    recording, _ = still(scene, path, monkeypatch, **keywords)
    lines, _, page = read_pdf(path, keywords["size"][0])
    labels = list(recording.names)
    broken = rule_1(lines, page) + rule_3(lines, labels, finals(recording)) + rule_5(lines, labels) \
        + rule_7(lines, labels) + rule_8(lines) + rule_10(path, keywords["size"], keywords["font_scale"])
    assert not broken, f"seed {seed} ({keywords}, {labels}):\n" + "\n".join(broken)


@pytest.mark.parametrize("seed", range(FAST))
def test_rules_hold_in_3d(seed, tmp_path, monkeypatch):
    check(seed, tmp_path, monkeypatch)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(FAST, FAST + SLOW))
def test_rules_hold_in_3d_on_many(seed, tmp_path, monkeypatch):
    check(seed, tmp_path, monkeypatch)
