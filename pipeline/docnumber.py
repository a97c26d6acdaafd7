"""发文字号: find and parse document numbers in every form seen in practice.

GB/T 9704-2012 7.2.4: 机关代字 + 年份 in 〔〕 + 发文顺序号 + 号, e.g. 郑政办〔2017〕30号.
In practice the year also sits in [] 【】 （） () or mixed OCR pairs (【2017]),
with layout spaces anywhere (郑发 〔2016〕35号), full-width digits and, when a
line or page break fell inside, a newline. Decrees are numbered without a
year: 国务院令第801号, 国令第711号; announcements with one: 国家税务总局公告2018年第31号.

The 机关代字 table (``data/agency_codes.csv``) lives here because both the
finder (to tell a code from the prose before it) and ``references.guess_issuer``
read it. OCR misreads a character of a code now and then (国函 read as 国画);
``repair_agency_code`` puts a code the table does not know back to the one
table code a single character away, when there is exactly one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.loader import data_json, data_text
from pipeline.model import DocNumber, Span
from pipeline.numerals import CN_NUMERAL_CHARS, cn_to_int, width_folder
from pipeline.refcues import reference_cues

# One-to-one folds, so offsets into the folded text are offsets into the input:
# full-width digits (２０１７) and full-width square brackets (［２０１７］).
_fold = width_folder("０１２３４５６７８９［］", "0123456789[]")

# 机关代字: CJK characters before the year (郑政办, 发改规划, 中办发); the finder
# trims the prose a greedy match drags in (根据国发 -> 国发). Possessive: what
# follows (spaces, a bracket) is never CJK, so giving characters back cannot
# help, and not trying makes the scan of a long text five times faster.
_AGENCY = r"(?P<agency>[\u4e00-\u9fff]{1,12}+)"
# the year in any bracket kind; OCR may mix the pair: 〔2017〕 [2017] 【2017] （2017）
_OPEN = r"[〔\[【（(〈｛{﹝]"  # ﹝2021﹞: small brackets, common in web copies
_CLOSE = r"[〕\]】）)〉｝}﹞]"
_YEAR = rf"{_OPEN}\s*(?P<year>(?:19|20)\d\d)\s*{_CLOSE}"
# 发文顺序号: 30号, 第30号 (malformed but seen), 030号
_SERIAL = r"第?\s*(?P<serial>\d{1,5})\s*号"
# 郑发 〔2016〕35号, 郑政文【2017] 44号, 国函〔2016〕\n204号
DOC_NUMBER = re.compile(rf"{_AGENCY}[ \t\u3000]*\n?[ \t\u3000]*{_YEAR}\s*{_SERIAL}")

# 令 without a year: 国务院令第801号, 国令第 711 号, 中华人民共和国主席令第八十一号, or within one:
# 商务部令2014年第3号,
# 河南省人民政府令第180号; the issuer may be written before 第…号令 too: 国务院第711号令
_CN_SERIAL = rf"(?P<serial>\d{{1,5}}|[{CN_NUMERAL_CHARS}]{{1,8}})"
DECREE_NUMBER = re.compile(
    r"(?P<issuer>(?:中华人民共和国)?[\u4e00-\u9fff]{1,16}?)"
    rf"(?:令\s*(?:(?P<dyear>(?:19|20)\d\d)\s*年\s*)?第\s*{_CN_SERIAL}\s*号(?!令)"
    rf"|第\s*{_CN_SERIAL.replace('serial', 'serial2')}\s*号令)"
)
# 公告 numbered within a year: 国家税务总局公告2018年第31号
NOTICE_NUMBER = re.compile(
    r"(?P<issuer>[\u4e00-\u9fff]{2,16}?)公告\s*(?P<year>(?:19|20)\d\d)\s*年\s*第\s*(?P<serial>\d{1,5})\s*号"
)

# the State Council's decrees are 国令 whatever the wording (国务院令, 中华人民共和国国务院令),
# laws are promulgated by 主席令; longest name first
_DECREE_NAMES = {
    "中华人民共和国国务院": "国令",
    "中华人民共和国主席": "主席令",
    "国务院": "国令",
    "主席": "主席令",
    "国": "国令",
}
# other bodies that issue 令: 人民政府, 部, 委员会, 总局, 署, 银行
_DECREE_ISSUER = re.compile(r"(?:人民政府|部|委员会|委|总局|局|署|厅|银行)$")


@dataclass(frozen=True, slots=True)
class AgencyCode:
    """One row of ``data/agency_codes.csv``: 豫政办 -> 河南省人民政府办公厅."""

    code: str
    issuer: str
    level: str  # central / province / city
    note: str = ""


@lru_cache(maxsize=1)
def load_agency_codes() -> dict[str, AgencyCode]:
    """Read the 机关代字 table once.

    Returns:
        ``{"国函": AgencyCode("国函", "国务院", "central"), ...}``. Users extend
        the table by adding rows to ``pipeline/data/agency_codes.csv``
        (columns ``code,issuer,level,note``; ``code`` is matched as a prefix).
    """
    rows = [r for r in csv.DictReader(io.StringIO(data_text("agency_codes.csv")))
            if r.get("code") and not r["code"].startswith("#")]
    return {
        r["code"].strip(): AgencyCode(
            r["code"].strip(), r["issuer"].strip(), (r.get("level") or "").strip(), (r.get("note") or "").strip()
        )
        for r in rows
    }


def guess_issuer(agency_code: str) -> str | None:
    """Name the body behind a 机关代字 by the longest table prefix.

    Args:
        agency_code: 发改规划, 豫政办, 国函, 国令.

    Returns:
        国家发展改革委 (发改规划 via 发改), 河南省人民政府办公厅, 国务院; None
        when no table code is a prefix.
    """
    table = load_agency_codes()
    for n in range(len(agency_code), 0, -1):
        row = table.get(agency_code[:n])
        if row:
            return row.issuer
    return None


def _cut_words() -> tuple[str, ...]:
    """Words that end the prose before a 机关代字 (根据, 落实, 印发, 的…), longest first."""
    return reference_cues().before_agency


def _trim_agency(run: str, delimited: bool = True) -> str:
    """Take the 机关代字 off the end of the CJK run before a bracketed year.

    Args:
        run: the CJK characters before the year: 根据国发, 落实豫政办, 沪商商贸, 财政部财预.
        delimited: whether punctuation or the line start comes right before ``run``
            (（沪商商贸〔2024〕109号）); otherwise prose may precede the code.

    Returns:
        国发, 豫政办, 沪商商贸 (a whole delimited run is the code), 财预.
    """
    run, strong = _cut_prose(run)
    # 根据 / 落实 end the prose for sure; a lone 为 or 的 may sit inside it
    delimited = delimited or strong
    table = load_agency_codes()
    # codes run to 6 characters (工信部联产业); a longer run has prose in it
    if delimited and len(run) <= 6:
        # a body's name before its own code: 财政部财预 -> 财预, 教育部教基 -> 教基
        for i in range(3, len(run) - 1):
            if _ends_with_body(run[:i]) and any(run.startswith(c, i) for c in table):
                return run[i:]
        return run
    # prose glued to the code (本地宝为您带来石公户发): codes open with a place or body
    # abbreviation the table knows (石 of 石政, 国 of 国发); else keep a typical length
    window = run[-6:]
    at = next((k for k in range(len(window) - 1) if any(window.startswith(c, k) for c in table)), None)
    if at is None:
        starts = {c[0] for c in table}
        at = next((k for k, ch in enumerate(window[:-1]) if ch in starts), None)
    return window[at:] if at is not None else window[-4:]


def _cut_prose(run: str) -> tuple[str, bool]:
    """Drop the prose up to the last cue word: 根据国发 -> (国发, True); 宝为您带来石公户发 ->
    (您带来石公户发, False): the flag says whether the cue was a sure one (two characters or more)."""
    cut, strong = -1, False
    for word in _cut_words():
        i = run.rfind(word)
        if i >= 0 and i + len(word) < len(run) and i + len(word) >= cut:
            strong = len(word) > 1 if i + len(word) > cut else strong or len(word) > 1
            cut = i + len(word)
    return (run[cut:], strong) if cut >= 0 else (run, False)


def _ends_with_body(prefix: str) -> bool:
    """A body's name before its own code: 财政部 in 财政部财预, 教育部 in 教育部教基."""
    return len(prefix) >= 3 and prefix[-1] in "部委院厅局署府会办行"


