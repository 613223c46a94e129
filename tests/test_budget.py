"""--max-size in one pass: each try's size predicted from a few frames, only a try predicted to
fit rendered; the output always within the budget."""

import pytest

from viz.render.animation import _Predictions, budget_tries, render, render_within
from viz.render.options import Options

SIZE = (320, 180)


@pytest.mark.slow
def test_the_prediction_picks_what_rendering_every_try_picks(small, tmp_path):
    """Budgets between the tries' measured sizes (not within 10% of one): the try kept is the
    first that fits, as rendering every try in turn finds, and the GIF is within the budget;
    each prediction is within 20% of the size measured."""
    options = Options.of(fmt="gif", size=SIZE, fps=25)
    tries = budget_tries(small, options)
    measured = []
    for number, (attempt, _) in enumerate(tries):
        render(small, tmp_path / f"{number}.gif", "small", options=attempt)
        measured.append((tmp_path / f"{number}.gif").stat().st_size)
    predict = _Predictions(small, "small", (), None, (), tries[0][0], 0)
    for (attempt, changes), size in zip(tries, measured):
        assert abs(predict(attempt) / size - 1) < 0.2, (changes, predict(attempt), size)
    sizes = sorted(set(measured))
    budgets = [round((low * high) ** 0.5) for low, high in zip(sizes, sizes[1:]) if high > 1.25 * low]
    assert budgets
    for budget in budgets:
        expected = next(changes for (_, changes), size in zip(tries, measured) if size <= budget)
        out = tmp_path / f"budget{budget}.gif"
        frames, used, changes = render_within(small, out, budget, "small", size=SIZE, fps=25)
        assert changes == expected and out.stat().st_size <= budget
