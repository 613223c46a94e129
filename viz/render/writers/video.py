"""MP4 (H.264) and WebM (VP9) through one ffmpeg encoder, fed raw RGBA frames as they come."""

import io
import tempfile

import numpy as np
from PIL import Image

from viz.backend import stderr_to

CODECS = {
    # H.264 in yuv420p with the index at the front: plays in PowerPoint, Keynote and browsers.
    # veryfast: a quarter faster than fast and, for these flat pictures, smaller files.
    "mp4": ("libx264", ["-crf", "20", "-preset", "veryfast", "-movflags", "+faststart", "-f", "mp4"]),
    # VP9 for web pages; realtime with row threads keeps it within a few times H.264's time.
    "webm": ("libvpx-vp9", ["-crf", "32", "-b:v", "0", "-deadline", "realtime", "-cpu-used", "8",
                            "-row-mt", "1", "-f", "webm"]),
}


def write(frames, path, context):
    """The animation as ``context.fmt`` (mp4 or webm), the last frame held ``context.hold`` s."""
    encode(context.stream(frames), path, context.fps, context.hold, context.fmt)


def encode(frames, path, fps, hold_seconds, fmt):
    """Encode ``frames`` (an iterable of RGBA arrays of one even size) as ``fmt`` in yuv420p.
    If ffmpeg fails, ``OSError`` carries its reason (e.g. no space left on device)."""
    import imageio_ffmpeg  # ffmpeg: only when encoding

    codec, output_params = CODECS[fmt]
    frames = iter(frames)
    frame = next(frames)
    height, width = frame.shape[:2]
    with tempfile.TemporaryFile("w+") as log:
        open(path, "wb").close()  # an unwritable folder fails here, in one line, not inside ffmpeg
        encoder = imageio_ffmpeg.write_frames(
            str(path), (width, height), pix_fmt_in="rgba", pix_fmt_out="yuv420p", fps=fps,
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
