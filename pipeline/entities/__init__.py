"""Named entities (ORG, LOC, PER, EVENT) in the clean text of a policy document.

Two sources feed one list:

* **rules** (``source="rule"``): gazetteers of places, countries, foreign
  cities, international organisations and central bodies, and patterns built
  from small named pieces (a place + a government head: 杭州市人民政府办公厅;
  a level word + a department: 市商务局; a proper name + an institution head:
  大连商品交易所). They match characters, not tokens, so a name is found even
  where jieba cuts through it (由市|人民政府).
  Where a short name must stand on its own (营口 is no place in 经营口径),
  jieba's token boundaries decide, segmented only for paragraphs that ask.
  The rules are ``rules.py`` in this folder, on the data of ``gazetteer.py`` and
  the token boundaries of ``segmenter.py``.
* **model** (``source="model"``, on request: ``parse --ner-model``): a small
  statistical ``ner`` trained in this repository (``scripts/train_ner.py``)
  on annotated policy sentences. It runs after the rules and only fills the
  gaps between rule spans; its spans are filtered so slogans and class nouns
  (一带一路, 有关部门) never come out.

The rules run by default and need no spaCy. The model is opt-in because it
earns little for its cost: on the held-out dev sentences rules alone score
the same F1 as rules plus model (0.989), on the real corpus fewer than half
its additions are names (中国政府 out of 中国政府网), and it costs about
14 ms a page (``make bench``), twice the rest of the pipeline together.
With it, the spaCy pipeline is ``spacy.blank("zh")`` with the jieba segmenter, a
``policy_entity_rules`` component and the trained ``ner``, built once per
process by :func:`load_nlp`; without the model directory it runs on rules
alone and warns once.

Example:
    >>> [(e.text, e.label) for e in tag_entities("市商务局会同南京海关推进口岸建设。")]
    [('市商务局', 'ORG'), ('南京海关', 'ORG')]
"""

from __future__ import annotations

import logging
import re
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.entities.gazetteer import CJK, alternation, load_gazetteer
from pipeline.entities.rules import Hit, find_rule_entities, org_after
from pipeline.entities.segmenter import LazyBoundaries, jieba_words, looks_proper, token_boundaries
from pipeline.loader import data_file
from pipeline.model import Entity

# the trained model's folder; spaCy loads it from a path on disk
DEFAULT_MODEL_DIR = Path(str(data_file("ner/model")))
OUTPUT_LABELS = frozenset({"ORG", "LOC", "PER", "EVENT"})  # LAW belongs to references.py


# --- the model's spans ----------------------------------------------------------

# Slogans and concept words are numeral-led or end in a concept head:
# 一带一路, 一把手, 五大发展理念, 两个维护 / 运河文化, 创新之都, 山水之中.
_SLOGAN = re.compile(
    r"^[一二三四五六七八九十两百千万]+["
    + CJK
    + r"]|(?:文化|理念|精神|思想|战略|工程|计划|行动|之都|之中|之乡|之城|模式|机制|体系|品牌|名城|联动)$"
)
# Class nouns that name no single body (GUIDELINES.md): 有关部门, 公安机关
_CLASS = re.compile(r"^(?:各|有关|相关|该|本|我|全|县级|市级|省级|各级|其他)|(?:部门|机关|单位|机构|企业)$")


# How a name of each kind ends, for the model's spans (the rules know their own):
# 某某局, 某某委员会, 某某大学 / 某某市, 某某岛 / 某某博览会.
_ORG_END = re.compile(
    r"(?:局|委|办|厅|部|院|会|所|署|行|公司|集团|校|社|中心|组织|政府|队|处|室|站|馆|联|盟|军|区委|党委|法院|检察院|大学|学院|机构|基金)$"
)
_LOC_END = re.compile(r"(?:省|市|县|区|州|盟|旗|镇|乡|村|国|岛|山|河|湖|江|海|湾|港|路|街|号|道)$")
_EVENT_END = re.compile(r"(?:会|节|赛|展|周|月|峰会|论坛|活动|行动|会议|全会|大会)$")


def keep_model_span(text: str, label: str) -> bool:
    """Tell whether a model span may be output: an output label, no slogan, no class noun.

    Examples: ('中国欧盟商会', 'ORG') -> True; ('一带一路', 'LOC') -> False;
    ('有关部门', 'ORG') -> False.
    """
    if label not in OUTPUT_LABELS or len(text) < 2 or text in load_gazetteer().not_entities:
        return False
    if re.search(r"[，。；：、“”《》\sA-Za-z]", text):
        return False
    if label == "EVENT":
        return bool(_EVENT_END.search(text))
    if _SLOGAN.search(text) or _CLASS.search(text) or re.search(r"\d", text):
        return False
    if label == "LOC" and re.search(r"[与和及]", text):  # 市与区财力: a coordination, not a place
        return False
    if label == "ORG":
        return bool(_ORG_END.search(text))
    proper, other = jieba_words()
    if text in other and text not in proper:  # 人民, 海内外, 团体赛: ordinary words
        return False
    if label == "LOC":  # 偏远地区, 陡坡: description words, not names
        return looks_proper(text) and (bool(_LOC_END.search(text)) or text in proper)
    return True  # PER


