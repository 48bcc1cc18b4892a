"""The tables workbook beside the appendix: every table and every chart's numbers, a sheet each, with the
numbers kept as numbers and given Excel formats (percentages, pounds). A figure suppressed by disclosure
control is the text "[c]" in its cell, and a `notes` sheet, first as the Government Statistical Service
asks of published spreadsheets, says what [c] means."""

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from icnreport.appendix_tables import COUNT, MONEY, MONEY_K, SHARE, Table

EXCEL_FORMATS = {COUNT: "#,##0", SHARE: "0%", MONEY: '"£"#,##0', MONEY_K: '"£"#,##0'}
#: Excel refuses sheet names longer than this.
SHEET_NAME_LIMIT = 31
NOTES_SHEET = "notes"


def write_workbook(path: Path, tables: Iterable[Table], charts: dict[str, pd.DataFrame]) -> Path:
    """Write the workbook: the notes of the tables (if any) on a `notes` sheet, a sheet per table (its
    caption in the first row), then a sheet per chart's data."""
    tables = list(tables)
    with pd.ExcelWriter(path, engine="openpyxl") as workbook:
        notes = workbook_notes(tables)
        if notes:
            frame = pd.DataFrame({"Note": notes}, index=pd.RangeIndex(1, len(notes) + 1, name="Note number"))
            frame.to_excel(workbook, sheet_name=NOTES_SHEET, startrow=1)
            workbook.sheets[NOTES_SHEET]["A1"] = "Notes"
        for table in tables:
            table.frame.to_excel(workbook, sheet_name=table.name[:SHEET_NAME_LIMIT], index=False, startrow=1)
            sheet = workbook.sheets[table.name[:SHEET_NAME_LIMIT]]
            sheet["A1"] = table.caption
            _format_columns(sheet, table)
        for name, data in charts.items():
            sheet_name = f"chart_{name}"[:SHEET_NAME_LIMIT]
            data.to_excel(workbook, sheet_name=sheet_name, startrow=1)
            workbook.sheets[sheet_name]["A1"] = f"Data for the chart: {name.replace('_', ' ')}"
    return path


def workbook_notes(tables: Iterable[Table]) -> list[str]:
    """The tables' notes, each once, in the order they first appear."""
    return list(dict.fromkeys(note for table in tables for note in table.notes))


def _format_columns(sheet, table: Table) -> None:
    for position, column in enumerate(table.frame.columns, start=1):
        number_format = EXCEL_FORMATS.get(table.formats.get(column, ""))
        if not number_format:
            continue
        for (cell,) in sheet.iter_rows(min_row=3, min_col=position, max_col=position):
            cell.number_format = number_format
