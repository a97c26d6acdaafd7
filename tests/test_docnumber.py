"""发文字号: parse_doc_number, find_doc_numbers and the DOC_NUMBER regex."""

from __future__ import annotations

import pytest

from pipeline.docnumber import DOC_NUMBER, find_doc_numbers, make_doc_number, parse_doc_number

# (text, (normalised text, agency_code, year, serial) or None)
PARSES = [
    ("郑政办〔2017〕30号", ("郑政办〔2017〕30号", "郑政办", 2017, 30)),
    ("郑政办 〔2017〕30号", ("郑政办〔2017〕30号", "郑政办", 2017, 30)),
    ("国函[2016]204号", ("国函〔2016〕204号", "国函", 2016, 204)),
    ("郑政文【2017] 44号", ("郑政文〔2017〕44号", "郑政文", 2017, 44)),
    ("豫政（2017）12号", ("豫政〔2017〕12号", "豫政", 2017, 12)),
    ("发改规划〔2017〕154号", ("发改规划〔2017〕154号", "发改规划", 2017, 154)),
    ("郑政〔２０１７〕０３号", ("郑政〔2017〕3号", "郑政", 2017, 3)),
    ("石公户发〔2019〕 25号", ("石公户发〔2019〕25号", "石公户发", 2019, 25)),
    ("东政办﹝2021﹞8号", ("东政办〔2021〕8号", "东政办", 2021, 8)),
    ("中华人民共和国国务院令 第801号", ("国务院令第801号", "国令", None, 801)),  # as printed; the code is the table's
    ("2020年3月5日国家林业和草原局令第12号公布", ("国家林业和草原局令第12号", "国家林业和草原局令", None, 12)),
    ("2016年7月30日原东川省农业厅令第4号公布的", ("东川省农业厅令第4号", "东川省农业厅令", None, 4)),
    ("（交通运输部 中华人民共和国公安部令第2号）", ("交通运输部中华人民共和国公安部令第2号", "公安部令", None, 2)),
    ("（交通运输部中华人民共和国公安部令第2号）", ("交通运输部中华人民共和国公安部令第2号", "公安部令", None, 2)),
    ("太原市人民政府令第5号", ("太原市人民政府令第5号", "太原市人民政府令", None, 5)),
    ("中华人民共和国商务部令2014年第3号", ("商务部令2014年第3号", "商务部令", 2014, 3)),  # numbered within a year
    ("国令第 711 号", ("国令第711号", "国令", None, 711)),
    ("郑政办〔2017〕", None),
    ("第30号", None),
    ("0371-67181234", None),
    ("2017年3月13日", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), PARSES)
def test_docnumber_parse(text, expected):
    got = parse_doc_number(text)
    assert (got and (got.text, got.agency_code, got.year, got.serial)) == expected


@pytest.mark.parametrize(
    ("text", "agency", "year", "serial"),
    [("郑发 〔2016〕35号", "郑发", "2016", "35"), ("国函[2016]204号", "国函", "2016", "204")],
)
def test_docnumber_regex_groups(text, agency, year, serial):
    m = DOC_NUMBER.search(text)
    assert (m.group("agency"), m.group("year"), m.group("serial")) == (agency, year, serial)


@pytest.mark.parametrize(
    ("agency", "year", "serial", "text"),
    [
        ("郑政办", "2017", "030", "郑政办〔2017〕30号"),
        ("国令", None, "711", "国令第711号"),
        ("郑政", 2017, 3, "郑政〔2017〕3号"),
    ],
)
def test_docnumber_make(agency, year, serial, text):
    assert make_doc_number(agency, year, serial).text == text


def test_docnumber_find_spans_cover_the_number_as_written():
    text = "根据郑发 〔2016〕35号和国令第 711 号"
    hits = find_doc_numbers(text)
    assert [text[a:b] for (a, b), _ in hits] == ["郑发 〔2016〕35号", "国令第 711 号"]
