"""Statistics over several initializations (a recording's ``spread``): the bands the curves
draw, and the summary of where each optimizer ends. Plain NumPy, no drawing."""

import csv

import numpy as np

from viz.divergence import divergence_steps, view_range
from viz.store.atomic import atomic_path

BAND = (0.25, 0.75)  # the interquartile range: the middle half of the initializations
BAND_LABEL = "middle 50%"  # the interquartile range, in a lecture's words


DIVERGED = 1e300  # a diverged run in quantiles: worse than any real value, yet finite (inf - inf is NaN)


def worst_if_diverged(values, higher_is_worse=True):
    """``values`` with a diverged run's NaN as the worst there is (±:data:`DIVERGED`): it ranks
    last and pulls the quantiles its way, as it should."""
    return np.where(np.isnan(values), DIVERGED if higher_is_worse else -DIVERGED, values)


def bands(per_seed, higher_is_worse=True):
    """Median, lower and upper quartile over the seeds axis (1) of ``per_seed``
    [n_opt, n_seeds, points], diverged runs counted as the worst: three arrays [n_opt, points]."""
    low, median, high = np.quantile(worst_if_diverged(per_seed, higher_is_worse), [BAND[0], 0.5, BAND[1]], axis=1)
    return median, low, high


def summary(recording):
    """Per optimizer (in the scene's order): final loss over the seeds (median, quartiles, min,
    max; a diverged run is an infinite loss) and, for the lesson, accuracy (over the runs that
    did not diverge), how many diverged, and in how many seeds it had the lowest and the highest final
    loss of all optimizers."""
    spread = recording.spread
    gone = divergence_steps(spread["loss"], view_range(recording.plane)) >= 0  # [n_opt, n_seeds]
    loss = np.where(gone, DIVERGED, worst_if_diverged(spread["loss"][:, :, -1]))  # a finite blow-up too
    best, worst = np.argmin(loss, axis=0), np.argmax(loss, axis=0)
    parts = ("min", "q25", "median", "q75", "max")
    rows = []
    for index, name in enumerate(recording.names):
        row = {"optimizer": name, "seeds": loss.shape[1]}
        quartiles = np.quantile(loss[index], [0.0, BAND[0], 0.5, BAND[1], 1.0])
        row.update({f"loss_{part}": float(value) if value < DIVERGED else np.inf
                    for part, value in zip(parts, quartiles)})
        if "accuracy" in spread:  # the lesson's; a diverged model has none
            accuracy = spread["accuracy"][index, :, -1]
            finite = accuracy[np.isfinite(accuracy)]
            quartiles = np.quantile(finite, [0.0, BAND[0], 0.5, BAND[1], 1.0]) if finite.size else [np.nan] * 5
            row.update({f"accuracy_{part}": float(value) for part, value in zip(parts, quartiles)})
        row.update({"diverged": int((loss[index] >= DIVERGED).sum()), "lowest_in": int((best == index).sum()),
                    "highest_in": int((worst == index).sum())})
        rows.append(row)
    return rows


def claims(rows):
    """The lesson's claim, checked: which optimizers end lowest and highest (by median final
    loss), and in how many initializations they really were lowest or highest. Text lines."""
    ranked = sorted(rows, key=lambda row: row["loss_median"])
    count = rows[0]["seeds"]
    winners = ranked[:2] if len(ranked) > 2 else ranked[:1]
    won = sum(row["lowest_in"] for row in winners)
    lines = [f"{' or '.join(row['optimizer'] for row in winners)} lowest in {won} of {count}"]
    if len(ranked) > 2:
        lines.append(f"{ranked[-1]['optimizer']} highest in {ranked[-1]['highest_in']} of {count}")
    return lines


def table(rows):
    """The summary as aligned text lines, best median final loss first."""
    width = max(len(row["optimizer"]) for row in rows)
    accuracy = "accuracy_median" in rows[0]
    lines = [f"{'optimizer':<{width}}  final loss: median [q25, q75] (min-max)"
             + ("    final accuracy: median [q25, q75]" if accuracy else "")]
    for row in sorted(rows, key=lambda row: row["loss_median"]):
        diverged = f"  {row['diverged']} diverged" if row["diverged"] else ""
        line = (f"{row['optimizer']:<{width}}  {row['loss_median']:.4f} [{row['loss_q25']:.4f}, {row['loss_q75']:.4f}] "
                f"({row['loss_min']:.4f}-{row['loss_max']:.4f})")
        if accuracy:
            line += f"    {row['accuracy_median']:.3f} [{row['accuracy_q25']:.3f}, {row['accuracy_q75']:.3f}]"
        lines.append(line + diverged)
    return lines


def write_csv(rows, path):
    """The summary rows as CSV, in the scene's optimizer order."""
    with atomic_path(path) as temporary, open(temporary, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def summarize(recording, path, say, heading):
    """Say the summary over several initializations and write it as the CSV ``path``."""
    rows = summary(recording)
    write_csv(rows, path)
    seeds = recording.spread["seeds"]
    say(f"{heading}, {len(seeds)} initializations (seeds {seeds[0]}-{seeds[-1]}), written to {path}:")
    for line in table(rows) + claims(rows):
        say("    " + line)
    return path
