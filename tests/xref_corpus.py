"""A fixture corpus for the cross-referencer: a dozen short, fictional 公文 that cite each other.

Every issuer, code, title and number here is invented for the tests (东川市 and
江澜省 do not exist); nothing is copied from a real document. The documents
cite each other and a few outside documents (of 江澜省), correctly and with
every kind of fault planted once; ``EXPECTED`` lists the faults, ``CLEAN``
names a sub-corpus with none.

Planted (document: what):
  a_plan_notice         notice transmitting a 行动方案; cites the outside 条例 (page 2)
  b_finance_opinion     cites a_plan_notice by the transmitted title with half-width
                        dash and brackets and layout spaces in the number; drafts a 办法
  c_data_notice         cites a_plan_notice by the notice's own title; the outside
                        条例 under another title (inconsistent_citation)
  d_transport_notice    b's number with another title (number_title_mismatch);
                        c's number as 东数[2023]2号 (malformed_number)
  e_env_check           d's title with another number (title_number_mismatch);
                        a's number as 东政〔2023〕003号 (malformed_number)
  f_env_share           e's number again (duplicate_number); c's number as
                        东数〔2023〕第2号 (malformed_number)
  g_commerce_notice     dated before d, which it cites (cites_later_document)
  h_science_notice      its own number for another title (self_citation); c's
                        title with 授权 misread as 授杈 (number_title_mismatch, near)
  i_industry_notice     the outside 条例 again; a_plan_notice by title alone; an
                        outside 指南 by title alone (unresolved)
  j_market_notice       notice transmitting a 办法 that cites g
  k_data_catalogue      no 发文字号; cites j's 办法 by title; an outside number alone
  l_audit_notice        cites a, b, c, d correctly
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.fixtures.pdfgen import DocSpec, Para, Transmitted, render

_PLAN = "东川市数据要素市场培育行动方案（2023—2025年）"
_A_TITLE = ("东川市人民政府关于印发东川市数据要素市场", "培育行动方案（2023—2025年）的通知")
_B_TITLE = "东川市财政局关于支持数据要素市场培育的实施意见"
_C_TITLE = "东川市数据局关于建立公共数据授权运营机制的通知"
_D_TITLE = "东川市交通运输局关于推进智慧交通数据开放的通知"
_G_TITLE = "东川市商务局关于促进跨境电商数据流通的通知"
_J_RULES = "东川市数据产品交易管理办法"
_LAW = "《江澜省数字经济促进条例》（澜人常〔2021〕7号）"


def _spec(
    issuer: str,
    number: str | None,
    title: str | tuple[str, ...],
    date: dt.date,
    *body: str,
    transmitted: Transmitted | None = None,
) -> DocSpec:
    lines = (title,) if isinstance(title, str) else title
    return DocSpec(
        issuers=(issuer,),
        doc_number=number,
        title_lines=lines,
        doc_type="意见" if lines[-1].endswith("意见") else "通知",
        recipients=("各有关单位",),
        body=tuple(Para(p) for p in body),
        issue_date=date,
        transmitted=transmitted,
        flags=() if number else ("no_doc_number",),
    )


SPECS: dict[str, DocSpec] = {
    "a_plan_notice": _spec(
        "东川市人民政府",
        "东政〔2023〕3号",
        _A_TITLE,
        dt.date(2023, 2, 10),
        f"现将《{_PLAN}》印发给你们，请认真贯彻执行。",
        transmitted=Transmitted(
            (_PLAN,),
            (
                Para(f"为加快培育数据要素市场，根据{_LAW}，结合本市实际，制定本方案。"),
                Para("到2025年，全市数据交易额达到20亿元。"),
            ),
        ),
    ),
    "b_finance_opinion": _spec(
        "东川市财政局",
        "东财〔2023〕8号",
        _B_TITLE,
        dt.date(2023, 3, 20),
        f"为贯彻落实《东川市数据要素市场培育行动方案(2023-2025年)》（东政 〔2023〕 3号）和{_LAW}，现提出如下意见。",
        "市财政局将会同有关部门抓紧制定《东川市数据资产登记管理办法》。",
    ),
    "c_data_notice": _spec(
        "东川市数据局",
        "东数〔2023〕2号",
        _C_TITLE,
        dt.date(2023, 4, 6),
        f"根据《{''.join(_A_TITLE)}》（东政〔2023〕3号）和《{_B_TITLE}》（东财〔2023〕8号），现就有关事项通知如下。",
        "各单位要严格遵守《江澜省数字经济发展条例》（澜人常〔2021〕7号）的规定。",
    ),
    "d_transport_notice": _spec(
        "东川市交通运输局",
        "东交〔2023〕11号",
        _D_TITLE,
        dt.date(2023, 5, 15),
        "按照《东川市财政局关于加快政府采购数字化的通知》（东财〔2023〕8号）要求，"
        f"结合《{_C_TITLE}》（东数[2023]2号），现将有关事项通知如下。",
    ),
    "e_env_check": _spec(
        "东川市生态环境局",
        "东环〔2023〕9号",
        "东川市生态环境局关于开展环境数据质量核查的通知",
        dt.date(2023, 6, 1),
        f"依据《{_D_TITLE}》（东交〔2022〕40号）和《{''.join(_A_TITLE)}》（东政〔2023〕003号），"
        "现就开展环境数据质量核查通知如下。",
    ),
    "f_env_share": _spec(
        "东川市生态环境局",
        "东环〔2023〕9号",
        "东川市生态环境局关于做好环境监测数据共享的通知",
        dt.date(2023, 6, 20),
        f"根据《{_C_TITLE}》（东数〔2023〕第2号），现就环境监测数据共享有关事项通知如下。",
    ),
    "g_commerce_notice": _spec(
        "东川市商务局",
        "东商〔2023〕4号",
        _G_TITLE,
        dt.date(2023, 3, 1),
        f"为落实《{_D_TITLE}》（东交〔2023〕11号），现就促进跨境电商数据流通通知如下。",
    ),
    "h_science_notice": _spec(
        "东川市科学技术局",
        "东科〔2023〕6号",
        "东川市科学技术局关于组织申报数据创新项目的通知",
        dt.date(2023, 7, 3),
        "按照《东川市科技创新券管理办法》（东科〔2023〕6号）规定，"
        f"结合《{_C_TITLE.replace('授权', '授杈')}》（东数〔2023〕2号），现组织申报数据创新项目。",
    ),
    "i_industry_notice": _spec(
        "东川市工业和信息化局",
        "东工信〔2023〕15号",
        "东川市工业和信息化局关于推动工业数据分类分级的通知",
        dt.date(2023, 8, 8),
        f"根据{_LAW}、《{''.join(_A_TITLE)}》和《工业数据分类分级指南（试行）》，现就推动工业数据分类分级通知如下。",
    ),
    "j_market_notice": _spec(
        "东川市市场监督管理局",
        "东市监〔2023〕10号",
        f"东川市市场监督管理局关于印发{_J_RULES}的通知",
        dt.date(2023, 9, 12),
        f"现将《{_J_RULES}》印发给你们，请遵照执行。",
        transmitted=Transmitted(
            (_J_RULES,),
            (
                Para(f"为规范数据产品交易行为，根据《{_G_TITLE}》（东商〔2023〕4号），结合本市实际，制定本办法。"),
                Para("本办法自2023年10月1日起施行。"),
            ),
        ),
    ),
    "k_data_catalogue": _spec(
        "东川市数据局",
        None,
        "东川市数据局关于发布公共数据开放目录的通知",
        dt.date(2023, 10, 9),
        f"依据《{_J_RULES}》和澜政办〔2022〕18号文件要求，现发布本市公共数据开放目录。",
    ),
    "l_audit_notice": _spec(
        "东川市审计局",
        "东审〔2023〕1号",
        "东川市审计局关于开展数据资源审计的通知",
        dt.date(2023, 11, 1),
        f"根据《{_PLAN}》（东政〔2023〕3号）、《{_B_TITLE}》（东财〔2023〕8号）、《{_C_TITLE}》（东数〔2023〕2号）"
        f"和《{_D_TITLE}》（东交〔2023〕11号），现就开展数据资源审计工作通知如下。",
    ),
}
NAMES = tuple(SPECS)

# every planted fault: (kind, severity, citing document, a piece of the reference as written, page)
EXPECTED: tuple[tuple[str, str, str, str, int], ...] = (
    ("unresolved", "info", "a_plan_notice", "澜人常〔2021〕7号", 2),
    ("inconsistent_citation", "warning", "c_data_notice", "江澜省数字经济发展条例", 1),
    ("number_title_mismatch", "error", "d_transport_notice", "加快政府采购数字化", 1),
    ("malformed_number", "warning", "d_transport_notice", "东数[2023]2号", 1),
    ("title_number_mismatch", "error", "e_env_check", "东交〔2022〕40号", 1),
    ("malformed_number", "warning", "e_env_check", "东政〔2023〕003号", 1),
    ("duplicate_number", "error", "f_env_share", "东环〔2023〕9号", 1),
    ("malformed_number", "warning", "f_env_share", "东数〔2023〕第2号", 1),
    ("cites_later_document", "warning", "g_commerce_notice", "东交〔2023〕11号", 1),
    ("self_citation", "warning", "h_science_notice", "东川市科技创新券管理办法", 1),
    ("number_title_mismatch", "warning", "h_science_notice", "授杈", 1),
    ("unresolved", "info", "i_industry_notice", "工业数据分类分级指南", 1),
    ("unresolved", "info", "k_data_catalogue", "澜政办〔2022〕18号", 1),
)
# what the findings were compared with: (citing, piece of the reference, the corpus document)
COMPARED_WITH: tuple[tuple[str, str, str], ...] = (
    ("d_transport_notice", "加快政府采购数字化", "b_finance_opinion"),
    ("e_env_check", "东交〔2022〕40号", "d_transport_notice"),
    ("f_env_share", "东环〔2023〕9号", "e_env_check"),
    ("g_commerce_notice", "东交〔2023〕11号", "d_transport_notice"),
    ("h_science_notice", "授杈", "c_data_notice"),
)
# how many documents cite each outside document
CITED_BY: tuple[tuple[str, int], ...] = (
    ("澜人常〔2021〕7号", 4),
    ("工业数据分类分级指南", 1),
    ("澜政办〔2022〕18号", 1),
)
# a sub-corpus with no fault: its citations resolve or point outside it
CLEAN: tuple[str, ...] = (
    "a_plan_notice",
    "b_finance_opinion",
    "i_industry_notice",
    "j_market_notice",
    "k_data_catalogue",
    "l_audit_notice",
)


def render_corpus(out_dir: Path, names: tuple[str, ...] = NAMES) -> dict[str, Path]:
    """Write the corpus's PDFs into ``out_dir`` as ``<name>.pdf`` and give {name: path}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in names:
        paths[name] = out_dir / f"{name}.pdf"
        render(SPECS[name], paths[name], name)
    return paths
