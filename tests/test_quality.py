"""Text-layer quality of a page: pure rules on synthetic pages, no PDF opened."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import quality
from pipeline.model import Char, RawPage
from pipeline.quality import (
    DEFAULT_MIN_CHARS_FOR_STATS,
    assess_page,
    drop_undecodable,
    is_expected,
    mark_unreadable,
    undecodable_kind,
)

BODY = "为进一步加快我市服务业发展，现将有关事项通知如下：各县（市、区）人民政府要认真贯彻执行。"


def page_of(glyphs) -> RawPage:
    """A page whose characters are ``glyphs`` (a string, or a list of glyph texts such as "(cid:3)")."""
    chars = tuple(Char(g, 72.0 + 16 * (i % 28), 100.0 + 20 * (i // 28), 88.0 + 16 * (i % 28),
                       116.0 + 20 * (i // 28), 16.0, "FangSong", None) for i, g in enumerate(glyphs))
    return RawPage(1, 595.0, 842.0, chars)


UNDECODABLE = [
    ("郑", None),
    ("２", None),
    (" ", None),
    ("Ä", None),  # odd for a Chinese document, but a real character
    ("(cid:12)", "cid"),
    ("(cid:4095)", "cid"),
    ("\ufffd", "replacement"),
    ("\ue001", "private-use"),
    ("\uf06c", "private-use"),  # a Wingdings bullet
    ("\x03", "control"),
    ("(cid:x)", None),  # not pdfminer's form
]


@pytest.mark.parametrize(("text", "kind"), UNDECODABLE)
def test_quality_undecodable_kind(text, kind):
    assert undecodable_kind(text) == kind


EXPECTED = [
    ("郑", True),
    ("〔", True),
    ("２", True),
    ("①", True),
    ("Ⅲ", True),
    ("≥", True),
    ("℃", True),
    ("A", True),
    ("⼈", True),  # a Kangxi radical, folded later
    ("Ä", False),
    ("ж", False),
    ("\x03", False),
]


@pytest.mark.parametrize(("text", "expected"), EXPECTED)
def test_quality_is_expected(text, expected):
    assert is_expected(text) is expected


# (glyphs, quality, words the reason carries)
ASSESS = [
    (BODY, "ok", None),
    ("Notice on the implementation plan for the service industry, 2017.", "ok", None),
    ("第1页 共3页", "ok", None),
    ("ÄÅÇ", "ok", None),  # too few characters to judge
    (BODY + "\uf06c", "ok", None),  # one bullet in 45 characters: dropped later, not fatal
    ("", "unreadable", "no text layer"),
    ("\u3000  \u3000", "unreadable", "no text layer"),
    ([f"(cid:{i})" for i in range(1, 41)], "unreadable", "40 of 40 glyphs undecodable (cid)"),
    ("\ufffd" * 30, "unreadable", "replacement"),
    ("".join(chr(0xE000 + i) for i in range(30)), "unreadable", "private-use"),
    ("\x01-\x03\x04\x05\x06\x07\x08" * 5, "unreadable", "control"),
    ("ÄÅÇÉÑÖÜáàâäãåçéèêëíìîï" * 2, "unreadable", "implausible"),
    (BODY[:20] + "\ufffd" * 5, "unreadable", "5 of 25 glyphs undecodable"),
]


@pytest.mark.parametrize(("glyphs", "quality", "reason"), ASSESS)
def test_quality_assess_page(glyphs, quality, reason):
    got, why = assess_page(page_of(glyphs))
    assert got == quality
    if reason is None:
        assert why is None
    else:
        assert reason in why


@pytest.mark.parametrize("n", [DEFAULT_MIN_CHARS_FOR_STATS - 1, DEFAULT_MIN_CHARS_FOR_STATS])
def test_quality_statistics_need_enough_characters(n):
    quality, _ = assess_page(page_of("Ä" * n))
    assert quality == ("ok" if n < DEFAULT_MIN_CHARS_FOR_STATS else "unreadable")


DROP = [
    (BODY, BODY, "ok", None),
    (BODY + "\uf06c", BODY, "repaired", "dropped 1 undecodable glyph (private-use)"),
    ("\ufffd" + BODY + "\ufffd", BODY, "repaired", "dropped 2 undecodable glyphs (replacement)"),
]


@pytest.mark.parametrize(("glyphs", "text", "quality", "reason"), DROP)
def test_quality_drop_undecodable(glyphs, text, quality, reason):
    page = drop_undecodable(page_of(glyphs))
    assert "".join(c.text for c in page.chars) == text
    assert (page.quality, page.quality_reason) == (quality, reason)


@pytest.mark.parametrize("glyphs", [[f"(cid:{i})" for i in range(1, 41)]])
def test_quality_mark_unreadable_drops_garbage(glyphs):
    page = mark_unreadable(page_of(glyphs), "40 of 40 glyphs undecodable (cid)")
    assert page.chars == () and page.quality == "unreadable"
    assert page.quality_reason == "40 of 40 glyphs undecodable (cid)"


@given(st.lists(st.sampled_from(["郑", "州", "２", "，", " ", "\u3000", "", "\x0c", "Ä", "ж", "(cid:12)", "\ufffd",
                                 "\ue001", "\x03"]), max_size=60))
def test_quality_texts_judged_before_give_the_same_verdict(glyphs):
    page = page_of(glyphs)
    quality._PLAIN.clear()
    quality._BLANK.intersection_update({""})
    fresh = assess_page(page), drop_undecodable(page)
    assert (assess_page(page), drop_undecodable(page)) == fresh  # now from the texts judged harmless
