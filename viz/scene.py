"""Scene: what to optimize and with which optimizers; and finding the scenes in a user's file."""

import importlib.util
import math
import re
import sys
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from viz.backend import load_keras
from viz.choices import read_panels
from viz.errors import OptionError, SceneFileError, SpecError
from viz import optimizers
from viz.optimizers import SEED_OPTIMIZERS
from viz.problems.base import Problem
from viz.problems.surface import DEFAULT_STEPS
from viz.varied import SETTINGS, ScenePath, value_words
from viz.words import ALT_LIMIT


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # what XML 1.0 cannot hold


def check_text(what, text):
    """Raise :class:`SpecError` when ``text`` holds a character XML cannot hold (a control
    character such as a vertical tab): an SVG, a PowerPoint slide or a page could not show it.
    ``what`` names the text ("Scene title")."""
    found = NOT_XML.search(text)
    if found:
        raise SpecError(f"{what} {text!r} holds U+{ord(found.group()):04X}, a control character that SVG, "
                        "PowerPoint and web pages cannot hold: remove it")


@dataclass(frozen=True)
class Scene:
    """One animation: a problem, the optimizers to compare, and their shared settings.

    Args:
        title: shown above the animation.
        problem: what to optimize, e.g. ``problems.logreg(epochs=5, batch_size=16)``.
        optimizers: label -> optimizer spec (a Keras name, a ``{"class_name", "config"}``
            dict or a Keras optimizer, which is cloned). Defaults to the lesson's six.
        learning_rate: for every optimizer whose spec does not set its own. Defaults to 0.01.
            A list of rates: every optimizer runs at every rate (optimizer-major order), each
            path labelled by its rate (see :func:`paths`), whatever rate its spec sets.
        batch_size: a list of batch sizes to compare (model problems): one path per size
            and optimizer. None: the problem's own batch size.
        initializer: a list of kernel initializers to compare (model problems; Keras names
            such as ``"he_normal"`` or initializer instances). None: the model's own.
        steps: optimizer steps on a 2D surface. Defaults to 300. A model problem takes its
            steps from epochs and batch size instead.
        seed: picks the initial weights (the same for every optimizer) and the batch order.
            Defaults to 0.
        captions: optimizer step -> text, shown under the panels from that step until the
            next caption's (or the end), e.g. ``{0: "All six start together", 6: "SGD
            overshoots"}``. Steps are 0 to :attr:`last_step`. Defaults to none.
        pauses: optimizer steps the animation holds for ``pause`` seconds (the HTML player
            stops there), e.g. ``[50, 120]``. Defaults to none.
        alt: the short text alternative of every output (at most 250 characters), instead of
            the one viz writes from the recording (:mod:`viz.words`). Defaults to None.
        description: the long description of every output, instead of viz's. Defaults to None.
        panels: the panels the scene is shown with when the command asks for none beyond the
            contour and curves (``viz slides`` included), e.g. ``"contour,curves,hidden"``
            for a scene whose notes talk about the hidden layer. Defaults to None (those two).
    """

    title: str
    problem: object
    optimizers: dict = field(default_factory=lambda: SEED_OPTIMIZERS)
    learning_rate: float | list = 0.01
    steps: int | None = None
    seed: int = 0
    batch_size: list | None = None
    initializer: list | None = None
    captions: dict = field(default_factory=dict)
    pauses: tuple = ()
    alt: str | None = None
    description: str | None = None
    panels: str | None = None

    @property
    def last_step(self):
        """The scene's last optimizer step: ``steps`` (or the surface's default), or a model
        problem's epochs x batches."""
        problem = self.problem
        return problem.steps_per_epoch * problem.epochs if problem.fixed_steps else self.steps or DEFAULT_STEPS

    def check_steps(self):
        """Raise :class:`SpecError` for a caption or pause at a step the scene does not have."""
        for what, steps in (("caption", list(self.captions)), ("pause", list(self.pauses))):
            beyond = [step for step in steps if step > self.last_step]
            if beyond:
                raise SpecError(f"Scene has a {what} at step {beyond[0]}, but its steps are 0 to {self.last_step}")

    def __post_init__(self):
        if not isinstance(self.title, str):
            raise SpecError(f"Scene title must be a string, not {self.title!r}")
        if self.panels is not None and not isinstance(self.panels, str):
            raise SpecError(f"Scene panels must be a string such as 'contour,curves,hidden', not {self.panels!r}")
        if self.panels is not None:
            try:
                read_panels(self.panels)
            except OptionError as error:
                raise SpecError(f"Scene panels {self.panels!r}: {error.reason}") from None
        check_text("Scene title", self.title)
        if not isinstance(self.problem, Problem):
            raise SpecError("Scene problem must be problems.logreg(...), problems.keras_model(...) or "
                            f"surfaces.get(...) (or a viz.problems.Problem of your own), not {self.problem!r}")
        if not hasattr(self.optimizers, "items") or not self.optimizers:
            raise SpecError("Scene optimizers must be a non-empty {label: optimizer} dict")
        if len({str(label) for label in self.optimizers}) < len(self.optimizers):
            raise SpecError(f"Scene optimizer labels must differ as text: {list(self.optimizers)}")
        rates = self.learning_rate if isinstance(self.learning_rate, (list, tuple)) else [self.learning_rate]
        for rate in rates:
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or rate <= 0:
                raise SpecError(f"Scene learning_rate must be a positive number, not {rate!r} "
                                "(or a list of positive numbers)")
        varied = _varied(self)
        if self.steps is not None and (type(self.steps) is not int or self.steps <= 0):
            raise SpecError(f"Scene steps must be a positive integer, not {self.steps!r}")
        if self.steps is not None and self.problem.fixed_steps:
            raise SpecError("Scene steps cannot be set for a model problem: its epochs and batch size set them")
        if type(self.seed) is not int or not 0 <= self.seed < 2**32:
            raise SpecError(f"Scene seed must be an integer from 0 to 2**32 - 1, not {self.seed!r}")
        object.__setattr__(self, "optimizers", MappingProxyType({str(k): v for k, v in self.optimizers.items()}))
        for label in self.optimizers:
            check_text("Scene optimizer label", label)
        rate = self.learning_rate
        object.__setattr__(self, "learning_rate", tuple(map(float, rate)) if isinstance(rate, (list, tuple))
                           else float(rate))
        for setting in ("batch_size", "initializer"):
            if getattr(self, setting) is not None:
                object.__setattr__(self, setting, tuple(getattr(self, setting)))
        if varied == "learning_rate":
            for spec in self.optimizers.values():
                for rate in self.learning_rate:
                    optimizers.with_rate(spec, rate)  # a schedule has no one rate to replace
        if varied:
            self.problem.vary(varied, list(getattr(self, varied)))
        if not hasattr(self.captions, "items"):
            raise SpecError(f"Scene captions must be a {{step: text}} dict, not {self.captions!r}")
        for step, text in self.captions.items():
            if type(step) is not int or step < 0:
                raise SpecError(f"Scene captions' steps must be whole numbers from 0, not {step!r}")
            if not isinstance(text, str) or not text.strip():
                raise SpecError(f"Scene caption at step {step} must be some text, not {text!r}")
            check_text("Scene caption", text)
        object.__setattr__(self, "captions", MappingProxyType(dict(sorted(
            (step, " ".join(text.split())) for step, text in self.captions.items()))))
        if isinstance(self.pauses, (str, bytes)) or not hasattr(self.pauses, "__iter__") or any(
                type(step) is not int or step < 0 for step in self.pauses):
            raise SpecError(f"Scene pauses must be a list of steps (whole numbers from 0), not {self.pauses!r}")
        object.__setattr__(self, "pauses", tuple(sorted(set(self.pauses))))
        for name in ("alt", "description"):
            text = getattr(self, name)
            if text is not None and (not isinstance(text, str) or not text.strip()):
                raise SpecError(f"Scene {name} must be some text (or None: viz writes it), not {text!r}")
        if self.alt is not None and len(self.alt) > ALT_LIMIT:
            raise SpecError(f"Scene alt is {len(self.alt)} characters: keep it to {ALT_LIMIT} (the description "
                            "takes the rest)")
        self.check_steps()

    def optimizer(self, path):
        """A fresh Keras optimizer for ``path`` (one of :meth:`paths`): at its own rate when the
        scene compares rates, else its spec's or the scene's."""
        if path.learning_rate is None:
            return optimizers.resolve(path.spec, self.learning_rate)
        return optimizers.resolve(optimizers.with_rate(path.spec, path.learning_rate), path.learning_rate)

    def one_path(self, path, problem=None):
        """The plain scene (one optimizer, no list) that records exactly ``path``, on
        ``problem`` (default: this scene's)."""
        spec, rate = path.spec, self.learning_rate
        if path.learning_rate is not None:
            spec, rate = optimizers.with_rate(path.spec, path.learning_rate), path.learning_rate
        return replace(self, problem=problem or self.problem, optimizers={path.label: spec}, learning_rate=rate,
                       batch_size=None, initializer=None)

    @property
    def varied(self):
        """The setting whose values the paths compare ("learning_rate", "batch_size",
        "initializer"), or None: the paths differ by optimizer only."""
        return _varied(self)

    @property
    def rate(self):
        """The one learning rate of a scene that does not compare rates (a :class:`SpecError`
        for a scene that does)."""
        if isinstance(self.learning_rate, tuple):
            raise SpecError(f"this scene compares learning rates {list(self.learning_rate)}: it has no one rate")
        return self.learning_rate

    def describe(self):
        """The scene as ``viz list`` shows it: its title, optimizers, learning rate(s) and, when
        they differ by batch size or initializer, its paths."""
        rate = self.learning_rate
        rates = ", ".join(f"{r:g}" for r in rate) if isinstance(rate, tuple) else f"{rate:g}"
        paths = self.varied in ("batch_size", "initializer")
        return (f"{self.title}\n    optimizers: {', '.join(self.optimizers)}; learning rate {rates}"
                + (f"\n    paths: {', '.join(path.label for path in self.paths())}" if paths else ""))

    def paths(self):
        """What each path of the scene runs, in path order: a :class:`ScenePath` per optimizer, or
        with a list setting per optimizer and value (optimizer-major), labelled by the value
        ("lr 0.05", "batch 32", "he_normal"; with several optimizers "SGD lr 0.05")."""
        setting = self.varied
        if setting is None:
            return [ScenePath(label, label, spec) for label, spec in self.optimizers.items()]
        paths = []
        for label, spec in self.optimizers.items():
            for value in getattr(self, setting):
                words = value_words(setting, value)
                name = words if len(self.optimizers) == 1 else f"{label} {words}"
                paths.append(ScenePath(name, label, spec, **{setting: value}))
        return paths


