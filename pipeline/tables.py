"""Tables in the clean text, and the targets their cells set.

Cleanup writes a table row as one paragraph whose cells stand apart by a
full-width space (the wide gap between ruled cells): 绿色工厂　家　25　40.
A table is a run of such rows with the same number of cells; its first row
is the header (指标 | 单位 | 2024年目标 | 2025年目标). Working on the clean
text, not on one engine's table finder, keeps every cell's span, page and
box, and gives the same result whichever engine extracted the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.clean import FULL_SPACE
from pipeline.model import Normalized, Quantity, Section, Span
from pipeline.targets import SectionIndex, targets_from_table

DEFAULT_MIN_COLUMNS = 3
DEFAULT_MIN_ROWS = 2


@dataclass(frozen=True)
class Cell:
    text: str
    span: Span


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]  # header row first

    @property
    def span(self) -> Span:
        return self.rows[0][0].span[0], self.rows[-1][-1].span[1]


def _cells(text: str, start: int) -> tuple[Cell, ...]:
    cells, pos = [], start
    for part in text.split(FULL_SPACE):
        if part:
            cells.append(Cell(part, (pos, pos + len(part))))
        pos += len(part) + 1
    return tuple(cells)


def find_tables(text: str) -> list[Table]:
    """Find tables: runs of paragraphs split into the same number of cells.

    Args:
        text: the clean text, e.g. "…如下表：\\n指标　单位　2024年目标\\n绿色工厂　家　25\\n…"

    Returns:
        The tables, each with its header row first.
    """
    tables: list[Table] = []
    run: list[tuple[Cell, ...]] = []
    pos = 0
    for para in [*text.split("\n"), ""]:
        cells = _cells(para, pos) if FULL_SPACE in para else ()
        if run and (len(cells) != len(run[0])):
            if len(run) >= DEFAULT_MIN_ROWS:
                tables.append(Table(tuple(run)))
            run = []
        if len(cells) >= DEFAULT_MIN_COLUMNS:
            run.append(cells)
        pos += len(para) + 1
    return tables


def table_quantities(text: str, tables: Sequence[Table], sections: Sequence[Section], doc_year: int | None
                     ) -> list[Quantity]:
    """Every numeric cell of every indicator table as a ``Quantity`` with ``source="table"``.

    Args:
        text: the clean text.
        tables: its tables, from ``find_tables``.
        sections: the section tree, for each cell's section.
        doc_year: the document's year, to tell reported columns from goals.

    Returns:
        One quantity per cell: indicator from the row, unit from the unit
        column or the header, year from the column header.
    """
    out: list[Quantity] = []
    index = SectionIndex(sections)
    for table in tables:
        rows: list[list[str | None]] = [[c.text for c in row] for row in table.rows]
        for item in targets_from_table(rows, doc_year):
            cell = table.rows[item["row"]][item["column"]]
            row = table.rows[item["row"]]
            norm = item["normalized"]
            out.append(Quantity(
                text=cell.text, span=cell.span, indicator=item["indicator"], value=item["value"],
                value_max=item["value_max"], unit=item["unit"],
                normalized=Normalized(norm["value"], norm["unit"]) if norm else None,
                comparator=item["comparator"], kind=item["kind"], year=item["year"], modality=item["modality"],
                section=index.section_of(cell.span[0]), sentence=text[row[0].span[0]:row[-1].span[1]],
                role=item["role"], source="table",
            ))
    return out
