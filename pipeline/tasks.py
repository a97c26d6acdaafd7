"""Tasks and the bodies responsible for them: who must deliver what, by when.

Plans and 分工 notices name the responsible bodies task by task, in a few
set ways (the cue words are data, ``data/task_cues.json``):

- a note after the task, in brackets: （省住房城乡建设厅牵头，省财政厅、自然资源厅
  按职责分工负责）, （责任单位：市发展改革委、市财政局）, （牵头单位：市商务局；
  配合单位：…；完成时限：2023年6月底前）, （农业农村部、发展改革委等负责。列第一位者
  为牵头单位，下同）;
- the same labels without brackets, at the end of a paragraph or as a paragraph
  of their own: 牵头单位：市商务局，责任单位：各县区人民政府;
- a note closing a whole part: 以上任务由市工业和信息化局牵头，各县区政府负责落实;
- a task table: 序号 | 重点任务 | 牵头单位 | 责任单位 | 完成时限 (or a target table
  with a 责任单位 column), read by the columns' positions under their headers.

A note covers the text since the previous note, back to the item it closes
(the paragraph's marker: （三）, 1.; the widest item that ends with the note and
holds only deeper ones). A note line after several items, or a closing note,
covers the widest unit the next heading ends (二、 after it: the whole 一、) and
makes one task for it, named by that unit's heading; a note right after an
item's title covers the item under it. ``lead`` holds the bodies named as 牵头 (or the 责任单位
where 配合单位 are also named, or the first body where the document says
列第一位者为牵头单位); ``units`` every body as written, trailing 等 dropped, and
``units_full`` the same with the level carried over (省商务厅、财政厅 -> 省商务厅,
省财政厅). ``deadline`` is ISO: 6月底前 -> 2023-06-30 in a 2023 document,
年底前 -> 2023-12-31, 2025年 -> 2025; 长期坚持 gives null and keeps its words in
``deadline_text``.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from pipeline.clean import FULL_SPACE
from pipeline.gazetteer import load_gazetteer, short_form
from pipeline.loader import data_json
from pipeline.model import Metadata, Quantity, Section, Span, Task, evolve
from pipeline.numerals import cn_to_int
from pipeline.sections import match_marker
from pipeline.target_time import SectionIndex, document_context

# the longest note read, in characters
MAX_NOTE = 400
# marker kinds from the outermost to the innermost (GB/T 9704 7.3.3; sections.match_marker's kinds)
MARKER_RANK = {k: i for i, k in enumerate(
    ("part", "chapter", "subchapter", "article", "cn", "cn_paren", "num", "dec2", "dec3", "dec4", "num_paren",
     "circled"))}
# a task table's header names at least this many columns
MIN_TABLE_COLUMNS = 3


def _cues() -> dict:
    return data_json("task_cues.json")


def _longest(words) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def _alt(words) -> str:
    return "|".join(map(re.escape, _longest(words)))


@cache
def _label_kind() -> dict[str, str]:
    """Label -> lead / responsible / support / deadline: 配合单位 -> support."""
    return {w: kind for kind, words in _cues()["labels"].items() for w in words}


@cache
def _label_regex() -> re.Pattern[str]:
    # 责任单位：…  【牵头单位】…  牵头单位:…
    # 以上任务的牵头单位为市发展改革委: 为 as a colon
    return re.compile(rf"【(?P<a>{_alt(_label_kind())})】[：:]?|(?P<b>{_alt(_label_kind())})\s*(?:[：:]|为(?=[\u4e00-\u9fff]))")


# --- bodies ---------------------------------------------------------------------------------------

# a bracketed aside after a name: 省商务厅（省口岸办）
_ASIDE = re.compile(r"[（(][^（）()]*[）)]$")


def is_body(name: str) -> bool:
    """Whether a name reads as a responsible body: 省商务厅, 各县区人民政府, 各县区; not 企业, 有关部门.

    Example: ``is_body("市市场监管局福田局")`` is True, ``is_body("相关部门")`` False.
    """
    name = _ASIDE.sub("", name)
    if len(name) < 2 or is_vague(name):
        return False
    if name.startswith("各") and name.endswith(_suffixes("each_place_suffixes")):
        return True  # 各县区, 各市州
    return name.endswith(_suffixes("body_suffixes"))


@cache
def _suffixes(which: str) -> tuple[str, ...]:
    return tuple(_cues()[which])


@cache
def _words(which: str) -> tuple[str, ...]:
    """A word list of the cues, longest first."""
    return _longest(_cues()[which])


def is_vague(name: str) -> bool:
    """A name made of vague words only, naming nobody: 有关部门, 各地区各有关部门; not 省有关单位 (a level)."""
    c = _cues()
    return name in c["not_bodies"] or not name.strip(c["vague_characters"])


def _strip_vague(name: str) -> str:
    """省财政厅等相关部门 -> 省财政厅; 税务局等 -> 税务局."""
    name = name.strip(" " + FULL_SPACE)
    for tail in _words("vague_tails"):
        if name.endswith(tail) and len(name) > len(tail):
            return name[: -len(tail)].strip(" " + FULL_SPACE)
    return name


_SEPARATORS = "、，,；;／/"
# a level's government after 各市、州: 各市、州、县人民政府 is one name


@cache
def _role_aside() -> re.Pattern[str]:
    """A role in brackets after a name: 市发展改革委（牵头）, 市财政局（配合）."""
    c = _cues()
    return re.compile(rf"[（(](?:{_alt([*c['lead_verbs'], *c['duty_verbs']])})(?:单位|部门)?[）)]")


def _marked_leads(s: str) -> list[str]:
    """The bodies marked as lead in a list: 市发展改革委（牵头）、市财政局 -> [市发展改革委]."""
    out = []
    for m in _role_aside().finditer(s):
        if not any(v in m.group(0) for v in _cues()["lead_verbs"]):
            continue
        name = re.split(r"[、，,；;：:]", s[: m.start()])[-1]
        got = split_bodies(name)
        if got:
            out.append(got[-1])
    return out


@cache
def _level_government() -> re.Pattern[str]:
    # a level alone (州) or a level's government (县人民政府): the tail of 各市、州、县人民政府
    levels = "|".join(map(re.escape, _words("level_prefixes")))
    return re.compile(rf"^(?:(?:{levels})+)?(?:人民)?政府$|^(?:{levels})$")


def _pieces(s: str) -> list[tuple[str, str]]:
    """Split a list at separators outside brackets: 各县（市、区）、省财政厅 -> [(各县（市、区）, 、), (省财政厅, "")]."""
    out: list[tuple[str, str]] = []
    depth = 0
    cur: list[str] = []
    for ch in s:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(depth - 1, 0)
        if depth == 0 and ch in _SEPARATORS:
            out.append(("".join(cur), ch))
            cur = []
        else:
            cur.append(ch)
    out.append(("".join(cur), ""))
    return out


def _each_place(name: str) -> bool:
    """各市, 各市、州: every body of a kind of place, with no body's ending yet."""
    return name.startswith("各") and not name.endswith(_suffixes("body_suffixes"))


