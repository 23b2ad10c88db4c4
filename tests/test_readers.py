"""Reading files: bad input becomes the matching IngestError naming the file; legacy encodings are detected."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ingest.errors import (
    BinaryFileError,
    EmptyFileError,
    EncodingError,
    FileTooLargeError,
    IngestError,
    NoStructureError,
    UnsupportedFormatError,
)
from ingest.pipeline import parse_file, parse_paths
from ingest.readers import detect_legacy_encoding, read_lines

ROOT = Path(__file__).resolve().parents[1]
NOTICE = ROOT / "corpus" / "thong-bao-ket-luan-bcd-ktt-2016.txt"
SAMPLE = (
    "KẾ HOẠCH\nPhát triển hợp tác xã trên địa bàn tỉnh năm 2017\n"
    "I. MỤC TIÊU\n1. Mục tiêu tổng quát\n- Củng cố, đổi mới và nâng cao hiệu quả hoạt động của hợp tác xã.\n"
    "- Hỗ trợ thành lập mới ít nhất 25 hợp tác xã, tổ hợp tác mỗi năm.\n"
)
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps â ê ô ă ơ ư đ precomposed and writes the five tones as combining marks."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        out.append(base + "".join(p for p in parts if p in _TONES))
    return "".join(out).encode("cp1258")


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


BAD_INPUTS = [
    ("empty.txt", b"", EmptyFileError, "no content"),
    ("blank.txt", b" \n\t\n  \n", EmptyFileError, "whitespace"),
    ("nul.txt", b"Ke hoach\x00\x00\x01binary" * 20, BinaryFileError, "NUL"),
    ("controls.txt", bytes(range(1, 9)) * 50 + b"text", BinaryFileError, "control bytes"),
    ("tcvn3.txt", "Kinh tÕ tËp thÓ ph¸t triÓn hîp t¸c x· trªn ®Þa bµn tØnh. ".encode("latin-1") * 5, EncodingError,
     "TCVN3"),
    ("vni.txt", "Hôïp taùc xaõ phaùt trieån treân ñòa baøn tænh. Keá hoaïch naêm 2017. ".encode("cp1252") * 5,
     EncodingError, "VNI"),
    ("latin.txt", b"\x81\x8d\x8f\x90\x9d" * 40, EncodingError, "UTF-8"),
    ("image.png", b"\x89PNG\r\n\x1a\n", UnsupportedFormatError, ".png"),
    ("short.txt", "Ghi chú ngắn.", NoStructureError, "characters"),
    ("random.txt", "qwpoeiruty zmxncbv aslkdjfhg " * 10, NoStructureError, "no numbering"),
    ("gibberish.txt", "x8f7s6d5f4g3h2j1k0lqwertyuiopasdfghjkl " * 10, NoStructureError, "runs of characters"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "error", "detail"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_raises_named_error(tmp_path: Path, name: str, data: bytes | str, error: type, detail: str) -> None:
    path = write(tmp_path, name, data)
    with pytest.raises(error) as caught:
        parse_file(path)
    assert str(path) in str(caught.value)
    assert detail in str(caught.value)
    assert caught.value.file == str(path)
    assert caught.value.message and caught.value.code  # Vietnamese message and stable code for the API/CLI


def test_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", SAMPLE * 10)
    with pytest.raises(FileTooLargeError, match="limit 100"):
        parse_file(path, max_bytes=100)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="does not exist"):
        parse_file(tmp_path / "nothing.txt")


def test_windows_1258_is_converted(tmp_path: Path) -> None:
    path = write(tmp_path, "cp1258.txt", to_cp1258(SAMPLE))
    assert detect_legacy_encoding(path.read_bytes()) == "windows-1258"
    source = read_lines(path)
    assert source.encoding == "windows-1258"
    assert source.lines[1] == "Phát triển hợp tác xã trên địa bàn tỉnh năm 2017"
    document = parse_file(path)
    assert [c.path for c in document.clauses] == ["p1", "p2", "I", "I.1", "I.1.-1", "I.1.-2"]


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (SAMPLE.encode("utf-8-sig"), "utf-8"),
        (SAMPLE.encode("utf-16"), "utf-16"),
        (SAMPLE.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
        (unicodedata.normalize("NFD", SAMPLE).encode("utf-8"), "utf-8"),
    ],
    ids=["bom", "utf16", "crlf", "nfd"],
)
def test_unicode_variants_give_the_same_clauses(tmp_path: Path, encoded: bytes, encoding: str) -> None:
    reference = parse_file(write(tmp_path, "ref.txt", SAMPLE))
    path = write(tmp_path, "variant.txt", encoded)
    assert read_lines(path).encoding == encoding
    variant = parse_file(path)
    assert [(c.path, c.text, c.line_start) for c in variant.clauses] == [
        (c.path, c.text, c.line_start) for c in reference.clauses
    ]


def test_a_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    good = write(tmp_path, "good.txt", SAMPLE)
    write(tmp_path, "empty.txt", b"")
    write(tmp_path, "notes.csv", "a,b\n1,2\n")  # unsupported extensions are skipped inside folders
    write(tmp_path, "manifest.json", '{"files": {}}')
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "nested.md", "# KẾ HOẠCH\n\n## **I. MỤC TIÊU**\n\n- Thành lập mới 25 hợp tác xã mỗi năm.\n")
    documents, errors = parse_paths([tmp_path])
    assert sorted(Path(d.document.source_file).name for d in documents) == ["good.txt", "nested.md"]
    assert [type(e) for e in errors] == [EmptyFileError]
    single, _ = parse_paths([good, NOTICE])
    assert len(single) == 2


def test_manifest_errors_name_the_field(tmp_path: Path) -> None:
    write(tmp_path, "plan.txt", SAMPLE)
    write(tmp_path, "manifest.json", '{"files": {"plan.txt": {"provnce": "Lâm Đồng"}}}')
    with pytest.raises(IngestError, match=r"files\.plan\.txt\.provnce"):
        parse_file(tmp_path / "plan.txt")


# --- .docx, .pdf, .html: the same clauses as the text version ----------------------------------------

HOA_BINH = ROOT / "corpus" / "hoa-binh_kh-bcd-ktt-2017.txt"
LAM_DONG = ROOT / "corpus" / "lam-dong_kh-thuc-hien-ct-12-2018.txt"


def split_seed(path: Path) -> tuple[list[str], list[list[str]]]:
    """Body paragraphs of a seed and the rows of its flattened appendix table (if any)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    body: list[str] = []
    rows: list[list[str]] = []
    current: list[str] = []
    table_started = False
    for index, line in enumerate(lines):
        # The table starts at the first run of 3+ tab-indented lines.
        if line.startswith("\t") and all(following.startswith("\t") for following in lines[index : index + 3]):
            table_started = True
        if table_started:
            if line.startswith("\t"):
                current.append(line.strip(" \t\u00a0"))
            elif current:
                rows.append(current)
                current = []
        else:
            body.append(line.strip(" \t\u00a0"))
    return body, rows


