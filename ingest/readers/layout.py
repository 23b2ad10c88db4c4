"""The flattened table layout shared by the .docx, .pdf and .html readers.

These formats have no lines of their own: each paragraph becomes one line, and each table is written in the
layout ingest.tables rebuilds (a blank line, then per row one tab-indented line per cell and a blank line).
Line numbers of clauses from these formats are paragraph positions, not file lines.
"""

from __future__ import annotations


def table_lines(rows: list[list[str]]) -> list[str]:
    lines: list[str] = []
    for row in rows:
        cells = [" ".join(cell.split()) for cell in row]
        if not any(cells):
            continue
        lines.extend("\t" + (cell or "\u00a0") for cell in cells)
        lines.append("")
    return lines

