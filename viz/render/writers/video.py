"""MP4 (H.264) and WebM (VP9) through one ffmpeg encoder, fed raw RGBA frames as they come."""

import io
import itertools
import subprocess
import tempfile
from fractions import Fraction

import numpy as np
from PIL import Image

from viz import signals
from viz.render.writers import halves

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

THREADS = 1  # each encoder's, when two run at once beside two drawing processes: a core is busy enough
SHARE = 0.55  # of the frames, drawn by the first process: the second also places the labels of the first's frames
PIPE_BYTES = 1 << 20  # Linux's usual most for a pipe (/proc/sys/fs/pipe-max-size)

CODECS = {
    # H.264 in yuv420p: plays in PowerPoint, Keynote and browsers.
    # veryfast: a quarter faster than fast and, for these flat pictures, smaller files. Motion
    # searched to whole pixels only, no B-frames: a quarter less encoder time than veryfast alone
    # at the same PSNR (the lesson: 44.4 -> 44.5 dB), 18% more bytes (0.31 -> 0.36 MB).
    "mp4": ("libx264", ["-crf", "20", "-preset", "veryfast", "-x264-params", "subme=0:bframes=0"]),
    # VP9 for web pages; realtime with row threads keeps it within a few times H.264's time.
    "webm": ("libvpx-vp9", ["-crf", "32", "-b:v", "0", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1"]),
}
CONTAINERS = {"mp4": ["-movflags", "+faststart", "-f", "mp4"], "webm": ["-f", "webm"]}  # (MP4: the index at the front)


def write(frames, path, context):
    """The animation as ``context.fmt`` (mp4 or webm), the last frame held ``context.hold`` s:
    on two cores, two segments encoded at once (:mod:`~viz.render.writers.halves`), joined."""
    cut = halves.cut(len(frames), SHARE)
    if cut is None:
        encode(context.stream(frames), path, context.fps, context.hold, context.fmt)
        return

    def later(part, own):
        encode(own.stream(frames, cut), part, own.fps, own.hold, own.fmt, THREADS)

    open(path, "wb").close()  # an unwritable folder fails now, not after every frame is drawn
    suffix = f".{context.fmt}"
    with halves.Second(later, context, cut, len(frames), suffix) as second, \
            tempfile.NamedTemporaryFile(suffix=suffix) as first:
        encode(second.context.stream(frames, 0, cut), first.name, context.fps, 0, context.fmt, THREADS)
        concatenate([first.name, second.join()], path, context.fmt)


def encode(frames, path, fps, hold_seconds, fmt, threads=0):
    """Encode ``frames`` (an iterable of RGBA arrays of one even size) as ``fmt`` in yuv420p,
    by an encoder with ``threads`` threads (0: as many as it likes).
    If ffmpeg fails, ``OSError`` carries its reason (e.g. no space left on device). However the
    block is left, ffmpeg has ended before this returns, so no file of its appears after the
    unfinished one is removed."""
    import imageio_ffmpeg  # ffmpeg: only when encoding

    codec, output_params = CODECS[fmt]
    frames = iter(frames)
    frame = next(frames)
    height, width = frame.shape[:2]
    held = round(hold_seconds * fps)  # the last frame repeated by ffmpeg, converted once: not sent again and again
    hold = ["-vf", f"format=yuv420p,tpad=stop_mode=clone:stop={held}"] if held else []
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-f", "rawvideo", "-vcodec", "rawvideo", "-s", f"{width}x{height}",
               "-pix_fmt", "rgba", "-r", str(Fraction(fps).limit_denominator()), "-i", "-", "-an", *hold,
               "-vcodec", codec, "-threads", str(threads), "-pix_fmt", "yuv420p", "-v", "error", *output_params,
               *CONTAINERS[fmt], str(path)]
    _ffmpeg(command, path, [frame], frames)


def concatenate(parts, path, fmt):
    """Join the video files ``parts`` (encoded alike by :func:`encode`) into ``path``, their
    streams copied, not encoded again."""
    import imageio_ffmpeg  # ffmpeg: only when encoding

    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listed:
        listed.write("".join(f"file '{part}'\n" for part in parts))  # (temporary files' names: no quotes in them)
        listed.flush()
        command = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-f", "concat", "-safe", "0", "-i", listed.name, "-c", "copy",
                   "-v", "error", *CONTAINERS[fmt], str(path)]
        _ffmpeg(command, path)


def _ffmpeg(command, path, *frames):
    """Run ffmpeg's ``command`` writing ``path``, fed the ``frames`` (iterables of RGBA arrays)
    on its standard input."""
    with tempfile.TemporaryFile("w+") as log:
        open(path, "wb").close()  # an unwritable folder fails here, in one line, not inside ffmpeg
        ffmpeg = None
        try:
            with signals.held():  # ffmpeg is in hand before a signal can unwind (it inherits the wait: it is killed)
                ffmpeg = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log,
                                          start_new_session=True)  # Ctrl-C at the terminal is ours to handle
            _widen(ffmpeg.stdin)
            try:
                for frame in itertools.chain(*frames):
                    ffmpeg.stdin.write(frame)
                ffmpeg.stdin.close()
            except BrokenPipeError:  # ffmpeg stopped reading: its log says why
                pass
            ffmpeg.wait()
        finally:
            if ffmpeg is not None and ffmpeg.poll() is None:  # interrupted: stop ffmpeg before the file goes
                ffmpeg.kill()
                ffmpeg.wait()
        log.seek(0)
        errors = [line for line in log.read().splitlines() if line.strip()]
    if errors or ffmpeg.returncode:  # with -v error, ffmpeg writes only errors
        raise OSError(_ffmpeg_reason(errors) if errors else f"ffmpeg ended with exit code {ffmpeg.returncode}")


def _widen(pipe):
    """Let ``pipe`` hold :data:`PIPE_BYTES` where the system allows (Linux): a frame then
    goes to ffmpeg in a few writes, not some sixty of 64 KiB, each a switch between the two
    processes (8,400 switches fewer for 150 frames at 1280x720; a tenth of the wall time)."""
    try:
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)  # (Linux only: elsewhere no such name)
    except (AttributeError, OSError):  # another system, a smaller limit: the default size
        pass


def poster(path):
    """The last frame of the video file ``path`` as PNG bytes."""
    out = io.BytesIO()
    Image.fromarray(last_frame(path)).save(out, format="PNG")
    return out.getvalue()


def last_frame(path):
    """The last frame of the video file ``path``, decoded: an RGB array [height, width, 3]."""
    import imageio_ffmpeg  # ffmpeg: only when decoding

    reader = imageio_ffmpeg.read_frames(str(path))
    width, height = next(reader)["size"]
    last = None
    for last in reader:
        pass
    return np.frombuffer(last, np.uint8).reshape(height, width, 3)


def _ffmpeg_reason(errors):
    """The most telling of ffmpeg's error lines, without its ``[component @ address]`` prefix."""
    telling = [line for line in errors if "No space left" in line] or errors
    line = telling[-1]
    return line.split("] ", 1)[-1] if line.startswith("[") else line
