"""OCR of a PDF's pages: each page rendered with PDFium and read by ``pipeline.ocr`` only when asked for.

``OcrPages.read`` turns a page without a usable text layer (a scan) into one
read by Tesseract, ``quality="ocr"``: ``"no text layer; tesseract chi_sim,
mean confidence 91"``; ``OcrPages.read_images`` adds the text of pictures on
a page that has a text layer (an indicator table pasted as an image).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.extract_pdfium import count_objects, image_share, xref_rebuilt
from pipeline.model import Char, RawPage
from pipeline.pdf_bytes import file_has_images
from pipeline.quality import assess_page, mark_unreadable

# Pixels a page may be rendered to (OCR and review): a 200-inch page at
# 120 dpi would be 24,000 x 24,000 px and 2.3 GB, so larger pages are
# rendered at a lower resolution instead (A0 at 120 dpi is 22 million).
DEFAULT_MAX_RENDER_PIXELS = 24_000_000
# A rendered page whose darkest grey is lighter than this holds no ink: OCR is not run.
DEFAULT_BLANK_GREY = 245


class OcrPages:
    """OCR of the same file's pages, each rendered and read only when asked for.

    The PDF is opened with PDFium at the first page that needs OCR, and one
    page image at a time is held (an A4 page at 120 dpi is 4 MB as RGB).
    """

    def __init__(self, path: Path, password: str | None) -> None:
        self.path, self.password = path, password
        self.pdf: object | None = None
        self.unavailable: str | None = None
        self.checked = False
        self.has_images: bool | None = None

    def read(self, page: RawPage, why: str) -> RawPage:
        """Give ``page`` read by OCR, or unreadable for ``why`` and the reason OCR could not help.

        Args:
            page: the page as its engine read it (its characters are replaced).
            why: why the text layer is not used: ``"no text layer"``.

        Returns:
            The page with OCR characters, ``quality="ocr"`` and a reason such as
            ``"no text layer; tesseract chi_sim, mean confidence 91"``; or
            unreadable: ``"no text layer; OCR unavailable: tesseract not installed"``,
            ``"no text layer; OCR found no text"``,
            ``"…; OCR unreliable (mean confidence 31)"``.
        """
        from pipeline import ocr  # loaded by the first page OCR reads: text-layer pages never import it

        if not self.checked:
            self.unavailable, self.checked = ocr.ocr_unavailable(), True
        if self.unavailable:
            return mark_unreadable(page, f"{why}; OCR unavailable: {self.unavailable}")
        try:
            got = self.render(page.number)
        except Exception as e:  # PDFium cannot render the page: the page is lost, not the file
            return mark_unreadable(page, f"{why}; OCR failed: page not rendered ({type(e).__name__})")
        if got is None:
            return mark_unreadable(page, f"{why}; blank page (nothing drawn)")
        image, dpi = got
        if is_blank_image(image):  # no ink: Tesseract would find nothing, slowly on a big page
            image.close()
            return mark_unreadable(page, f"{why}; OCR found no text")
        try:
            chars, confidence = ocr.ocr_image(image, dpi)
        except ocr.OcrError as e:
            return mark_unreadable(page, f"{why}; OCR failed: {e}")
        finally:
            image.close()
        if not chars or confidence is None:
            return mark_unreadable(page, f"{why}; OCR found no text")
        if confidence < ocr.DEFAULT_OCR_MIN_CONFIDENCE:
            return mark_unreadable(page, f"{why}; OCR unreliable (mean confidence {confidence:.0f})")
        read = replace(page, chars=tuple(chars))
        verdict, reason = assess_page(read)
        if verdict != "ok":
            return mark_unreadable(page, f"{why}; OCR gives {reason}")
        return replace(read, quality="ocr",
                       quality_reason=f"{why}; tesseract {ocr.DEFAULT_OCR_LANGUAGE}, mean confidence {confidence:.0f}")

    def read_images(self, page: RawPage) -> RawPage:
        """Give a page with a text layer its pictures' text too, where a picture may hold some.

        A plan's indicator table or 专栏 box pasted as a picture leaves the text
        layer without its targets. Each picture wide and tall enough for lines of
        text and not under text already (``text_image_boxes``) is read by OCR;
        what is read joins the page's characters, the page becomes ``ocr`` with
        the reason ``"text layer; 1 image read by OCR (tesseract chi_sim, mean
        confidence 88)"`` and ``ocr_regions`` holds the pictures' boxes. A file
        without image objects costs one scan of its bytes; pages of a file with
        some cost a listing of their image objects.
        """
        if self.has_images is None:
            self.has_images = file_has_images(self.path)
        if not self.has_images:
            return page
        try:
            boxes = text_image_boxes(self.image_boxes(page), page.width, page.chars)
        except Exception:  # PDFium cannot list the page's objects: the text layer stands alone
            return page
        if not boxes:
            return page
        from pipeline import ocr  # only for a page with such a picture

        if not self.checked:
            self.unavailable, self.checked = ocr.ocr_unavailable(), True
        if self.unavailable:
            return page
        try:
            got = self.render(page.number, ocr.DEFAULT_IMAGE_OCR_DPI)
        except Exception:
            return page
        if got is None:
            return page
        image, dpi = got
        read: list = []
        regions, confidences = [], []
        try:
            for box in boxes:
                try:
                    chars, confidence = ocr.ocr_region(image, box, dpi)
                except ocr.OcrError:
                    continue
                if (confidence is None or confidence < ocr.DEFAULT_IMAGE_MIN_CONFIDENCE
                        or len(chars) < ocr.DEFAULT_IMAGE_MIN_CHARS):
                    continue  # a photo or a drawing: no text
                read += chars
                regions.append((round(box[0], 2), round(box[1], 2), round(box[2], 2), round(box[3], 2)))
                confidences.append(confidence)
        finally:
            image.close()
        if not regions:
            return page
        n = len(regions)
        why = (f"{page.quality_reason}; " if page.quality_reason else "text layer; ") + (
            f"{n} image{'s' if n > 1 else ''} read by OCR (tesseract {ocr.DEFAULT_OCR_LANGUAGE}, "
            f"mean confidence {sum(confidences) / n:.0f})")
        return replace(page, chars=page.chars + tuple(read), quality="ocr", quality_reason=why,
                       ocr_regions=tuple(regions))

    def image_boxes(self, page: RawPage) -> list[tuple[float, float, float, float]]:
        """The boxes ``(x0, top, x1, bottom)`` in points, origin top-left, of a page's pictures."""
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        if self.pdf is None:
            self.pdf = pdfium.PdfDocument(str(self.path), password=self.password)
        pdf_page = self.pdf[page.number - 1]  # type: ignore[index]
        try:
            out = []
            for obj in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
                left, bottom, right, top = obj.get_bounds()
                out.append((left, page.height - top, right, page.height - bottom))
            return out
        finally:
            pdf_page.close()

    def render(self, number: int, dpi: float | None = None):
        """Page ``number`` (1-based) as (PIL image, dpi), origin top-left, or None when nothing is drawn on it.

        The dpi is ``dpi`` (``ocr.DEFAULT_OCR_DPI`` when None) unless the page is so large that
        the image would pass ``DEFAULT_MAX_RENDER_PIXELS`` (``render_scale``).
        """
        import pypdfium2 as pdfium

        from pipeline.ocr import DEFAULT_OCR_DPI  # as in read: only for a page OCR reads

        if self.pdf is None:
            self.pdf = pdfium.PdfDocument(str(self.path), password=self.password)
        page = self.pdf[number - 1]  # type: ignore[index]
        try:
            if count_objects(page) == 0:
                return None
            width, height = page.get_size()
            scale = render_scale(width, height, (dpi or DEFAULT_OCR_DPI) / 72)
            bitmap = page.render(scale=scale)
            try:
                return bitmap.to_pil().convert("RGB"), scale * 72  # a copy: the bitmap's buffer is freed below
            finally:
                bitmap.close()
        finally:
            page.close()

    def xref_rebuilt(self) -> bool:
        """Whether PDFium had to rebuild the file's cross-reference table (offsets wrong: bytes lost or added)."""
        import pypdfium2 as pdfium


        try:
            if self.pdf is None:
                self.pdf = pdfium.PdfDocument(str(self.path), password=self.password)
            return xref_rebuilt(self.pdf)
        except Exception:
            return False

    def image_share(self, number: int) -> float:
        """The share of page ``number`` (1-based) covered by images; 0 when PDFium cannot tell."""
        import pypdfium2 as pdfium


        try:
            if self.pdf is None:
                self.pdf = pdfium.PdfDocument(str(self.path), password=self.password)
            page = self.pdf[number - 1]  # type: ignore[index]
        except Exception:
            return 0.0
        try:
            return image_share(page)
        finally:
            page.close()

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()  # type: ignore[attr-defined]
            self.pdf = None


