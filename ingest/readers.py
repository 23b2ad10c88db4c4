"""Reading source files into lines, with the checks that turn bad input into clear errors.

`read_lines(path, max_bytes)` returns a `SourceText`: the decoded lines of the file and its format.
Plain text and markdown keep their real lines, so clause line numbers point into the file.
.docx, .pdf and .html have no lines of their own: their readers (bottom of this module) emit one line
per paragraph, and tables in the flattened
one-cell-per-line layout that `ingest.tables` rebuilds (cells indented by a tab, blank line between rows).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ingest.errors import (
    BinaryFileError,
    EmptyFileError,
    EncodingError,
    FileTooLargeError,
    IngestError,
    NoTextLayerError,
    UnsupportedFormatError,
)

SourceFormat = Literal["txt", "md", "docx", "pdf", "html"]
FORMATS: dict[str, SourceFormat] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
}
SUPPORTED_EXTENSIONS = frozenset(FORMATS)


@dataclass(frozen=True)
class SourceText:
    path: Path
    format: SourceFormat
    lines: list[str]
    encoding: str
    sha256: str


def read_lines(path: Path, max_bytes: int = 20_000_000) -> SourceText:
    """Read `path` into lines; raises an `IngestError` subclass naming the file and the reason."""
    name = str(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise UnsupportedFormatError(name, f"extension '{path.suffix or '(none)'}' (supported: {supported})")
    if not path.is_file():
        raise IngestError(name, "file does not exist or is not a regular file")
    size = path.stat().st_size
    if size > max_bytes:
        raise FileTooLargeError(name, f"{size} bytes > limit {max_bytes}")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise EmptyFileError(name, "no content" if not data else "only whitespace")
    if fmt in ("txt", "md", "html"):
        text, encoding = decode_text(data, name)
        if fmt == "html":
            lines = _html_to_lines(text)
        else:
            lines = split_lines(text)
    elif fmt == "docx":
        lines, encoding = _read_docx(path), "docx"
    else:
        lines, encoding = _read_pdf(path), "pdf"
    if not any(line.strip() for line in lines):
        raise EmptyFileError(name, "no text content")
    return SourceText(path=path, format=fmt, lines=lines, encoding=encoding, sha256=digest)


def split_lines(text: str) -> list[str]:
    """Split on line breaks only (not on the other characters str.splitlines() treats as breaks)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# --- encodings ------------------------------------------------------------------------------------

