"""Encoders: frames go in one at a time and are never all held in memory. Every writer writes
to a temporary file (or folder) beside the target and renames it into place only when it is
complete."""

import struct
import tempfile

import numpy as np
from PIL import GifImagePlugin, Image, ImageColor

from viz.store.atomic import atomic_folder, atomic_path
from viz.backend import stderr_to

GIF_MAX_FPS = 50  # GIF delays are whole 1/100 s; browsers slow delays under 2/100 s to 1/10 s
TRANSPARENT = 255  # GIF palette index kept free to mean "unchanged since the last frame" (or "clear")
MAX_COLOURS = TRANSPARENT  # the other 255 entries
VIDEO = {
    # H.264 in yuv420p with the index at the front: plays in PowerPoint, Keynote and browsers.
    # veryfast: a quarter faster than fast and, for these flat pictures, smaller files.
    "mp4": ("libx264", ["-crf", "20", "-preset", "veryfast", "-movflags", "+faststart", "-f", "mp4"]),
    # VP9 for web pages; realtime with row threads keeps it within a few times H.264's time.
    "webm": ("libvpx-vp9", ["-crf", "32", "-b:v", "0", "-deadline", "realtime", "-cpu-used", "8",
                            "-row-mt", "1", "-f", "webm"]),
}


def write_video(frames, path, fps, hold_seconds, fmt="mp4"):
    """An MP4 (H.264) or WebM (VP9) video in yuv420p through one ffmpeg encoder. ``frames`` is
    an iterable of RGBA arrays of one even size. If ffmpeg fails, ``OSError`` carries its
    reason (e.g. no space left on device)."""
    import imageio_ffmpeg

    codec, output_params = VIDEO[fmt]

    frames = iter(frames)
    frame = next(frames)
    height, width = frame.shape[:2]
    with atomic_path(path) as temporary, tempfile.TemporaryFile("w+") as log:
        open(temporary, "wb").close()  # an unwritable folder fails here, in one line, not inside ffmpeg
        encoder = imageio_ffmpeg.write_frames(
            str(temporary), (width, height), pix_fmt_in="rgba", pix_fmt_out="yuv420p", fps=fps,
            codec=codec, macro_block_size=1, quality=None, ffmpeg_log_level="error", output_params=output_params,
        )
        with stderr_to(log):
            encoder.send(None)  # starts ffmpeg, which keeps this stderr: its errors go to the log
        broken = None
        try:
            encoder.send(frame)
            for frame in frames:
                encoder.send(frame)
            for _ in range(round(hold_seconds * fps)):
                encoder.send(frame)
        except OSError as error:  # ffmpeg stopped reading: its log says why
            broken = error
        finally:
            encoder.close()  # ffmpeg has let go of the file before it is renamed or deleted
        log.seek(0)
        errors = [line for line in log.read().splitlines() if line.strip()]
        if errors:  # with -v error, ffmpeg writes only errors
            raise OSError(_ffmpeg_reason(errors))
        if broken:
            raise broken


def _ffmpeg_reason(errors):
    """The most telling of ffmpeg's error lines, without its ``[component @ address]`` prefix."""
    telling = [line for line in errors if "No space left" in line] or errors
    line = telling[-1]
    return line.split("] ", 1)[-1] if line.startswith("[") else line


