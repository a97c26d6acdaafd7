"""Cleanup: folding, layout spaces, furniture, paragraph joining; property tests."""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from layout import HEIGHT, LEFT, SIZE, TOP, WIDTH, layout, line_chars

from pipeline.clean import clean_text, close_spaces, group_lines, is_page_number
from pipeline.model import Char, RawPage
from pipeline.pages import dedupe_overprint, fold_char

FOLD_CASES = [
    ("⼗", "十"),  # Kangxi radical, as Chrome's print to PDF writes it
    ("⼈", "人"),
    ("⺠", "民"),  # CJK radical supplement: NFKC leaves it, the table maps it
    ("⻔", "门"),
    ("３", "3"),
    ("Ａ", "A"),
    ("ｂ", "b"),
    ("，", "，"),  # Chinese punctuation stays
    ("（", "（"),
    ("：", "："),
    ("〔", "〔"),
    ("郑", "郑"),
]


@pytest.mark.parametrize(("raw", "folded"), FOLD_CASES)
def test_clean_fold_char(raw, folded):
    assert fold_char(raw) == folded


SPACE_CASES = [
    ("郑 州 市", "郑州市"),
    ("国令第 711 号", "国令第711号"),
    ("2023 年", "2023年"),
    ("健康发展 。", "健康发展。"),
    ("B2B 平台", "B2B平台"),
    ("Hello world", "Hello world"),
    ("5 000", "5 000"),
    ("中共河南省委\u3000河南省人民政府", "中共河南省委\u3000河南省人民政府"),  # a genuine full-width space
    ("郑发 〔2016〕35号", "郑发〔2016〕35号"),
]


@pytest.mark.parametrize(("raw", "clean"), SPACE_CASES)
def test_clean_close_spaces(raw, clean):
    assert close_spaces(raw) == clean


PAGE_NUMBER_CASES = [
    ("— 8 —", True),
    ("-8-", True),
    ("－12－", True),
    ("8", True),
    ("第 8 页 共 16 页", True),
    ("第8页", True),
    ("共16页 第8页", True),
    ("3/5", True),
    ("Page 2 of 9", True),
    ("2017年", False),
    ("第八条", False),
    ("一、总体思路", False),
    ("8个", False),
    ("2017-2030", False),
    ("第8章", False),
]


@pytest.mark.parametrize(("text", "expected"), PAGE_NUMBER_CASES)
def test_clean_is_page_number(text, expected):
    assert is_page_number(text) is expected


def _page(chars, number=1):
    return RawPage(number, WIDTH, HEIGHT, tuple(chars))


def test_clean_letter_spaced_line_closes():
    chars = line_chars("郑州市人民政府", 150, TOP, advance=SIZE * 2.2)  # glyphs far apart
    assert [ln.text for ln in group_lines(_page(chars))] == ["郑州市人民政府"]


def test_clean_real_spaces_between_cjk_close():
    chars = line_chars("郑 州 市 人 民 政 府", 150, TOP, advance=SIZE * 0.8)
    assert [ln.text for ln in group_lines(_page(chars))] == ["郑州市人民政府"]


def test_clean_field_gap_kept_as_full_width_space():
    chars = line_chars("东川市人民政府办公室", LEFT, TOP) + line_chars("2023年5月8日印发", 330, TOP)
    assert [ln.text for ln in group_lines(_page(chars))] == ["东川市人民政府办公室\u30002023年5月8日印发"]


def test_clean_fake_bold_overprint_removed():
    once = line_chars("报告", LEFT, TOP)
    twice = once + line_chars("报告", LEFT + 0.3, TOP + 0.2)
    kept = dedupe_overprint(twice)
    assert "".join(c.text for c in kept) == "报告"
    assert all(c.bold for c in kept)


# glyphs on a grid finer than the tolerance (1.5 pt), so copies, near misses
# and pairs exactly at the tolerance all occur; blanks may overlap too
_GLYPHS = st.lists(
    st.tuples(st.sampled_from(["报", "告", " ", "\u3000", "ab"]),
              st.integers(0, 16).map(lambda k: k * 0.75), st.integers(0, 8).map(lambda k: k * 0.75)),
    max_size=40,
)


