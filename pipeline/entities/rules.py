"""Rule entities of one paragraph: gazetteer names, place chains and what follows them
(杭州市人民政府办公厅, 中共江苏省委), short in-document names (市商务局), named institutions
(大连商品交易所), events (第二十届中国国际投资贸易洽谈会), sessions and persons (张明同志).

They match characters, not tokens, so a name is found even where jieba cuts
through it (由市|人民政府); a bare short place name counts only on jieba's
token boundaries (营口 is not found in 经营口径).

Example:
    >>> find_rule_entities("中共无锡市委、市政府")
    [(0, 6, 'ORG'), (7, 10, 'ORG')]
"""

from __future__ import annotations

import re
from collections.abc import Container

from pipeline.entities.gazetteer import CJK, NUMERAL, Gazetteer, load_gazetteer, load_patterns
from pipeline.entities.segmenter import jieba_words, looks_proper

DEFAULT_MAX_PREFIX = 14  # longest specific part before an institution head: 国际可再生能源发展合作

Hit = tuple[int, int, str]  # (start, end, label), offsets into the text given


def _place_at(text: str, i: int, gaz: Gazetteer, foreign: bool = True, short: bool = True) -> int:
    """Give the end of the longest place name starting at ``i`` (or ``i``).

    ``foreign=False`` keeps to China's divisions (a chain never runs from
    韩国 into 釜山市); ``short=False`` wants a full name (淮安市洪泽区 does not
    run on into 洪泽|湖大道). Example: ``_place_at("在杭州市开展", 1, gaz)`` is 4.
    """
    for n in gaz.lengths.get(text[i : i + 2], ()):
        s = text[i : i + n]
        if len(s) < n or s in gaz.ambiguous:
            continue
        if (
            (s in gaz.places and (short or s in gaz.names))
            or (short and s in gaz.shorts)
            or (foreign and s in gaz.foreign)
        ):
            return i + n
    return i


def _place_chain(text: str, i: int, gaz: Gazetteer) -> int:
    """Give the end of a chain of places from ``i``: 江苏省南京市鼓楼区, 淮安市洪泽区.

    A child not in the lists is accepted right after a listed parent
    (上海市|普陀区 is listed; 淮安市|某某区 is not, and still counts).
    """
    end = _place_at(text, i, gaz, foreign=False)
    if end == i:
        return i
    while True:
        nxt = _place_at(text, end, gaz, foreign=False, short=False)
        if nxt > end:
            end = nxt
            continue
        if text[end - 1] in "省市州":
            m = load_patterns().county.match(text, end)
            if m and looks_proper(m.group()) and not re.search(r"[省市县区州委政府党各全本该城郊]", m.group()[:-1]):
                end = m.end()
                continue
        return end


def _is_name_start(text: str, i: int, gaz: Gazetteer) -> bool:
    """Tell whether a name begins at ``i``: a place, a country, 国际/中国/世界…"""
    pats = load_patterns()
    return text.startswith(pats.name_starts, i) or _place_at(text, i, gaz) > i


def _left_start(text: str, head: int, gaz: Gazetteer, floor: int = 0) -> int:
    """Give where the specific part of a name before ``head`` begins.

    Scans left over CJK characters and stops at punctuation or a stop word
    (支持|南京银行, 加强与|中国欧盟商会). A coordinator (与, 及, 和) stops
    the scan only when a name starts after it, so 国际港口与航运协会 stays whole
    while 商会、|国际商会 splits.
    """
    pats = load_patterns()
    lo = max(floor, head - DEFAULT_MAX_PREFIX)
    j = head
    while j > lo:
        ch = text[j - 1]
        if not ("\u4e00" <= ch <= "\u9fff"):
            break
        stop = next((w for w in pats.left_stops if text.endswith(w, lo, j)), None)
        if stop is not None and len(stop) == 1 and _in_word(text, j - 1):
            stop = None  # 华为 holds 为, 共和国 holds 和: not a stop there
        if stop is not None and j < head:
            before = j - len(stop)
            if (
                stop in ("与", "及", "和", "以及", "同")
                and not _is_name_start(text, j, gaz)
                and not pats.inst_head.search(text, max(0, before - 5), before)  # 保险公司及|村镇银行
            ):
                j = before
                continue
            break
        j -= 1
    return j