# --- the spaCy pipeline -----------------------------------------------------------

RULES_KEY = "policy_rule_hits"


def _rules_component(doc: Any) -> Any:
    """spaCy component: find rule entities, keep their exact offsets, preset doc.ents.

    The exact character spans go to ``doc.user_data[RULES_KEY]``; the
    token-expanded spans become ``doc.ents`` so the ``ner`` after it only fills
    the gaps (由市|人民政府 expands to the whole token pair).
    """
    from spacy.util import filter_spans

    # the same boundaries as without spaCy, so the rules find the same names either way
    hits = find_rule_entities(doc.text, LazyBoundaries(doc.text))
    doc.user_data[RULES_KEY] = hits
    spans = [doc.char_span(s, e, label=lab, alignment_mode="expand") for s, e, lab in hits]
    doc.ents = filter_spans([sp for sp in spans if sp is not None])
    return doc


def _register() -> None:
    """Register the rules component with spaCy once."""
    from spacy.language import Language

    if not Language.has_factory("policy_entity_rules"):
        Language.component("policy_entity_rules", retokenizes=False)(_rules_component)


@lru_cache(maxsize=2)
def load_nlp(model_dir: str | None = None) -> Any:
    """Build the spaCy pipeline once per process: jieba tokenizer, rules, ner.

    Takes the model directory (default pipeline/data/ner/model) and gives a
    ``Language``. Without a trained model it warns and gives the rules-only
    pipeline; it never downloads anything.

    Example: ``load_nlp().pipe_names`` is ``['policy_entity_rules', 'ner']``.
    """
    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)  # the model's tokenizer is Python jieba; its start-up chatter is no warning
    _register()
    jieba_words()  # warm the word lists so the first document is fast
    path = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    nlp = None
    if (path / "config.cfg").exists():
        try:
            nlp = spacy.load(path)
        except Exception as exc:  # a broken model must not stop the pipeline
            warnings.warn(f"NER model at {path} could not be loaded ({exc}); rules only", stacklevel=2)
    else:
        warnings.warn(f"no NER model at {path}; run `make model`; rules only", stacklevel=2)
    if nlp is None:
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("policy_entity_rules", first=True)
    return nlp


def _rule_entities(text: str, hits: list[Hit], offset: int) -> list[Entity]:
    """Rule hits of one paragraph as entities with offsets into the whole text."""
    return [Entity(text=text[s:e], span=(offset + s, offset + e), label=lab, source="rule") for s, e, lab in hits]


def _doc_entities(doc: Any, offset: int, places: frozenset[str] = frozenset()) -> list[Entity]:
    """Turn one processed paragraph into entities: rule hits, then the model's gap fillers."""
    text = doc.text
    hits = _with_unlisted(text, doc.user_data.get(RULES_KEY, []), places)
    out = _rule_entities(text, hits, offset)
    taken = bytearray(len(text))
    for s, e, _ in hits:
        taken[s:e] = b"\x01" * (e - s)
    for ent in doc.ents:
        s, e = ent.start_char, ent.end_char
        if any(taken[s:e]):
            continue  # a rule span, or a model span touching one
        # jieba may glue a preposition onto a name: 由市|科委 -> the model says 由市科委
        while s < e and text[s] in "由向对在经将把与和及从":
            s += 1
        if ent.label_ == "ORG" and text[e - 1 : e + 1] == "部门":
            continue  # 市城市管理部|门: jieba cut a functional description
        if keep_model_span(text[s:e], ent.label_):
            out.append(Entity(text=text[s:e], span=(offset + s, offset + e), label=ent.label_, source="model"))
    return sorted(out, key=lambda x: x.span)


# a place in no list, known by its form: a proper stem and a level word, seen at least once
# as the owner of a body (岚州省人民政府, 青岗市发展和改革委员会, 北岗县委)
_GENERIC_STEM = re.compile(r"[各全本该每我城都超股楼上下新园景社地辖郊乡镇县市区省两一二三四五六七八九十几多其此这那有等和及与的]"
                           r"|^[对由并年委经向从将把被为请报按据在至到]")


@lru_cache(maxsize=1)
def _unlisted_place_rx() -> re.Pattern[str]:
    p = load_gazetteer().pieces
    dept = "(?:" + alternation(p["dept_stems"]) + ")(?:" + alternation(p["dept_suffixes"]) + ")"
    return re.compile(rf"(?=([{CJK}]{{2,3}}?)(自治区|自治州|自治县|省|市|县|区|州|盟|旗)"
                      rf"(?:{alternation(p['gov_heads'])}|{dept}))")