def _delimited(text: str, start: int) -> bool:
    """Whether no CJK character comes right before ``start``: （郑发 yes, 根据郑发 no."""
    return start == 0 or not "\u4e00" <= text[start - 1] <= "\u9fff"


def find_doc_numbers(text: str, repair: bool | Sequence[Span] = False) -> list[tuple[Span, DocNumber]]:
    """Find every document number in a text, in text order.

    Args:
        text: clean text, e.g. 贯彻《…》（郑发〔2016〕35号）和《条例》（国令第 711 号）.
        repair: where a 机关代字 the table does not know is put back to the one
            known code a character away (``repair_doc_number``, 人杜部 -> 人社部):
            nowhere (False), everywhere (True), or inside these spans only,
            the text OCR read (``quality.spans_of_quality``). Not on a text
            layer: the table lacks most local codes, and 东财 is no slip for 商财.

    Returns:
        ``[((10, 21), DocNumber("郑发〔2016〕35号", "郑发", 2016, 35)),
        ((..), DocNumber("国令第711号", "国令", None, 711))]``; each span covers
        the number as written, brackets and spaces included.
    """
    return [(span, repair_doc_number(number) if repairable and repairs_at(span, repair) else number)
            for span, number, repairable in _scan_doc_numbers(text)]


def _scan_doc_numbers(text: str) -> tuple[tuple[Span, DocNumber, bool], ...]:
    """The document numbers of a text as written, each with whether its 机关代字 may be repaired.

    A whole document's text is scanned once, by ``run.analyse``, which hands the
    numbers to the date and reference finders (their ``numbers`` argument).
    """
    folded = _fold(text)
    hits: list[tuple[Span, DocNumber, bool]] = []
    taken: list[Span] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in DOC_NUMBER.finditer(folded):
        agency = _trim_agency(m.group("agency"), _delimited(folded, m.start("agency")))
        start = m.start("agency") + len(m.group("agency")) - len(agency)
        span = (start, m.end())
        taken.append(span)
        hits.append((span, make_doc_number(agency, m.group("year"), m.group("serial")), True))
    for m in NOTICE_NUMBER.finditer(folded) if "公告" in folded else ():
        issuer = _trim_agency(m.group("issuer"), _delimited(folded, m.start("issuer")))
        start = m.start("issuer") + len(m.group("issuer")) - len(issuer)
        if free(start, m.end()):
            taken.append((start, m.end()))
            hits.append(((start, m.end()), make_doc_number(issuer + "公告", m.group("year"), m.group("serial")), False))
    for m in DECREE_NUMBER.finditer(folded) if "令" in folded else ():
        got = _decree(m)
        if got and free(*got[0]):
            taken.append(got[0])
            hits.append((*got, False))
    return tuple(sorted(hits, key=lambda h: h[0]))