def _in_word(text: str, k: int) -> bool:
    """Tell whether the character at ``k`` belongs to a dictionary word with a neighbour: 华|为 -> True."""
    proper, other = jieba_words()
    return any(w in proper or w in other for w in (text[k - 1 : k + 1] if k else "", text[k : k + 2]))


def _is_proper_start(prefix: str, gaz: Gazetteer) -> bool:
    """Tell whether ``prefix`` opens with a proper name (a place, 国际…, a jieba ns/nz word).

    Examples: 大连商品 -> True; 长江财产 -> True (长江 is ns); 产权 -> False.
    """
    if _is_name_start(prefix, 0, gaz):
        return True
    proper, other = jieba_words()
    for n in (4, 3, 2):
        w = prefix[:n]
        if len(w) == n and (w in proper or w in other):
            return w in proper
    return False  # an unknown opening word is too weak a sign on its own


# Class words inside a would-be name make it a description: 全日制应届高校|大学
_CLASS_INSIDE = re.compile(r"高校|企业|机构|部门|单位|学校|院校|医疗|人员|群众|毕业生")


def _institution_hits(text: str, gaz: Gazetteer) -> list[Hit]:
    """Give ORG hits for named institutions: a proper name + 银行/交易所/协会/大学….

    Example: 支持南京银行发起设立 -> 南京银行; 村镇银行 -> nothing (class noun).
    """
    pats = load_patterns()
    hits = []
    for m in pats.inst_head.finditer(text):
        start = _left_start(text, m.start(), gaz)
        prefix = text[start : m.start()]
        # trim leading stop words (与, 及) that a non-stopping coordinator left
        while prefix and (k := next((w for w in pats.left_stops if prefix.startswith(w)), None)):
            if _is_name_start(prefix, 0, gaz):
                break
            prefix, start = prefix[len(k) :], start + len(k)
        # 香港与|第一人民医院: a place alone before a coordinator is a conjunct, not part of the name
        conj = re.search(r"与|及|和", prefix)
        if conj and _place_at(prefix, 0, gaz) == conj.start():
            prefix, start = prefix[conj.end() :], start + conj.end()
        rest = pats.generic.sub("", prefix)
        if len(prefix) < 2 or not rest or _CLASS_INSIDE.search(prefix):
            continue
        # a registered company needs no known first word: 比亚迪股份有限公司
        registered = m.group().endswith("有限公司") and prefix[:2] not in jieba_words()[1]
        if not (registered or _is_proper_start(prefix, gaz)):
            continue
        # 上海市|跨国公司: a place and a class noun, not a name (南京|银行 has nothing between)
        place_end = _place_at(prefix, 0, gaz)
        if 0 < place_end < len(prefix) and not pats.generic.sub("", prefix[place_end:]):
            continue
        hits.append((start, m.end(), "ORG"))
    for m in pats.acronym.finditer(text):
        start = _left_start(text, m.start(), gaz)
        name = text[start : m.start()]
        if (
            len(name) >= 4
            and _is_proper_start(name, gaz)
            and re.search(r"(?:组织|机构|协会|联盟|中心|委员会|理事会|基金会?|银行|署|局|论坛|联合会|公司|集团)$", name)
        ):
            hits.append((start, m.start(), "ORG"))
    return hits


def _tail_ok(text: str, end: int, matched: str) -> bool:
    """Tell whether a government head ending at ``end`` is really the body.

    Example: 区政府|信息公开 -> False; 市委|托 -> False; 市政府|网站 -> True.
    """
    pats = load_patterns()
    for head, bad in pats.bad_after.items():
        if matched.endswith(head) and bad.match(text, end):
            return False
    return True


def org_after(text: str, pos: int) -> int:
    """Give the end of an ORG tail (人民政府办公厅, 商务局, 委) starting at ``pos``, or ``pos``."""
    m = load_patterns().org_tail.match(text, pos)
    while m and not _tail_ok(text, m.end(), m.group()):
        # back off to a shorter tail: 政府办公厅 is fine where 政府信息 is not
        shorter = load_patterns().org_tail.match(text[: m.end() - 1], pos)
        if not shorter or shorter.end() >= m.end():
            return pos
        m = shorter
    return m.end() if m else pos


Candidate = tuple[int, int, str, int]  # (start, end, label, priority): the longest, then the highest, wins


