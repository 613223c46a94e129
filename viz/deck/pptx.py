"""The deck as a PowerPoint file (python-pptx): per scene a slide with its title and its MP4,
whose poster is the last frame, so the slide looks right before it plays and in exports (PDF,
print); the video's alt text (``descr``) names every optimizer and its final value, and the
notes hold the scene file's docstring and the long description (:mod:`viz.words`). Opens in
PowerPoint, Keynote and Impress."""

import io
import zipfile

from viz.deck.html import CODE
from viz.render.theme import THEMES
from viz.render.writers.video import poster
from viz.store.atomic import atomic_path

HEIGHT = 6858000  # EMU: 7.5 inches, PowerPoint's slide height at 16:9 and 4:3 alike
MARGIN = 228600   # EMU: a quarter inch
TITLE = 914400    # EMU: the title band, one inch
TITLE_POINTS = 28
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # every part's time in the zip: the same scenes give the same bytes


def write(slides, path, title, theme):
    """Write ``slides`` (:class:`viz.deck.Slide`, each an MP4) as a ``.pptx`` at ``path``,
    after a title slide if ``title`` is given, in the colours of ``theme``."""
    from pptx import Presentation  # python-pptx: only for a .pptx deck
    from pptx.enum.text import PP_ALIGN  # python-pptx: only for a .pptx deck
    from pptx.util import Emu, Pt  # python-pptx: only for a .pptx deck

    colours = THEMES[theme]
    deck = Presentation()
    width, height = slides[0].report.options.output.size
    deck.slide_height = Emu(HEIGHT)
    deck.slide_width = Emu(round(HEIGHT * width / height))
    if title:
        page = deck.slides.add_slide(deck.slide_layouts[0])
        heading = page.shapes.title  # the template's box is placed for 4:3: centre it on this width
        heading.left, heading.top = Emu(MARGIN), Emu((HEIGHT - 2 * TITLE) // 2)
        heading.width, heading.height = Emu(deck.slide_width - 2 * MARGIN), Emu(2 * TITLE)
        heading.text = title
        heading.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
        _colour(page, colours)
        page.placeholders[1].element.getparent().remove(page.placeholders[1].element)  # no empty subtitle box
    for slide in slides:
        page = deck.slides.add_slide(deck.slide_layouts[5])  # Title Only
        heading = page.shapes.title
        heading.left, heading.top = Emu(MARGIN), Emu(0)
        heading.width, heading.height = Emu(deck.slide_width - 2 * MARGIN), Emu(TITLE)
        heading.text = slide.title
        heading.text_frame.paragraphs[0].runs[0].font.size = Pt(TITLE_POINTS)
        _colour(page, colours)
        box_width, box_height = deck.slide_width - 2 * MARGIN, HEIGHT - TITLE - MARGIN
        w, h = slide.report.options.output.size
        scale = min(box_width / w, box_height / h)
        movie_width, movie_height = round(w * scale), round(h * scale)
        movie = page.shapes.add_movie(str(slide.path), Emu((deck.slide_width - movie_width) // 2), Emu(TITLE),
                                      Emu(movie_width), Emu(movie_height),
                                      poster_frame_image=io.BytesIO(poster(slide.path)), mime_type="video/mp4")
        words = slide.report.words
        if words:  # the movie and its poster are one picture element: its alt text serves both
            movie._element._nvXxPr.cNvPr.set("descr", words.summary)
        notes = "\n\n".join(part for part in (slide.notes, words.description if words else "") if part)
        if notes:
            page.notes_slide.notes_text_frame.text = CODE.sub(r"\1", notes)  # (plain text: no ``backticks``)
    saved = io.BytesIO()
    deck.save(saved)
    with atomic_path(path) as temporary:
        temporary.write_bytes(_fixed_times(saved.getvalue()))


def _colour(page, colours):
    """The slide's background and title in the theme's colours."""
    from pptx.dml.color import RGBColor  # python-pptx: only for a .pptx deck

    page.background.fill.solid()
    page.background.fill.fore_color.rgb = RGBColor.from_string(colours.background[1:])
    for paragraph in page.shapes.title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.color.rgb = RGBColor.from_string(colours.ink[1:])


def _fixed_times(data):
    """The zip ``data`` again with every part dated alike, so the file depends only on its content."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            fixed = zipfile.ZipInfo(item.filename, FIXED_TIME)
            fixed.compress_type = item.compress_type
            target.writestr(fixed, source.read(item.filename))
    return out.getvalue()
