"""The bodies responsible for a task, as a note names them: split a list (省商务厅、财政厅),
tell a body from a class (省商务厅 is one, 有关部门 and 企业 are not) and carry a level over
(省商务厅、财政厅 -> 省商务厅, 省财政厅).

Example: ``split_bodies("市发展改革委、市财政局")`` is ``["市发展改革委", "市财政局"]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from pipeline.clean import FULL_SPACE
from pipeline.entities.gazetteer import load_gazetteer, org_pieces, short_form
from pipeline.tasks.cues import alternation, cues, longest

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
    return tuple(cues()[which])


@cache
def _words(which: str) -> tuple[str, ...]:
    """A word list of the cues, longest first."""
    return longest(cues()[which])


@cache
def _levels() -> tuple[str, ...]:
    """The level words a body's name may open with, longest first: 自治区, …, 省, 市, 县: the entity
    patterns' ``level_chars`` (市商务局, 区政府), one list for both."""
    return longest(org_pieces()["level_chars"])


def is_vague(name: str) -> bool:
    """A name made of vague words only, naming nobody: 有关部门, 各地区各有关部门; not 省有关单位 (a level)."""
    c = cues()
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
    c = cues()
    return re.compile(rf"[（(](?:{alternation([*c['lead_verbs'], *c['duty_verbs']])})(?:单位|部门)?[）)]")


def marked_leads(s: str) -> list[str]:
    """The bodies marked as lead in a list: 市发展改革委（牵头）、市财政局 -> [市发展改革委]."""
    out = []
    for m in _role_aside().finditer(s):
        if not any(v in m.group(0) for v in cues()["lead_verbs"]):
            continue
        name = re.split(r"[、，,；;：:]", s[: m.start()])[-1]
        got = split_bodies(name)
        if got:
            out.append(got[-1])
    return out


@cache
def _level_government() -> re.Pattern[str]:
    # a level alone (州) or a level's government (县人民政府): the tail of 各市、州、县人民政府
    levels = "|".join(map(re.escape, _levels()))
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
    full = {p for p in g.places if p.endswith(_levels())}
    return frozenset(full | {s for s in map(short_form, g.parents) if s})


def own_prefix(name: str) -> str | None:
    """The level or place a body's name opens with: 省商务厅 -> 省; 郑州市财政局 -> 郑州市;
    "" for a name that stands alone (国家外汇管理局安徽省分局, 各县区人民政府); None when bare (财政厅)."""
    if name.startswith(_words("national_heads")):
        return ""
    places = _places()
    for k in range(min(len(name) - 1, 9), 1, -1):
        if name[:k] in places:
            # a full name (郑州市) lends itself; a short one (定西高新区管委会) stands alone
            return name[:k] if name[:k].endswith(_levels()) else ""
    if any(z in name for z in _words("zone_words")):
        return ""  # 东川高新区管委会: a zone's body names its own place
    if name.startswith(_words("not_prefix_words")):
        return None
    for p in _levels():
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
        own = own_prefix(u)
        if own is None:
            out.append(carried + u if carried else u)
        else:
            out.append(u)
            carried = own or None
    return tuple(out)
