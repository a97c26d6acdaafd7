"""A batch folder of JSON documents -> one flat table (pandas), and files in four formats.

Tables: ``targets`` (default), ``quantities`` (the other numbers: facts and
limits), ``dates``, ``references``, ``entities``, ``tasks`` (one row per item:
who delivers each task and by when, ``deadline_start`` / ``deadline_end`` the
days its deadline covers) and ``documents`` (one row per document). Every item row
starts with its document's columns, so a table stands on its own:

    document_id      the output's file name without .json: 郑政办-30-1a899f7d
    document_number  发文字号: 郑政办〔2017〕30号
    document_title   标题
    document_issuer  发文机关
    document_date    成文日期 (datetime64)
    section_path     the headings above the item: 三、主要任务 / （三）扩大对外贸易

then every field of the item, flattened: ``span`` -> ``span_start`` /
``span_end``, ``bbox`` -> ``bbox_x0`` / ``bbox_top`` / ``bbox_x1`` /
``bbox_bottom``, an object -> one column per key (``normalized_value``,
``normalized_unit``; ``doc_number``, ``doc_number_year``), a list -> its
items joined by "；". The tables, their columns, order and dtypes come from
the schema (``pipeline.columns``); a field an older output lacks gets the
schema's default (a target's ``approx``: False). Item fields whose names say
too little are renamed: ``section`` -> ``section_id`` (s2.1, beside
``section_path``), a target's ``year`` -> ``target_year`` (the year its
value is for), ``task`` -> ``task_id``. Numbers are numeric (``value``
float64, ``target_year`` Int64), dates are
datetime64; the ``dates`` table adds ``date_start`` / ``date_end``, the
days a mention's value covers (2017 -> 2017-01-01 … 2017-12-31).

Formats, picked by the file's suffix: ``.csv`` (UTF-8 with a BOM, so Excel
reads the Chinese), ``.parquet`` (pyarrow), ``.jsonl`` (one object a line,
dates as YYYY-MM-DD) and ``.xlsx`` (openpyxl, one sheet named after the table).
"""

from __future__ import annotations

import calendar
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.columns import (
    COUNTED,
    DATETIME,
    DERIVED,
    DOCUMENT_FROM,
    DOCUMENT_ID,
    FORMATS,
    SECTION_PATH,
    TABLES,
    ExportError,
    column_name,
    columns,
    documents_columns,
    item_properties,
    item_shapes,
    node_at,
    renamed,
)
from pipeline.emit import _umask
from pipeline.outputs import read_outputs

__all__ = ["FORMATS", "TABLES", "ExportError", "coerce", "columns", "document_rows", "export_table", "flatten_item",
           "load_table", "neutralise", "read_table", "section_path", "write_table"]

# Rows an Excel sheet holds under its header row.
EXCEL_MAX_ROWS = 1_048_575
# Excel column widths: fitted to the header and this many rows, never wider than this (characters).
EXCEL_WIDTH_SAMPLE = 200
EXCEL_MAX_WIDTH = 60
EXCEL_DATE_FORMAT = "yyyy-mm-dd"
# Lists inside a cell (recipients, cc, flags) are joined with this.
LIST_SEPARATOR = "；"
# Section kinds that name a path step; inline 一是/二是 items do not.
PATH_KINDS = ("heading", "article")


# --- rows ------------------------------------------------------------------------------------


def _joined(values: Iterable[Any] | None) -> str | None:
    items = [str(v) for v in values or () if v is not None]
    return LIST_SEPARATOR.join(items) if items else None


