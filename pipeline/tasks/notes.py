"""Notes that name who delivers a task, and where each stands in the text.

A note follows the task in brackets (（牵头单位：市商务局；配合单位：…；完成时限：
2023年6月底前）), stands as labels at a paragraph's end or on its own line
(牵头单位：市商务局，责任单位：各县区人民政府), or closes a whole part
(以上任务由市工业和信息化局牵头，各县区政府负责落实). ``read_note`` reads one note's
words; ``find_notes`` finds every note of a text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.clean import FULL_SPACE
from pipeline.model import Span, evolve
from pipeline.tasks.bodies import marked_leads, own_prefix, split_bodies
from pipeline.tasks.cues import alternation, cues, label_kind, label_regex, longest
from pipeline.tasks.deadlines import read_deadline

# the longest note read, in characters
MAX_NOTE = 400

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


def unique(names) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _labelled(inner: str) -> tuple[list[str], list[str], list[str], str | None] | None:
    """Bodies by label: 责任单位：A，配合单位：B、C -> ([], [A], [B, C], None); None when no label."""
    marks = list(label_regex().finditer(inner))
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
        kind = label_kind()[m.group("a") or m.group("b")]
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
    c = cues()
    lead_verbs = longest(c["lead_verbs"])
    verbs = longest([*c["lead_verbs"], *c["duty_verbs"]])
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
    c = cues()
    return re.compile(rf"^(?:(?:{alternation(c['by_this'])})?(?:{alternation(c['by_what'])}))?由")


@cache
def _time_regex() -> re.Pattern[str]:
    """A clause that says when, if not as a date: 每年12月底前."""
    return re.compile(rf"(?:19|20)\d\d年|\d{{1,2}}月|[一二三四五六七八九十]{{1,2}}月|{alternation(cues()['limit_words'])}")


@cache
def _limit_regex() -> re.Pattern[str]:
    """What makes a time alone in brackets a time limit: 前, 底, 完成, 长期 (not （2021—2025年）)."""
    return re.compile(alternation(cues()["limit_words"]))


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
    c = cues()
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
        units = unique([*lead, *resp, *support])
        if not units and deadline is None:
            return None
    else:
        if "。" in inner:
            return None  # sentences, not a list of bodies
        got = _clauses(inner)
        if got is None:
            bodies = split_bodies(inner) if bare and not inner.startswith(tuple(c["aside_words"])) else None
            if not bodies or not own_prefix(bodies[0]):
                return None  # a bare list opens with a level or a place: （市住建局、市财政局）
            got = [], bodies, None
        lead, named, deadline = got
        units = unique(named)
    marked = marked_leads(inner)
    if marked:
        lead = marked  # 责任单位：市发展改革委（牵头）、市财政局
    elif (first_lead or says_first) and units:
        lead = [units[0]]
    return Note((0, 0), unique(lead), units, deadline, says_first, same_below)


# a bracketed aside of up to one nested level: （责任单位：省商务厅（省口岸办）、省财政厅）
_BRACKETED = re.compile(r"[（(【](?P<inner>(?:[^（）()【】\n]|[（(][^（）()\n]*[）)]){2,MAX})[）)】]".replace("MAX", str(MAX_NOTE)))


# what a sentence ends with
_SENTENCE_END = ("。", "；", ";", "！", "!", "？", "?")
# a title in 《》, whose brackets are no notes
_TITLE = re.compile(r"《[^《》\n]*》")


@cache
def _quick() -> re.Pattern[str]:
    """Words every note holds one of, to skip brackets that cannot be notes: （一）, （2021—2025年）."""
    c = cues()
    words = [*label_kind(), *c["lead_verbs"], *c["duty_verbs"], *c["open_ended"]]
    return re.compile(rf"{alternation(words)}|前|底|年|月")


@cache
def _first_lead_regex() -> re.Pattern[str]:
    return re.compile(alternation(cues()["first_is_lead"]))


@cache
def _closing_regex() -> re.Pattern[str]:
    # 以上任务由市工业和信息化局牵头，… / 上述工作的牵头单位：…
    return re.compile(rf"^(?:{alternation(cues()['closing'])})(?:均|的|分别)?(?:由)?")


def paragraphs(text: str) -> list[Span]:
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
    found = _Notes([m.start() for m in _first_lead_regex().finditer(text)])
    for lo, hi in paragraphs(text):
        para = text[lo:hi]
        if not para.strip():
            continue
        m = _closing_regex().match(para)
        if m and (label_regex().search(para) or any(v in para for v in cues()["lead_verbs"] + cues()["duty_verbs"])):
            found.add(lo, hi, para[m.end():].rstrip("。"), True, closing=True)
            continue
        if "（" not in para and "(" not in para and "：" not in para and ":" not in para \
                and "】" not in para and "为" not in para:
            continue  # no bracket and no label: no note
        taken = _bracket_notes(found, lo, para)
        _label_notes(found, lo, para, taken)
    return found.notes


class _Notes:
    """The notes found so far, and whether the document has said 列第一位者为牵头单位 before the next."""

    def __init__(self, said: list[int]) -> None:
        self.notes: list[Note] = []
        self.first_lead = False
        # 列第一位者为牵头单位 said once for all the tasks (各项任务中，列第一位者为牵头单位): from there on
        self.said = said

    def add(self, start: int, end: int, inner: str, alone: bool, closing: bool = False, bare: bool = False) -> bool:
        """Read the note ``inner`` at ``start``–``end`` and keep it; whether it was one."""
        if not self.first_lead and any(p < start and not any(a <= p < b for a, b in (n.span for n in self.notes))
                                       for p in self.said):
            self.first_lead = True
        note = read_note(inner, self.first_lead, bare)
        if note is None:
            return False
        if note.same_below:
            self.first_lead = True
        self.notes.append(evolve(note, span=(start, end), alone=alone, closing=closing))
        return True


def _bracket_notes(found: _Notes, lo: int, para: str) -> int:
    """Add the notes in brackets of the paragraph at ``lo``: …建设。（市住建局）, （责任单位：…）; give the
    end of the last one (0 when none)."""
    taken = 0
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
        if found.add(lo + b.start(), lo + b.end(), b.group("inner"), alone, bare=after_sentence):
            taken = b.end()
    return taken


def _label_notes(found: _Notes, lo: int, para: str, pos: int) -> None:
    """Add the labels without brackets from ``pos`` on: at the paragraph's start or after a sentence,
    to its end or the next task (牵头单位：市商务局，责任单位：各县区人民政府)."""
    while (m := label_regex().search(para, pos)) is not None:
        s = m.start()
        pos = m.end()
        if s and para[s - 1] not in "。；;！!" + FULL_SPACE + " ":
            continue
        if s and para[:s].rstrip(" " + FULL_SPACE).endswith(("（", "(")):
            continue
        end = _note_end(para, s)
        if any(para[k.start() - 1] == FULL_SPACE for k in label_regex().finditer(para, s + 1, end) if k.start()):
            break  # fields set apart by wide gaps: a form or a web page's footer (主办单位：…　承办单位：…)
        found.add(lo + s, lo + end, para[s:end].rstrip("。"), s == 0 and not para[end:].strip(" 。" + FULL_SPACE))
        pos = end


def _note_end(para: str, start: int) -> int:
    """Where an unbracketed note ends: at the paragraph's end, or at a 。 that the next task follows
    (责任单位：市发改委。2.推进…), not one before another label (…。配合单位：…)."""
    for m in re.finditer("。", para[start:]):
        k = start + m.end()
        rest = para[k:].lstrip(" " + FULL_SPACE)
        if rest and not label_regex().match(rest):
            return k
    return len(para)


@dataclass(frozen=True)
class Draft:
    span: Span
    scope: Span
    note: Note
    source: str  # note / part / table