class _Candidates(list[Candidate]):
    """The candidate spans of one paragraph, in the order the rules found them."""

    def add(self, s: int, e: int, label: str, prio: int) -> None:
        if e > s:
            self.append((s, e, label, prio))

    def ending_at(self, e: int, labels: tuple[str, ...]) -> Candidate | None:
        """The first candidate of one of ``labels`` that ends at ``e``: the place before 第十四届…."""
        return next((c for c in self if c[2] in labels and c[1] == e), None)


def find_rule_entities(text: str, boundaries: Container[int] | None = None) -> list[Hit]:
    """Take one paragraph and give rule entities as (start, end, label), non-overlapping.

    ``boundaries`` are the token boundaries of the paragraph (jieba; a
    :class:`LazyBoundaries` segments only when asked); a bare
    short place name (杭州) counts only on them, so 营口 is not found in 经营口径.
    Without them, bare short names are accepted anywhere.

    Example:
        >>> find_rule_entities("中共无锡市委、市政府")
        [(0, 6, 'ORG'), (7, 10, 'ORG')]
    """
    gaz = load_gazetteer()
    cands = _Candidates()
    for opener in gaz.openers.finditer(text):  # where a listed name may start
        i = opener.start()
        if not ("\u4e00" <= text[i] <= "\u9fff"):
            continue
        lengths = gaz.lengths.get(text[i : i + 2])
        if lengths is None:  # no listed name starts here, so no place chain does
            continue
        _listed_names(text, i, lengths, gaz, boundaries, cands)
        _chain_names(text, i, gaz, boundaries, cands)
    _short_orgs(text, cands)
    for s, e, label in _institution_hits(text, gaz):
        cands.add(s, e, label, 3)
    _events(text, cands)
    _sessions(text, cands)
    for m in load_patterns().comrade.finditer(text):
        if looks_proper(m.group(1)):  # 张明同志; not 负责同志, 主要同志
            cands.add(m.start(1), m.end(1), "PER", 1)
    hits = _resolve(cands)
    return _add_foreign_children(text, hits, gaz)


def _listed_names(text: str, i: int, lengths: tuple[int, ...], gaz: Gazetteer, boundaries: Container[int] | None,
                  cands: _Candidates) -> None:
    """Add the gazetteer names starting at ``i``, of every length (the overlap resolution picks):
    杭州市 (LOC), 外交部 (ORG), a bare short name 杭州 on token boundaries only."""
    for L in lengths:
        if i + L > len(text):
            continue
        name = text[i : i + L]
        label = gaz.names.get(name)
        if label == "ORG" and name.endswith("部") and text.startswith("门", i + L):
            continue  # 国务院|财政部门: a class of departments, not 财政部
        if label and name not in gaz.ambiguous and _aligned(text, i, i + L, boundaries, strict=L == 2):
            cands.add(i, _listed_end(text, name, label, i + L, gaz), label, 2)
        elif name in gaz.shorts and _aligned(text, i, i + L, boundaries, strict=True):
            cands.add(i, i + L, "LOC", 1)


def _listed_end(text: str, name: str, label: str, e: int, gaz: Gazetteer) -> int:
    """Where a listed name ending at ``e`` really ends: with a foreign city's 市, a branch or a general office."""
    if name in gaz.foreign and name not in gaz.countries and text.startswith("市", e):
        return e + 1  # 釜山|市: a foreign city with the suffix written out
    if label == "ORG" and (branch := _BRANCH.match(text, e)) and _place_at(text, e, gaz) > e:
        return branch.end()  # 中国人民银行|成都分行
    if label == "ORG" and (office := _OFFICE.match(text, e)):
        return office.end()  # 工业和信息化部|办公厅
    return e


