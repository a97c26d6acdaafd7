"""A tiny in-memory typesetter for cleanup tests: paragraphs -> RawPages.

Lays text out the way GB/T 9704 body text is set: a fixed number of
characters per line, a two-character first-line indent, full lines
reaching the right edge, 22 lines per page. No PDF is involved, so the
tests see exactly the geometry they ask for.
"""

from pipeline.model import RawPage
from pipeline.pages import make_char

WIDTH, HEIGHT = 595.28, 841.89
LEFT, TOP, SIZE, PITCH = 79.0, 105.0, 16.0, 28.9
PER_LINE, LINES_PER_PAGE = 28, 22


def line_chars(text, x0, top, size=SIZE, advance=None, color="#000000", font="FangSong"):
    """Glyphs of one line, each ``advance`` apart (default: its size)."""
    advance = advance or size
    return [make_char(ch, x0 + i * advance, top, x0 + i * advance + size, top + size, size, font, color)
            for i, ch in enumerate(text)]


def layout(paragraphs, per_line=PER_LINE, header=None, page_numbers=None):
    """Typeset paragraphs onto pages.

    Args:
        paragraphs: body paragraphs.
        header: a running header drawn at the top of every page.
        page_numbers: a format such as "— {n} —" drawn at the bottom.

    Returns:
        A list of RawPage.
    """
    lines = []
    for para in paragraphs:
        first = True
        rest = para
        while rest:
            room = per_line - 2 if first else per_line
            lines.append((first, rest[:room]))
            rest = rest[room:]
            first = False
    pages = []
    for start in range(0, max(len(lines), 1), LINES_PER_PAGE):
        chars = []
        for i, (first, text) in enumerate(lines[start:start + LINES_PER_PAGE]):
            x0 = LEFT + (2 * SIZE if first else 0)
            chars += line_chars(text, x0, TOP + i * PITCH)
        n = len(pages) + 1
        if header:
            chars += line_chars(header, LEFT, 40, size=10.5)
        if page_numbers:
            label = page_numbers.format(n=n)
            chars += line_chars(label, WIDTH / 2 - len(label) * 7 / 2, 770, size=14, advance=7)
        pages.append(RawPage(n, WIDTH, HEIGHT, tuple(chars)))
    return pages