def split_bodies(s: str) -> list[str] | None:
    """A list of bodies as written, in order; None when a piece names no body.

    Pieces without a body's ending are parts of one name cut at a 、
    (各市、州、县人民政府) and are joined to the next. Words that name nobody in
    particular (有关部门, 各有关单位, a trailing 等) are dropped.

    Example: ``split_bodies("省商务厅、财政厅等相关部门")`` -> ``["省商务厅", "财政厅"]``.
    """
    s = _role_aside().sub("", s).strip(" " + FULL_SPACE + "。；;，,")  # 市发展改革委（牵头）
    if not s:
        return []
    pieces: list[str] = []
    pending = ""
    for raw, sep in _pieces(s):
        part = _strip_vague(pending + raw.strip(" " + FULL_SPACE))
        if not part:
            pending = ""
            continue
        if pieces and not pending and _each_place(pieces[-1]) and _level_government().match(part):
            part = pieces.pop() + "、" + part  # 各市、州、县人民政府
        if is_vague(part) or is_body(part):
            pieces.extend(_split_and(part))
            pending = ""
        elif sep == "、":
            pending = part + sep
        else:
            return None
    if pending:
        return None
    return [p for p in pieces if not is_vague(p)]


def _split_and(name: str) -> list[str]:
    """Two bodies joined by 和 or 及: 市财政局和各县区政府 -> both; 工业和信息化部 stays whole."""
    for k, ch in enumerate(name):
        if ch in "和及" and is_body(name[:k]) and len(name) - k > 3 and is_body(name[k + 1:]):
            return [name[:k], *_split_and(name[k + 1:])]
    return [name]


@cache
def _places() -> frozenset[str]:
    """Place names a body's name may open with: full names (郑州市, 福田区) and the short forms of provinces
    and prefectures (安徽, 定西); not a county's short form, which is often a word too (公安 of 公安县)."""
    g = load_gazetteer()
    full = {p for p in g.places if p.endswith(_words("level_prefixes"))}
    return frozenset(full | {s for s in map(short_form, g.parents) if s})


def _own_prefix(name: str) -> str | None:
    """The level or place a body's name opens with: 省商务厅 -> 省; 郑州市财政局 -> 郑州市;
    "" for a name that stands alone (国家外汇管理局安徽省分局, 各县区人民政府); None when bare (财政厅)."""
    if name.startswith(_words("national_heads")):
        return ""
    places = _places()
    for k in range(min(len(name) - 1, 9), 1, -1):
        if name[:k] in places:
            # a full name (郑州市) lends itself; a short one (定西高新区管委会) stands alone
            return name[:k] if name[:k].endswith(_words("level_prefixes")) else ""
    if any(z in name for z in _words("zone_words")):
        return ""  # 东川高新区管委会: a zone's body names its own place
    if name.startswith(_words("not_prefix_words")):
        return None
    for p in _words("level_prefixes"):
        if name.startswith(p) and len(name) > len(p) + 1:
            return p
    return None


def full_names(units: Sequence[str]) -> tuple[str, ...]:
    """The bodies with the level carried over from the name before: 省商务厅、财政厅 -> 省商务厅, 省财政厅.

    Example: ``full_names(["省商务厅", "财政厅", "发展改革委"])`` ->
    ``("省商务厅", "省财政厅", "省发展改革委")``; 工业和信息化部、发展改革委 stay as they are.
    """
    out = []
    carried: str | None = None
    for u in units:
        own = _own_prefix(u)
        if own is None:
            out.append(carried + u if carried else u)
        else:
            out.append(u)
            carried = own or None
    return tuple(out)


# --- deadlines ------------------------------------------------------------------------------------

_NUM = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
_DEADLINE = re.compile(
    rf"(?:(?P<y>(?:19|20)\d\d)年)?(?:(?P<m>{_NUM})月(?:(?P<d>{_NUM})日|(?P<end>底|末|份)|(?P<mid>上旬|中旬|下旬))?"
    r"|(?P<half>上半年|下半年|年底|年末|底|末|内|第[一二三四1-4]季度|年内|一季度|二季度|三季度|四季度)?)"
    r"(?P<before>前|以前|之前)?(?:完成|办结|到位|出台|实现)?$"
)
_OPEN_YEAR = re.compile(r"^(?:(?P<y0>(?:19|20)\d\d)\s*[—–\-－至~～]\s*)(?P<y>(?:19|20)\d\d)年(?:底前|底|末)?$")


@cache
def _open_ended_regex() -> re.Pattern[str]:
    return re.compile(_alt(_cues()["open_ended"]))


