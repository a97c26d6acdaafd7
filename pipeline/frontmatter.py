"""Text rules for the metadata of documents that are no plain 红头文件.

``structure.read_metadata`` reads the layout (which block is large, centred,
red, right-standing); this module reads what those blocks say:

* bodies named by their form, not by a list: a place or level word and a head
  (东川市人民政府, 东川市西岭区规划和自然资源局, 国家林业和草原局);
* 令 and 公告 headers (中华人民共和国国务院令 / 第801号; …人大常委会公告 / （十三届第7号））
  and the sentence that promulgates (《X》已经…通过，现予公布);
* the 题注 under a regulation's title, "（2022年9月6日东川市人民政府令第31号公布
  自2022年11月1日起施行）" or "（2019年5月30日东川市第十五届人民代表大会常务委员会第二十次会议通过…）":
  the first event gives the date, the number and the adopting body (without its term);
* web prints: browser and site furniture (navigation, breadcrumbs, 【字体】, date-time
  lines, URLs) and the page's labelled fields (标题：, 发文机关：, 发文字号：, 成文日期：);
* 主送 lists split at 、 only where both sides are complete names.

Every cue list is data: ``data/structure_cues.json`` and the ORG pattern pieces in
``data/gazetteer/org_patterns.json`` (the heads a body's name ends with).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.dateforms import find_full_date
from pipeline.docnumber import find_doc_numbers
from pipeline.loader import data_json
from pipeline.model import DocNumber
from pipeline.numerals import CN_NUMERAL_CHARS, cn_to_int

FULL_SPACE = "\u3000"
_SPACES = re.compile(r"[\s\u3000]+")


def _cues() -> dict:
    return data_json("structure_cues.json")


def _org_patterns() -> dict:
    return data_json("gazetteer/org_patterns.json")


def _alt(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# --- bodies by their form ---------------------------------------------------------


@cache
def _body_heads() -> tuple[str, ...]:
    """How a body's name ends: 人民政府, 办公厅, 委员会, 局, 部… (org_patterns + structure_cues)."""
    p = _org_patterns()
    heads = set(p["gov_heads"]) | set(p["dept_suffixes"]) | set(p["sub_units"]) | set(p["inst_suffixes"])
    heads |= set(_cues()["body_heads"])
    return tuple(sorted(heads, key=len, reverse=True))


@cache
def _body_rx() -> re.Pattern[str]:
    # a name: 2-30 ideographs (brackets allowed: 文化和旅游局（文物局）) ending in a head
    return re.compile(rf"^[\u4e00-\u9fff（）()、]{{1,30}}?(?:{_alt(_body_heads())})(?:[（(][\u4e00-\u9fff]{{1,10}}[）)])?$")


def is_body_name(text: str) -> bool:
    """Whether ``text`` is a body's name by its form.

    Args:
        text: 东川市人民政府 / 国家林业和草原局 / 中共东川市委办公厅 / 西岭区 / 各位代表.

    Returns:
        True for the first three (a name ending in a body head: 人民政府, 总局, 办公厅…);
        False for a place alone (西岭区) or a form of address (各位代表).
    """
    t = _SPACES.sub("", text)
    if len(t) < 2 or not _body_rx().match(t):
        return False
    return not t.startswith(tuple(_cues()["not_body_starts"])) and not any(w in t for w in _cues()["not_in_body"])


def leading_body(title: str) -> str | None:
    """The body a title opens with, when a year or 关于 follows it.

    Args:
        title: 东川市人民政府2024年政府信息公开工作年度报告 / 东川市西岭区规划和自然资源局2024年度部门决算
            / 国务院关于…的指导意见 / 西岭区关于促进文旅消费的若干措施 / 2025年东川省政府工作报告.

    Returns:
        东川市人民政府, 东川市西岭区规划和自然资源局, 国务院; None for the last two (a place
        is no body; a 政府工作报告 opens with its year).
    """
    t = _SPACES.sub("", title)
    for m in re.finditer(r"(?=[（(]?\d{4}|关于|印发|转发)", t):
        head = t[: m.start()]
        if head and is_body_name(head):
            return head
    return None


