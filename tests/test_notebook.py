"""viz.show in the fast tier: a tiny surface scene, a few frames, nothing written unless asked
(tests/test_output.py checks MP4 and the html player in the slow tier)."""

import base64
import io

import numpy as np
from PIL import Image

from viz import Scene, show, surfaces


def test_show_returns_an_inline_gif_and_writes_only_what_is_asked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scene = Scene("bowl", surfaces.get("booth"), optimizers={"Adam": "adam"}, learning_rate=0.5, steps=4)
    animation = show(scene, format="gif", size=(160, 90), hold=0)
    assert list(tmp_path.iterdir()) == []
    html = animation._repr_html_()
    alt, description = animation.words.alt, animation.words.description
    assert alt.startswith("bowl: one optimizer animated") and "Adam" in alt and "Adam starts at loss" in description
    assert html.startswith('<img src="data:image/gif;base64,') and f'alt="{alt}"' in html
    assert "<details><summary>Description</summary><p>bowl. The animation" in html
    assert html.endswith(f"<p>{description.split(chr(10))[-1]}</p></details>")
    bundle = animation._repr_mimebundle_()
    assert bundle["text/html"] == html and bundle["text/plain"].startswith("<viz animation 'bowl': gif, 160x90")
    assert bundle["text/plain"].endswith(f"{alt}\n\n{description}")
    assert base64.b64decode(bundle["image/gif"]) == animation.data  # nbconvert's exports and text front ends
    with Image.open(io.BytesIO(base64.b64decode(bundle["image/png"]))) as poster, \
            Image.open(io.BytesIO(animation.data)) as gif:
        gif.seek(gif.n_frames - 1)
        assert poster.size == (160, 90) and np.array_equal(np.asarray(poster.convert("RGB")),
                                                           np.asarray(gif.convert("RGB")))
    data = base64.b64decode(html.split("base64,")[1].split('"')[0])
    assert data == animation.data
    with Image.open(io.BytesIO(data)) as gif:
        assert gif.size == (160, 90) and gif.n_frames == 5
    kept = tmp_path / "kept.gif"
    animation.save(kept)
    assert kept.read_bytes() == data and sorted(p.name for p in tmp_path.iterdir()) == ["kept.gif"]