def flatten_item(item: dict[str, Any]) -> dict[str, Any]:
    """One item of a document's list as flat columns.

    Args:
        item: e.g. ``{"text": "达到500亿元", "span": [10, 17], "bbox": [1, 2, 3, 4],
            "normalized": {"value": 5e10, "unit": "元"}, …}``.

    Returns:
        ``{"text": "达到500亿元", "span_start": 10, "span_end": 17, "bbox_x0": 1, …,
        "normalized_value": 5e10, "normalized_unit": "元", …}``.
    """
    row: dict[str, Any] = {}
    shapes = item_shapes()
    for key, value in item.items():
        how, names = shapes.get(key, ("", ()))
        if how == "parts":  # span -> span_start, span_end; bbox -> bbox_x0 … bbox_bottom
            vals = value if isinstance(value, (list, tuple)) and len(value) == len(names) else (None,) * len(names)
            row.update({f"{key}_{k}": v for k, v in zip(names, vals)})
        elif isinstance(value, dict) or (value is None and how == "keys"):
            sub = value or {}
            for sk in names or tuple(sub):
                row[column_name(key, sk)] = sub.get(sk)
            for sk in sub:  # keys the schema lacks
                row.setdefault(column_name(key, sk), sub[sk])
        elif isinstance(value, list):
            row[key] = _joined(value)
        else:
            row[key] = value
    return row


def section_path(sections: list[dict[str, Any]], item: dict[str, Any]) -> str | None:
    """The headings above an item, outermost first, each as marker and title.

    The item's own ``section`` id is used when it names a section; otherwise
    the innermost heading whose span holds the item's start.

    Args:
        sections: the document's ``sections`` list.
        item: e.g. a target inside （三） under 三、.

    Returns:
        e.g. "三、主要任务 / （三）扩大对外贸易", or None outside every heading.
    """
    by_id = {s.get("id"): s for s in sections}
    sec = by_id.get(item.get("section")) if isinstance(item.get("section"), str) else None
    if sec is None:
        span = item.get("span") or (None, None)
        start = span[0]
        if start is None:
            return None
        holding = [s for s in sections if s.get("kind", "heading") in PATH_KINDS
                   and s["span"][0] <= start < s["span"][1]]
        if not holding:
            return None
        sec = max(holding, key=lambda s: (s.get("level", 0), s["span"][0]))
    chain: list[str] = []
    seen: set[Any] = set()
    while sec is not None and sec.get("id") not in seen:
        seen.add(sec.get("id"))
        if sec.get("kind", "heading") in PATH_KINDS:
            chain.append(f"{sec.get('marker') or ''}{sec.get('title') or ''}")
        sec = by_id.get(sec.get("parent"))
    return " / ".join(reversed(chain)) or None