def split_bodies(text: str) -> list[str]:
    """Split names written one after the other without a separator.

    Args:
        text: 中共东川市委办公厅东川市人民政府办公厅 / 交通运输部公安部 / 国务院办公厅.

    Returns:
        ["中共东川市委办公厅", "东川市人民政府办公厅"], ["交通运输部", "公安部"],
        ["国务院办公厅"] (办公厅 is no body of its own: a part must be a name by form).
    """
    t = _SPACES.sub("", text)
    for i in range(3, len(t) - 2):
        left, right = t[:i], t[i:]
        if _inside_head(t, i):
            continue  # 中共东川市委办|公厅
        if is_body_name(left) and is_body_name(right) and not right.startswith(tuple(_cues()["sub_body_starts"])):
            return [left, *split_bodies(right)]
    return [t] if t else []


def _inside_head(text: str, i: int) -> bool:
    """Whether a body head runs across offset ``i``: 办公厅 across 中共东川市委办|公厅."""
    return any(text.startswith(h, j) for h in _body_heads() for j in range(max(0, i - len(h) + 1), i))


def strip_term(body: str) -> str:
    """An adopting body without its term and session.

    Args:
        body: 东川市第十五届人民代表大会常务委员会第二十次会议 / 第十二届全国人民代表大会常务委员会第十次会议.

    Returns:
        东川市人民代表大会常务委员会, 全国人民代表大会常务委员会.
    """
    t = re.sub(rf"第[{CN_NUMERAL_CHARS}\d]+届", "", body)
    t = re.sub(rf"第[{CN_NUMERAL_CHARS}\d]+次(?:常务|全体)?会议$", "", t)
    t = re.sub(r"(?:常务会议|会议)$", "", t)
    return t


# --- recipients -----------------------------------------------------------------


def _complete(name: str) -> bool:
    """A recipient that names someone on its own: 市财政局, 厅直各单位, 各有关企业 (not 各市, 州)."""
    t = name.strip()
    if _body_rx().match(t):
        return True
    return bool(re.search(rf"(?:{_alt(_cues()['group_heads'])})(?:[（(][^）)]*[）)])?$", t))


def _owner_each(name: str) -> bool:
    """A name of the form OWNER各X whose owner is a body: 国务院各部委 (the next 各Y shares 国务院)."""
    m = re.match(r"^(.+?)各", name)
    return bool(m and is_body_name(m.group(1)))


def split_recipients(text: str) -> list[str]:
    """Split a 主送 or 抄送 list into complete names.

    Split at top-level ，；; and at 、 only where both sides are complete names: a
    phrase whose parts share one head stays whole.

    Args:
        text: 各省、自治区、直辖市人民政府，国务院各部委、各直属机构 /
            各市州教育局（体育局）、厅直各单位、厅机关各处室 /
            各市、县、自治县农业农村局、财政局 / 教育部、科技部.

    Returns:
        [各省、自治区、直辖市人民政府, 国务院各部委、各直属机构]; three names; one name; two.
    """
    text = _SPACES.sub("", text).strip().rstrip("。.；;:：")
    out: list[str] = []
    for part in _split_top(text, "，,；;"):
        pieces = _split_top(part, "、")
        phrase: list[str] = []
        distributive = False  # the phrase began with places sharing a head: 各市、县、自治县…
        for piece in pieces:
            if not phrase:
                phrase = [piece]
                distributive = False
            elif not _complete(phrase[-1]):
                phrase.append(piece)
                distributive = True
            elif piece.startswith("各") and _owner_each(phrase[0]):
                phrase.append(piece)  # 国务院各部委、各直属机构
            elif not _complete(piece) and not piece.startswith("各") and len(piece) <= 2:
                phrase.append(piece)  # a bare head shares the owner before it: 市政府各委、办、局
            elif distributive and _complete(piece) and not _has_owner(piece):
                phrase.append(piece)  # 各市、县农业农村局、财政局
            else:
                out.append("、".join(phrase))
                phrase = [piece]
                distributive = False
        if phrase:
            out.append("、".join(phrase))
    return [x for x in out if x]


def _has_owner(piece: str) -> bool:
    """Whether a name says whose it is: 市财政局, 各有关企业, 厅机关… (not a bare 财政局)."""
    starts = tuple(_org_patterns()["level_chars"]) + ("各", "中共", "国家", "全国", "中央", "国务院", "厅", "委", "部")
    return piece.startswith(starts) or len(piece) > 6


def _split_top(text: str, seps: str) -> list[str]:
    """Split at ``seps`` outside brackets: 各县（市、区）人民政府 stays one piece."""
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch in "（(《【":
            depth += 1
        elif ch in "）)》】":
            depth = max(0, depth - 1)
        if depth == 0 and ch in seps:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [s.strip() for s in out if s.strip()]


