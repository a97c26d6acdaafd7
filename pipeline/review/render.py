"""The page images of a review page: a PDF's pages drawn by PDFium, an OFD's characters and rules drawn
with Pillow; each a base64 JPEG ready to embed."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from pipeline.ocr_pages import render_scale
from pipeline.read.ofd import read_ofd

DEFAULT_SCALE = 1.5  # 1.5 px per PDF point: a 595 pt A4 page is 893 px wide, sharp enough for 仿宋 16 pt
DEFAULT_JPEG_QUALITY = 72  # ~60-100 kB a page of text; the red 版头 stays red


class ReviewError(Exception):
    """A review page cannot be made: no PDF to draw the pages from, unreadable JSON."""


@dataclass(frozen=True)
class PageImage:
    """One page rendered for the page: its number, pixel size and base64 image."""

    number: int  # 1-based
    width: int
    height: int
    mime: str  # image/jpeg
    data: str  # base64

    @property
    def src(self) -> str:
        return f"data:{self.mime};base64,{self.data}"



def _turn_back(page: Any, read: dict[str, Any] | None) -> int:
    """The extra rotation that draws a page as it was read: a page turned by /Rotate whose text was read
    on the unturned page (``extract_pdfium``: a portrait document shown sideways) is drawn unturned."""
    rotation = page.get_rotation()
    if not rotation or not read:
        return 0
    x0, y0, x1, y1 = page.get_mediabox()
    portrait_box = abs(x1 - x0) <= abs(y1 - y0)
    portrait_read = float(read.get("width") or 0) <= float(read.get("height") or 0)
    if rotation == 180 or portrait_box == portrait_read:
        return (360 - rotation) % 360
    return 0


def render_pages(pdf: str | Path, *, scale: float = DEFAULT_SCALE, quality: int = DEFAULT_JPEG_QUALITY,
                 password: str | None = None, pages: Sequence[dict[str, Any]] = ()) -> tuple[PageImage, ...]:
    """Take a PDF and give every page as a base64 JPEG drawn by PDFium.

    Args:
        pdf: e.g. samples/zhengzhengban-2017-30.pdf (17 pages -> 17 images of 893x1263 px).
        scale: pixels per PDF point.
        quality: JPEG quality, 1-95.
        password: the user password of an encrypted PDF.
        pages: the output's ``pages``, so a turned page is drawn as it was read.

    Returns:
        One ``PageImage`` per page, in order.

    Raises:
        ReviewError: PDFium cannot open the file.
    """
    try:
        doc = pdfium.PdfDocument(str(pdf), password=password)
    except Exception as e:  # PdfiumError, OSError: one line for the CLI
        raise ReviewError(f"{pdf}: cannot render the pages ({type(e).__name__}: {str(e)[:120]})") from None
    images = []
    try:
        for i in range(len(doc)):
            try:
                page = doc[i]
                try:
                    width, height = page.get_size()  # a 200-inch page is drawn smaller, not at 2 GB
                    turn = _turn_back(page, pages[i] if i < len(pages) else None)
                    pil = page.render(scale=render_scale(width, height, scale), rotation=turn).to_pil().convert("RGB")
                finally:
                    page.close()
            except Exception as e:  # one bad page must not cost the others
                raise ReviewError(f"{pdf}: cannot render page {i + 1} ({type(e).__name__}: {str(e)[:120]})") from None
            buf = io.BytesIO()
            pil.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
            images.append(PageImage(i + 1, pil.width, pil.height, "image/jpeg",
                                    base64.b64encode(buf.getvalue()).decode("ascii")))
    finally:
        doc.close()
    return tuple(images)


# CJK fonts tried, in order, to draw an OFD's characters (Debian: fonts-wqy-zenhei, fonts-noto-cjk)
DEFAULT_CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


def render_ofd_pages(ofd: str | Path, *, scale: float = DEFAULT_SCALE,
                     quality: int = DEFAULT_JPEG_QUALITY) -> tuple[PageImage, ...]:
    """Take an OFD and give every page as a base64 JPEG: its characters drawn where the reader placed them,
    in their size and colour, and its rules; no OFD renderer is needed.

    Args:
        ofd: e.g. 东政办-12.ofd (read with ``pipeline.read.ofd.read_ofd``, the boxes the output gives).
        scale: pixels per point.
        quality: JPEG quality, 1-95.

    Returns:
        One ``PageImage`` per page. Without a CJK font installed each glyph is drawn as its box.
    """
    path = next((p for p in DEFAULT_CJK_FONTS if Path(p).is_file()), None)
    fonts: dict[int, Any] = {}
    images = []
    for page in read_ofd(ofd):
        im = Image.new("RGB", (max(1, round(page.width * scale)), max(1, round(page.height * scale))), "white")
        draw = ImageDraw.Draw(im)
        for r in page.rules:
            draw.rectangle([r.x0 * scale, r.top * scale, r.x1 * scale, max(r.bottom, r.top + 0.5) * scale],
                           fill=r.color or "#000000")
        for c in page.chars:
            px = max(1, round(c.size * scale))
            box = [c.x0 * scale, c.top * scale, c.x1 * scale, c.bottom * scale]
            if path is None:
                draw.rectangle(box, outline=c.color or "#000000")
                continue
            if px not in fonts:
                fonts[px] = ImageFont.truetype(path, px)
            draw.text((box[0], box[1]), c.text, font=fonts[px], fill=c.color or "#000000")
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
        images.append(PageImage(page.number, im.width, im.height, "image/jpeg",
                                base64.b64encode(buf.getvalue()).decode("ascii")))
    return tuple(images)


def render_source(path: str | Path, data: dict[str, Any], *, scale: float = DEFAULT_SCALE,
                  quality: int = DEFAULT_JPEG_QUALITY, password: str | None = None) -> tuple[PageImage, ...]:
    """The page images of a document's source: a PDF drawn by PDFium, an OFD's characters drawn."""
    if (data.get("source") or {}).get("format") == "ofd":
        return render_ofd_pages(path, scale=scale, quality=quality)
    return render_pages(path, scale=scale, quality=quality, password=password, pages=data.get("pages") or ())