def _at(data: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    """The value at a path of an output, the schema's default where an older output lacks it:
    ``_at(data, ("metadata", "doc_number", "year"))`` -> 2017; ``("source", "format")`` of an output
    without it -> ``"pdf"``; a position in an array that is null -> None."""
    node: Any = data
    for key in path[:-1]:
        node = node.get(key) if isinstance(node, dict) else (
            node[key] if isinstance(node, list) and isinstance(key, int) and key < len(node) else None)
    last = path[-1]
    if isinstance(last, int):
        return node[last] if isinstance(node, list) and last < len(node) else None
    if not isinstance(node, dict):
        return None
    return node[last] if last in node else node_at(".".join(map(str, path))).get("default")


def _cell(value: Any) -> Any:
    """A document property as one cell: a list joined, an object as JSON (None when empty)."""
    if isinstance(value, list):
        return _joined(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False) if value else None
    return value


def _doc_columns(doc_id: str, data: dict[str, Any]) -> dict[str, Any]:
    return {DOCUMENT_ID: doc_id, **{col: _at(data, tuple(path.split("."))) for col, path in DOCUMENT_FROM.items()}}


@cache
def _absent(table: str) -> tuple[tuple[str, Any], ...]:
    """The item properties an older output may lack and what the schema says their absence means:
    a target's approx -> False."""
    return tuple((name, node["default"]) for name, node in item_properties(table).items() if "default" in node)


def _period(value: str) -> tuple[str | None, str | None]:
    """The first and last day a date value covers: 2017-03 -> (2017-03-01, 2017-03-31)."""
    def bounds(part: str) -> tuple[str, str] | None:
        bits = part.split("-")
        try:
            y = int(bits[0])
            if len(bits) == 1:
                return f"{y:04d}-01-01", f"{y:04d}-12-31"
            m = int(bits[1])
            if len(bits) == 2:
                return f"{y:04d}-{m:02d}-01", f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"
            return part, part
        except (ValueError, IndexError, calendar.IllegalMonthError):
            return None

    parts = str(value).split("/")
    first, last = bounds(parts[0]), bounds(parts[-1])
    return (first[0] if first else None, last[1] if last else None)


def document_rows(doc_id: str, data: dict[str, Any], table: str) -> list[dict[str, Any]]:
    """The rows one document gives a table.

    Args:
        doc_id: the document's id, e.g. 郑政办-30-1a899f7d.
        data: the document as parsed from its JSON file.
        table: one of ``TABLES``.

    Returns:
        One dict per item (one for ``documents``), document columns first.
    """
    head = _doc_columns(doc_id, data)
    if table == "documents":
        row = {**head, **{column: _cell(_at(data, path)) for column, _, path in documents_columns()}}
        for key in COUNTED:
            row[f"n_{key}"] = len(data.get(key) or ())
        row["warnings"] = _joined(data.get("warnings"))
        return [row]
    sections = data.get("sections") or []
    names = renamed(table)
    absent = _absent(table)
    after, derived = DERIVED.get(table, ("", {}))
    rows = []
    for item in data.get(table) or ():
        full = {**{k: v for k, v in absent if k not in item}, **item}
        flat = {names.get(k, k): v for k, v in flatten_item(full).items()}
        row = {**head, SECTION_PATH: section_path(sections, item), **flat}
        if derived:
            row.update(zip(derived, _derived(table, item)))
        rows.append(row)
    return rows


def _derived(table: str, item: dict[str, Any]) -> tuple[str | None, str | None]:
    """The columns ``DERIVED`` names for an item: the first and last day its date or deadline covers."""
    if table == "dates":
        # a lunar date's value is in the Chinese calendar: no solar period to give
        return (None, None) if item.get("kind") == "lunar" else _period(item.get("value", ""))
    return _period(item["deadline"]) if item.get("deadline") else (None, None)


def coerce(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Give a table's known columns their dtypes, known columns first, then any others.

    Used on fresh tables and on tables read back from CSV or JSONL, so both agree.
    """
    known = columns(table)
    out = pd.DataFrame(index=df.index)
    for name, dtype in known.items():
        col = df[name] if name in df.columns else pd.Series([None] * len(df), index=df.index, dtype=object)
        if dtype == DATETIME:
            col = pd.to_datetime(col, errors="coerce", format="ISO8601").astype(DATETIME)
        elif dtype in ("float64", "Int64"):
            col = pd.to_numeric(col, errors="coerce")
            col = col.astype("float64").astype(dtype) if dtype == "Int64" else col.astype(dtype)
        elif dtype == "boolean":
            col = col.map(lambda v: {"true": True, "false": False}.get(str(v).lower()) if pd.notna(v) else None)
            col = col.astype("boolean")
        else:
            col = col.astype("str")
        out[name] = col
    for name in df.columns:
        if name not in known:
            out[name] = df[name]
    return out.reset_index(drop=True)


# --- reading a folder ----------------------------------------------------------------------


def load_table(outdir: str | Path, table: str = "targets", notes: list[str] | None = None) -> pd.DataFrame:
    """A batch folder's documents as one table.

    Args:
        outdir: a folder written by ``pipeline batch`` (or any folder of parse outputs).
        table: targets (default), quantities, dates, references, entities, tasks or documents.
        notes: receives a line for every file passed over (not a parse output,
            cut short, failing the schema); see ``pipeline.outputs``.

    Returns:
        A DataFrame with the columns of ``columns(table)`` and any extra fields,
        e.g. a targets row (郑政办-30-1a899f7d, 郑政办〔2017〕30号, …, 三、主要任务, 2300.0, 万人次, …).

    Raises:
        ExportError: the folder does not exist, the table is unknown, or it holds no parse output.
    """
    columns(table)  # checks the name
    folder = Path(outdir)
    if not folder.is_dir():
        raise ExportError(f"{outdir}: no such folder")
    rows: list[dict[str, Any]] = []
    n = 0
    for doc in read_outputs([folder], notes):
        n += 1
        rows.extend(document_rows(doc.id, doc.data, table))
    if not n:
        raise ExportError(f"{outdir}: no parse outputs (*.json written by `pipeline parse` or `pipeline batch`)")
    return coerce(pd.DataFrame(rows), table)


# --- files -----------------------------------------------------------------------------------


def _for_jsonl(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for name in out.columns:
        if str(out[name].dtype).startswith("datetime64"):
            out[name] = out[name].dt.strftime("%Y-%m-%d")
    return out


# A text cell starting with one of these is read as a formula by Excel, LibreOffice
# or Sheets (=HYPERLINK(…), =cmd|' /C calc'!A0, +1+cmd, @SUM(…)) or, after a tab or
# CR, shifts cells: such cells get a leading apostrophe, as OWASP advises.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Take a cell value and give it inert in a spreadsheet: text starting a formula gets a leading '.

    Example: ``"=HYPERLINK(\"http://x\")"`` -> ``"'=HYPERLINK(\"http://x\")"``; ``"-5%"`` -> ``"'-5%"``;
    numbers, dates, None and ``"郑州市"`` stay as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _restore(value: Any) -> Any:
    """``neutralise`` undone on reading a table back: ``"'=1+1"`` -> ``"=1+1"``."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _text_columns(df: pd.DataFrame) -> list[str]:
    return [name for name in df.columns if df[name].dtype == "str" or df[name].dtype == object]


def _for_csv(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for name in _text_columns(out):
        out[name] = out[name].map(neutralise)
    return out


def _for_excel(df: pd.DataFrame) -> pd.DataFrame:
    # openpyxl is imported only to write Excel: it adds about 70 ms to every load_table otherwise
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    out = df.copy()
    for name in _text_columns(out):
        # openpyxl refuses control characters; Excel holds at most 32,767 characters a cell
        out[name] = out[name].map(
            lambda v: neutralise(ILLEGAL_CHARACTERS_RE.sub("", v))[:32767] if isinstance(v, str) else v)
    return out


def _width(value: Any) -> int:
    """Display width of a cell: CJK characters count two."""
    text = str(value)
    return len(text) + sum(1 for c in text if ord(c) > 0x2E7F)


def _format_sheet(sheet: Any, df: pd.DataFrame) -> None:
    """Freeze the header row and give each column a width fitting its header and first rows."""
    from openpyxl.utils import get_column_letter  # only to write Excel, as in _for_excel

    sheet.freeze_panes = "A2"
    sample = df.head(EXCEL_WIDTH_SAMPLE)
    for i, name in enumerate(df.columns, 1):
        cells = [_width(name)] + [_width(v) for v in sample[name] if not (v is None or v is pd.NA or v != v)]
        if str(df[name].dtype).startswith("datetime64"):
            cells.append(10)  # 2017-03-01
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = EXCEL_DATE_FORMAT  # a day, not 2017-03-01 00:00:00
        sheet.column_dimensions[get_column_letter(i)].width = min(EXCEL_MAX_WIDTH, max(cells) + 2)


def _write_excel(df: pd.DataFrame, target: Any, table: str) -> None:
    # dates as dates (yyyy-mm-dd, no 00:00:00), the header frozen, columns as wide as their contents
    with pd.ExcelWriter(target, engine="openpyxl", date_format=EXCEL_DATE_FORMAT,
                        datetime_format=EXCEL_DATE_FORMAT) as writer:
        _for_excel(df).to_excel(writer, index=False, sheet_name=table[:31])
        _format_sheet(writer.sheets[table[:31]], df)


def _write(df: pd.DataFrame, target: Any, fmt: str, table: str, bom: bool = True) -> None:
    """Write ``df`` as ``fmt`` (a suffix, ".csv") to a path or a binary file object."""
    if fmt == ".csv":
        # formulas made inert; CRLF rows (RFC 4180), so a CR inside a cell is quoted, never a row break
        _for_csv(df).to_csv(target, index=False, encoding="utf-8-sig" if bom else "utf-8", lineterminator="\r\n")
    elif fmt == ".parquet":
        df.to_parquet(target, index=False)
    elif fmt == ".jsonl":
        _for_jsonl(df).to_json(target, orient="records", lines=True, force_ascii=False)
    else:
        _write_excel(df, target, table)


def write_table(df: pd.DataFrame, path: str | Path, table: str = "targets", fmt: str | None = None) -> None:
    """Write a table in the format its suffix names, atomically (temporary file, then rename).

    Args:
        df: e.g. ``load_table("out", "targets")``.
        path: e.g. targets.csv, targets.parquet, targets.jsonl or targets.xlsx; ``-`` for
            standard output (CSV, without the BOM a file gets, unless ``fmt`` says otherwise).
        table: names the Excel sheet.
        fmt: the format as a suffix (".jsonl"), instead of the path's.

    Raises:
        ExportError: an unknown suffix, or the file cannot be written.
    """
    path = Path(path)
    suffix = (fmt or (".csv" if str(path) == "-" else path.suffix)).lower()
    if not suffix.startswith("."):
        suffix = "." + suffix
    if suffix not in FORMATS:
        raise ExportError(f"{path}: the suffix must be one of {', '.join(FORMATS)}")
    if suffix == ".xlsx" and len(df) > EXCEL_MAX_ROWS:
        raise ExportError(f"{path}: {len(df)} rows do not fit an Excel sheet; use .csv or .parquet")
    if str(path) == "-":
        buf = io.BytesIO()
        _write(df, buf, suffix, table, bom=False)  # a pipe is read by programs, not by Excel
        sys.stdout.flush()
        sys.stdout.buffer.write(buf.getvalue())
        sys.stdout.buffer.flush()
        return
    check_destination(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
        os.close(fd)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a table is for others to read too
    except OSError as e:
        raise ExportError(f"{path}: cannot write: {e.strerror}") from None
    try:
        _write(df, tmp, suffix, table)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"{path}: cannot write: {e.strerror or e}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_destination(path: str | Path) -> None:
    """Refuse a table file whose folder is missing or no folder: /nonexist/x.csv is a typo, not a folder to make.

    Raises:
        ExportError: "/nonexist/x.csv: no such folder /nonexist".
    """
    path = Path(path)
    if str(path) == "-":
        return
    if path.is_dir():
        raise ExportError(f"{path}: is a folder; give a file name such as {path / 'targets.csv'}")
    if not path.parent.is_dir():
        what = "no folder" if path.parent.exists() else "no such folder"
        raise ExportError(f"{path}: {what} {path.parent}")


def read_table(path: str | Path, table: str = "targets") -> pd.DataFrame:
    """Read an exported table back with its dtypes, whatever the format.

    Args:
        path: e.g. targets.csv written by ``write_table``.
        table: the table it holds, to restore dtypes ("targets").

    Returns:
        A DataFrame equal to the one written (CSV keeps no difference between
        an empty string and a missing value: both come back missing).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        df = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""])
    elif suffix == ".parquet":
        df = pd.read_parquet(path)
    elif suffix == ".jsonl":
        df = pd.read_json(path, orient="records", lines=True, dtype=False)
    elif suffix == ".xlsx":
        df = pd.read_excel(path, sheet_name=table[:31], dtype=object)
    else:
        raise ExportError(f"{path}: the suffix must be one of {', '.join(FORMATS)}")
    if suffix in (".csv", ".xlsx"):
        for name in _text_columns(df):
            df[name] = df[name].map(_restore)
    return coerce(df, table)


def export_table(outdir: str | Path, to: str | Path, table: str = "targets", fmt: str | None = None,
                 notes: list[str] | None = None) -> int:
    """Load a batch folder's table and write it to ``to``; give the number of rows.

    Example: ``export_table("out", "targets.csv")`` -> 25; ``export_table("out", "-", fmt=".jsonl")``
    writes JSON lines to standard output. Files passed over are noted in ``notes``.
    """
    check_destination(to)  # before the folder is read: a typo in --to fails at once
    df = load_table(outdir, table, notes)
    write_table(df, to, table, fmt)
    return len(df)