def looks_like_recipients(text: str) -> bool:
    """Whether a line ending in a colon is a 主送 list: every name complete, no sentence.

    各县（市、区）人民政府，市人民政府有关部门： yes; 主要任务包括： / 各位代表： / 现将有关事项通知如下： no.
    """
    t = _SPACES.sub("", text)
    if not re.search(r"[：:]$", t) or "。" in t or len(t) > 200:
        return False
    names = split_recipients(t[:-1])
    return bool(names) and all(_complete(n) for n in names)


# --- web prints -----------------------------------------------------------------


@cache
def _furniture_rx() -> re.Pattern[str]:
    cues = _cues()["web_furniture"]
    labels = [w for w in cues["phrases"] if w.endswith("：")]  # 来源： opens a field, not a sentence's 资金来源：
    parts = [_alt([w for w in cues["phrases"] if w not in labels]),
             rf"(?:^|(?<=[\s{FULL_SPACE}|]))(?:{_alt(labels)})",
             r"https?://|www\.|\.(?:com|cn|gov)\b",  # URLs
             r"_[\u4e00-\u9fff]{2,12}网",  # a browser tab's title: …的意见》_中央有关文件_中国政府网
             r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*\d{1,2}:\d{2}",  # 2026/2/9 22:33, 2023-10-08 08:53
             r"^\d{1,2}/\d{1,2}/\d{2,4},?\s*\d{1,2}:\d{2}(?:\s*[AP]M)?",  # a browser in an English locale: 12/7/26, 5:56 PM
             r"^\d{1,3}\s*/\s*\d{1,3}$",  # 3/20: a printed page's n/N
             r"(?:首页|主页)\s*[>＞›»]"]  # breadcrumbs
    return re.compile("|".join(f"(?:{p})" for p in parts))


def is_web_furniture(text: str, color: str | None = None) -> bool:
    """Whether a line is a web page's furniture, never a title or body.

    Args:
        text: 首页　政府信息公开　公共服务　网上办事 / 当前位置：首页>政策文件 / 【字体：大中小】 /
            发布时间：2024-05-10 09:30 / 东川市养犬管理办法.
        color: the block's fill: white text (#ffffff) is a coloured bar's label.

    Returns:
        True for the first four, False for the title.
    """
    if color and color.lower() in ("#ffffff", "#fefefe"):
        return True
    t = text.strip()
    if _furniture_rx().search(t):
        return True
    items = [x for x in re.split(rf"[{FULL_SPACE}|｜ ]+", t) if x]
    # a navigation bar: many short items apart by gaps (首页　政府信息公开　公共服务…), not
    # bodies' names (joint signatories or a joint 标志 set the same way)
    return (len(items) >= 4 and max(len(x) for x in items) <= 8 and not re.search(r"[。，；：:]", t)
            and sum(is_body_name(x) for x in items) * 2 < len(items))


@cache
def _field_rx() -> re.Pattern[str]:
    labels = _cues()["web_labels"]
    spaced = [r"[\s\u3000]*".join(map(re.escape, lab)) for lab in sorted(labels, key=len, reverse=True)]
    return re.compile(rf"(?:^|(?<=[\s\u3000|]))({'|'.join(spaced)})[\s\u3000]*[：:][\s\u3000]*")


def is_labelled_line(text: str) -> bool:
    """Whether a line opens with a web page's field label, also one whose value is not kept (索引号：…)."""
    m = _field_rx().search(text)
    return bool(m and not text[: m.start()].strip(" " + FULL_SPACE + "|"))


def web_fields(text: str, next_text: str | None = None) -> dict[str, str]:
    """Read the labelled fields of a web page's line.

    Args:
        text: 发文字号：东发改规〔2025〕4号　发布日期：2025年10月11日 / 标　题：东川市…的通知.
        next_text: the line after, read as the value of a label that stands alone (发文字号：).

    Returns:
        ``{"doc_number": "东发改规〔2025〕4号"}``; keys are the
        values of ``web_labels`` in ``data/structure_cues.json`` (title, issuer, doc_number,
        issue_date, …).
    """
    labels = _cues()["web_labels"]
    found = list(_field_rx().finditer(text))
    out: dict[str, str] = {}
    for k, m in enumerate(found):
        end = found[k + 1].start() if k + 1 < len(found) else len(text)
        value = text[m.end():end].strip(" " + FULL_SPACE + "|")
        if not value and k + 1 == len(found) and next_text and not _field_rx().search(next_text):
            value = next_text.strip(" " + FULL_SPACE + "|")  # a table cell under or after its label
        label = _SPACES.sub("", m.group(1))
        if value and labels.get(label):
            out.setdefault(labels[label], value)
    return out