def clause_view(path: Path) -> list[tuple[str, str, str]]:
    return [(c.path, c.kind, " ".join(c.text.split())) for c in parse_file(path).clauses]


@pytest.mark.slow
def test_docx_gives_the_same_clauses(tmp_path: Path) -> None:
    import docx

    body, rows = split_seed(HOA_BINH)
    document = docx.Document()
    for text in body:
        document.add_paragraph(text)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    path = tmp_path / "hoa-binh.docx"
    document.save(str(path))
    assert clause_view(path) == clause_view(HOA_BINH)
    parsed = parse_file(path).document
    assert (parsed.province, parsed.signer, parsed.type) == ("Hòa Bình", "Nguyễn Văn Dũng", "Kế hoạch")


def test_docx_automatic_numbering_becomes_text(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("KẾ HOẠCH phát triển hợp tác xã", level=1)
    document.add_paragraph("Căn cứ Luật Hợp tác xã năm 2012, Ủy ban nhân dân tỉnh ban hành kế hoạch như sau:")
    document.add_paragraph("Mục tiêu chung của kế hoạch", style="List Number")
    document.add_paragraph("Thành lập mới 25 hợp tác xã mỗi năm.", style="List Bullet")
    document.add_paragraph("Tổ chức thực hiện", style="List Number")
    document.add_paragraph("Sở Tài chính bố trí kinh phí.", style="List Bullet")
    path = tmp_path / "numbered.docx"
    document.save(str(path))
    assert read_lines(path).lines[2:] == [
        "1. Mục tiêu chung của kế hoạch",
        "- Thành lập mới 25 hợp tác xã mỗi năm.",
        "2. Tổ chức thực hiện",
        "- Sở Tài chính bố trí kinh phí.",
    ]
    assert [c.path for c in parse_file(path).clauses] == ["p1", "p2", "1", "1.-1", "2", "2.-1"]


def _pdf(body: list[str], rows: list[list[str]], path: Path, landscape: bool) -> Path:
    import matplotlib
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    font = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdf = FPDF(orientation="L" if landscape else "P")
    pdf.add_font("dejavu", fname=str(font))
    pdf.set_font("dejavu", size=10)
    pdf.add_page()
    for text in body:
        if text:
            pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    if rows:
        pdf.set_font("dejavu", size=7)
        with pdf.table(headings_style=FontFace(emphasis=None)) as table:
            for row in rows:
                cells = table.row()
                for value in row:
                    cells.cell(value)
    pdf.output(str(path))
    return path


@pytest.mark.slow
@pytest.mark.parametrize("seed", [HOA_BINH, LAM_DONG], ids=["hoa-binh-with-table", "lam-dong-multipage"])
def test_pdf_gives_the_same_clauses(tmp_path: Path, seed: Path) -> None:
    body, rows = split_seed(seed)
    path = _pdf(body, rows, tmp_path / f"{seed.stem}.pdf", landscape=bool(rows))
    # Wrapped lines, paragraphs running over page breaks and a table split over two pages (with its header
    # repeated) all come back as in the text version.
    assert clause_view(path) == clause_view(seed)


def test_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a "scan": graphics only
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(EmptyFileError, match="no text layer"):
        parse_file(path)


def test_corrupt_docx_and_pdf_are_refused(tmp_path: Path) -> None:
    for name in ("broken.docx", "broken.pdf"):
        path = write(tmp_path, name, b"PK\x03\x04 not really" if name.endswith("docx") else b"%PDF-1.4 garbage")
        with pytest.raises(IngestError) as caught:
            parse_file(path)
        assert str(path) in str(caught.value)


def test_html_gives_the_same_clauses(tmp_path: Path) -> None:
    import html

    body, rows = split_seed(HOA_BINH)
    parts = [
        "<html><head><title>Kế hoạch</title><style>p { color: red }</style></head><body>",
        "<script>var fake = '1. không phải văn bản';</script>",
    ]
    parts += [f"<p>{html.escape(text)}</p>" for text in body if text]
    parts.append("<table>")
    parts += ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows]
    parts.append("</table></body></html>")
    path = write(tmp_path, "hoa-binh.html", "\n".join(parts))
    assert clause_view(path) == clause_view(HOA_BINH)
    assert "fake" not in " ".join(c.text for c in parse_file(path).clauses)


def test_html_lists_headings_and_entities(tmp_path: Path) -> None:
    page = (
        "<h1>KẾ HOẠCH</h1><p>Căn cứ Luật Hợp tác xã, Ủy ban nhân dân tỉnh ban hành kế hoạch.</p>"
        "<h2>I. MỤC TIÊU</h2><ol><li>Thành lập mới 25 HTX &amp; 30 THT.</li><li>Tăng thu nhập.</li></ol>"
        "<ul><li>Hỗ trợ vốn<br>cho HTX.</li></ul>"
    )
    path = write(tmp_path, "plan.htm", page)
    clauses = parse_file(path).clauses
    assert [(c.path, c.kind) for c in clauses] == [
        ("p1", "heading"), ("p2", "paragraph"), ("I", "heading"), ("I.1", "paragraph"), ("I.2", "paragraph"),
        ("I.2.-1", "bullet"),
    ]  # fmt: skip
    assert clauses[3].text == "1. Thành lập mới 25 HTX & 30 THT."
