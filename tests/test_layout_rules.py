"""The layout rules hold on generated scenes: each is rendered to a PDF still (its last frame)
and checked from the PDF's text boxes and the recording's numbers (see tests/layout_rules.py).
20 scenes in the fast tier, 200 more in the slow one."""

import pytest

import viz
from tests.layout_rules import finals, generated, read_pdf, rule_1, rule_3, rule_5
from viz.recording import Recording

FAST, SLOW = 20, 200


def rendered(seed, tmp_path, outputs):
    """A generated scene's last frame as a PDF: its text lines, curves, page size and the
    recording it drew (read back from the cache)."""
    scene, keywords = generated(seed)
    path = tmp_path / "frame.pdf"
    viz.render(scene, path, last_frame=True, **keywords)
    cached = list((outputs / ".cache").glob("*.npz"))  # a model of the test's own code is not cached: again
    recording = Recording.load(cached[0]) if cached else viz.record(scene)
    lines, curves, page = read_pdf(path, keywords["size"][0])
    return scene, keywords, recording, lines, curves, page


def check(seed, tmp_path, outputs):
    scene, keywords, recording, lines, curves, page = rendered(seed, tmp_path, outputs)
    labels = list(recording.names)
    broken = rule_1(lines, page) + rule_3(lines, labels, finals(recording)) + rule_5(lines, labels)
    assert not broken, f"seed {seed} ({keywords}, {labels}):\n" + "\n".join(broken)


@pytest.mark.parametrize("seed", range(FAST))
def test_rules_hold(seed, tmp_path, outputs):
    check(seed, tmp_path, outputs)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(FAST, FAST + SLOW))
def test_rules_hold_on_many(seed, tmp_path, outputs):
    check(seed, tmp_path, outputs)