_CONTROL_OK = {9, 10, 12, 13}
# TCVN3 (ABC) puts lower-case accented vowels on 0xA1-0xBF and 0xC6-0xFE: in Windows-1258 those bytes are
# symbols (¸ µ ª ® ­ ¬ ...) that real text hardly uses.
_TCVN3_BYTES = frozenset(range(0xA1, 0xC0))
# VNI writes a base vowel followed by a tone/shape byte (aø = à, aù = á, eâ = ê, ...).
_VNI_PAIR = re.compile(rb"[aeiouyAEIOUY][\xf8\xf9\xfb\xf5\xef\xe2\xea\xf6\xe1\xe0\xe3\xe4\xe5\xec\xed\xf2\xf3]")
_VIETNAMESE_LETTERS = frozenset(
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵfjwz"
)


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1258; refuse TCVN3/VNI and binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise EncodingError(name, f"invalid UTF-16 at byte {exc.start}") from exc
    sample = data[:65536]
    if b"\x00" in sample:
        raise BinaryFileError(name, "contains NUL bytes")
    controls = sum(1 for b in sample if b < 32 and b not in _CONTROL_OK)
    if controls > max(8, len(sample) // 50):
        raise BinaryFileError(name, f"{controls} control bytes in the first {len(sample)} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        legacy = detect_legacy_encoding(data)
        if legacy == "windows-1258":
            text = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
            return text, "windows-1258"
        if legacy is not None:
            raise EncodingError(
                name, f"legacy Vietnamese encoding {legacy} detected; convert the file to UTF-8 (e.g. with UniKey)"
            ) from exc
        raise EncodingError(name, f"invalid UTF-8 at byte {exc.start} and no known Vietnamese encoding") from exc
    return unicodedata.normalize("NFC", text), "utf-8"


def detect_legacy_encoding(data: bytes) -> str | None:
    """Name the legacy Vietnamese encoding of non-UTF-8 bytes: 'windows-1258', 'TCVN3', 'VNI', or None."""
    high = [b for b in data if b >= 0x80]
    if not high:
        return None
    tcvn3_share = sum(1 for b in high if b in _TCVN3_BYTES) / len(high)
    vni_pairs = len(_VNI_PAIR.findall(data))
    cp1258 = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    letters = [c for c in cp1258.lower() if c.isalpha() and not c.isascii()]
    vietnamese_share = sum(1 for c in letters if c in _VIETNAMESE_LETTERS) / max(1, len(letters))
    if vietnamese_share > 0.9 and tcvn3_share < 0.2:
        return "windows-1258"
    if tcvn3_share >= 0.3:
        return "TCVN3"
    if vni_pairs >= max(3, len(high) // 4):
        return "VNI"
    return None


# --- docx, pdf, html -----------------------------------------------------------------------------
# These formats have no lines of their own: each paragraph becomes one line, and each table is written in
# the flattened layout ingest.tables rebuilds (a blank line, then per row one tab-indented line per cell and
# a blank line). Line numbers of clauses from these formats are paragraph positions, not file lines.

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _table_lines(rows: list[list[str]]) -> list[str]:
    lines: list[str] = []
    for row in rows:
        cells = [" ".join(cell.split()) for cell in row]
        if not any(cells):
            continue
        lines.extend("\t" + (cell or "\u00a0") for cell in cells)
        lines.append("")
    return lines


def _read_docx(path: Path) -> list[str]:
    import zipfile

    try:
        import docx
    except ImportError as exc:  # pragma: no cover - python-docx is a project dependency
        raise UnsupportedFormatError(str(path), "python-docx is not installed (pip install python-docx)") from exc
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, Exception) as exc:  # python-docx raises many kinds
        raise BinaryFileError(str(path), f"not a readable .docx file ({exc})") from exc
    numbering = _WordNumbering(document)
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == f"{_W}p":
            paragraph = docx.text.paragraph.Paragraph(element, document)
            text = " ".join(paragraph.text.split())
            prefix = numbering.label(paragraph)
            if prefix and text and not re.match(r"^(\S{1,8}[.)]|[-+*•])\s", text):
                text = f"{prefix} {text}"
            style = paragraph.style.name if paragraph.style is not None else ""
            if text and re.match(r"^(Heading|Title)\b", style or ""):
                text = "# " + text
            lines.append(text)
        elif element.tag == f"{_W}tbl":
            table = docx.table.Table(element, document)
            rows = [[cell.text for cell in _unique_cells(row)] for row in table.rows]
            lines.extend(_table_lines(rows))
    return lines


def _unique_cells(row):  # type: ignore[no-untyped-def]
    """python-docx repeats a merged cell for every grid column it spans; keep it once."""
    seen: list[object] = []
    for cell in row.cells:
        if not any(cell._tc is other for other in seen):
            seen.append(cell._tc)
            yield cell


class _WordNumbering:
    """Turns Word automatic numbering (numPr) into the text a reader sees: "1.", "a)", "II.", "-"."""

    def __init__(self, document) -> None:  # type: ignore[no-untyped-def]
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(f"{_W}abstractNumId"): a for a in root.iter(f"{_W}abstractNum")}
        for num in root.iter(f"{_W}num"):
            num_id = num.get(f"{_W}numId")
            ref = num.find(f"{_W}abstractNumId")
            definition = abstract.get(ref.get(f"{_W}val")) if ref is not None else None
            if definition is None:
                continue
            for lvl in definition.iter(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                self.levels[(num_id, int(lvl.get(f"{_W}ilvl", "0")))] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    text.get(f"{_W}val") if text is not None else "%1.",
                    int(start.get(f"{_W}val")) if start is not None else 1,
                )

    def _num_pr(self, paragraph):  # type: ignore[no-untyped-def]
        ppr = paragraph._p.pPr
        if ppr is not None and ppr.numPr is not None:
            return ppr.numPr
        style = paragraph.style
        while style is not None:
            spr = style.element.pPr
            if spr is not None and spr.numPr is not None:
                return spr.numPr
            style = style.base_style
        return None

    def label(self, paragraph) -> str | None:  # type: ignore[no-untyped-def]
        num_pr = self._num_pr(paragraph)
        if num_pr is None or num_pr.numId is None:
            return None
        num_id = str(num_pr.numId.val)
        level = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        if (num_id, level) not in self.levels:
            return None
        fmt, template, start = self.levels[(num_id, level)]
        if fmt == "bullet":
            return template if template in ("-", "+", "*", "–") else "-"
        counters = self.counters.setdefault(num_id, [0] * 9)
        counters[level] = counters[level] + 1 if counters[level] else start
        for deeper in range(level + 1, 9):
            counters[deeper] = 0

        def render(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            value = counters[index] or self.levels.get((num_id, index), ("decimal", "", 1))[2]
            return _format_number(value, self.levels.get((num_id, index), (fmt, "", 1))[0])

        return re.sub(r"%(\d)", render, template) or None


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letter = "abcdefghijklmnopqrstuvwxyz"[(value - 1) % 26]
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman"):
        numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        out, rest = "", value
        for amount, numeral in numerals:
            while rest >= amount:
                out, rest = out + numeral, rest - amount
        return out if fmt == "upperRoman" else out.lower()
    return str(value)


def _read_pdf(path: Path) -> list[str]:
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - pdfplumber is a project dependency
        raise UnsupportedFormatError(str(path), "pdfplumber is not installed (pip install pdfplumber)") from exc
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(str(path)) as pdf:
            items: list[str | list[list[str]]] = []
            ended_full = False
            for page in pdf.pages:
                page_items, next_ended_full = _pdf_page_items(page)
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
    except (PDFSyntaxError, Exception) as exc:  # pdfplumber/pdfminer raise many kinds on damaged files
        raise BinaryFileError(str(path), f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    lines: list[str] = []
    for item in items:
        if isinstance(item, list):
            lines.extend(_table_lines(item))
        else:
            lines.append(item)
    if not any(line.strip() for line in lines):
        raise NoTextLayerError(str(path), "no text layer (scanned PDF?); OCR it first")
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


def _html_to_lines(text: str) -> list[str]:
    from html.parser import HTMLParser

    class _Collector(HTMLParser):
        BLOCKS = {"p", "div", "br", "li", "section", "article", "header", "footer", "blockquote", "pre", "dt", "dd",
                  "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "ul", "ol", "hr", "body", "main", "caption"}  # fmt: skip
        SKIP = {"script", "style", "noscript", "template", "head", "svg"}

        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.lines: list[str] = []
            self.buffer: list[str] = []
            self.skip_depth = 0
            self.lists: list[list[int]] = []  # per open list: [is_ordered, counter]
            self.row: list[str] | None = None
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None
            self.table_depth = 0
            self.heading = 0

        def flush(self) -> None:
            text = " ".join("".join(self.buffer).split())
            self.buffer = []
            if text:
                self.lines.append(("#" * self.heading + " " + text) if self.heading else text)

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in self.SKIP:
                self.skip_depth += 1
                return
            if self.cell is not None and tag != "td" and tag != "th" and tag != "tr":
                if tag in ("br", "p", "li", "div"):
                    self.cell.append(" ")
                return
            if tag == "table":
                self.flush()
                self.table_depth += 1
                self.rows = []
            elif tag == "tr" and self.table_depth:
                self.row = []
            elif tag in ("td", "th") and self.row is not None:
                self.cell = []
            elif tag in ("ul", "ol"):
                self.flush()
                self.lists.append([1 if tag == "ol" else 0, 0])
            elif tag == "li":
                self.flush()
                if self.lists:
                    ordered, count = self.lists[-1]
                    self.lists[-1][1] = count + 1
                    self.buffer.append(f"{count + 1}. " if ordered else "- ")
            elif tag in self.BLOCKS:
                self.flush()
                if tag[0] == "h" and tag[1:].isdigit():
                    self.heading = int(tag[1:])

        def handle_endtag(self, tag: str) -> None:
            if tag in self.SKIP:
                self.skip_depth = max(0, self.skip_depth - 1)
                return
            if tag in ("td", "th") and self.cell is not None and self.row is not None:
                self.row.append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif tag == "tr" and self.row is not None:
                self.rows.append(self.row)
                self.row = None
            elif tag == "table" and self.table_depth:
                self.table_depth -= 1
                self.lines.extend(_table_lines(self.rows))
                self.rows = []
            elif self.cell is not None:
                return
            elif tag in ("ul", "ol") and self.lists:
                self.flush()
                self.lists.pop()
            elif tag in self.BLOCKS:
                self.flush()
                self.heading = 0

        def handle_data(self, data: str) -> None:
            if self.skip_depth:
                return
            (self.cell if self.cell is not None else self.buffer).append(data)

    collector = _Collector()
    collector.feed(text)
    collector.close()
    collector.flush()
    return collector.lines