def _chain_names(text: str, i: int, gaz: Gazetteer, boundaries: Container[int] | None, cands: _Candidates) -> None:
    """Add a place chain from ``i`` and what follows it: 上海市普陀区 (LOC), 淮安市洪泽区|洪泽湖大道90号
    (LOC), 上海市普陀区|土地发展中心, 杭州市人民政府办公厅, 中共江苏省委, 南京海关 (ORG)."""
    end = _place_chain(text, i, gaz)
    first = _place_at(text, i, gaz, foreign=False)
    if end > i and boundaries is not None and i not in boundaries and text[i:first] in gaz.shorts:
        return  # a short name inside a word starts no chain: 经|营口|岸
    if end == i:
        return
    chain = text[i:end]
    if chain not in gaz.names and chain not in gaz.shorts and _aligned(text, i, end, boundaries):
        cands.add(i, end, "LOC", 1)  # 上海市普陀区: one span
    addr = _ADDRESS.match(text, end)
    if addr and chain not in gaz.shorts:
        cands.add(i, addr.end(), "LOC", 3)
    inst = _PUBLIC_INSTITUTION.match(text, end)
    if inst and text[end - 1] in "省市县区州":
        cands.add(i, inst.end(), "ORG", 3)  # 上海市普陀区|土地发展中心
    tail = org_after(text, end)
    if tail > end and text[tail - 1] == "局" and (unit := _BUREAU_UNIT.match(text, tail)):
        tail = unit.end()
    if tail > end:
        start = i - 2 if text.startswith("中共", i - 2) else i
        cands.add(start, tail, "ORG", 3)


def _short_orgs(text: str, cands: _Candidates) -> None:
    """Add short in-document names: 市商务局, 区政府, 省委, 市人大常委会办公厅."""
    for m in load_patterns().level_org.finditer(text):
        end = org_after(text, m.start() + _level_len(m.group()))
        if end > m.start() + 1:
            cands.add(m.start(), end, "ORG", 3)


def _events(text: str, cands: _Candidates) -> None:
    """Add numbered events (第二十届中国国际投资贸易洽谈会, with the place before them and the session
    after: 南宁市|第十四届人民代表大会|常务委员会第二十四次会议) and named ones (中国国际进口博览会)."""
    for m in load_patterns().event.finditer(text):
        s, e = m.start(), m.end()
        more = _SESSION_TAIL.match(text, e)
        e = more.end() if more else e
        place = cands.ending_at(s, ("LOC",))
        cands.add(place[0] if place else s, e, "EVENT", 4)
    for m in _NAMED_EVENT.finditer(text):
        cands.add(m.start(), m.end(), "EVENT", 3)


def _sessions(text: str, cands: _Candidates) -> None:
    """Add meetings: 党的二十大, 二十届二中、三中全会, and a numbered meeting with its body
    (国务院第109次常务会议; 第十届|全国人民代表大会常务委员会|第五次会议)."""
    for m in load_patterns().session.finditer(text):
        s = m.start()
        if m.group().startswith("第"):  # 国务院第109次常务会议: the body is part of the name
            org = cands.ending_at(s, ("ORG", "EVENT"))
            if org is None:
                continue
            s = org[0]
            # 第十届|全国人民代表大会常务委员会|第五次会议: the term number opens the name
            term = re.search(f"第{NUMERAL}届$", text[max(0, s - 8) : s])
            if term:
                s -= len(term.group())
        cands.add(s, m.end(), "EVENT", 4)


# A division's suffix that begins a compound word is not the suffix: 港口|区域, 县域, 市场.
_SUFFIX_COMPOUND = re.compile(r"区[域划间块位]|县[域城]|市[场域]")
# ...nor is a place the first part of an ethnic name: 朝鲜族, 蒙古族.
_AFTER_PLACE_BAD = re.compile(r"族")


def _aligned(text: str, s: int, e: int, boundaries: Container[int] | None, strict: bool = False) -> bool:
    """Tell whether a gazetteer name at ``[s, e)`` stands on its own.

    The start must be a token boundary; a ``strict`` (two-character or bare
    short) name must also end on one unless a level word follows (杭州|市委).
    Examples: 沿海地区 has no 海地; 经营口径 has no 营口; 洪泽|区政府 keeps 洪泽区.
    """
    if _SUFFIX_COMPOUND.match(text, e - 1) or _AFTER_PLACE_BAD.match(text, e):
        return False
    if boundaries is None:
        return True
    if s not in boundaries:
        return False
    return not strict or e in boundaries or text[e : e + 1] in ("市", "省", "县", "区", "州", "委")


