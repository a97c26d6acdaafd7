"""A web page's labelled fields (发文机关, 发文字号, 成文日期, 标题) over the metadata read from its text.

A portal states these beside the text, and they are the publisher's own
record, so each labelled field that parses stands over what structure read
from the body (CONVENTIONS: "a web print's labelled 成文日期 counts"); a
field the page does not label, or labels with something that does not
parse, keeps structure's reading.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from pipeline.dateforms import find_full_date
from pipeline.docnumber import parse_doc_number, same_number
from pipeline.model import Metadata
from pipeline.read.paras import clean_line
from pipeline.structure import body_title_of, doc_type_of


def apply_labels(metadata: Metadata, labels: Mapping[str, str]) -> Metadata:
    """Give the metadata with the page's labelled fields standing over the text's.

    Args:
        metadata: as ``structure.read_metadata`` read it from the page's text.
        labels: ``read_html``'s fields: ``{"issuer": "东川市人民政府办公室",
            "doc_number": "东政办〔2023〕12号", "issue_date": "2023年05月08日", "title": "关于…的通知"}``.

    Returns:
        The metadata with those fields (the 文种 and the transmitted title
        following a labelled title), ``no_doc_number`` and ``no_title``
        dropped from the flags when a label supplied them.
    """
    changes: dict = {}
    flags = list(metadata.flags)
    issuer = clean_line(labels.get("issuer", ""))
    if issuer:
        names = [n for n in re.split(r"[\s\u3000、，,；;]+", issuer) if n]
        changes["issuer"] = names[0]
        changes["issuers"] = tuple(names)
    number = parse_doc_number(re.sub(r"\s+", "", labels.get("doc_number", "")))
    if number is not None:
        changes["doc_number"] = number
        flags = [f for f in flags if f != "no_doc_number"]
        if not same_number(number, metadata.doc_number):
            changes["doc_number_written"] = None  # the label's number, printed beside the text, not where the text's was
    date = find_full_date(labels.get("issue_date", ""))
    if date is not None:
        changes["issue_date"] = date[0]
        flags = [f for f in flags if f != "no_issue_date"]
    title = re.sub(r"\s+", "", labels.get("title", ""))
    if not title and metadata.title is None:  # the head's article title, when the text shows none
        title = re.sub(r"\s+", "", labels.get("title_fallback", ""))
    if title:
        changes["title"] = title
        changes["doc_type"] = doc_type_of(title) or metadata.doc_type
        changes["body_title"] = body_title_of(title)
        flags = [f for f in flags if f != "no_title"]
        m = re.match(r"^(.+?)关于", title)
        if "issuer" not in changes and metadata.issuer is None and m:  # as structure reads a title's issuer
            changes["issuer"], changes["issuers"] = m.group(1), (m.group(1),)
    return replace(metadata, **changes, flags=tuple(flags))
