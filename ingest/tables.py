"""Tables flattened one cell per line (cells indented by a tab, a blank line between rows) -> rows.

Word/PDF exports of statistical appendices arrive like this; the .docx and .html readers emit their
tables in the same layout so one rebuilder serves every format.

Each data row becomes one `table_row` clause whose text is *rebuilt*, not copied: row label, its parent
label and group, then "column: value" pairs and the unit, e.g.
"HTX ngừng hoạt động (Tổng số HTX) — KẾT QUẢ NĂM 2016: TP Hòa Bình: 0; Kỳ Sơn: 5; ...; Toàn Tỉnh: 122
(Đơn vị: HTX)". This is the one clause kind whose text is not a substring of the source; its line span
still covers the row's cell lines, so a citation points at the right place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.markdown import strip_layout, strip_markdown_line

_UNIT = re.compile(r"^(Đơn vị(?: tính)?|ĐVT)\s*:", re.IGNORECASE)
_STT_HEADERS = {"stt", "tt", "số tt", "số thứ tự"}
_ROMAN = re.compile(r"^[IVXL]+\.?$")
_NUMBER = re.compile(r"^\d+(\.\d+)*\.?$")
_LETTER = re.compile(r"^[a-zđ][).]$")
_MARKER_LINE = re.compile(r"^([IVXL]+\.|\d+(\.\d+)*\.|[a-zđ]\)|[-+*•])\s")
_CAPTION_START = re.compile(r"^(Bảng|Biểu|Phụ lục|PHỤ LỤC|BẢNG|BIỂU|Tổng hợp)\b")
MIN_COLUMNS = 3
MIN_ROWS = 2


@dataclass
class Row:
    cells: list[str]
    line_start: int  # 0-based
    line_end: int


@dataclass
class Table:
    caption: str | None
    unit: str | None
    caption_start: int | None  # 0-based line of the caption (or unit line)
    caption_end: int | None
    header: Row
    rows: list[Row] = field(default_factory=list)

    @property
    def first_line(self) -> int:
        return self.caption_start if self.caption_start is not None else self.header.line_start

    @property
    def last_line(self) -> int:
        return self.rows[-1].line_end if self.rows else self.header.line_end


def _is_cell(line: str) -> bool:
    return line.startswith("\t")


def _groups(lines: list[str], start: int) -> list[Row]:
    """Consecutive runs of cell lines separated by single empty lines, from `start`."""
    rows: list[Row] = []
    index = start
    while index < len(lines) and _is_cell(lines[index]):
        first = index
        while index < len(lines) and _is_cell(lines[index]):
            index += 1
        rows.append(Row([strip_layout(c) for c in lines[first:index]], first, index - 1))
        if index < len(lines) and lines[index].strip(" \u00a0") == "" and not _is_cell(lines[index]):
            index += 1
        else:
            break
    return rows


def find_tables(lines: list[str], start: int = 0) -> list[Table]:
    """Find flattened tables in raw source lines (0-based indexes from `start`)."""
    tables: list[Table] = []
    index = start
    while index < len(lines):
        if not _is_cell(lines[index]) or (index > start and _is_cell(lines[index - 1])):
            index += 1
            continue
        groups = _groups(lines, index)
        header = groups[0] if groups else None
        if header is None or len(header.cells) < MIN_COLUMNS:
            index += 1
            continue
        rows = []
        for group in groups[1:]:
            if len(group.cells) != len(header.cells):
                break
            rows.append(group)
        if len(rows) < MIN_ROWS:
            index += 1
            continue
        table = Table(caption=None, unit=None, caption_start=None, caption_end=None, header=header, rows=rows)
        _attach_caption(lines, table)
        tables.append(table)
        index = table.last_line + 1
    return tables


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")


def _pipe_cells(line: str) -> list[str]:
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [strip_markdown_line(cell.replace("\\|", "|"))[0] for cell in re.split(r"(?<!\\)\|", inner)]


def find_pipe_tables(lines: list[str], start: int = 0) -> list[Table]:
    """Markdown pipe tables (header row, |---| separator, one line per row)."""
    tables: list[Table] = []
    index = start
    while index + 1 < len(lines):
        if not (_PIPE_ROW.match(lines[index]) and _PIPE_SEPARATOR.match(lines[index + 1])):
            index += 1
            continue
        header = Row(_pipe_cells(lines[index]), index, index)
        rows: list[Row] = []
        cursor = index + 2
        while cursor < len(lines) and _PIPE_ROW.match(lines[cursor]):
            cells = _pipe_cells(lines[cursor])
            cells = (cells + [""] * len(header.cells))[: len(header.cells)]
            rows.append(Row(cells, cursor, cursor))
            cursor += 1
        if len(header.cells) >= 2 and rows:
            table = Table(caption=None, unit=None, caption_start=None, caption_end=None, header=header, rows=rows)
            _attach_caption(lines, table, skip_blank=True)
            tables.append(table)
        index = cursor
    return tables


def _attach_caption(lines: list[str], table: Table, skip_blank: bool = False) -> None:
    """A caption is the non-cell line(s) directly above the header: an optional unit line and a title
    (markdown may leave one blank line between them and the table)."""
    above = table.header.line_start - 1
    if skip_blank and above >= 0 and not lines[above].strip():
        above -= 1
    if above >= 0 and _UNIT.match(strip_layout(lines[above])):
        table.unit = strip_markdown_line(lines[above])[0]
        table.caption_start = table.caption_end = above
        above -= 1
        if skip_blank and above >= 0 and not lines[above].strip():
            above -= 1
    if above >= 0:
        text = strip_markdown_line(lines[above])[0]
        # Only a line that reads like a caption is taken, so body text above a table stays body text.
        looks_like_caption = table.unit is not None or _mostly_upper(text) or bool(_CAPTION_START.match(text))
        if (
            text
            and looks_like_caption
            and not _is_cell(lines[above])
            and len(text) < 300
            and not _MARKER_LINE.match(text)
        ):
            table.caption = text
            table.caption_start = above
            if table.caption_end is None:
                table.caption_end = above
    if table.caption_start is not None and table.caption_end is not None and table.caption_start > table.caption_end:
        table.caption_start, table.caption_end = table.caption_end, table.caption_start


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.8


@dataclass(frozen=True)
class RowText:
    path_row: int  # 1-based row number within the table
    text: str
    label: str
    line_start: int  # 0-based
    line_end: int


def row_texts(table: Table) -> list[RowText]:
    """Rebuild each data row as one readable line carrying its label, parent label, group and unit."""
    header = table.header.cells
    has_stt = header[0].strip().lower() in _STT_HEADERS and len(header) >= MIN_COLUMNS
    label_col = 1 if has_stt else 0
    columns = header[label_col + 1 :]
    group: str | None = None
    parent: str | None = None
    out: list[RowText] = []
    for number, row in enumerate(table.rows, start=1):
        stt = row.cells[0] if has_stt else ""
        label = row.cells[label_col]
        values = [(col, val) for col, val in zip(columns, row.cells[label_col + 1 :], strict=False) if val]
        own_parent: str | None = None
        if has_stt and _ROMAN.match(stt):
            group, parent = label, None
        elif has_stt and _NUMBER.match(stt):
            parent = label
        elif has_stt and _LETTER.match(stt):
            own_parent = parent
        text = label or stt
        if own_parent:
            text += f" ({own_parent})"
        if group and group != label:
            text += f" — {group}"
        if values:
            text += ": " + "; ".join(f"{col}: {val}" for col, val in values)
        if table.unit and values:
            text += f" ({table.unit})"
        out.append(RowText(number, text, label, row.line_start, row.line_end))
    return out
