"""Render the last frame of every shipped scene under several option combinations and put them
all on one image, to look at before a release (what no test sees, a reader does):

    python docs/contact_sheet.py                     # outputs/contact_sheet.png
    python docs/contact_sheet.py --only surfaces     # the quick part: no Keras models

Each tile is ``viz render FILE --scene NAME -s`` with one combination of :data:`COMBINATIONS`
(a combination a scene cannot do, e.g. the 3D view of a model, is left out, its refusal
printed), titled with the file, the scene and the options. Recordings come from the cache
(``outputs/.cache``), so a second run only redraws.
"""

import argparse
import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))
from gallery import scene_files  # noqa: E402  (one list of the shipped scene files)

SIZE = {"16:9": (640, 360), "4:3": (480, 360)}
COMBINATIONS = {  # a name for the tile -> render keywords
    "default": {},
    "dark 4:3 x1.0": {"theme": "dark", "aspect": "4:3"},
    "x1.5": {"font_scale": 1.5},
    "grid": {"layout": "grid"},
    "3d": {"view": "3d"},
    "sharpness, line": {"panels": "contour,curves,sharpness,line"},
    "boundary": {"panels": "contour,curves,boundary"},
}
MODELS = ("logreg", "digits", "moons", "chapter")  # files whose scenes train Keras models


def tiles(only, folder):
    """Render each scene file's scenes under each combination: [(caption, png path)]."""
    import viz
    from viz.errors import VizError
    from viz.scene import load_scenes

    made = []
    for path in scene_files(ROOT / "scenes"):
        if only == "surfaces" and any(word in str(path) for word in MODELS):
            continue
        for name in load_scenes(path):
            for label, options in COMBINATIONS.items():
                aspect = options.get("aspect", "16:9")
                out = folder / f"{path.stem}_{name}_{label.replace(' ', '_').replace(',', '')}.png"
                try:
                    viz.render(path, out, scene=name, last_frame=True, size=SIZE[aspect], **options)
                except VizError as error:
                    print(f"{path.name} {name} [{label}]: {str(error).splitlines()[-1]}")
                    continue
                made.append((f"{path.relative_to(ROOT / 'scenes')} {name} [{label}]", out))
    return made


def sheet(made, columns=4):
    """The tiles in rows of ``columns``, each under its caption, on one white image."""
    width, height = 640, 360 + 18
    image = Image.new("RGB", (columns * width, -(-len(made) // columns) * height), "white")
    draw = ImageDraw.Draw(image)
    for k, (caption, path) in enumerate(made):
        x, y = k % columns * width, k // columns * height
        draw.text((x + 4, y + 3), caption, fill="black")
        tile = Image.open(path).convert("RGB")
        image.paste(tile, (x + (width - tile.width) // 2, y + 18))
    return image


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["all", "surfaces"], default="all")
    parser.add_argument("-o", "--output", default=str(ROOT / "outputs" / "contact_sheet.png"))
    arguments = parser.parse_args()
    folder = Path(arguments.output).with_suffix("")
    folder.mkdir(parents=True, exist_ok=True)
    made = tiles(arguments.only, folder)
    sheet(made).save(arguments.output)
    print(f"{len(made)} frames -> {arguments.output}")


if __name__ == "__main__":
    main()