def _c_module():
    """The C module; a failure when REQUIRE_C is set and it is missing or stale, else a skip."""
    from pipeline.native import speedups

    fast = speedups()
    if fast is None:
        if os.environ.get("REQUIRE_C"):  # CI sets it: a module that did not build must fail there, not skip
            pytest.fail("REQUIRE_C is set but pipeline._speedups is not built or is stale")
        pytest.skip("pipeline._speedups is not built or is stale")
    return fast


@settings(max_examples=300, deadline=None)
@given(glyphs=_GLYPHS)
def test_clean_overprint_screen_in_c_agrees_with_python(glyphs):
    _c_module()
    chars = [Char(t, x, y, x + 10, y + 10, 10.0, "F", None) for t, x, y in glyphs]
    assert dedupe_overprint(list(chars), native=True) == dedupe_overprint(list(chars), native=False)


@pytest.mark.parametrize(("second", "expected"), [
    (("报", 0.3, 0.2), True),  # a fake-bold copy
    (("报", 1.5, -1.5), True),  # at the tolerance
    (("报", 1.6, 0.0), False),  # beyond it
    (("告", 0.0, 0.0), False),  # another glyph
    ((" ", 0.0, 0.0), False),  # a blank over a blank is kept, not a copy
])
def test_clean_overprint_screen_flags_only_copies(second, expected):
    fast = _c_module()
    first = ("报", 0.0, 0.0) if second[0] != " " else (" ", 0.0, 0.0)
    glyphs = (first, second)
    texts = [t for t, _x, _y in glyphs]
    assert fast.may_overprint(texts, [100.0 + x for _t, x, _y in glyphs], [200.0 + y for _t, _x, y in glyphs],
                              1.5) is expected


def test_clean_overprint_screen_leaves_what_is_no_char_to_python():
    fast = _c_module()
    assert fast.may_overprint(["报", "告"], [1, 50.0], [0.0, 0.0], 1.5) is True  # an int: Python judges
    assert fast.may_overprint(["报", "告"], [float("nan"), 50.0], [0.0, 0.0], 1.5) is True


# glyphs on a coarse grid so rows merge and split, equal middles and x0 tie,
# gaps straddle the space gap; sizes, colours, blanks and ligatures vary
_PAGE_GLYPHS = st.lists(
    st.tuples(st.sampled_from(["郑", "州", "2"] * 4 + [" ", "\u3000", "", "ab"]),
              st.integers(0, 40).map(lambda k: 72 + k * 4.0),  # x0
              st.integers(0, 12).map(lambda k: 100 + k * 3.5),  # top
              st.sampled_from([16.0] * 6 + [16.04, 22.0, 0.5]),  # size, and the glyph's height
              st.sampled_from([None] * 6 + ["#000000", "#de0000"]),
              st.booleans()),
    max_size=60,
)


def _group_both_ways(glyphs) -> tuple[list, list]:
    _c_module()
    chars = tuple(Char(t, x, y, x + w * 0.9, y + w, w, "F", color, bold) for t, x, y, w, color, bold in glyphs)
    page = RawPage(3, 595.0, 842.0, chars)
    return group_lines(page, native=True), group_lines(page, native=False)


@settings(max_examples=300, deadline=None)
@given(glyphs=_PAGE_GLYPHS)
def test_clean_lines_in_c_agree_with_python(glyphs):
    with_c, without = _group_both_ways(glyphs)
    assert with_c == without
    assert [[type(v) for v in (ln.x0, ln.size, ln.bold)] for ln in with_c] == \
        [[type(v) for v in (ln.x0, ln.size, ln.bold)] for ln in without]


@pytest.mark.parametrize("glyphs", [
    [("郑", 72.0, 100.0, 16.0, None, False), ("州", 88.0, 100.2, 16.0, None, True)],  # a plain line
    [("郑", 72.0, 100.0, 16.0, None, False), ("州", 96.0, 100.0, 16.0, None, False)],  # a gap: Python path
    [("郑", 72.0, 100.0, 16.0, None, False), (" ", 88.0, 100.0, 16.0, None, False)],  # a blank
    [("郑", 72.0, 100.0, 16.0, "#de0000", False), ("州", 88.0, 100.0, 16.0, None, False)],  # two colours
    [("郑", 72.0, 100.0, 16.0, None, False), ("州", 88.0, 100.0, 22.0, None, False)],  # two sizes
    [("郑", float("nan"), 100.0, 16.0, None, False)],  # no order: Python decides
    [("郑", 72.0, float("inf"), 16.0, None, False)],
])
def test_clean_lines_in_c_agree_with_python_on_edge_cases(glyphs):
    with_c, without = _group_both_ways(glyphs)
    assert repr(with_c) == repr(without)  # repr: NaN != NaN