def _n(s: str | None) -> int | None:
    if not s:
        return None
    return int(s) if s.isdigit() else cn_to_int(s)


def _last_day(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


def read_deadline(words: str, doc_year: int | None) -> tuple[str | None, bool]:
    """A time limit as written -> (ISO value or None, whether it is a time limit at all).

    Example: ``read_deadline("6月底前", 2023)`` -> ``("2023-06-30", True)``;
    ``read_deadline("长期坚持", 2023)`` -> ``(None, True)``; ``read_deadline("省商务厅", 2023)`` -> ``(None, False)``.
    """
    w = re.sub(r"[\s　]", "", words).rstrip("。；;，,")
    if not w:
        return None, False
    m = _open_ended_regex().match(w)
    if m and len(w) <= m.end() + 2:  # 长期坚持, 持续推进中
        return None, True
    m = _OPEN_YEAR.match(w)
    if m:
        return m.group("y"), True
    m = _DEADLINE.match(w)
    if not m or not (m.group("y") or m.group("m") or m.group("half")):
        return None, False
    if m.group("half") in ("底", "末", "内") and not m.group("y"):
        return None, False
    y = int(m.group("y")) if m.group("y") else doc_year
    if y is None:
        return None, True  # 6月底前 in a document without a date
    month, day = _n(m.group("m")), _n(m.group("d"))
    half = m.group("half")
    if month is not None and not 1 <= month <= 12:
        return None, False
    if month is None:
        if half in ("上半年",):
            return f"{y:04d}-06-30", True
        if half in ("下半年", "年底", "年末", "底", "末", "年内", "内"):
            return f"{y:04d}-12-31", True
        if half and "季度" in half:
            q = _n(half.strip("第季度")) or 4
            return _last_day(y, 3 * q), True
        return (f"{y:04d}-12-31" if m.group("before") else f"{y:04d}"), True
    if day is not None:
        try:
            return f"{y:04d}-{month:02d}-{day:02d}", calendar.monthrange(y, month)[1] >= day
        except ValueError:
            return None, False
    mid = m.group("mid")
    if mid:  # 3月中旬 -> the 20th; 下旬 -> the month's last day
        day = {"上旬": 10, "中旬": 20}.get(mid) or calendar.monthrange(y, month)[1]
        return f"{y:04d}-{month:02d}-{day:02d}", True
    if m.group("before") and not m.group("end"):
        # 9月前: before September begins
        return (_last_day(y, month - 1) if month > 1 else f"{y - 1:04d}-12-31"), True
    return _last_day(y, month), True


# --- notes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """A statement of who delivers a task: （责任单位：省税务局）, 以上任务由…牵头，…负责落实."""

    span: Span
    lead: tuple[str, ...]
    units: tuple[str, ...]
    deadline_text: str | None
    first_is_lead: bool = False  # says 列第一位者为牵头单位
    same_below: bool = False  # …, 下同
    alone: bool = False  # a paragraph of its own
    closing: bool = False  # 以上任务由…


def _unique(names) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _labelled(inner: str) -> tuple[list[str], list[str], list[str], str | None] | None:
    """Bodies by label: 责任单位：A，配合单位：B、C -> ([], [A], [B, C], None); None when no label."""
    marks = list(_label_regex().finditer(inner))
    if not marks:
        return None
    if inner[: marks[0].start()].strip(" " + FULL_SPACE + "（("):
        return None  # words before the first label: a sentence, not a note
    lead: list[str] = []
    resp: list[str] = []
    support: list[str] = []
    deadline: str | None = None
    for i, m in enumerate(marks):
        value = inner[m.end(): marks[i + 1].start() if i + 1 < len(marks) else len(inner)]
        value = value.strip(" " + FULL_SPACE + "，,；;。")
        kind = _label_kind()[m.group("a") or m.group("b")]
        if kind == "ignore":  # 责任领导：…, a person
            continue
        if kind == "deadline":
            deadline = value or None
            continue
        bodies = split_bodies(value)
        if bodies is None:  # 责任单位：市发展改革委牵头，市财政局配合
            got = _clauses(value)
            if got is None:
                return None
            lead.extend(got[0])
            bodies = [b for b in got[1] if b not in got[0]]
        {"lead": lead, "responsible": resp, "support": support}[kind].extend(bodies)
    return lead, resp, support, deadline


def _clauses(inner: str) -> tuple[list[str], list[str], str | None] | None:
    """Bodies by verb: A牵头，B、C按职责分工负责 -> ([A], [A, B, C], None); None when a clause names no body."""
    c = _cues()
    lead_verbs = _longest(c["lead_verbs"])
    verbs = _longest([*c["lead_verbs"], *c["duty_verbs"]])
    lead: list[str] = []
    units: list[str] = []
    deadline: str | None = None
    pending: list[str] = []
    for clause in re.split(r"[，,；;]", inner):
        clause = clause.strip(" " + FULL_SPACE)
        if not clause:
            continue
        if read_deadline(clause, None)[1]:
            deadline = clause
            continue
        clause = _by_regex().sub("", clause)
        verb = next((v for v in verbs if clause.endswith(v)), None)
        names = clause[: -len(verb)] if verb else clause
        if verb is None:  # 市财政局配合做好资金保障: the bodies, a verb, then what they do
            found = sorted((clause.find(v), -len(v), v) for v in verbs if clause.find(v) > 1)
            for at, _, v in found:
                if split_bodies(clause[:at]):
                    verb, names = v, clause[:at]
                    break
        with_word = next((w for w in c["with_words"] if w in names), None)
        heads: list[str] = []
        if with_word:
            head, _, names = names.partition(with_word)
            got = split_bodies(head)
            if not got:
                return None
            heads = got
        bodies = split_bodies(names)
        if bodies is None and not heads and _time_regex().search(clause):
            deadline = clause  # 每年12月底前, 2023年起
            continue
        if bodies is None:
            return None
        if not bodies and not heads:
            if names.strip() and verb is not None:
                continue  # 各地区各有关部门负责落实: nobody in particular
            return None
        if verb is None:
            pending.extend(heads + bodies)
            continue
        group = pending + heads + bodies
        pending = []
        if verb in lead_verbs:
            lead.extend(group)
        elif heads:
            lead.extend(heads)
        units.extend(group)
    if pending or not units:
        return None
    return lead, units, deadline


@cache
def _by_regex() -> re.Pattern[str]:
    """Who a clause names opens after 由: 由市教育局牵头, 此项工作由市教育局负责."""
    c = _cues()
    return re.compile(rf"^(?:(?:{_alt(c['by_this'])})?(?:{_alt(c['by_what'])}))?由")


@cache
def _time_regex() -> re.Pattern[str]:
    """A clause that says when, if not as a date: 每年12月底前."""
    return re.compile(rf"(?:19|20)\d\d年|\d{{1,2}}月|[一二三四五六七八九十]{{1,2}}月|{_alt(_cues()['limit_words'])}")


@cache
def _limit_regex() -> re.Pattern[str]:
    """What makes a time alone in brackets a time limit: 前, 底, 完成, 长期 (not （2021—2025年）)."""
    return re.compile(_alt(_cues()["limit_words"]))


def read_note(inner: str, first_lead: bool = False, bare: bool = False) -> Note | None:
    """Read the words of a note (without its brackets) as bodies and a time limit; None when it is no note.

    Args:
        inner: e.g. 责任单位：省人力资源社会保障厅，配合单位：省财政厅 or
            省住房城乡建设厅牵头，省财政厅、自然资源厅按职责分工负责.
        first_lead: the document said 列第一位者为牵头单位，下同 before this note.
        bare: a list of bodies alone is a note too: （市住建局、市财政局） after a sentence.

    Returns:
        A ``Note`` (span (0, 0)) with lead, units and deadline_text, e.g. lead
        (省人力资源社会保障厅,), units (省人力资源社会保障厅, 省财政厅).
    """
    c = _cues()
    inner = inner.strip(" " + FULL_SPACE)
    if not inner or len(inner) > MAX_NOTE:
        return None
    says_first = _first_lead_regex().search(inner) is not None
    same_below = says_first and any(w in inner for w in c["same_below"])
    if says_first:  # the convention is a sentence of its own: drop it
        inner = "。".join(s for s in inner.split("。") if not _first_lead_regex().search(s))
    inner = inner.rstrip("。 ")
    if read_deadline(inner, None)[1] and _limit_regex().search(inner):
        return Note((0, 0), (), (), inner)  # （2023年6月底前完成）, not （2021—2025年）
    labelled = _labelled(inner)
    if labelled is not None:
        lead, resp, support, deadline = labelled
        if not lead and support:
            lead = resp  # 责任单位 where 配合单位 are also named
        units = _unique([*lead, *resp, *support])
        if not units and deadline is None:
            return None
    else:
        if "。" in inner:
            return None  # sentences, not a list of bodies
        got = _clauses(inner)
        if got is None:
            bodies = split_bodies(inner) if bare and not inner.startswith(tuple(c["aside_words"])) else None
            if not bodies or not _own_prefix(bodies[0]):
                return None  # a bare list opens with a level or a place: （市住建局、市财政局）
            got = [], bodies, None
        lead, named, deadline = got
        units = _unique(named)
    marked = _marked_leads(inner)
    if marked:
        lead = marked  # 责任单位：市发展改革委（牵头）、市财政局
    elif (first_lead or says_first) and units:
        lead = [units[0]]
    return Note((0, 0), _unique(lead), units, deadline, says_first, same_below)


# a bracketed aside of up to one nested level: （责任单位：省商务厅（省口岸办）、省财政厅）
_BRACKETED = re.compile(r"[（(【](?P<inner>(?:[^（）()【】\n]|[（(][^（）()\n]*[）)]){2,MAX})[）)】]".replace("MAX", str(MAX_NOTE)))


# what a sentence ends with
_SENTENCE_END = ("。", "；", ";", "！", "!", "？", "?")
# a title in 《》, whose brackets are no notes
_TITLE = re.compile(r"《[^《》\n]*》")


@cache
def _quick() -> re.Pattern[str]:
    """Words every note holds one of, to skip brackets that cannot be notes: （一）, （2021—2025年）."""
    c = _cues()
    words = [*_label_kind(), *c["lead_verbs"], *c["duty_verbs"], *c["open_ended"]]
    return re.compile(rf"{_alt(words)}|前|底|年|月")


@cache
def _first_lead_regex() -> re.Pattern[str]:
    return re.compile(_alt(_cues()["first_is_lead"]))


@cache
def _closing_regex() -> re.Pattern[str]:
    # 以上任务由市工业和信息化局牵头，… / 上述工作的牵头单位：…
    return re.compile(rf"^(?:{_alt(_cues()['closing'])})(?:均|的|分别)?(?:由)?")


def _paragraphs(text: str) -> list[Span]:
    out, pos = [], 0
    for para in text.split("\n"):
        out.append((pos, pos + len(para)))
        pos += len(para) + 1
    return out


def find_notes(text: str) -> list[Note]:
    """Every responsibility note of a clean text, in text order.

    Args:
        text: the clean text, e.g. "…等车辆车船税。（责任单位：省税务局）\\n2.进一步…".

    Returns:
        Notes with their spans (brackets included); ``alone`` for a paragraph
        of its own, ``closing`` for 以上任务由…牵头.
    """
    notes: list[Note] = []
    first_lead = False
    # 列第一位者为牵头单位 said once for all the tasks (各项任务中，列第一位者为牵头单位): from there on
    said = [m.start() for m in _first_lead_regex().finditer(text)]

    def add(start: int, end: int, inner: str, alone: bool, closing: bool = False, bare: bool = False) -> None:
        nonlocal first_lead
        if not first_lead and any(p < start and not any(a <= p < b for a, b in (n.span for n in notes))
                                  for p in said):
            first_lead = True
        note = read_note(inner, first_lead, bare)
        if note is None:
            return
        if note.same_below:
            first_lead = True
        notes.append(evolve(note, span=(start, end), alone=alone, closing=closing))

    for lo, hi in _paragraphs(text):
        para = text[lo:hi]
        if not para.strip():
            continue
        taken = 0
        m = _closing_regex().match(para)
        if m and (_label_regex().search(para) or any(v in para for v in _cues()["lead_verbs"] + _cues()["duty_verbs"])):
            add(lo, hi, para[m.end():].rstrip("。"), True, closing=True)
            continue
        if "（" not in para and "(" not in para and "：" not in para and ":" not in para \
                and "】" not in para and "为" not in para:
            continue  # no bracket and no label: no note
        titles = [m.span() for m in _TITLE.finditer(para)]
        for b in _BRACKETED.finditer(para):
            # after a sentence, a bracket of bodies alone names who delivers it: …建设。（市住建局）;
            # after a name it is an abbreviation: 市住房和城乡建设局（市住建局）
            after_sentence = b.start() == 0 or para[:b.start()].rstrip(" " + FULL_SPACE).endswith(_SENTENCE_END)
            if any(a < b.start() < e for a, e in titles):
                continue  # a year inside a title: 《…行动计划（2023-2025年）》
            if not after_sentence and not _quick().search(b.group("inner")):
                continue  # （一）, （试行）
            alone = b.start() == 0 and not para[b.end():].strip(" 。" + FULL_SPACE)
            before = len(notes)
            add(lo + b.start(), lo + b.end(), b.group("inner"), alone, bare=after_sentence)
            if len(notes) > before:
                taken = b.end()
        # labels without brackets: at the paragraph's start or after a sentence, to its end or the next task
        pos = taken
        while (m := _label_regex().search(para, pos)) is not None:
            s = m.start()
            pos = m.end()
            if s and para[s - 1] not in "。；;！!" + FULL_SPACE + " ":
                continue
            if s and para[:s].rstrip(" " + FULL_SPACE).endswith(("（", "(")):
                continue
            end = _note_end(para, s)
            if any(para[k.start() - 1] == FULL_SPACE for k in _label_regex().finditer(para, s + 1, end) if k.start()):
                break  # fields set apart by wide gaps: a form or a web page's footer (主办单位：…　承办单位：…)
            add(lo + s, lo + end, para[s:end].rstrip("。"), s == 0 and not para[end:].strip(" 。" + FULL_SPACE))
            pos = end
    return notes


def _note_end(para: str, start: int) -> int:
    """Where an unbracketed note ends: at the paragraph's end, or at a 。 that the next task follows
    (责任单位：市发改委。2.推进…), not one before another label (…。配合单位：…)."""
    for m in re.finditer("。", para[start:]):
        k = start + m.end()
        rest = para[k:].lstrip(" " + FULL_SPACE)
        if rest and not _label_regex().match(rest):
            return k
    return len(para)


# --- tasks from notes -----------------------------------------------------------------------------


# the characters a section marker opens with (sections.match_marker's kinds): 第, 一、, （一）, 1., ①
_MARKER_OPENERS = frozenset("第一二三四五六七八九十（(0123456789①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")


def _marker_length(text: str, marker: str) -> int:
    """How long a marker is as written: match_marker gives 一）… back whole as （一） and 4 管理制度 as 4."""
    if text.startswith(marker):
        return len(marker)
    if marker[:1] in "（(" and text.startswith(marker[1:]) or marker.endswith(".") and text.startswith(marker[:-1]):
        return len(marker) - 1
    return 0


@dataclass(frozen=True)
class _Heading:
    start: int  # the paragraph's start
    body: int  # after the marker
    end: int  # the paragraph's end
    rank: int


def _headings(text: str) -> list[_Heading]:
    out = []
    for lo, hi in _paragraphs(text):
        if lo == hi or text[lo] not in _MARKER_OPENERS:
            continue
        got = match_marker(text[lo:hi])
        if got and got[0] in MARKER_RANK:
            body = lo + _marker_length(text[lo:hi], got[1])
            while body < hi and text[body] in " " + FULL_SPACE:
                body += 1
            out.append(_Heading(lo, body, hi, MARKER_RANK[got[0]]))
    return out


def _trim(text: str, start: int, end: int) -> Span:
    """A span without the blanks and stray punctuation at its edges."""
    while start < end and text[start] in " \n" + FULL_SPACE + "，,；;。":
        start += 1
    while end > start and text[end - 1] in " \n" + FULL_SPACE:
        end -= 1
    return start, end


@dataclass(frozen=True)
class _Draft:
    span: Span
    scope: Span
    note: Note
    source: str  # note / part / table


def _item_closed(inside: list[_Heading], heads: list[_Heading], starts: list[int], note_end: int,
                 top_rank: int) -> _Heading:
    """The item a note at the end of a paragraph closes, among the headings since the last note.

    The widest item that ends with the note (the next heading's rank says which
    end there) and holds only deeper headings after its own: a note after
    （一）推进…。1.…；2.…。 closes （一）, one after （一）…（二）… closes （二）. A part
    (一、, the document's outermost rank) is closed by a note line, never by a
    note at the end of its last item.
    """
    nxt = bisect.bisect_left(starts, note_end)
    next_rank = heads[nxt].rank if nxt < len(heads) else -1
    for k, h in enumerate(inside):
        if h.rank >= next_rank and h.rank > top_rank and all(g.rank > h.rank for g in inside[k + 1:]):
            return h
    return inside[-1]


def _drafts(text: str, notes: Sequence[Note]) -> list[_Draft]:
    """Where each note's task is: its text and the stretch of the document it covers."""
    heads = _headings(text)
    starts = [h.start for h in heads]
    paras = _paragraphs(text)
    para_starts = [p[0] for p in paras]
    out: list[_Draft] = []
    top_rank = min((h.rank for h in heads), default=0)  # the document's parts: 一、 or 第一章
    prev_end = 0  # the end of the last note
    part_end = 0  # the end of the last note that closed a part
    for note in notes:
        ns, ne = note.span
        p_lo = paras[bisect.bisect_right(para_starts, ns) - 1][0]
        if note.closing or note.alone:
            lo = part_end if note.closing else prev_end
            inside = heads[bisect.bisect_left(starts, lo): bisect.bisect_left(starts, p_lo)]
            if not inside:
                before = [p for p in paras if lo <= p[0] and p[1] <= p_lo and text[p[0]:p[1]].strip()]
                if not before:
                    prev_end = part_end = ne
                    continue
                span = _trim(text, before[-1][0], before[-1][1])
                out.append(_Draft(span, (before[-1][0], ne), note, "note"))
            else:
                # the note closes the widest unit that ends with it: the next heading's rank says which
                # (二、 after it closes the whole 一、; （二） closes only （一）)
                nxt = bisect.bisect_left(starts, ne)
                next_rank = heads[nxt].rank if nxt < len(heads) else -1
                closed = [h for h in inside if h.rank >= next_rank] or inside
                top = min(h.rank for h in closed)
                head = next(h for h in closed if h.rank == top)
                inside = [h for h in inside if h.start >= head.start]
                several = len(inside) > 1
                span = _trim(text, head.body, head.end if several else p_lo)
                scope, source = (head.start, ne), "part" if several or note.closing else "note"
                if not several and not text[head.end:p_lo].strip() and next_rank > head.rank:
                    # a note line right under a heading, its items below (一、…\n牵头单位：…\n（一）…): forward
                    below = next((h for h in heads[nxt:] if h.rank <= head.rank), None)
                    scope, source = (head.start, below.start if below else len(text)), "part"
                out.append(_Draft(span, scope, note, source))
            prev_end = ne
            if note.closing or (inside and len(inside) > 1):
                part_end = ne
            continue
        lo = max(prev_end, p_lo)
        if prev_end <= p_lo:  # the paragraph's first note: back to the item it closes
            inside = heads[bisect.bisect_left(starts, prev_end): bisect.bisect_right(starts, p_lo)]
            if inside:
                lo = _item_closed(inside, heads, starts, ne, top_rank).body
        span = _trim(text, lo, ns)
        got = match_marker(text[span[0]:span[1]])
        if got:  # an item numbered inside the paragraph: …。2.推进…
            span = _trim(text, span[0] + _marker_length(text[span[0]:span[1]], got[1]), span[1])
        if span[1] <= span[0]:
            prev_end = ne
            continue
        scope_end = ne
        line = heads[bisect.bisect_right(starts, p_lo) - 1] if starts and starts[0] <= p_lo else None
        if line is not None and line.start == p_lo and "。" not in text[line.body:ns].rstrip(" 。" + FULL_SPACE):
            # a note right after an item's title (1.加快推进…建设（责任单位：市住建局）, （一）推进…。（牵头单位：…）…)
            # covers the item under it
            below = next((h for h in heads[bisect.bisect_right(starts, p_lo):] if h.rank <= line.rank), None)
            scope_end = below.start if below else len(text)
        out.append(_Draft(span, (span[0], scope_end), note, "note"))
        prev_end = ne
    return out


# --- task tables ----------------------------------------------------------------------------------

Box = tuple[int, float, float, float, float]


@cache
def _header_words() -> tuple[tuple[str, str], ...]:
    """(header word, column kind), longest first: 牵头单位 -> lead, 重点任务 -> task, 序号 -> number."""
    pairs = [(w, k) for w, k in _label_kind().items()]
    pairs += [(w, k) for k, words in _cues()["table_headers"].items() for w in words]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@cache
def _header_openers() -> frozenset[str]:
    return frozenset(w[0] for w, _ in _header_words())


# a year column of a target table: 2025年目标, 2024年, 2025年预期值
_HEADER_YEAR = re.compile(r"(?:19|20)\d\d年?(?:目标值|目标|预期值|预期目标|预期)?")


def read_header(line: str) -> list[tuple[int, int, str]] | None:
    """A task table's header line as columns: (start, end, kind) of every header word, in order.

    The words may stand apart or run together (narrow ruled cells leave no
    wide gap): 序号　重点任务　牵头单位配合单位完成时限. None unless the line is
    made of header words only and names a task column and a body or time column.

    Example: ``read_header("序号　重点任务　牵头单位　完成时限")`` ->
    ``[(0, 2, "number"), (3, 7, "task"), (8, 12, "lead"), (13, 17, "deadline")]``.
    """
    out: list[tuple[int, int, str]] = []
    if line.lstrip(" " + FULL_SPACE)[:1] not in _header_openers():
        return None
    i = 0
    while i < len(line):
        if line[i] in " " + FULL_SPACE:
            i += 1
            continue
        hit = next(((w, k) for w, k in _header_words() if line.startswith(w, i)), None)
        if hit is None:
            m = _HEADER_YEAR.match(line, i)  # 2025年目标: a target table's value column
            if m is None:
                return None
            hit = (m.group(0), "ignore")
        out.append((i, i + len(hit[0]), hit[1]))
        i += len(hit[0])
    kinds = [k for _, _, k in out]
    if len(out) < MIN_TABLE_COLUMNS or "task" not in kinds:
        return None
    if not {"lead", "responsible", "support", "deadline"} & set(kinds):
        return None
    return out


def _column_edges(text: str, lines: list[Span], head: list[tuple[int, int, str]], lo: int,
                  boxes: Sequence[Box]) -> list[float]:
    """Where one column ends and the next begins: the widest blank strip every table line leaves
    between two header words' middles (else the middle of the gap between the header words)."""
    spans: list[tuple[float, float]] = sorted(
        (boxes[k][1], boxes[k][3]) for a, b in lines for k in range(a, b)
        if boxes[k][3] > boxes[k][1] and text[k] not in " " + FULL_SPACE)
    covered: list[list[float]] = []
    for x0, x1 in spans:
        if covered and x0 <= covered[-1][1] + 1.0:
            covered[-1][1] = max(covered[-1][1], x1)
        else:
            covered.append([x0, x1])
    edges = []
    for (a0, a1, _), (b0, b1, _) in zip(head, head[1:]):
        left_mid = (boxes[lo + a0][1] + boxes[lo + a1 - 1][3]) / 2
        right_mid = (boxes[lo + b0][1] + boxes[lo + b1 - 1][3]) / 2
        gaps = [(covered[k][1], covered[k + 1][0]) for k in range(len(covered) - 1)
                if left_mid < covered[k][1] and covered[k + 1][0] < right_mid]
        if gaps:
            g0, g1 = max(gaps, key=lambda g: g[1] - g[0])
            edges.append((g0 + g1) / 2)
        else:
            edges.append((boxes[lo + a1 - 1][3] + boxes[lo + b0][1]) / 2)
    return edges


def _line_at(text: str, boxes: Sequence[Box], pos: int) -> Span:
    """The visual line holding ``pos``: cleanup joins lines into paragraphs (a table row whose last cell
    reaches the margin runs on into the next row), the boxes part them again (a new page or a lower band)."""
    lo = pos
    while lo > 0 and text[lo - 1] != "\n" and not _breaks(boxes, lo):
        lo -= 1
    hi = pos
    while hi < len(text) and text[hi] != "\n" and not (hi > pos and _breaks(boxes, hi)):
        hi += 1
    return lo, hi


def _breaks(boxes: Sequence[Box], k: int) -> bool:
    """Whether a new visual line starts at offset ``k``: another page, or a band below the previous glyph."""
    a, b = boxes[k - 1], boxes[k]
    return a[0] != b[0] or b[2] > a[2] + 0.6 * (a[4] - a[2])


def _is_prose(text: str, boxes: Sequence[Box], line: Span, width: float) -> bool:
    """A line of running text, not of a table: wide and without a gap between its glyphs."""
    lo, hi = line
    ink = [k for k in range(lo, hi) if text[k] not in " " + FULL_SPACE]
    if len(ink) < 2:
        return False
    gaps = [boxes[k][1] - boxes[j][3] for j, k in zip(ink, ink[1:])]
    return boxes[ink[-1]][3] - boxes[ink[0]][1] > 0.6 * width and max(gaps) < 3.0


def _table_lines(text: str, boxes: Sequence[Box], start: int, width: float) -> list[Span]:
    """The visual lines under a header that belong to its table: up to a heading (二、, （三）) or a line
    of running text."""
    out = []
    pos = start
    while pos < len(text):
        if text[pos] == "\n":
            pos += 1
            continue
        line = _line_at(text, boxes, pos)
        pos = line[1]
        words = text[line[0]:line[1]]
        if not words.strip():
            continue
        got = match_marker(words)
        if got and got[0] in ("part", "chapter", "cn", "cn_paren"):
            break
        if _is_prose(text, boxes, line, width):
            break
        out.append(line)
    return out


@cache
def _task_header_regex() -> re.Pattern[str]:
    """The words a task table's header holds, to find header lines without reading every line."""
    return re.compile(_alt(_cues()["table_headers"]["task"]))


def _table_drafts(text: str, boxes: Sequence[Box]) -> list[_Draft]:
    """Tasks from task tables: one per row, its columns found by their headers and read by position.

    Every character goes to the column its middle falls in; a row goes on over
    the lines below it until the next 序号 (or, without a 序号 column, the next
    line with a lead or responsible body), across a page break, where the header
    repeated at the top of the page is skipped.
    """
    if len(boxes) != len(text) or not text:
        return []  # a format without pages (DOCX, HTML): its tables come as text
    out: list[_Draft] = []
    done = 0
    for m in _task_header_regex().finditer(text):
        if m.start() < done:
            continue
        lo, hi = _line_at(text, boxes, m.start())
        head = read_header(text[lo:hi])
        if head is None:
            continue
        header_key = re.sub(r"\s", "", text[lo:hi])
        width = boxes[hi - 1][3] - boxes[lo][1]
        lines = _table_lines(text, boxes, hi, width)
        body_lines = [ln for ln in lines if re.sub(r"\s", "", text[ln[0]:ln[1]]) != header_key]
        done = lines[-1][1] if lines else hi
        edges = _column_edges(text, [(lo, hi), *body_lines], head, lo, boxes)
        kinds = [k for _, _, k in head]
        rows: list[dict[str, list[int]]] = []
        has_number = "number" in kinds
        for a, b in body_lines:
            cols: dict[str, list[int]] = {}
            for k in range(a, b):
                if text[k] in " " + FULL_SPACE:
                    continue
                mid = (boxes[k][1] + boxes[k][3]) / 2
                cols.setdefault(kinds[bisect.bisect_right(edges, mid)], []).append(k)
            number = "".join(text[k] for k in cols.get("number", []))
            if has_number:
                new_row = re.fullmatch(r"\d{1,3}[.．、]?", number) is not None
            else:
                new_row = bool(cols.get("lead") or cols.get("responsible")) and bool(cols.get("task"))
            if new_row or not rows:
                rows.append({})
            for kind, ks in cols.items():
                rows[-1].setdefault(kind, []).extend(ks)
        for row in rows:
            task = row.get("task")
            if not task:
                continue
            got = {k: _cell_text(text, row.get(k, []), boxes) for k in ("lead", "responsible", "support", "deadline")}
            lead = split_bodies(got["lead"]) or []
            resp = split_bodies(got["responsible"]) or []
            support = split_bodies(got["support"]) or []
            if not lead and support:
                lead = resp
            scope = (min(min(v) for v in row.values()), max(max(v) for v in row.values()) + 1)
            note = Note(scope, _unique(lead), _unique([*lead, *resp, *support]), got["deadline"] or None)
            out.append(_Draft((task[0], task[-1] + 1), scope, note, "table"))
    return out


def _cell_text(text: str, chars: list[int], boxes: Sequence[Box]) -> str:
    """A cell's words over its lines: a name cut at a line end is joined (市住房和城乡 | 建设局), two
    whole names on two lines are two (市财政局 | 各区政府 -> 市财政局、各区政府)."""
    lines: list[str] = []
    for j, k in enumerate(chars):
        a, b = boxes[chars[j - 1]], boxes[k]
        if not lines or a[0] != b[0] or b[2] > a[2] + 0.6 * (a[4] - a[2]):
            lines.append("")
        lines[-1] += text[k]
    out = lines[0] if lines else ""
    for line in lines[1:]:
        sep = "、" if is_body(out.rsplit("、", 1)[-1]) and is_body(line.split("、", 1)[0]) and \
            out[-1:] not in "、，,；;" else ""
        out += sep + line
    return out


def deadline_year(metadata: Metadata, text: str) -> int | None:
    """The year a deadline without one (6月底前) falls in: the 成文日期's, else the 发文字号's, else the
    one year the title names (2023年工作要点), else None.

    Example: a 2023 notice without a date, 东政办〔2023〕8号 -> 2023.
    """
    if metadata.issue_date and metadata.issue_date[:4].isdigit():
        return int(metadata.issue_date[:4])
    if metadata.doc_number and metadata.doc_number.year:
        return metadata.doc_number.year
    return document_context(text, None, metadata.title).title_year


# --- the public function --------------------------------------------------------------------------


def find_tasks(
    text: str,
    sections: Sequence[Section] = (),
    targets: Sequence[Quantity] = (),
    doc_year: int | None = None,
    boxes: Sequence[tuple[int, float, float, float, float]] = (),
) -> list[Task]:
    """Find the tasks that name responsible bodies or a time limit.

    Args:
        text: the clean text, e.g. "1.深入落实税收优惠政策。…（责任单位：省税务局）…".
        sections: the section tree, for each task's section.
        targets: the document's targets, to list those inside each task.
        doc_year: the document's year, for deadlines without one (6月底前).
        boxes: the clean text's boxes (``CleanText.boxes``), to read task tables by column.

    Returns:
        Tasks in text order, ids t1, t2, …, e.g. Task(text="深入落实税收优惠政策。…",
        lead=(), units=("省税务局",), units_full=("省税务局",), deadline=None, …).
    """
    drafts = _drafts(text, find_notes(text)) + _table_drafts(text, boxes)
    drafts.sort(key=lambda d: (d.span[0], d.scope[0]))
    index = SectionIndex(sections)
    # a part's note applies to the tasks inside it that name no body of their own
    parts = [d for d in drafts if d.source == "part" and d.note.units]
    tasks: list[Task] = []
    for k, d in enumerate(drafts):
        note = d.note
        if not note.units:
            outer = next((p for p in parts if p is not d and p.scope[0] <= d.span[0] < p.scope[1]), None)
            if outer is not None:
                note = evolve(note, lead=outer.note.lead, units=outer.note.units)
        deadline = read_deadline(note.deadline_text, doc_year)[0] if note.deadline_text else None
        tasks.append(Task(
            id=f"t{k + 1}", text=text[d.span[0]:d.span[1]], span=d.span, scope=d.scope,
            section=index.section_of(d.span[0]), lead=note.lead, units=note.units,
            units_full=full_names(note.units), deadline=deadline, deadline_text=note.deadline_text,
            targets=(), source=d.source,
        ))
    return link_targets(tasks, targets)[0]


def link_targets(tasks: Sequence[Task], targets: Sequence[Quantity]) -> tuple[list[Task], list[Quantity]]:
    """Tie each target to the innermost task whose scope holds it.

    Returns:
        The tasks with ``targets`` (indices into ``targets``) and the targets
        with ``task`` and ``bodies`` (the task's units_full, lead first).
    """
    owned: dict[int, list[int]] = {}
    new_targets: list[Quantity] = list(targets)
    by_start = sorted(range(len(tasks)), key=lambda k: tasks[k].scope[0])
    active: list[int] = []  # the tasks begun before the target, swept along the text
    nxt = 0
    for i in sorted(range(len(targets)), key=lambda i: targets[i].span[0]):
        pos = targets[i].span[0]
        while nxt < len(by_start) and tasks[by_start[nxt]].scope[0] <= pos:
            active.append(by_start[nxt])
            nxt += 1
        active = [k for k in active if tasks[k].scope[1] > pos]
        if not active:
            continue
        k = min(active, key=lambda k: (tasks[k].scope[1] - tasks[k].scope[0], -tasks[k].scope[0]))
        owned.setdefault(k, []).append(i)
        new_targets[i] = evolve(targets[i], task=tasks[k].id, bodies=tasks[k].units_full)
    new_tasks = [evolve(task, targets=tuple(sorted(owned.get(k, ())))) for k, task in enumerate(tasks)]
    return new_tasks, new_targets
