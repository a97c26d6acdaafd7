"""What a PDF's bytes say before any engine parses it: a regular file, a %PDF- header, streams within limits.

``check_input("/dev/zero")`` refuses a device with a one-line error; a 1 MB
zlib bomb inflating to gigabytes is refused by ``check_inflated_size`` before
any engine decodes it; ``file_has_images`` tells whether OCR of pictures can
have anything to read. Every scan reads a block at a time, so memory stays
flat whatever the file's size.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import zlib
from collections.abc import Iterator
from itertools import repeat
from operator import mul
from pathlib import Path

from pipeline.pages import EmptyPdfError, NotAPdfError, OversizePdfError, PdfError

# No stream may inflate to more than this, nor all streams together to more
# than the total: a 1 MB zlib bomb inflating to gigabytes is refused before
# any engine decodes it.
DEFAULT_MAX_STREAM_BYTES = 256 << 20
DEFAULT_MAX_INFLATED_BYTES = 2 << 30


_NOT_REGULAR = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO or pipe"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def check_input(path: str | Path, what: str = "PDF") -> int:
    """Take an input path and give its size in bytes, or raise a one-line PdfError.

    Only regular files are read: a FIFO, a pipe (``parse /dev/stdin`` from a
    pipe), a device or a socket would block or never end.

    Example: ``check_input("/dev/zero")`` raises ``/dev/zero: not a regular file
    (a character device); save the PDF to a file and give that``.
    """
    try:
        st = os.stat(path)
    except OSError as e:
        raise PdfError(f"cannot read {path}: {e.strerror}") from None
    for test, kind in _NOT_REGULAR:
        if test(st.st_mode):
            hint = " (parse reads standard input as -)" if what in ("PDF", "file") and kind == "a FIFO or pipe" else ""
            raise PdfError(f"{path}: not a regular file ({kind}); save the {what} to a file and give that{hint}")
    return st.st_size


def check_file(path: Path) -> None:
    """Raise a one-line PdfError for a file that cannot be a PDF at all."""
    check_input(path)
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError as e:
        raise PdfError(f"cannot read {path}: {e.strerror}") from None
    if not head:
        raise EmptyPdfError(f"{path}: empty file (0 bytes)")
    if b"%PDF-" not in head:
        raise NotAPdfError(f"{path}: not a PDF (no %PDF- header)")


def has_encrypt_entry(path: Path) -> bool:
    """Whether the file names an /Encrypt dictionary (its trailer is never encrypted)."""
    return next(_find_all(path, b"/Encrypt"), None) is not None


# Bytes read at a time by the scans over a whole file (``_find_all``, ``_inflated_size``):
# memory stays at this whatever the file's size (a 2 GB file of zeros costs 1 MB).
_BLOCK = 1 << 20


def _find_all(path: Path, needle: bytes) -> Iterator[int]:
    """Every offset of ``needle`` in a file, read a block at a time."""
    with open(path, "rb") as f:
        base, tail = 0, b""
        while True:
            block = f.read(_BLOCK)
            if not block:
                return
            data = tail + block
            start = base - len(tail)
            i = data.find(needle)
            while i >= 0:
                yield start + i
                i = data.find(needle, i + 1)
            keep = len(needle) - 1
            tail = data[-keep:] if keep else b""
            # an offset found in the tail was already given: the tail is shorter than the needle
            base += len(block)


def _zlib_header(head: bytes) -> bool:
    """Whether two bytes open a zlib stream (RFC 1950: deflate, header checksum divisible by 31)."""
    return len(head) >= 2 and head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and (head[0] << 8 | head[1]) % 31 == 0


def _inflated_size(f, start: int, cap: int) -> tuple[int, bool, bool]:
    """Inflate the zlib data at byte ``start`` of open file ``f`` without keeping it.

    Returns:
        (bytes out, True when past ``cap``, True when the data opens as zlib
        and breaks before its end: a damaged stream). Data that is not zlib (a
        JPEG, an uncompressed or encrypted stream) gives (0, False, False).
    """
    f.seek(start)
    step = 1 << 16
    first = f.read(step)
    if not _zlib_header(first):
        return 0, False, False
    d = zlib.decompressobj()
    out = 0
    chunk = first
    try:
        while chunk and not d.eof:
            out += len(d.decompress(chunk, step * 16))
            while d.unconsumed_tail and not d.eof and out <= cap:
                more = len(d.decompress(d.unconsumed_tail, step * 16))
                if not more:  # no progress: leave the rest to the engine
                    break
                out += more
            if out > cap:
                return out, True, False
            chunk = f.read(step)
    except zlib.error:
        return out, False, not d.eof
    return out, False, not d.eof  # the file ended inside the stream


# An ASCII85 stream longer than this is not decoded to be checked (content
# streams are tens of kilobytes; this bounds the check's memory).
DEFAULT_MAX_A85_BYTES = 16 << 20


def _ascii85_flate(f, i: int) -> bool:
    """Whether the dictionary before the ``stream`` keyword at byte ``i`` names ASCII85 then Flate."""
    f.seek(max(0, i - 512))
    head = f.read(i - max(0, i - 512))
    head = head[head.rfind(b"<<"):] if b"<<" in head else head
    a = head.find(b"/ASCII85Decode")
    if a < 0:
        a = head.find(b"/A85")
    return a >= 0 and (head.find(b"/FlateDecode", a) > a or head.find(b"/Fl ", a) > a)


_A85_BLANKS = b" \t\n\r\x0b\x0c"
_A85_DIGITS = bytes(range(33, 118))  # ! to u
_A85_VALUES = bytes((b - 33) % 256 for b in range(256))  # a translate table: ! -> 0, ..., u -> 84
_POWERS = (85 ** 4, 85 ** 3, 85 ** 2, 85, 1)


def a85decode(data: bytes) -> bytes:
    """``base64.a85decode(data, adobe=False, ignorechars=whitespace)``, the same bytes or ValueError, faster.

    A content stream's digits are taken five at a time in C-level loops
    (slices, ``map``, ``struct``) rather than one byte at a time in Python;
    data with a ``z`` or a byte that is not a digit goes to ``base64`` itself,
    which knows where each is allowed: ``a85decode(b"87cURD]i,\"Ebo80")`` is
    ``b"Hello, World"``.
    """
    digits = data.translate(None, _A85_BLANKS)
    if digits.translate(None, _A85_DIGITS):
        import base64

        return base64.a85decode(data, adobe=False, ignorechars=_A85_BLANKS)
    short = -len(digits) % 5
    values = digits.translate(_A85_VALUES) + bytes([84]) * short  # padded with u, as a85decode pads
    cols = [values[k::5] for k in range(5)]
    words = list(map(sum, zip(*(map(mul, col, repeat(p)) for col, p in zip(cols, _POWERS)))))
    if words and max(words) > 0xFFFFFFFF:
        raise ValueError("Ascii85 overflow")
    out = struct.pack(f">{len(words)}I", *words)
    return out[:len(out) - short] if short else out


def _a85_inflated_size(f, start: int, cap: int) -> tuple[int, bool, bool]:
    """``_inflated_size`` for ASCII85-then-Flate data (as reportlab writes content streams).

    A flipped or cut character breaks the ASCII85 or the zlib data inside it:
    (bytes out, over ``cap``, damaged).
    """
    f.seek(start)
    raw = f.read(DEFAULT_MAX_A85_BYTES)
    end = raw.find(b"~>")
    if end < 0:
        return 0, False, len(raw) < DEFAULT_MAX_A85_BYTES  # cut off before its end, or too long to check
    try:
        data = a85decode(raw[:end].replace(b"<~", b"", 1))
    except ValueError:
        return 0, False, True
    if not _zlib_header(data[:2]):
        return 0, False, True
    d = zlib.decompressobj()
    out = 0
    try:
        out += len(d.decompress(data, 1 << 20))
        while d.unconsumed_tail and not d.eof and out <= cap:
            more = len(d.decompress(d.unconsumed_tail, 1 << 20))
            if not more:
                break
            out += more
    except zlib.error:
        return out, False, True
    if out > cap:
        return out, True, False
    return out, False, not d.eof


def check_inflated_size(path: Path, max_stream: int | None = None, max_total: int | None = None) -> list[int]:
    """Refuse a file whose Flate streams inflate beyond the limits, before any engine decodes them.

    Args:
        path: the PDF. Every ``stream`` keyword's data is inflated in 64 KB
            steps and thrown away, so a 1 MB bomb inflating to 1 GB costs a
            few milliseconds up to the limit, and the file is read a block at
            a time: memory stays flat whatever its size.
        max_stream: bytes one stream may inflate to; ``DEFAULT_MAX_STREAM_BYTES`` when None.
        max_total: bytes all streams together may inflate to; ``DEFAULT_MAX_INFLATED_BYTES`` when None.

    Returns:
        The byte offsets of damaged streams: zlib data that breaks before its
        end (a flipped or deleted byte), whose text the engines lose without
        a word; ``extract_pages`` cross-checks the pages of such a file.

    Raises:
        OversizePdfError: ``x.pdf: a stream at byte 1234 inflates beyond 256 MB (limit)``.
    """
    max_stream = DEFAULT_MAX_STREAM_BYTES if max_stream is None else max_stream
    max_total = DEFAULT_MAX_INFLATED_BYTES if max_total is None else max_total
    damaged: list[int] = []
    total = 0
    with open(path, "rb") as f:
        for i in _find_all(path, b"stream"):
            f.seek(max(0, i - 3))
            around = f.read(i - max(0, i - 3) + 8)
            before, after = around[: i - max(0, i - 3)], around[i - max(0, i - 3) + 6:]
            if before == b"end":  # not the start of a stream
                continue
            if after[:2] == b"\r\n":
                j = i + 8
            elif after[:1] in (b"\n", b"\r"):
                j = i + 7
            else:
                continue
            if _ascii85_flate(f, i):
                size, over, broken = _a85_inflated_size(f, j, max_stream)
            else:
                size, over, broken = _inflated_size(f, j, max_stream)
            if over:
                raise OversizePdfError(
                    f"{path}: a stream at byte {i} inflates beyond {max_stream >> 20} MB (the limit)")
            if broken:
                damaged.append(i)
            total += size
            if total > max_total:
                raise OversizePdfError(f"{path}: streams inflate beyond {max_total >> 20} MB in all (the limit)")
    return damaged


# the dictionary of an image XObject: a stream's dictionary is never compressed or
# encrypted, so a file without this key has no picture to read
_IMAGE_KEY = re.compile(rb"/Subtype\s*/Image\b")


def file_has_images(path: Path) -> bool:
    """Whether a PDF holds any image XObject, from its bytes alone (no page is parsed)."""
    try:  # a block at a time, never mapped whole (memory stays flat, as in check_inflated_size)
        with open(path, "rb") as f:
            tail = b""
            while block := f.read(_BLOCK):
                data = tail + block
                if _IMAGE_KEY.search(data):
                    return True
                tail = data[-64:]
        return False
    except OSError:
        return True  # unreadable this way: let the page listing decide
