"""The frame loop: the figure's static part is drawn once; each frame restores it, moves the
animated artists to one step and draws only those (matplotlib's blitting recipe)."""

import matplotlib
import numpy as np

from viz.render.layout import lay_out, style
from viz.render.lines import Lines
from viz.render.options import Options
from viz.render.pictures import TextPictures
from viz.render.rates import scheduled_rates
from viz.render.steps import running
from viz.render.text import fit, short, shortened
from viz.store.atomic import atomic_path

COUNTER_RATE = 5  # the counter's words change at most this often a second: readable, and fewer GIF bytes


class Frames:
    """The animation of a recording as the render ``options`` draw it (see
    :func:`viz.render.layout.lay_out`): one frame per recorded step, or per row of ``steps``:
    [frames] (every path at that step) or [frames, n_paths] (each path at its own step, -1 for
    not shown yet: see :func:`viz.render.panels.overlays.sequence_steps`). ``like``: the other
    recordings of the same animation, whose legends this one's is laid out like.

    ``frames[i]`` is the [height, width, 4] uint8 RGBA picture after the ``i``-th of those
    steps. It is a view of the canvas: valid until the next frame is drawn (copy it to keep it).
    ``captions``: the caption each frame shows (text or None; see :mod:`viz.render.story`).
    """

    def __init__(self, recording, title, steps=None, options=Options(), like=(), captions=None):
        steps = np.arange(recording.steps + 1) if steps is None else np.asarray(steps, dtype=int)
        self.steps = steps if steps.ndim == 2 else np.repeat(steps[:, None], len(recording.names), axis=1)
        self.recording, self.options = recording, options
        self.eased = options.timing.time == "log"
        self.rates = scheduled_rates(recording)  # the rate now, for optimizers following a schedule
        longest = max(map(self.counter_text, self.steps), key=len)
        self.captions = list(captions) if captions is not None else [None] * len(self.steps)
        said = [text for text in dict.fromkeys(self.captions) if text]
        layout = lay_out(recording, title, options, longest, like, said)
        self.figure, self.panels, self.counter, self.end_card, self.band, self.legend = layout
        self.canvas = self.figure.canvas
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        artists = [artist for panel in [*self.panels, self.legend] for artist in panel.animated_artists]
        artists += [self.counter]
        artists += [self.end_card] if self.end_card else []
        artists += [self.band.sprite] if self.band else []
        self.artists = sorted(artists, key=lambda artist: artist.get_zorder())  # as a full redraw layers them
        self.drawn = -1  # the frame drawn last
        self.replaying = True  # False: a frame drawn out of order skips the panels' history (a size estimate's)
        self.pictures = TextPictures(self.figure)  # texts drawn once per wording, then placed as pixels
        self.lines = Lines()  # plain lines drawn without Line2D's bookkeeping

    def __len__(self):
        return len(self.steps)

    def counter_text(self, steps):
        """The counter's words at ``steps`` (one per path): "epoch 2.5 / 5    step 150 / 300"
        (epochs as the curves' axis counts them), "epoch 150 / 300" (full batch: a step an epoch)
        or "step 150 / 300"; when the paths are at
        different steps (a sequence), the last optimizer shown and its step: "Adam: step 150 /
        300" (its epoch is where its curve ends). Then the rate now of an optimizer following a
        schedule, on a line of its own under the clock: "lr now 0.225" (several: "lr now:", then one
        line each, "A 0.225", "B 0.1")."""
        spe, at = self.recording.steps_per_epoch, self.recording.optimizer_steps
        steps = np.atleast_1d(steps)
        last, step = running(steps)
        step, total = int(at[max(step, 0)]), int(at[-1])
        unit = "epoch" if spe == 1 else "step"  # full batch (an epoch a step): the one number, said once
        said = f"{unit} {step} / {total}" + (", log time" if self.eased else "")  # early steps slowed: say so
        if self.recording.epoch is not None:  # paths of different batch sizes: time in epochs
            clock = self.recording.clock
            words = f"epoch {clock[max(int(steps.max()), 0)]:.1f} / {np.nanmax(clock):g}"
        elif not (steps == steps[0]).all():
            words = f"{short(self.recording.names[last], 24)}: {said}"
        elif spe in (0, 1):
            words = said
        else:
            words = f"epoch {step / spe:.1f} / {total / spe:.{0 if total % spe == 0 else 1}f}    {said}"
        now = {label: rates[max(steps[self.recording.names.index(label)], 0)] for label, rates in self.rates.items()}
        if len(now) == 1:
            words += f"\nlr now {next(iter(now.values())):.3g}"
        elif now:
            words += "\nlr now:\n" + "\n".join(f"{shortened(label, self.recording.names, 18)} {rate:.3g}"
                                                for label, rate in now.items())
        return words

    def counter_frame(self, index):
        """The frame whose steps the counter says at frame ``index``: the latest up to it on the
        counter's beat (:data:`COUNTER_RATE` a second), where a hold begins or the last frame,
        so a held step and the end are said exactly."""
        every = max(1, round((self.options.frame_rate or COUNTER_RATE) / COUNTER_RATE))
        for frame in range(index, max(index - every, -1), -1):
            if frame % every == 0 or frame == len(self) - 1 or (self.steps[frame] == self.steps[frame + 1]).all():
                return frame
        return index

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"frame {index} of {len(self)}")
        steps = self.steps[index]
        if self.replaying and not self.drawn <= index <= self.drawn + 1:  # out of order: what a panel remembers (the direct
            self._replay(index)                         # labels' places) is then as the animation has it
        self.drawn = index
        self.canvas.restore_region(self.background)
        for panel in [*self.panels, self.legend]:
            panel.update(steps)
        self.counter.set_text(self.counter_text(self.steps[self.counter_frame(index)]))
        if self.end_card:
            self.end_card.set_visible(index == len(self) - 1)
        if self.band:
            self.band.show(self.captions[index])
        renderer = self.canvas.get_renderer()
        self.lines.begin()
        for artist in self.artists:
            if not self.lines.draw(artist, renderer):
                self.pictures.draw(artist, renderer)
        return np.asarray(self.canvas.buffer_rgba())

    def _replay(self, index):
        """Let the panels that remember earlier frames (those with ``rewind`` and ``remember``)
        see every frame before ``index``, drawing nothing: on from the frame drawn last if
        ``index`` comes after it, else from the start. The others draw a frame from its steps
        alone."""
        start = self.drawn + 1 if index > self.drawn else 0
        remembering = [panel for panel in self.panels if getattr(panel, "remember", None)]
        if start == 0:
            for panel in remembering:
                panel.rewind()
        for earlier in self.steps[start:index]:
            for panel in remembering:
                panel.remember(earlier)

    def with_card(self, words):
        """The last frame with a card saying ``words`` over its middle (between two parts of one
        animation: what comes next)."""
        self[len(self) - 1]
        if not hasattr(self, "card"):
            self.card = self.figure.text(0.5, 0.5, "", ha="center", va="center", animated=True, zorder=20,
                                         fontsize=20 * self.options.look.font_scale, fontweight="bold", wrap=False,
                                         color=self.counter.get_color(), multialignment="center",
                                         bbox={"boxstyle": "round,pad=0.8", "facecolor": self.figure.get_facecolor(),
                                               "edgecolor": self.counter.get_color(), "linewidth": 1.5})
            self.card.set_text(words)
            fit(self.card, 0.8, max_lines=2)
        self.figure.draw_artist(self.card)
        return np.asarray(self.canvas.buffer_rgba())

    def save_vector(self, path, fmt, metadata=None):
        """Write the last frame as SVG or PDF, every line and letter as vectors (for Beamer and
        print; the contour fills and a 3D surface as one image at twice the frame's resolution):
        the animated artists become ordinary ones for this one full draw. ``metadata``:
        matplotlib's ``savefig`` metadata (title, description)."""
        self[len(self) - 1]
        for artist in self.artists:
            artist.set_animated(False)
        for panel in [*self.panels, *([self.band] if self.band else [])]:  # (pictures of text: the text)
            getattr(panel, "as_vector", lambda: None)()
        # text stays text: selectable and searchable (SVG: <text>, PDF: embedded TrueType)
        # and in the frame's style, which the tick locators read again (the tick labels' size)
        with atomic_path(path) as temporary, style(self.options), \
                matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
            self.figure.savefig(temporary, format=fmt, facecolor=self.figure.get_facecolor(), metadata=metadata,
                                dpi=2 * self.figure.dpi)  # (the rasterized parts only)

    def __iter__(self):
        return (self[index] for index in range(len(self)))