def render_scale(width: float, height: float, scale: float, max_pixels: int | None = None) -> float:
    """Take a page's size in points and the wanted pixels per point and give the scale to render at.

    The wanted scale unless the image would exceed ``max_pixels``
    (``DEFAULT_MAX_RENDER_PIXELS`` when None); then the scale that fits it.

    Example: an A4 page (595 x 842 pt) at 120/72 stays 1.667; a 14,400 pt
    square page at 120/72 gives 0.34 (4,899 px a side).
    """
    max_pixels = DEFAULT_MAX_RENDER_PIXELS if max_pixels is None else max_pixels
    area = max(width, 1.0) * max(height, 1.0)
    if area * scale * scale <= max_pixels:
        return scale
    return (max_pixels / area) ** 0.5


def is_blank_image(image, grey: int | None = None) -> bool:
    """Whether a rendered page (PIL image) holds no ink: its darkest grey is lighter than ``DEFAULT_BLANK_GREY``."""
    grey = DEFAULT_BLANK_GREY if grey is None else grey
    low, _ = image.convert("L").getextrema()
    return low > grey


# Pictures on a page with a text layer are read when they may hold text: at
# least this share of the page's width and this tall in points (an indicator
# table, a 专栏 box; not a seal, a logo or a rule), with fewer than this many
# text-layer characters over them (else the picture is a background or a
# seal under the signature).
DEFAULT_IMAGE_MIN_WIDTH_SHARE = 0.3
DEFAULT_IMAGE_MIN_HEIGHT = 40.0
DEFAULT_IMAGE_MAX_TEXT_CHARS = 5


def text_image_boxes(boxes: Sequence[tuple[float, float, float, float]], page_width: float,
                     chars: Sequence[Char]) -> list[tuple[float, float, float, float]]:
    """Take the boxes of a page's pictures and give those that may hold text worth OCR.

    Args:
        boxes: each picture's ``(x0, top, x1, bottom)`` in points, origin top-left.
        page_width: the page's width in points.
        chars: the page's text-layer characters.

    Returns:
        The boxes wide and tall enough to hold lines of text (an indicator table
        drawn as a picture, 440 x 270 pt) and not already covered by text (a seal
        under the 署名, a background): the rest cost nothing.
    """
    out = []
    for x0, top, x1, bottom in boxes:
        if x1 - x0 < DEFAULT_IMAGE_MIN_WIDTH_SHARE * page_width or bottom - top < DEFAULT_IMAGE_MIN_HEIGHT:
            continue
        over = sum(1 for c in chars if x0 <= (c.x0 + c.x1) / 2 <= x1 and top <= (c.top + c.bottom) / 2 <= bottom)
        if over < DEFAULT_IMAGE_MAX_TEXT_CHARS:
            out.append((x0, top, x1, bottom))
    return out
