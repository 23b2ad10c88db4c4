"""CSV exports never hand a spreadsheet a formula (OWASP CSV injection): a table of cells plus an invariant."""

from __future__ import annotations

import csv
import io

import pytest

from assistant.export import FactView, csv_cell, facts_csv

CELLS = [
    ('=HYPERLINK("http://x.invalid","bấm")', '\'=HYPERLINK("http://x.invalid","bấm")'),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+SUM(1+1)", "'+SUM(1+1)"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("Sở Tài chính bố trí kinh phí", "Sở Tài chính bố trí kinh phí"),
    ("trước ngày 30/6/2017", "trước ngày 30/6/2017"),
    ("1,5-2%", "1,5-2%"),
    ("", ""),
    (2017, 2017),  # numbers stay numbers
    (-3.5, -3.5),
]


@pytest.mark.parametrize(("value", "cell"), CELLS)
def test_cells_that_start_like_a_formula_are_quoted(value: object, cell: object) -> None:
    assert csv_cell(value) == cell


def test_no_exported_cell_starts_like_a_formula() -> None:
    facts = [FactView(id=f"d:{n}:responsibility:0", kind="responsibility", document_id="d", clause_id=f"d:{n}",
                      agency=str(value), agency_as_written=str(value), role="lead", task=str(value),
                      document_name=str(value), clause_label=str(value))
             for n, (value, _) in enumerate(CELLS)]
    rows = list(csv.reader(io.StringIO(facts_csv(facts).lstrip("\ufeff"))))
    assert len(rows) == len(CELLS) + 1
    assert not [c for row in rows for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