PARAS = [
    "为加强和规范本市非机动车管理，保障道路交通安全、有序和畅通，根据有关法律法规，结合本市实际，制定本办法。",
    "一、总体要求",
    "坚持以人民为中心的发展思想，统筹发展和安全，着力构建权责清晰、运转高效、保障有力的管理体系，切实提升城市治理水平。",
]


def test_clean_paragraphs_rejoined():
    assert clean_text(layout(PARAS)).text == "\n".join(PARAS)


def test_clean_page_numbers_and_running_header_removed():
    paras = PARAS * 8  # several pages
    ct = clean_text(layout(paras, header="东川市人民政府公报2023年第5期", page_numbers="— {n} —"))
    assert ct.text == "\n".join(paras)
    assert len(ct.pages) >= 2
    assert all(p.page_number == f"—{p.number}—" for p in ct.pages)
    assert all(p.header == "东川市人民政府公报2023年第5期" for p in ct.pages)


def test_clean_sentence_rejoined_across_page_break():
    # 22 lines a page: a paragraph long enough to run over the break
    para = "各地区各部门要加强统筹协调，" * 50
    ct = clean_text(layout([para], page_numbers="-{n}-"))
    assert ct.text == para
    # the characters after the break carry the second page
    assert ct.boxes[0][0] == 1 and ct.boxes[-1][0] == 2


_CJK = st.sampled_from(list("政府部门加强管理推进城市发展建设工作机制完善体系提升服务水平的和与在对"))
_PUNCT = st.sampled_from(list("，、；"))
# body paragraphs of two lines or more, so the text area's edges show
_para = st.lists(st.one_of(_CJK, _CJK, _CJK, _PUNCT), min_size=40, max_size=160).map(
    lambda cs: "".join(cs).strip("，、；") + "。")


@settings(max_examples=60, deadline=None)
@given(st.lists(_para, min_size=1, max_size=6))
def test_clean_layout_round_trip(paras):
    paras = [p for p in paras if len(p) > 1]
    if not paras:
        return
    assert clean_text(layout(paras)).text == "\n".join(paras)


@settings(max_examples=60, deadline=None)
@given(st.lists(_para, min_size=1, max_size=6))
def test_clean_is_idempotent(paras):
    once = clean_text(layout(paras)).text
    twice = clean_text(layout(once.split("\n"))).text
    assert once == twice


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("郑州市 2023年B2B\u3000 ab，。")), max_size=40))
def test_clean_close_spaces_idempotent(text):
    assert close_spaces(close_spaces(text)) == close_spaces(text)


# OCR sizes a line by its ink and snaps it to a 号 size: lines of one paragraph may come out a step apart
# (a full line at 18, its short last line 到12%。 at 16); a text layer's sizes are given, so there a step is a break
OCR_SIZE_STEP = [
    ("tesseract", 18.0, 16.0, "比重提高到12%。"),
    ("tesseract", 16.0, 18.0, "比重提高到12%。"),
    ("FangSong", 18.0, 16.0, "比重提高\n到12%。"),
    ("tesseract", 22.0, 16.0, "比重提高\n到12%。"),  # two steps: a title over body text
]


@pytest.mark.parametrize(("font", "first", "second", "text"), OCR_SIZE_STEP)
def test_clean_ocr_lines_a_size_step_apart_stay_one_paragraph(font, first, second, text):
    full = "为加快推进数字产业化和产业数字化推动全市数字经济高质量发展"  # lines of one length: each reaches the right edge
    head = "坚持创新驱动融合发展安全可控着力构建现代化数字经济比重提高"
    chars = (line_chars(full, LEFT, TOP, size=first, advance=16.0, font=font)
             + line_chars(full, LEFT, TOP + 29, size=first, advance=16.0, font=font)
             + line_chars(head, LEFT, TOP + 58, size=first, advance=16.0, font=font)
             + line_chars("到12%。", LEFT, TOP + 87, size=second, advance=16.0, font=font))
    ct = clean_text([RawPage(1, WIDTH, HEIGHT, tuple(chars))])
    assert text in ct.text
