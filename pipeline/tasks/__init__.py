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

The folder, by concern: ``notes`` finds the notes, ``bodies`` reads the bodies they name,
``deadlines`` their time limits, ``tables`` the task tables, ``cues`` loads the
cue words; this module places each note's task in the text and ties targets to tasks.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.clean import FULL_SPACE
from pipeline.model import Quantity, Section, Span, Task, evolve
from pipeline.sections import match_marker
from pipeline.targets.context import SectionIndex
from pipeline.tasks.bodies import full_names
from pipeline.tasks.deadlines import deadline_year, read_deadline
from pipeline.tasks.notes import Draft, Note, find_notes, paragraphs
from pipeline.tasks.tables import table_drafts

# the stage's public functions: deadline_year gives find_tasks the year of a 6月底前 (run.py calls both)
__all__ = ["deadline_year", "find_tasks", "link_targets"]

# marker kinds from the outermost to the innermost (GB/T 9704 7.3.3; sections.match_marker's kinds)
MARKER_RANK = {k: i for i, k in enumerate(
    ("part", "chapter", "subchapter", "article", "cn", "cn_paren", "num", "dec2", "dec3", "dec4", "num_paren",
     "circled"))}


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
    for lo, hi in paragraphs(text):
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
class _Layout:
    """The headings and paragraphs of a text, for placing its notes' tasks."""

    text: str
    heads: list[_Heading]
    starts: list[int]  # the headings' starts
    paras: list[Span]
    para_starts: list[int]
    top_rank: int  # the document's parts: 一、 or 第一章

    @classmethod
    def of(cls, text: str) -> _Layout:
        heads = _headings(text)
        paras = paragraphs(text)
        return cls(text, heads, [h.start for h in heads], paras, [p[0] for p in paras],
                   min((h.rank for h in heads), default=0))

    def next_rank(self, pos: int) -> tuple[int, int]:
        """The index and rank of the first heading at or after ``pos`` (rank -1 when none)."""
        nxt = bisect.bisect_left(self.starts, pos)
        return nxt, self.heads[nxt].rank if nxt < len(self.heads) else -1


def _item_closed(lay: _Layout, inside: list[_Heading], note_end: int) -> _Heading:
    """The item a note at the end of a paragraph closes, among the headings since the last note.

    The widest item that ends with the note (the next heading's rank says which
    end there) and holds only deeper headings after its own: a note after
    （一）推进…。1.…；2.…。 closes （一）, one after （一）…（二）… closes （二）. A part
    (一、, the document's outermost rank) is closed by a note line, never by a
    note at the end of its last item.
    """
    _, next_rank = lay.next_rank(note_end)
    for k, h in enumerate(inside):
        if h.rank >= next_rank and h.rank > lay.top_rank and all(g.rank > h.rank for g in inside[k + 1:]):
            return h
    return inside[-1]


def _drafts(text: str, notes: Sequence[Note]) -> list[Draft]:
    """Where each note's task is: its text and the stretch of the document it covers."""
    lay = _Layout.of(text)
    out: list[Draft] = []
    prev_end = 0  # the end of the last note
    part_end = 0  # the end of the last note that closed a part
    for note in notes:
        ns, ne = note.span
        p_lo = lay.paras[bisect.bisect_right(lay.para_starts, ns) - 1][0]
        if note.closing or note.alone:
            draft, closes_part = _line_draft(lay, note, part_end if note.closing else prev_end, p_lo)
            if draft is not None:
                out.append(draft)
            if draft is None or closes_part:
                part_end = ne
        else:
            draft = _paragraph_draft(lay, note, prev_end, p_lo)
            if draft is not None:
                out.append(draft)
        prev_end = ne
    return out


def _line_draft(lay: _Layout, note: Note, lo: int, p_lo: int) -> tuple[Draft | None, bool]:
    """The task of a note line or a closing note (以上任务由…牵头) at ``p_lo``, covering the text since
    ``lo``, and whether it closes a part; None when there is no text before it."""
    text, ne = lay.text, note.span[1]
    inside = lay.heads[bisect.bisect_left(lay.starts, lo): bisect.bisect_left(lay.starts, p_lo)]
    if not inside:
        before = [p for p in lay.paras if lo <= p[0] and p[1] <= p_lo and text[p[0]:p[1]].strip()]
        if not before:
            return None, True
        span = _trim(text, before[-1][0], before[-1][1])
        return Draft(span, (before[-1][0], ne), note, "note"), note.closing
    # the note closes the widest unit that ends with it: the next heading's rank says which
    # (二、 after it closes the whole 一、; （二） closes only （一）)
    nxt, next_rank = lay.next_rank(ne)
    closed = [h for h in inside if h.rank >= next_rank] or inside
    top = min(h.rank for h in closed)
    head = next(h for h in closed if h.rank == top)
    inside = [h for h in inside if h.start >= head.start]
    several = len(inside) > 1
    span = _trim(text, head.body, head.end if several else p_lo)
    scope, source = (head.start, ne), "part" if several or note.closing else "note"
    if not several and not text[head.end:p_lo].strip() and next_rank > head.rank:
        # a note line right under a heading, its items below (一、…\n牵头单位：…\n（一）…): forward
        below = next((h for h in lay.heads[nxt:] if h.rank <= head.rank), None)
        scope, source = (head.start, below.start if below else len(text)), "part"
    return Draft(span, scope, note, source), note.closing or several


def _paragraph_draft(lay: _Layout, note: Note, prev_end: int, p_lo: int) -> Draft | None:
    """The task of a note inside the paragraph at ``p_lo``: the text since the last note, back to the
    item it closes; None when no text is left."""
    text, (ns, ne) = lay.text, note.span
    starts, heads = lay.starts, lay.heads
    lo = max(prev_end, p_lo)
    if prev_end <= p_lo:  # the paragraph's first note: back to the item it closes
        inside = heads[bisect.bisect_left(starts, prev_end): bisect.bisect_right(starts, p_lo)]
        if inside:
            lo = _item_closed(lay, inside, ne).body
    span = _trim(text, lo, ns)
    got = match_marker(text[span[0]:span[1]])
    if got:  # an item numbered inside the paragraph: …。2.推进…
        span = _trim(text, span[0] + _marker_length(text[span[0]:span[1]], got[1]), span[1])
    if span[1] <= span[0]:
        return None
    scope_end = ne
    line = heads[bisect.bisect_right(starts, p_lo) - 1] if starts and starts[0] <= p_lo else None
    if line is not None and line.start == p_lo and "。" not in text[line.body:ns].rstrip(" 。" + FULL_SPACE):
        # a note right after an item's title (1.加快推进…建设（责任单位：市住建局）, （一）推进…。（牵头单位：…）…)
        # covers the item under it
        below = next((h for h in heads[bisect.bisect_right(starts, p_lo):] if h.rank <= line.rank), None)
        scope_end = below.start if below else len(text)
    return Draft(span, (span[0], scope_end), note, "note")


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
    drafts = _drafts(text, find_notes(text)) + table_drafts(text, boxes)
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