# --- 令, 公告 and their promulgation ------------------------------------------------

_SERIAL = rf"(?:\d{{1,5}}|[{CN_NUMERAL_CHARS}]{{1,8}})"
# 中华人民共和国国务院令 / 国家林业和草原局令 / 东川市人民政府令
_DECREE_HEAD = re.compile(r"^(?:中华人民共和国)?(?P<body>[\u4e00-\u9fff]{2,30}?)令(?P<rest>.*)$")
# 第801号, 第　705　号, （第12号）, 2014年第3号 (a decree numbered within its year)
_DECREE_SERIAL = re.compile(rf"^[（(]?(?:(?P<year>(?:19|20)\d\d)年)?第(?P<serial>{_SERIAL})号[）)]?$")
# 东川省人大常委会公告 (the number on the next line)
_NOTICE_HEAD = re.compile(r"^(?P<body>[\u4e00-\u9fff]{4,40}?)公告(?P<rest>.*)$")
# （十三届第7号） / 第7号 / 〔2023〕第3号
_NOTICE_SERIAL = re.compile(rf"^[（(〔\[]?(?:[\u4e00-\u9fff\d]{{0,8}}?[）)〕\]]?)?第(?P<serial>{_SERIAL})号[）)]?$")
# the promulgating sentence: 《东川市河道管理办法》已经…通过，现予公布
# (已由…会议于…修订通过 may run past the line: only the opening is needed)
_PROMULGATES = re.compile(r"^《(?P<title>[^《》]{2,60})》(?:已经|已由|业经|已|经).{0,120}?(?:公布|发布|通过|批准|会议)"
                          r"|^现(?:予)?(?:公布|发布)《(?P<title2>[^《》]{2,60})》")  # 现公布《X》，自…起施行


# a number line whose digits a font with a bad descent drew below it, read after the line:
# （十三届第7号） comes out as 十三届第号(7)
_DISPLACED_SERIAL = re.compile(r"^[（(]?(?P<pre>[\u4e00-\u9fff]{0,8}?)第号[）)]?[（(]?(?P<serial>\d{1,4})[）)]?$")
# a date whose digits came out on the next line: 年月日 / 2023　3　28
_DISPLACED_DATE = re.compile(r"^(?P<y>(?:19|20)\d\d)\s+(?P<m>\d{1,2})\s+(?P<d>\d{1,2})$")


def displaced_date(line: str, next_line: str | None) -> str | None:
    """A date line whose digits a font with a bad descent set apart: 年月日 over 2023　3　28 -> 2023-03-28."""
    if _SPACES.sub("", line) != "年月日" or not next_line:
        return None
    m = _DISPLACED_DATE.match(next_line.strip().replace(FULL_SPACE, " "))
    if not m or not (1 <= int(m.group("m")) <= 12 and 1 <= int(m.group("d")) <= 31):
        return None
    return f"{m.group('y')}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"


@dataclass(frozen=True)
class Header:
    """A 令 or 公告 header: who issues it, its number as printed (or None when unreadable)."""

    kind: str  # decree / notice
    issuer: str
    number: DocNumber | None


