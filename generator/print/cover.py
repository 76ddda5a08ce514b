"""The newsletter page's cover pictures: each printed issue's first page as a small PNG, made at build time.

PDFium (pypdfium2) renders the page the reader will see first when the PDF opens, so the picture is the
cover itself, not a second drawing of it. COVER_WIDTH is twice the width the newsletter page shows a cover
at (high-density phone screens); a picture is a few tens of kilobytes. Like the PDFs, a picture made from
the same PDF is kept under the print cache (`kept`, named by the PDF's print key) and copied from there,
so an unchanged issue is rendered once.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from chamberpress.build.records import write_whole
from chamberpress.print.pdf import PdfInfo

COVER_WIDTH = 240  # pixels; the newsletter page shows covers 120 CSS px wide
COVER_SUFFIX = ".cover.png"  # <ID>.cover.png beside <ID>.pdf


@dataclass(frozen=True)
class CoverPicture:
    path: Path
    width: int
    height: int


def cover_picture(pdf: PdfInfo, kept: Path | None = None) -> CoverPicture:
    """The PNG of the PDF's first page, COVER_WIDTH pixels wide, written beside the PDF as
    `<ID>.cover.png`; taken from `kept` when a picture of the same PDF was made before."""
    target = pdf.path.with_name(pdf.path.stem + COVER_SUFFIX)
    stored = kept / f"{pdf.key}{COVER_SUFFIX}" if kept is not None and pdf.key else None
    if stored is not None and stored.is_file():
        shutil.copyfile(stored, target)
    else:
        picture = render_first_page(pdf.path, COVER_WIDTH)
        target.write_bytes(picture)
        if stored is not None:
            with contextlib.suppress(OSError):  # a picture that cannot be kept only costs time
                write_whole(stored, picture)
    with Image.open(target) as image:
        width, height = image.size
    return CoverPicture(target, width, height)


def render_first_page(pdf: Path, width: int) -> bytes:
    """The PDF's first page as PNG bytes, `width` pixels wide (the same PDF gives the same bytes)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        scale = width / page.get_width()
        image = page.render(scale=scale, may_draw_forms=False).to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    if image.width != width:  # the scale rounds: the picture is exactly as wide as said
        image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    # A palette of 256 colours keeps a cover of photos and type small; nothing but the pixels is saved.
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()
