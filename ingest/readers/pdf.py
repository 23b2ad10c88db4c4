"""PDF with a text layer: paragraphs re-joined from wrapped lines, tables from ruling lines, page breaks repaired."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from ingest.errors import BinaryFileError, LimitExceededError, NoTextLayerError, UnsupportedFormatError
from ingest.limits import ParseLimits, vi_number
from ingest.readers.layout import table_lines

_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")


def inflated_size(data: bytes, limit: int) -> int:
    """Total size the zlib-compressed streams of a PDF inflate to, counted in 1 MB steps without keeping any
    output; stops once past `limit`. A stream that is not zlib data (images, other filters) counts 0."""
    total = 0
    for match in _STREAM_START.finditer(data):
        inflater = zlib.decompressobj()
        position = match.end()
        pending = b""
        try:
            while not inflater.eof:
                if not pending:
                    if position >= len(data):
                        break
                    pending = data[position : position + (1 << 16)]
                    position += len(pending)
                total += len(inflater.decompress(pending, 1 << 20))
                pending = inflater.unconsumed_tail
                if total > limit:
                    return total
        except zlib.error:
            continue
    return total


def check_pdf(path: Path, name: str, limits: ParseLimits) -> None:
    """Refuse a flate bomb before pdfminer inflates any stream whole."""
    inflated = inflated_size(path.read_bytes(), limits.max_unpacked_bytes)
    if inflated > limits.max_unpacked_bytes:
        raise LimitExceededError(
            name, f"streams inflate to more than {limits.max_unpacked_bytes} bytes",
            f"các luồng nén trong tệp PDF giải nén ra hơn {vi_number(limits.max_unpacked_bytes // 1_000_000)} MB "
            "(tệp nén bất thường).")


def read_pdf(path: Path, name: str | None = None, limits: ParseLimits | None = None) -> list[str]:
    name = name or str(path)
    limits = limits or ParseLimits()
    check_pdf(path, name, limits)
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - pdfplumber is a project dependency
        raise UnsupportedFormatError(name, "pdfplumber is not installed (pip install pdfplumber)") from exc

    try:
        with pdfplumber.open(str(path)) as pdf:
            if len(pdf.pages) > limits.max_pages:
                raise LimitExceededError(
                    name, f"{len(pdf.pages)} pages > limit {limits.max_pages}",
                    f"tệp PDF có {vi_number(len(pdf.pages))} trang, vượt quá giới hạn {vi_number(limits.max_pages)} "
                    "trang; hãy tách thành nhiều tệp.")
            items: list[str | list[list[str]]] = []
            ended_full = False
            for page in pdf.pages:
                page_items, next_ended_full = _pdf_page_items(page)
                # A laid-out page keeps its characters and layout cached (about 10 MB a page): let them go.
                page.close()
                if ended_full and page_items and isinstance(page_items[0], str) and items[-1] == "":
                    first = page_items[0]
                    if isinstance(items[-2], str) and not _starts_item(first):
                        # The last line of the previous page ran to the margin: the paragraph goes on here.
                        items.pop()
                        items[-1] = f"{items[-1]} {page_items.pop(0)}"
                        items.append("")
                ended_full = next_ended_full
                if items and items[-1] == "" and len(items) > 1 and isinstance(items[-2], list):
                    if page_items and isinstance(page_items[0], list):
                        items.pop()  # no page break inside a table
                if page_items and isinstance(page_items[0], list) and items and isinstance(items[-1], list):
                    # A table running over a page break: one table, its repeated header row dropped.
                    previous, following = items[-1], page_items.pop(0)
                    assert isinstance(following, list)
                    if following and len(following[0]) == len(previous[0]):
                        previous.extend(following[1:] if following[0] == previous[0] else following)
                    else:
                        page_items.insert(0, following)
                items.extend(page_items)
                items.append("")  # page break: markdown-style joining repairs split paragraphs
    except (LimitExceededError, MemoryError):
        raise
    except Exception as exc:  # pdfplumber/pdfminer raise many kinds on damaged files
        raise BinaryFileError(name, f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    lines: list[str] = []
    for item in items:
        if isinstance(item, list):
            lines.extend(table_lines(item))
        else:
            lines.append(item)
    if not any(line.strip() for line in lines):
        raise NoTextLayerError(name, "no text layer (scanned PDF?); OCR it first")
    return lines


def _starts_item(text: str) -> bool:
    from ingest.structure import classify

    return classify(text).kind != "para"


def _pdf_page_items(page) -> tuple[list[str | list[list[str]]], bool]:  # type: ignore[no-untyped-def]
    """Paragraphs (wrapped lines re-joined) and tables (lists of rows) of one page, top to bottom, and
    whether the page's last text line runs to the right margin (its paragraph may go on on the next page)."""
    # Table finding is the slow part; without ruling lines the default strategy finds nothing anyway.
    tables = [t for t in page.find_tables() if len(t.rows) >= 2] if (page.lines or page.rects) else []
    boxes = [t.bbox for t in tables]
    items: list[tuple[float, str | list[list[str]]]] = []
    ended_full = False
    for table in tables:
        items.append((table.bbox[1], [[" ".join((c or "").split()) for c in row] for row in table.extract()]))
    text_lines = [
        ln
        for ln in page.extract_text_lines(layout=False, strip=True)
        if not any(
            x0 <= ln["x0"] and ln["x1"] <= x1 + 1 and top <= ln["top"] <= bottom for x0, top, x1, bottom in boxes
        )
    ]
    if text_lines:
        right = max(ln["x1"] for ln in text_lines)
        heights = sorted(ln["bottom"] - ln["top"] for ln in text_lines)
        height = heights[len(heights) // 2]
        paragraph: list[str] = []
        top = text_lines[0]["top"]
        previous = None
        for ln in text_lines:
            text = ln["text"]
            wrapped = (
                previous is not None
                and _ran_to_margin(previous, text, ln, right)
                and ln["top"] - previous["bottom"] < 0.6 * height
                and not _starts_item(text)
            )
            if paragraph and not wrapped:
                items.append((top, " ".join(paragraph)))
                paragraph = []
            if not paragraph:
                top = ln["top"]
            paragraph.append(text)
            previous = ln
        if paragraph:
            items.append((top, " ".join(paragraph)))
        last = text_lines[-1]
        ended_full = last["x1"] >= right - 6 * height and not any(top > last["top"] for _, top, _, _ in boxes)
    items.sort(key=lambda item: item[0])
    return [item for _, item in items], ended_full


def _ran_to_margin(previous: dict, text: str, line: dict, right: float) -> bool:  # type: ignore[type-arg]
    """A line was wrapped when the next line's first word would not have fitted after it."""
    char_width = (line["x1"] - line["x0"]) / max(1, len(text))
    first_word = text.split(" ", 1)[0]
    return right - previous["x1"] < (len(first_word) + 2) * char_width


