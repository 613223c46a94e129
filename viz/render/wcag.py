"""The manifest's ``"accessibility"`` section: what a render measured and wrote, each check
with the WCAG 2.1 criterion it serves and whether it passes (level AA)."""

from viz.errors import VizError
from viz.render.options import STILLS
from viz.render.theme import THEMES
from viz.render.a11y import GRAPHICS, MIN_DELTA_E, SIMULATIONS, TEXT, contrast, min_delta_e
from viz.words import ALT_LIMIT

MOVING_SECONDS = 5  # WCAG 2.2.2: moving content that plays longer than this needs a way to pause it
MAX_FLASHES = 3  # WCAG 2.3.1: flashes in any one second
VIDEOS = ("mp4", "webm")


def section(options, looks, words, meter, frames):
    """The accessibility section of a render's manifest.

    Args:
        options: the render :class:`~viz.render.options.Options` used.
        looks: ``{label: {"color", "linestyle", "marker"}}`` of the paths (the manifest's).
        words: the :class:`viz.words.Words` written, or None.
        meter: the :class:`viz.render.a11y.Meter` that saw the frames.
        frames: the number of frames written (without the final hold).

    Returns:
        ``{"standard", "passed", "checks": [{"check", "criterion", "value", "pass", "note"?}]}``.
    """

    theme, fmt = THEMES[options.look.theme], options.output.fmt
    colours = list(dict.fromkeys(look["color"] for look in looks.values()))
    checks = [_words(words, fmt)]
    cues = {(look["marker"], str(look["linestyle"])) for look in looks.values()}
    spread = {name: round(min_delta_e(colours, None if name == "normal" else name), 1)
              for name in ("normal", *SIMULATIONS)} if len(colours) > 1 else {}
    checks.append(_check("colour is not the only cue: each path its own marker and line style, colours apart "
                         "under simulated colour blindness (CIE76 ΔE, at least 10)", "1.4.1 Use of Color",
                         {"markers_and_styles_distinct": len(cues) == len(looks), "min_delta_e": spread},
                         len(cues) == len(looks) and all(value >= MIN_DELTA_E for value in spread.values())))
    on_ground = min(float(contrast(colour, theme.background)) for colour in colours)
    checks.append(_check("path colours against the background (at least 3:1)", "1.4.11 Non-text Contrast",
                         round(on_ground, 2), on_ground >= GRAPHICS))
    along = min(meter.paths.values()) if meter and meter.paths else None
    checks.append(_check("paths against the contours under them, along each line in its halo (at least 3:1)",
                         "1.4.11 Non-text Contrast", None if along is None else round(along, 2),
                         along is None or along >= GRAPHICS,
                         "no stretch of path clear of marks to measure" if along is None else None))
    text = min(float(contrast(colour, theme.background)) for colour in (theme.ink, theme.muted))
    checks.append(_check("text against the background (at least 4.5:1)", "1.4.3 Contrast (Minimum)", round(text, 2),
                         text >= TEXT, "measured on the theme's background: a transparent output takes the slide's"
                         if options.output.transparent else None))
    if fmt not in STILLS:
        checks += _motion(options, meter, frames)
    return {"standard": "WCAG 2.1 AA", "passed": all(check["pass"] for check in checks), "checks": checks}


def enforce(section, path, strict, say):
    """Say which checks of ``section`` (the manifest's of ``path``) failed: each a warning
    through ``say(text, err)``, or with ``strict`` (``check_a11y``) one error for them all (the
    file and its manifest stay, for a look).

    Raises:
        VizError: ``strict`` and a check failed.
    """
    failed = [f"{check['check']} (WCAG {check['criterion']}): {check.get('note') or check['value']}"
              for check in section["checks"] if not check["pass"]]
    if failed and strict:
        raise VizError(f"{path.name} fails {len(failed)} accessibility check(s): {'; '.join(failed)}")
    for line in failed:
        say(f"warning: {path.name}: {line}", True)


def _check(what, criterion, value, passed, note=None):
    return {"check": what, "criterion": criterion, "value": value, "pass": bool(passed), **({"note": note} if note else {})}


def _words(words, fmt):
    """1.1.1 (and 1.2.1 for what moves): the short text and the description exist."""
    alt = len(words.alt) if words else 0
    described = len(words.description) if words else 0
    where = {"mp4": "beside the video as NAME.transcript.txt", "webm": "beside the video as NAME.transcript.txt",
             "html": "in the page, linked by aria-describedby, with the transcript",
             "gif": "in the manifest and the GIF's comment (alt); put the description beside the GIF"}
    return _check("text alternative: a short text (at most 250 characters) and a long description",
                  "1.1.1 Non-text Content; 1.2.1 Audio-only and Video-only (Prerecorded)",
                  {"alt_characters": alt, "description_characters": described}, 0 < alt <= ALT_LIMIT and described > 0,
                  where.get(fmt))


def _motion(options, meter, frames):
    """2.2.2 and 2.3.1 for an animation."""
    fmt = options.output.fmt
    seconds = round(frames / options.frame_rate + (0 if fmt == "html" else options.timing.hold), 2)
    loops, control = fmt in ("gif", "frames"), fmt in ("html", "frames", *VIDEOS)
    moving = _check(f"moving for more than {MOVING_SECONDS} s needs a way to pause it", "2.2.2 Pause, Stop, Hide",
                    {"seconds": seconds, "loops": loops, "pause_control": control},
                    control or seconds <= MOVING_SECONDS,
                    {"gif": "a GIF loops with no pause control: in a web page or an LMS use the html player or MP4",
                     "html": "the player's Play/Pause button; under reduced motion it starts paused on the last frame",
                     "mp4": "paused by the video player's controls (PowerPoint, the browser)",
                     "webm": "paused by the video player's controls (the browser)",
                     "frames": "LaTeX animate's controls (NAME.tex asks for them)"}.get(fmt))
    flashes = meter.flashes if meter else None
    flashing = _check(f"at most {MAX_FLASHES} flashes in any one second, measured on the frames",
                      "2.3.1 Three Flashes or Below Threshold", flashes, flashes is not None and flashes <= MAX_FLASHES)
    return [moving, flashing]