def unlisted_places(text: str) -> frozenset[str]:
    """Places in no gazetteer that the text names as the owner of a body.

    Example: ``unlisted_places("岚州省人民政府办公厅印发…青岗市财政局")`` is
    ``{"岚州省", "青岗市"}``; 自贸区 or 超大城市 never own a body, so never count.
    """
    gaz = load_gazetteer()
    found: set[str] = set()
    for m in _unlisted_place_rx().finditer(text):
        stem, level = m.group(1), m.group(2)
        name = stem + level
        if name in gaz.names or name in gaz.places or _GENERIC_STEM.search(stem):
            continue
        if any(stem[i:] in gaz.places or stem[i:] + level in gaz.names for i in range(len(stem))):
            continue  # a listed place with a word glued before it: 由|淮安市
        if stem.endswith(tuple(gaz.pieces["gov_heads"])):
            continue  # 市委市人大|市政协: a body's short name, not a place
        start = m.start()
        if start and "\u4e00" <= text[start - 1] <= "\u9fff" and text[start - 1] not in "省市州区县":
            if start not in token_boundaries(text[max(0, start - 12) : start + 12]) and \
                    (start - max(0, start - 12)) not in token_boundaries(text[max(0, start - 12) : start + 12]):
                continue  # inside a word: 加强西|岭市 is no start unless jieba cuts there
        if looks_proper(stem) and not _holds_common_word(stem):
            found.add(name)
    # places listed with a known one, at the same level: 青岗市、北岗市、南岭市
    for m in _PLACE_LIST.finditer(text):
        items = m.group().split("、")
        if not any(x in found or x in gaz.names for x in items):
            continue
        level = items[0][-1]
        for x in items:
            stem = x[:-1]
            if (x[-1] == level and x not in gaz.names and not _GENERIC_STEM.search(stem)
                    and not any(stem[i:] in gaz.places or stem[i:] + level in gaz.names for i in range(len(stem)))
                    and not stem.endswith(tuple(gaz.pieces["gov_heads"])) and looks_proper(stem)
                    and not _holds_common_word(stem)):
                found.add(x)
    return frozenset(found)


# a list of places at one level: 青岗市、北岗市、南岭市 (the first may follow a verb: 在|青岗市)
_PLACE_LIST = re.compile(rf"[{CJK}]{{2,3}}[省市县区州](?:、[{CJK}]{{2,3}}[省市县区州])+")


def _holds_common_word(stem: str) -> bool:
    """Whether a would-be place stem holds a common dictionary word: 并抄送 (抄送) yes, 岚州 no."""
    _proper, other = jieba_words()
    return any(stem[i:j] in other for i in range(len(stem)) for j in range(i + 2, len(stem) + 1))


def _with_unlisted(text: str, hits: list[Hit], places: frozenset[str]) -> list[Hit]:
    """Add the text's unlisted places to a paragraph's hits: an ORG that opens with the level word
    takes the stem in (岚州|省人民政府 -> 岚州省人民政府); a place standing alone becomes a LOC."""
    if not places:
        return hits
    out = list(hits)
    for name in places:
        stem = len(name) - (3 if name.endswith(("自治区", "自治州", "自治县")) else 1)
        for m in re.finditer(re.escape(name), text):
            s, e = m.start(), m.end()
            at = next((k for k, h in enumerate(out) if h[0] < e and s < h[1]), None)
            if at is None:
                tail = org_after(text, e)
                out.append((s, tail, "ORG") if tail > e else (s, e, "LOC"))  # 岚州省|人民政府办公厅
                continue
            hs, he, label = out[at]
            if label == "ORG" and hs == s + stem:
                out[at] = (s, he, "ORG")  # 岚州|省人民政府
            elif label == "LOC" and s <= hs and he <= e:
                out[at] = (s, e, "LOC")  # a listed short form inside it (东川 of 东川省)
            elif label == "LOC" and hs == s and he > e:
                continue
            elif label == "ORG" and hs < s + stem and he >= e and hs > s:
                out[at] = (s, he, "ORG")
    return sorted(set(out))


def tag_entities(text: str, nlp: Any = None) -> list[Entity]:
    """Take the clean text and give its entities in text order, non-overlapping.

    Paragraphs (split on "\\n") are processed one by one; spans are offsets
    into ``text``. Without ``nlp`` the rules alone run, with no spaCy
    (``source="rule"``); with a pipeline from :func:`load_nlp` the trained
    model then fills the gaps between rule spans (``source="model"``).

    Example:
        >>> [(e.text, e.label, e.source) for e in tag_entities("推动与德国、法国相关城市交流。")]
        [('德国', 'LOC', 'rule'), ('法国', 'LOC', 'rule')]
    """
    paras, offsets, pos = [], [], 0
    for para in text.split("\n"):
        if para.strip():
            paras.append(para)
            offsets.append(pos)
        pos += len(para) + 1
    out: list[Entity] = []
    places = unlisted_places(text)
    if nlp is None:
        for para, off in zip(paras, offsets):
            hits = _with_unlisted(para, find_rule_entities(para, LazyBoundaries(para)), places)
            out.extend(_rule_entities(para, hits, off))
        return out
    for doc, off in zip(nlp.pipe(paras, batch_size=64), offsets):
        out.extend(_doc_entities(doc, off, places))
    return out