def gif_palette(sample, exact=(), size=MAX_COLOURS):
    """One palette for the whole GIF, as a "P" image whose 256 entries are: the ``exact``
    colours as given (the optimizers' own, which thin lines cover too few pixels of to win a
    place by count), then the most frequent colours of a sample of RGBA frames (e.g. the
    first, middle and last), ``size`` (at most 255) in all. The entries past them, index 255
    (transparency) among them, repeat entry 0, so no pixel is mapped to them."""
    exact = [ImageColor.getrgb(colour)[:3] for colour in dict.fromkeys(exact)]
    stacked = np.concatenate([frame[..., :3] for frame in sample], axis=0)
    frequent = Image.fromarray(stacked).quantize(colors=size - len(exact), dither=Image.Dither.NONE)
    colours = [value for colour in exact for value in colour] + frequent.getpalette()[: 3 * (size - len(exact))]
    colours += colours[:3] * (256 - len(colours) // 3)
    palette = Image.new("P", (1, 1))
    palette.putpalette(colours)
    return palette


def gif_delays(count, fps, hold_seconds):
    """Frame delays in 1/100 s whose running total stays on the exact time (so 30 fps gives
    3, 3, 4, 3, 3, 4, ...); the last frame also holds for ``hold_seconds``."""
    ticks = np.round(np.arange(count + 1) * 100 / fps).astype(int)
    delays = np.diff(ticks)
    delays[-1] += round(hold_seconds * 100)
    return delays


def write_gif(frames, count, path, fps, hold_seconds, palette_sample, exact_colours=(), colours=MAX_COLOURS,
              transparent=False):
    """An endlessly looping GIF of ``count`` RGBA frames (any iterable) with one global palette
    of ``colours`` colours and no dithering. After the first frame, each frame stores only
    the rectangle that changed, with unchanged pixels transparent, so the file stays small and
    frames are written as they come. ``transparent``: pixels under half opaque are clear; as
    a moving head must be able to clear a pixel again, every frame is then stored whole."""
    palette = gif_palette(palette_sample, exact_colours, colours)
    height, width = palette_sample[0].shape[:2]
    delays = gif_delays(count, fps, hold_seconds)
    with atomic_path(path) as temporary, open(temporary, "wb") as out:
        out.write(b"GIF89a" + struct.pack("<HHBBB", width, height, 0xF7, 0, 0) + bytes(palette.getpalette()))
        out.write(b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")  # loop forever
        previous = None
        for frame, delay in zip(frames, delays):
            rgba = Image.frombuffer("RGBA", (width, height), frame, "raw", "RGBA", 0, 1)
            indexed = np.asarray(rgba.convert("RGB").quantize(palette=palette, dither=Image.Dither.NONE))
            if transparent:
                patch = np.where(np.asarray(frame)[..., 3] < 128, TRANSPARENT, indexed).astype(np.uint8)
                offset, params = (0, 0), {"transparency": TRANSPARENT, "disposal": 2}
            elif previous is None:
                patch, offset, params = indexed, (0, 0), {}
            else:
                changed = indexed != previous
                rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
                if rows.size:
                    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
                else:
                    top, bottom, left, right = 0, 1, 0, 1
                patch = np.where(changed[top:bottom, left:right], indexed[top:bottom, left:right], TRANSPARENT)
                offset, params = (int(left), int(top)), {"transparency": TRANSPARENT, "disposal": 1}
            patch = np.ascontiguousarray(patch, dtype=np.uint8)
            image = Image.frombuffer("P", patch.shape[::-1], patch, "raw", "P", 0, 1)
            for chunk in GifImagePlugin.getdata(image, offset, duration=int(delay) * 10, **params):
                out.write(chunk)
            previous = indexed
        out.write(b";")


def write_png(frame, path, transparent=False):
    """One RGBA frame as a PNG: with its alpha channel if ``transparent``, else RGB."""
    image = Image.fromarray(np.asarray(frame))
    with atomic_path(path) as temporary:
        (image if transparent else image.convert("RGB")).save(temporary, format="PNG")


def write_frame_folder(frames, path, transparent=False):
    """Every frame as a numbered PNG in the folder ``path`` (frame_00000.png, ...), for LaTeX's
    ``\\animategraphics``."""
    with atomic_folder(path) as folder:
        for index, frame in enumerate(frames):
            image = Image.fromarray(np.asarray(frame))
            (image if transparent else image.convert("RGB")).save(folder / f"frame_{index:05d}.png", compress_level=1)