def _varied(scene):
    """The one setting a scene gives as a list, or None; a :class:`SpecError` for an empty
    list, a list in two settings, repeated values or a batch size that is not a whole number."""
    lists = [name for name in SETTINGS if isinstance(getattr(scene, name), (list, tuple))]
    for name in SETTINGS[1:]:
        value = getattr(scene, name)
        if value is not None and name not in lists:
            raise SpecError(f"Scene {name} is a list of values to compare, not {value!r} (one value: set it "
                            "on the problem)")
    if len(lists) > 1:
        raise SpecError(f"Scene varies one setting across its paths: {' and '.join(lists)} are both lists")
    if not lists:
        return None
    name, values = lists[0], list(getattr(scene, lists[0]))
    if not values:
        raise SpecError(f"Scene {name} is an empty list: give at least one value")
    if name == "batch_size" and any(type(v) is not int or v <= 0 for v in values):
        raise SpecError(f"Scene batch_size must be a list of positive whole numbers, not {values!r}")
    words = [value_words(name, value) for value in values]
    if len(set(words)) < len(words):
        raise SpecError(f"Scene {name} lists a value twice: {words}")
    return name


def _user_frames_only(error, path, what=None):
    """``path: what (at ...)``: ``what`` (default: the error's type and text) and the traceback
    lines of ``error`` that point into the user's own file."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == path]
    where = "; ".join(f"{f.filename}:{f.lineno}: {f.line}" for f in frames)
    what = what or (str(error) if isinstance(error, SpecError) else f"{type(error).__name__}: {error}")
    return f"{path}: {what}" + (f" (at {where})" if where else "")


IMPORTS_KERAS = re.compile(r"^\s*(import|from)\s+(keras|tensorflow)\b", re.MULTILINE)


def load_scenes(path):
    """The :class:`Scene` objects defined at module level in ``path``, in file order.

    Names starting with ``_`` are skipped.

    Args:
        path: a scene file (a Python module).

    Returns:
        A dict of scene name (its variable's name) -> :class:`Scene`.

    Raises:
        SpecError: the file asks for something viz cannot do (an unknown name, a field out of
            range).
        SceneFileError: the file cannot be run.
        FileNotFoundError: there is no such file.
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"no scene file at {path}")
    if path.suffix != ".py":
        raise SceneFileError(f"{path}: a scene file is a Python module ending in .py")
    if IMPORTS_KERAS.search(path.read_text(errors="replace")):
        load_keras()  # now, without TensorFlow's start-up notices; the file's own import is then quiet
    name = f"viz_scene_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        line = (error.text or "").strip()
        raise SceneFileError(f"{error.filename}:{error.lineno}: syntax error: {error.msg}: {line}") from None
    except SpecError as error:
        raise SpecError(_user_frames_only(error, path)) from None
    except SystemExit as error:  # the file's own sys.exit(): its error, not the end of viz
        raise SceneFileError(_user_frames_only(error, path, f"called sys.exit({error.code!r}) while loading"))\
            from None
    except Exception as error:
        raise SceneFileError(_user_frames_only(error, path)) from None
    finally:
        sys.path.remove(str(path.parent))
    scenes, seen = {}, {}
    for var, value in vars(module).items():
        if isinstance(value, Scene) and not var.startswith("_"):
            if id(value) in seen:
                raise SceneFileError(f"{path}: the same scene is named both {seen[id(value)]!r} and {var!r}")
            seen[id(value)] = var
            scenes[var] = value
    return scenes


def select(scenes, path, name=None, every=False):
    """The scenes to render: the one named ``name``, all of them (``every``; None where all
    cannot be asked for, as in an export), or the only one. Raises :class:`SpecError` when
    that is not one of them."""
    listed = ", ".join(scenes) or "none"
    if not scenes:
        raise SpecError(f"{path} defines no viz.Scene at module level")
    if name is not None:
        if name not in scenes:
            raise OptionError("scene", name, f"{path} has no such scene; its scenes: {listed}")
        return {name: scenes[name]}
    if every or len(scenes) == 1:
        return dict(scenes)
    how = ("pick one with --scene NAME (scene=NAME in Python)" if every is None else
           "pick one with --scene NAME, or all of them with --all (scene=NAME or all=True in Python)")
    raise OptionError("scene", None, f"{path} defines several scenes ({listed}): {how}")