def _one_substitution(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with exactly one character read as another: 国画/国函 yes, 东发改/发改 no.

    Only substitutions: OCR misreads a character far more often than it
    splits or merges one, and a dropped character would turn a local code
    the table lacks into a known one (东发改 into the central 发改).
    """
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


def repair_agency_code(code: str) -> str | None:
    """Put an OCR-misread 机关代字 back, when the table allows one reading only.

    Args:
        code: a code as read: 人杜部 (人社部 with 社 misread), 国画 (国函 misread),
            郑政办 (known).

    Returns:
        人社部: the code is unknown (neither in ``data/agency_codes.csv`` nor
        starting with a code there) and exactly one table code differs from it
        in one character; or, when several do, exactly one differs by a
        look-alike of the character read (``data/ocr_lookalikes.json``): 国画
        is a character from 国发, 国函, 国令, 国办…, and only 函 looks like 画,
        so 国函. None otherwise: 郑政办 is known; 东政办 is a character from
        郑政办, 豫政办… with no look-alike; 东发改 (a local code the table
        lacks) and 石公户发 are near none.
    """
    if guess_issuer(code) is not None:
        return None
    near = [known for known in load_agency_codes() if _one_substitution(code, known)]
    if len(near) > 1:
        pairs = _lookalikes()
        near = [known for known in near
                if all(x == y or frozenset((x, y)) in pairs for x, y in zip(code, known))]
    return near[0] if len(near) == 1 else None


@lru_cache(maxsize=1)
def _lookalikes() -> frozenset[frozenset[str]]:
    """The look-alike character pairs of ``data/ocr_lookalikes.json``, each unordered: {画, 函}."""
    pairs = data_json("ocr_lookalikes.json")["pairs"]
    return frozenset(frozenset(p) for p in pairs)


def repairs_at(span: Span, repair: bool | Sequence[Span]) -> bool:
    """Whether a number at ``span`` may be repaired: ``repair`` is True, or one of its spans holds it.

    (10, 21) with [(0, 500)] -> True; with [(30, 500)] or False -> False.
    """
    if isinstance(repair, bool):
        return repair
    return any(a <= span[0] and span[1] <= b for a, b in repair)


def repair_doc_number(number: DocNumber) -> DocNumber:
    """Give a document number with its 机关代字 repaired (``repair_agency_code``), or the same number.

    Args:
        number: DocNumber("人杜部〔2019〕5号", "人杜部", 2019, 5).

    Returns:
        DocNumber("人社部〔2019〕5号", "人社部", 2019, 5); the very object given
        when nothing is repaired (DocNumber("国画〔2016〕204号", …) stays).
    """
    fixed = repair_agency_code(number.agency_code)
    return number if fixed is None else make_doc_number(fixed, number.year, number.serial)


def _decree(m: re.Match[str]) -> tuple[Span, DocNumber] | None:
    """Read a 令 number as printed: 国务院令第801号 stays 国务院令第801号, 国令第711号 stays; the
    code (``agency_code``) is the table's: 国令 for the State Council's decrees whatever the
    wording. None for 第3号令 without an issuer.

    The date or the word before an issuer is no part of it: 2020年3月5日国家林业和草原局令
    第12号 -> 国家林业和草原局令第12号; 原东川省农业厅令第4号 (the body's former
    name) -> 东川省农业厅令第4号.
    """
    serial = cn_to_int(m.group("serial") or m.group("serial2"))
    if serial is None:
        return None
    issuer = m.group("issuer")
    tail = next((name for name in _DECREE_NAMES if len(name) > 1 and issuer.endswith(name)), None)
    if tail is None:
        # 国令 as written (根据国令 -> 国, not 美国令), or a body's own 令: 河南省人民政府令第180号
        tail = _decree_issuer(m.string, m.end("issuer"), issuer)
        if tail not in _DECREE_NAMES and not _DECREE_ISSUER.search(tail):
            return None
    start = m.end("issuer") - len(tail)
    printed = re.sub(r"^中华人民共和国(?=.)", "", tail)
    agency = _DECREE_NAMES.get(tail, printed + "令")
    # a joint decree names its first issuer before, apart by a space: 交通运输部　中华人民共和国公安部令
    if m.string[max(0, start - 7):start] == "中华人民共和国":
        start -= 7  # 和 inside the country's name cut the issuer short
        tail = "中华人民共和国" + tail
    joint = _JOINT_BEFORE.search(m.string, max(0, start - 24), start) if tail.startswith("中华人民共和国") else None
    if joint and _DECREE_ISSUER.search(joint.group(1)):
        start = joint.start(1)
        printed = joint.group(1) + tail
    year = int(m.group("dyear")) if m.group("dyear") else None
    text = f"{printed}令{year}年第{serial}号" if year else f"{printed}令第{serial}号"
    return (start, m.end()), DocNumber(text=text, agency_code=agency, year=year, serial=serial)


# where a 令's issuer may begin: a central body's opening or a place (东川省, 西岭市…)
_ISSUER_START = re.compile(r"^(?:中华人民共和国|国家|国务院|中国|全国|中央|中共|[\u4e00-\u9fff]{1,6}?(?:省|市|县|区|自治区|自治州))")


def _decree_issuer(text: str, end: int, issuer: str) -> str:
    """The issuer of a 令 out of the characters before 令: the longest tail after a cue word that
    opens as a name does (国家林业和草原局, not 草原局: 和 inside a name ends no prose);
    else the tail after the last cue word (国令 as written after 根据)."""
    cuts = [0] + [i + len(w) for w in _cut_words() for i in range(len(issuer)) if issuer.startswith(w, i)]
    cuts += [i for i in range(len(issuer)) if issuer.startswith("中华人民共和国", i)]
    for at in sorted(set(cuts)):
        tail = _after_date(text, end - len(issuer) + at, issuer[at:])
        if tail and not tail.startswith(_cut_words()) and _ISSUER_START.match(tail) and _DECREE_ISSUER.search(tail):
            return tail
    tail = _cut_prose(issuer)[0]
    return _after_date(text, end - len(tail), tail)


# the first issuer of a joint decree: 交通运输部　(中华人民共和国公安部令第2号)
_JOINT_BEFORE = re.compile(r"(?:^|(?<=[^\u4e00-\u9fff]))([\u4e00-\u9fff]{2,20})[ \u3000]*$")
# a body's former name: 原东川省农业厅
_FORMER = re.compile(r"^原(?=国家|中华人民共和国|中国|国务院|[\u4e00-\u9fff]{1,8}[省市县区])")


def _after_date(text: str, start: int, issuer: str) -> str:
    """Drop a date's 日 (…8月26日国家…总局) and 原 (former) from the front of a 令's issuer."""
    if issuer.startswith("日") and start > 0 and (text[start - 1].isdigit() or text[start - 1] in CN_NUMERAL_CHARS):
        issuer = issuer[1:]
    return _FORMER.sub("", issuer)


def parse_doc_number(text: str) -> DocNumber | None:
    """Parse a whole 发文字号.

    Args:
        text: 郑政办 〔2017〕30号, 国函[2016]204号, 郑政文【2017] 44号, 中华人民共和国国务院令 第663号.

    Returns:
        ``DocNumber(text="郑政办〔2017〕30号", agency_code="郑政办", year=2017, serial=30)``
        or None when ``text`` holds no document number.
    """
    hits = find_doc_numbers(text)
    return hits[0][1] if hits else None


def make_doc_number(agency: str, year: str | int | None, serial: str | int | None) -> DocNumber:
    """Build the normalised form: 〔〕 around the year, no spaces, no leading zeros.

    郑政办, 2017, 30 -> 郑政办〔2017〕30号; 国令, None, 711 -> 国令第711号;
    国家税务总局公告, 2018, 31 -> 国家税务总局公告2018年第31号.
    """
    y = int(_fold(str(year))) if year not in (None, "") else None
    s = int(_fold(str(serial))) if serial not in (None, "") else None
    if agency.endswith("公告") and y is not None:
        text = f"{agency}{y}年第{s}号"
    elif y is not None:
        text = f"{agency}〔{y}〕{s}号"
    else:
        text = f"{agency}第{s}号"
    return DocNumber(text=text, agency_code=agency, year=y, serial=s)


def same_number(a: DocNumber, b: DocNumber | None) -> bool:
    """Whether two numbers are one: 东政办〔2023〕12号 and 东政办[2023]12号 (same 机关代字, year, serial)."""
    return b is not None and (a.agency_code, a.year, a.serial) == (b.agency_code, b.year, b.serial)
