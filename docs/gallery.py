"""Render every scene of every file in scenes/ (subfolders too) and write the gallery page.

Run it from the repository's root whenever a scene changes, and commit what it writes:

    python docs/gallery.py          # -q l MP4s and posters into docs/gallery/, and its index.md

Each scene becomes ``docs/gallery/<file path with / as _>[_<scene>].mp4`` (a looping video) and
``.png`` (its last frame, the video's poster), with the video's transcript beside it
(``.transcript.txt``: its text alternative) and its alt text on the page; the page shows every
scene file's source beside its pictures and the commands that made them. The docs build only reads these files: it never
trains or renders.
"""

import argparse
import html
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def scene_files(folder):
    """Every scene file under ``folder``, subfolders included, in path order (files and
    folders starting with ``_`` are skipped, as ``viz render`` skips them)."""
    return sorted(path for path in Path(folder).rglob("*.py")
                  if not any(part.startswith(("_", ".")) for part in path.relative_to(folder).parts))


MAX_FRAMES = 300  # steps drawn: 10 s at the MP4's own 30 fps, 150 frames at -q l's 15 fps (a few hundred KB each)
KINDS = {"mp4": {}, "png": {"last_frame": True}}  # the video, and its last frame as its poster
FLAGS = {"last_frame": "-s", "quality": "-q"}


def stem(relative, name, count):
    """``valley.py``'s scene ``momentum`` -> ``valley_momentum`` (one scene: ``valley``); a
    subfolder joins the name with ``_``."""
    stem = "_".join(relative.with_suffix("").parts)
    return f"{stem}_{name}" if count > 1 else stem


def command(relative_file, name, count, picture, options):
    """The ``viz render`` command that makes ``picture`` with the keywords ``options``."""
    words = ["viz", "render", relative_file.as_posix()]
    if count > 1:
        words += ["--scene", name]
    for key, value in options.items():
        flag = FLAGS.get(key, "--" + key.replace("_", "-"))
        words += [flag] if value is True else [flag, str(value)]
    return " ".join([*words, "-o", picture.as_posix()])


def render_all(scenes, out, quality="l", size=None, max_frames=None, root=ROOT):
    """Render every scene under ``scenes`` into ``out``, as an MP4 and its last frame. Returns
    ``[(file, source, [(scene, title, {kind: (picture, command)}, alt text)])]``, one entry per file."""
    import viz
    from viz.scene import load_scenes

    extra = {key: value for key, value in (("quality", quality), ("size", size), ("max_frames", max_frames))
             if value is not None}
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for path in scene_files(scenes):
        relative = path.relative_to(scenes)
        shown_file = path.relative_to(root) if path.is_relative_to(root) else path
        found = load_scenes(path)
        rendered = []
        for name, scene in found.items():
            print(f"{shown_file}: {name}", file=sys.stderr, flush=True)
            made = {}
            for kind, options in KINDS.items():
                picture = out / f"{stem(relative, name, len(found))}.{kind}"
                shown_picture = picture.relative_to(root) if picture.is_relative_to(root) else picture
                words = viz.render(path, picture, scene=name, **extra, **options).words
                made[kind] = (picture, command(shown_file, name, len(found), shown_picture, {**extra, **options}))
            rendered.append((name, scene.title, made, words.alt))
        entries.append((shown_file, path.read_text(), rendered))
    return entries


def page(entries, out, max_frames=MAX_FRAMES):
    """The gallery's Markdown: per scene file its pictures and commands beside its source."""
    from viz.render.animation import transcript_path

    lines = ["---", "hide:", "  - toc", "---", "", "# Gallery", "",
             f"Every scene of every file in `scenes/`, rendered small (`-q l`, 854×480, at most {max_frames} "
             "steps) by `docs/gallery.py`: a looping MP4 (click a picture to play or pause it) whose poster is its "
             "last frame. The commands that made each are written under it; run them from the repository's root to "
             "make them yourself (without `-o`, they go to `outputs/`). The pictures are regenerated, never edited: "
             "after changing a scene, run `python docs/gallery.py` and commit what it writes.", ""]
    for shown_file, source, rendered in entries:
        lines += [f"## `{shown_file.as_posix()}`", "", '<div class="gallery-row" markdown>', "",
                  '<div class="gallery-pictures" markdown>', ""]
        for name, title, made, alt in rendered:
            (video, make_video), (poster, make_poster) = made["mp4"], made["png"]
            transcript = transcript_path(video).relative_to(out).as_posix()
            lines += [f'<figure><video src="{video.relative_to(out).as_posix()}" '
                      f'poster="{poster.relative_to(out).as_posix()}" loop muted playsinline preload="none" '
                      f'title="{html.escape(title, quote=True)}: click to play or pause" '
                      f'aria-label="{html.escape(alt, quote=True)}"></video>'
                      f'<figcaption><code>{html.escape(name)}</code>: {html.escape(title)} '
                      f'(<a href="{transcript}">transcript</a>)</figcaption></figure>',
                      "", "```sh", make_video, make_poster, "```", ""]
        lines += ["</div>", "", '<div class="gallery-source" markdown>', "",
                  "```py", source.rstrip("\n"), "```", "", "</div>", "", "</div>", ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenes", type=Path, default=ROOT / "scenes", help="folder of scene files [scenes/]")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "gallery", help="where the GIFs and index.md go")
    parser.add_argument("-q", "--quality", default="l", help="viz render's -q [l]")
    parser.add_argument("--size", help="WxH instead of the quality's size (tests use 160x90)")
    parser.add_argument("--max-frames", type=int, default=MAX_FRAMES,
                        help=f"at most this many steps a scene [{MAX_FRAMES}: 10 s]")
    args = parser.parse_args(argv)
    scenes, out = args.scenes.resolve(), args.out.resolve()
    entries = render_all(scenes, out, args.quality, args.size, args.max_frames)
    (out / "index.md").write_text(page(entries, out, args.max_frames))
    from viz.render.animation import transcript_path

    keep = {picture.name for _, _, rendered in entries for _, _, made, _ in rendered for picture, _ in made.values()}
    keep |= {transcript_path(out / name).name for name in keep if name.endswith(".mp4")}
    for old in out.iterdir():
        if old.suffix in (".gif", ".mp4", ".png", ".json", ".txt") and old.name not in keep:
            old.unlink()  # manifests hold machine paths and timings (the commands are on the page), and old pictures
    total = sum(out.joinpath(name).stat().st_size for name in keep)
    print(f"{out}: {len(keep)} files, {total / 1e6:.1f} MB, index.md", file=sys.stderr)


if __name__ == "__main__":
    main()
