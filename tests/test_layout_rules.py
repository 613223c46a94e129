"""The layout rules hold on generated scenes: each is rendered to a PDF still (its last frame)
and checked from the PDF's text boxes and the recording's numbers (see tests/layout_rules.py).
20 scenes in the fast tier, 200 more in the slow one."""

import pytest

import viz
from tests.layout_rules import finals, generated, read_pdf, rule_1, rule_3, rule_5
from viz import pipeline

FAST, SLOW = 20, 200


def rendered(seed, tmp_path, monkeypatch, quick=False):
    """A generated scene's last frame as a PDF: its text lines, curves, page size and the
    recording it drew (as the pipeline passed it on: the render is not told)."""
    scene, keywords = generated(seed, quick)
    path, seen = tmp_path / "frame.pdf", []
    notes = pipeline._notes
    monkeypatch.setattr(pipeline, "_notes", lambda recording, *rest: (seen.append(recording), notes(recording, *rest)))
    viz.render(scene, path, last_frame=True, **keywords)
    lines, curves, page = read_pdf(path, keywords["size"][0])
    return scene, keywords, seen[-1], lines, curves, page


def check(seed, tmp_path, monkeypatch, quick=False):
    scene, keywords, recording, lines, curves, page = rendered(seed, tmp_path, monkeypatch, quick)
    labels = list(recording.names)
    broken = rule_1(lines, page) + rule_3(lines, labels, finals(recording)) + rule_5(lines, labels)
    assert not broken, f"seed {seed} ({keywords}, {labels}):\n" + "\n".join(broken)


@pytest.mark.parametrize("seed", range(FAST))
def test_rules_hold(seed, tmp_path, monkeypatch):
    check(seed, tmp_path, monkeypatch, quick=True)  # (surfaces, few steps: a Keras model takes seconds)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(FAST, FAST + SLOW))
def test_rules_hold_on_many(seed, tmp_path, monkeypatch):
    check(seed, tmp_path, monkeypatch)