class Joined:
    """Animations (:class:`Frames`) one after the other, each but the last ending with its last
    frame repeated ``pause`` times, the second half of them with a card saying what comes next
    (``cards``: one per part but the last); one part behaves as that part alone."""

    def __init__(self, parts, pause=0, cards=()):
        self.parts, self.pause, self.cards = parts, pause, list(cards)

    @property
    def steps(self):
        """The recorded step each frame shows."""
        held = [np.concatenate([part.steps, np.repeat(part.steps[-1:], self.pause, axis=0)])
                for part in self.parts[:-1]]
        return np.concatenate([*held, self.parts[-1].steps])

    def __len__(self):
        return sum(len(part) for part in self.parts) + self.pause * (len(self.parts) - 1)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"frame {index} of {len(self)}")
        for number, part in enumerate(self.parts[:-1]):
            if index < len(part) + self.pause:
                if number < len(self.cards) and index >= len(part) + self.pause // 2:
                    return part.with_card(self.cards[number])
                return part[min(index, len(part) - 1)]
            index -= len(part) + self.pause
        return self.parts[-1][index]

    def __iter__(self):
        return (self[index] for index in range(len(self)))

    def save_vector(self, path, fmt, metadata=None):
        """The last part's last frame as SVG or PDF (see :meth:`Frames.save_vector`)."""
        self.parts[-1].save_vector(path, fmt, metadata)