def read_header(line: str, next_line: str | None) -> tuple[Header, int] | None:
    """Read a 令 or 公告 header from a line and the one under it.

    Args:
        line: 中华人民共和国国务院令 / 东川省人大常委会公　告 / 东川市人民政府令第5号.
        next_line: 第801号 / （十三届第7号） / None.

    Returns:
        (Header("decree", "国务院", 国务院令第801号), 2): the header and how many lines it
        took; None when the line is no header. A number line that cannot be read (OCR or
        layout garbled its digits: 十三届第号(7)) leaves ``number`` None.
    """
    t = _SPACES.sub("", line)
    nxt = _SPACES.sub("", next_line or "")
    m = _DECREE_HEAD.match(t)
    if m and not m.group("body").endswith(("命", "法")) and (
            is_body_name(m.group("body")) or m.group("body") in _cues()["decree_offices"]):
        body = m.group("body")
        rest = m.group("rest")
        sm = _DECREE_SERIAL.match(rest or nxt)
        if not sm:
            return None
        printed = re.sub(r"^中华人民共和国(?=.)", "", t[: m.end("body")])
        number = _decree_number(f"{printed}令第{sm.group('serial')}号")
        if number is not None and sm.group("year"):
            # 商务部令2014年第3号: the year is part of the number
            number = DocNumber(f"{printed}令{sm.group('year')}年第{number.serial}号", number.agency_code,
                               int(sm.group("year")), number.serial)
        # an office issues as its whole title (中华人民共和国主席), a body by its name (国务院)
        issuer = t[: m.end("body")] if body in _cues()["decree_offices"] else strip_term(body)
        return Header("decree", issuer, number), 1 if rest else 2
    m = _NOTICE_HEAD.match(t)
    if m and is_body_name(m.group("body")) and not m.group("rest"):
        body = m.group("body")
        sm = _NOTICE_SERIAL.match(nxt)
        issuer = strip_term(body)  # 东川省第十四届人民代表大会常务委员会 -> …人民代表大会常务委员会
        if sm:
            serial = cn_to_int(sm.group("serial"))
            shown = nxt if nxt.startswith(("（", "(")) else f"（{nxt}）"
            return Header("notice", issuer, DocNumber(f"{body}公告{shown}", f"{body}公告", None, serial)), 2
        moved = _DISPLACED_SERIAL.match(nxt)
        if moved:
            # digits set in a Latin font whose boxes sit low come after the line: 十三届第号(7)
            shown = f"（{moved.group('pre')}第{moved.group('serial')}号）"
            number = DocNumber(f"{body}公告{shown}", f"{body}公告", None, int(moved.group("serial")))
            return Header("notice", issuer, number), 2
        if "号" in nxt and len(nxt) <= 16:
            return Header("notice", issuer, None), 2  # a number line whose digits did not come through
        return Header("notice", issuer, None), 1
    return None


def _decree_number(text: str) -> DocNumber | None:
    hits = find_doc_numbers(text)
    return hits[0][1] if hits else None


def promulgated_title(text: str) -> str | None:
    """The title a 令 or 公告 promulgates.

    《东川市河道管理办法》已经2023年4月10日市人民政府第8次常务会议通过，现予公布 ->
    东川市河道管理办法; 现将《X》印发给你们 -> None.
    """
    m = _PROMULGATES.match(_SPACES.sub("", text))
    return (m.group("title") or m.group("title2")) if m else None


# --- the 题注 under a regulation's title ---------------------------------------------

_ACTIONS = r"(?:修订通过|通过|公布|发布|批准|修正|修订)"


@dataclass(frozen=True)
class Caption:
    """The first event of a 题注: when, by whom, what, and a 令 number given with it."""

    date: str
    action: str  # 通过 / 公布 / 发布 / 批准 …; dated for a bare date under a title
    body: str | None  # the adopting or publishing body, without term
    number: DocNumber | None


def read_caption(text: str) -> Caption | None:
    """Read the first event of a 题注.

    Args:
        text: （2022年9月6日东川市人民政府令第31号公布　自2022年11月1日起施行） /
            （2019年5月30日东川市第十五届人民代表大会常务委员会第二十次会议通过　2021年7月29日…修正）.

    Returns:
        Caption("2022-09-06", "公布", None, 东川市人民政府令第31号) (the body is the number's);
        Caption("2019-05-30", "通过", "东川市人民代表大会常务委员会", None); None when the
        text opens with no dated event.
    """
    t = _SPACES.sub("", text).lstrip("（(")
    first = find_full_date(t)
    if first is None or first[1][0] > 2:
        return None
    date, (_, date_end) = first
    rest = t[date_end:]
    if re.fullmatch(r"[）)]?", rest):
        return Caption(date, "dated", None, None)  # （2023年12月29日）: the document's date
    m = re.match(rf"(?P<who>[^，。；（）()]{{0,60}}?){_ACTIONS}", rest)
    if not m:
        return None
    action = re.match(_ACTIONS, rest[m.end("who"):]).group(0)  # type: ignore[union-attr]
    who = m.group("who")
    number = None
    hits = find_doc_numbers(who)
    if hits:
        (a, _), number = hits[0]
        who = who[:a]
    body = strip_term(who) if who else None
    if body and number is None and not is_body_name(body):
        body = None
    if number is not None:
        body = re.sub(r"^中华人民共和国(?=.)", "", body or "") or None
        if body and not is_body_name(body):
            body = None
    return Caption(date, action, body, number)


def effective_date_at(text: str, end: int) -> bool:
    """Whether the date ending at ``end`` is a date of taking effect: 自2016年1月1日起施行."""
    return bool(re.match(rf"^[\s{FULL_SPACE}]*(?:起)?(?:{_alt(_cues()['effective_cues'])})", text[end:]))