# what continues a numbered congress: 第十四届人民代表大会|常务委员会第二十四次会议
_SESSION_TAIL = re.compile(f"(?:常务委员会|委员会)?第{NUMERAL}次(?:全体|常务)?会议")
# a street address after a place chain: 淮安市洪泽区|洪泽湖大道90号
_ADDRESS = re.compile(r"[" + CJK + r"]{1,8}?(?:大道|大街|路|街|巷|道)(?:[0-9]+|[一二三四五六七八九十百]+)号(?:院|楼)?")
# a branch of a national body in a place: 中国人民银行|成都分行, 国家统计局|湖南调查总队
_BRANCH = re.compile(r"[" + CJK + r"]{2,8}?(?:分行|支行|分公司|分院|监管局|调查总队|营业管理部)")
# a public institution named after its place: 上海市普陀区|自然资源确权登记事务中心
_PUBLIC_INSTITUTION = re.compile(
    r"[" + CJK + r"]{0,10}?(?:服务|事务|发展|管理|登记|交流|研究|信息|指挥|数据|监测|检测|交易|培训|保障|救助|执法)中心"
)
# a named event without a term number: 中国国际进口博览会, 全国运动会
_NAMED_EVENT = re.compile(
    r"(?:中国|全国|世界|亚洲|全球)[" + CJK + r"（）]{2,14}?(?:博览会|交易会|洽谈会|运动会|艺术节|电影节)"
)
# a listed body's general office: 工业和信息化部|办公厅, 国务院|办公厅 (listed itself)
_OFFICE = re.compile(r"办公厅|办公室")
# a unit under a bureau: 石家庄市公安局|人口管理支队
_BUREAU_UNIT = re.compile(r"[" + CJK + r"]{2,6}?(?:支队|大队|总队|分局|中队)")


def _level_len(matched: str) -> int:
    """Give the length of the level word opening a short name: 自治区人民政府 -> 3, 市委 -> 1."""
    return 3 if matched.startswith(("自治区", "自治州", "自治县")) else 1


def _resolve(cands: list[Candidate]) -> list[Hit]:
    """Keep the outermost candidates: longest first, then higher priority; no overlaps.

    Example: 杭州市 (LOC) inside 杭州市人民政府 (ORG) goes.
    """
    kept: list[tuple[int, int, str]] = []
    taken = bytearray(max((c[1] for c in cands), default=0))
    for s, e, label, _p in sorted(cands, key=lambda c: (-(c[1] - c[0]), -c[3], c[0])):
        if any(taken[s:e]):
            continue
        taken[s:e] = b"\x01" * (e - s)
        kept.append((s, e, label))
    return sorted(kept)


# 加拿大|多伦多、 俄罗斯|喀山市等: a foreign city right after its country, up to a break
_CITY_AFTER_COUNTRY = re.compile(r"(?![等和及与的各在为对是])[" + CJK + r"]{2,5}?(?:市|州)?(?=[、，。；和及与等的]|$)")


def _add_foreign_children(text: str, hits: list[Hit], gaz: Gazetteer) -> list[Hit]:
    """Add foreign cities written after their country and names coordinated with them.

    Examples: 加拿大多伦多 -> 加拿大 + 多伦多; 韩国釜山市和仁川市 -> + 仁川市.
    """
    pats = load_patterns()
    out = list(hits)
    taken = {k for s, e, _ in hits for k in range(s, e)}
    for s, e, label in hits:
        if label != "LOC":
            continue
        nxt = None
        if text[s:e] in gaz.countries and text[s:e] not in ("中国", "中华人民共和国"):
            # the city runs to the next break: 俄罗斯喀山市等, 美国西雅图、
            m = _CITY_AFTER_COUNTRY.match(text, e)
            if m and not any(k in taken for k in range(m.start(), m.end())) and looks_proper(m.group()):
                if not re.search(r"(?:国家|地区|城市|政府|企业|大使|使馆|领事|驻华|总统|人民)", m.group()):
                    out.append((m.start(), m.end(), "LOC"))
                    taken.update(range(m.start(), m.end()))
                    nxt = m.end()
        elif text[s:e][-1] in "市州":
            nxt = e
        while nxt is not None:
            m = pats.coordinated.match(text, nxt)
            if not m or any(k in taken for k in range(m.start(1), m.end(1))) or pats.generic.match(m.group(1)):
                break
            out.append((m.start(1), m.end(1), "LOC"))
            taken.update(range(m.start(1), m.end(1)))
            nxt = m.end(1)
    return sorted(out)
